import { useI18n } from '../i18n/useI18n.ts';

/** The small "Page" mark beside the name of a business page (search results, conversation list, thread). */
export function PageBadge() {
  const { t } = useI18n();
  return (
    <span className="page-badge" data-testid="page-badge">
      {t('page.badge')}
    </span>
  );
}
