import { useI18n } from '../i18n/useI18n.ts';
import { useStore } from '../state/store.ts';
import type { ConnectionState } from '../state/types.ts';
import './connection.css';

/**
 * Connection state (`connection-status`, data-state): a dot when online, a banner otherwise. The app's own
 * socket by default; another one (a page's inbox) passes its `state` and a test id of its own.
 */
export function ConnectionStatus({ state: given, testId }: { state?: ConnectionState; testId?: string } = {}) {
  const own = useStore((s) => s.connection);
  const state = given ?? own;
  const { t } = useI18n();
  return (
    <div
      className={`connection-status connection-${state}`}
      data-testid={testId ?? 'connection-status'}
      data-state={state}
      role="status"
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className={state === 'online' ? 'sr-only' : 'connection-text'}>{t(`connection.${state}`)}</span>
    </div>
  );
}
