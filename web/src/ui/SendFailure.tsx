import { useI18n } from '../i18n/useI18n.ts';

/** Under a message that could not be sent: why, and Retry / Discard (the messenger's thread and a page's inbox). */
export function SendFailure(props: { className: string; label: string; onRetry: () => void; onDiscard: () => void }) {
  const { t } = useI18n();
  return (
    <div className={props.className} role="alert">
      <span>{props.label}</span>
      <button type="button" className="link-button" onClick={props.onRetry}>
        {t('message.retry')}
      </button>
      <button type="button" className="link-button" onClick={props.onDiscard}>
        {t('message.discard')}
      </button>
    </div>
  );
}
