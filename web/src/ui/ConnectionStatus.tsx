import { useI18n } from '../i18n/useI18n.ts';
import { useStore } from '../state/store.ts';
import './connection.css';

/** Connection state (`connection-status`, data-state): a dot when online, a banner otherwise. */
export function ConnectionStatus() {
  const state = useStore((s) => s.connection);
  const { t } = useI18n();
  return (
    <div
      className={`connection-status connection-${state}`}
      data-testid="connection-status"
      data-state={state}
      role="status"
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className={state === 'online' ? 'sr-only' : 'connection-text'}>{t(`connection.${state}`)}</span>
    </div>
  );
}
