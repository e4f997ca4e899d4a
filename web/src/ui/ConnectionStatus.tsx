import { useI18n } from '../i18n/useI18n.ts';
import { useStore } from '../state/store.ts';
import type { ConnectionState } from '../state/types.ts';
import './connection.css';

/**
 * Connection state (`connection-status`, data-state): a dot when online, a banner otherwise. The app's own
 * socket by default; another one (a page's inbox) passes its `state` and a test id of its own. `compact`
 * (a header row): one short word when offline, the whole sentence on hover — the caller shows it in full
 * with `ConnectionNote`.
 */
export function ConnectionStatus({
  state: given,
  testId,
  compact = false,
}: {
  state?: ConnectionState;
  testId?: string;
  compact?: boolean;
} = {}) {
  const own = useStore((s) => s.connection);
  const state = given ?? own;
  const { t } = useI18n();
  const short = compact && state === 'offline';
  return (
    <div
      className={`connection-status connection-${state}${compact ? ' connection-compact' : ''}`}
      data-testid={testId ?? 'connection-status'}
      data-state={state}
      role="status"
      title={short ? t('connection.offline') : undefined}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className={state === 'online' ? 'sr-only' : 'connection-text'}>
        {short ? t('connection.offlineShort') : t(`connection.${state}`)}
      </span>
    </div>
  );
}

/** What being offline means, in full (wrapping), under a header that shows a compact `ConnectionStatus`. */
export function ConnectionNote() {
  const state = useStore((s) => s.connection);
  const { t } = useI18n();
  if (state !== 'offline') return null;
  return (
    <p className="connection-note" data-testid="connection-note">
      {t('connection.offline')}
    </p>
  );
}
