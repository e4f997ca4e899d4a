import { useEffect, useId, useRef, useState } from 'react';
import type { AppPageView } from '../../../protocol/views.ts';
import { loadMyPages } from '../app/pages.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { shallowEqual, useStore } from '../state/store.ts';
import type { State } from '../state/types.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { connectPage, revokePage } from './actions.ts';
import type { Once } from './OnceDialog.tsx';

const noPages: AppPageView[] = [];

/** The pages I administer, by name: the ones I may connect an app to. Read with shallowEqual. */
function adminPages(state: State): { id: string; name: string }[] {
  return Object.values(state.myPages ?? {})
    .filter((p) => p.role === 'admin')
    .map((p) => ({ id: p.page.id, name: p.page.name }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

type Pending = { kind: 'replace' | 'revoke'; pageId: string; name: string };

/**
 * The pages the app acts for — each with a new token (the old one revoked) or a revocation, confirmed first —
 * and the form that connects it to one more page I administer. A token is shown once.
 */
export function PagesSection({ appId, onShowOnce }: { appId: string; onShowOnce: (once: Once) => void }) {
  const { t, te, dateTime } = useI18n();
  const selectId = useId();
  const connected = useStore((s) => s.apps?.[appId]?.detail?.pages ?? noPages);
  const loaded = useStore((s) => s.apps?.[appId]?.detail != null);
  const mine = useStore(adminPages, shallowEqual);
  const myPagesRead = useStore((s) => s.myPages !== null);
  const names = useStore((s) => s.myPages);
  const [pick, setPick] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const made = useRef<{ token: string; name: string } | null>(null);

  useEffect(() => {
    loadMyPages().catch((e: unknown) => setError(te(errorIdOf(e))));
  }, [te]);

  const nameOf = (pageId: string) => names?.[pageId]?.page.name ?? pageId;
  const free = mine.filter((p) => !connected.some((c) => c.pageId === p.id));
  const chosen = free.some((p) => p.id === pick) ? pick : (free[0]?.id ?? '');

  const showToken = (token: string, name: string) =>
    onShowOnce({
      title: t('console.once.tokenTitle', { page: name }),
      label: t('console.once.token'),
      value: token,
    });

  const connect = async () => {
    if (busy || !chosen) return;
    setBusy(true);
    setError(null);
    try {
      const token = await connectPage(appId, chosen);
      showToken(token, nameOf(chosen));
    } catch (e) {
      setError(te(errorIdOf(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="console-section" aria-labelledby="console-pages-title" data-testid="console-pages">
      <h3 id="console-pages-title" className="section-title">
        {t('console.pages.title')}
      </h3>
      <p className="field-hint">{t('console.pages.intro')}</p>
      {loaded && connected.length === 0 && <p className="console-none">{t('console.pages.none')}</p>}
      {connected.length > 0 && (
        <ul className="console-rows">
          {connected.map((c) => {
            const name = nameOf(c.pageId);
            return (
              <li key={c.pageId} className="console-row" data-testid="console-page" data-page-id={c.pageId}>
                <span className="console-row-main">
                  <strong>{name}</strong>
                  <span className="field-hint">
                    {t('console.pages.connectedSince', { date: dateTime(c.connectedAt) })}
                  </span>
                </span>
                <button
                  type="button"
                  className="button button-small"
                  data-testid="console-page-new-token"
                  aria-label={t('console.pages.newTokenFor', { page: name })}
                  aria-haspopup="dialog"
                  onClick={() => setPending({ kind: 'replace', pageId: c.pageId, name })}
                >
                  {t('console.pages.newToken')}
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-outline"
                  data-testid="console-page-revoke"
                  aria-label={t('console.pages.revokeFor', { page: name })}
                  aria-haspopup="dialog"
                  onClick={() => setPending({ kind: 'revoke', pageId: c.pageId, name })}
                >
                  {t('console.pages.revoke')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {myPagesRead && mine.length === 0 && <p className="field-hint">{t('console.pages.noAdminPages')}</p>}
      {free.length > 0 && (
        <form
          className="console-connect"
          onSubmit={(e) => {
            e.preventDefault();
            void connect();
          }}
        >
          <label className="field-label" htmlFor={selectId}>
            {t('console.pages.pick')}
          </label>
          <div className="inline-row">
            <select
              id={selectId}
              className="input select"
              data-testid="console-connect-page"
              value={chosen}
              onChange={(e) => setPick(e.target.value)}
            >
              {free.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <button type="submit" className="button button-primary" data-testid="console-connect" disabled={busy}>
              {t('console.pages.connect')}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="console-pages-error">
          {error}
        </p>
      )}
      {pending && (
        <ConfirmDialog
          title={t(pending.kind === 'revoke' ? 'console.pages.revoke.title' : 'console.pages.replace.title', {
            page: pending.name,
          })}
          body={t(pending.kind === 'revoke' ? 'console.pages.revoke.body' : 'console.pages.replace.body', {
            page: pending.name,
          })}
          confirmLabel={t(pending.kind === 'revoke' ? 'console.pages.revoke.confirm' : 'console.pages.replace.confirm')}
          confirmTestId={pending.kind === 'revoke' ? 'console-page-revoke-confirm' : 'console-page-new-token-confirm'}
          onConfirm={async () => {
            if (pending.kind === 'revoke') await revokePage(appId, pending.pageId);
            else made.current = { token: await connectPage(appId, pending.pageId), name: pending.name };
          }}
          onClose={() => {
            setPending(null);
            const m = made.current;
            made.current = null;
            if (m) showToken(m.token, m.name);
          }}
        />
      )}
    </section>
  );
}
