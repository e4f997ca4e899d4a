import { setNotificationPrefs, turnOnNotifications, useNotifications } from '../app/notifications.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { IconClose } from '../ui/Icons.tsx';

/**
 * A polite offer to turn desktop notifications on: shown while the browser was never asked (nothing is
 * asked on load), until the person turns them on or dismisses it (kept per device).
 */
export function NotificationBanner() {
  const { t } = useI18n();
  const show = useNotifications((s) => s.permission === 'default' && s.prefs.enabled && !s.prefs.bannerDismissed);
  if (!show) return null;
  return (
    <section className="notification-banner" aria-label={t('notifications.title')} data-testid="notification-banner">
      <span>{t('notifications.banner')}</span>
      <button
        type="button"
        className="button button-small button-primary"
        data-testid="notification-banner-on"
        onClick={() => void turnOnNotifications()}
      >
        {t('notifications.turnOn')}
      </button>
      <button
        type="button"
        className="icon-button"
        data-testid="notification-banner-dismiss"
        aria-label={t('notifications.dismiss')}
        onClick={() => setNotificationPrefs({ bannerDismissed: true })}
      >
        <IconClose />
      </button>
    </section>
  );
}
