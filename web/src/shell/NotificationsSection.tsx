import { setNotificationPrefs, turnOnNotifications, useNotifications } from '../app/notifications.ts';
import { useI18n } from '../i18n/useI18n.ts';

/**
 * Settings, "Notifications" (this device): desktop notifications on or off — turning them on asks the
 * browser's permission if it was never given —, and the sound.
 */
export function NotificationsSection() {
  const { t } = useI18n();
  const prefs = useNotifications((s) => s.prefs);
  const permission = useNotifications((s) => s.permission);
  const on = prefs.enabled && permission === 'granted';
  const hint =
    permission === 'unsupported'
      ? t('notifications.unsupported')
      : permission === 'denied'
        ? t('notifications.denied')
        : t('notifications.desktop.hint');

  return (
    <section className="settings-section" aria-labelledby="settings-notifications" data-testid="settings-notifications">
      <h3 id="settings-notifications" className="section-title">
        {t('notifications.title')}
      </h3>
      <label className="checkbox-row" htmlFor="notifications-desktop">
        <input
          id="notifications-desktop"
          type="checkbox"
          data-testid="notifications-desktop"
          checked={on}
          disabled={permission === 'unsupported' || permission === 'denied'}
          aria-describedby="notifications-desktop-hint"
          onChange={(e) => {
            if (e.target.checked) void turnOnNotifications();
            else setNotificationPrefs({ enabled: false });
          }}
        />
        <span>
          {t('notifications.desktop')}
          <span className="field-hint" id="notifications-desktop-hint">
            {hint}
          </span>
        </span>
      </label>
      <label className="checkbox-row" htmlFor="notifications-sound">
        <input
          id="notifications-sound"
          type="checkbox"
          data-testid="notifications-sound"
          checked={prefs.sound}
          onChange={(e) => setNotificationPrefs({ sound: e.target.checked })}
        />
        <span>{t('notifications.sound')}</span>
      </label>
    </section>
  );
}
