import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AppPageView, DeliveryView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { loadDeliveries, loadDelivery, loadOlderDeliveries, replayDelivery, sendTestEvent } from './actions.ts';
import { DeliveryRows } from './DeliveryRows.tsx';
import { refusalKey } from './deliveries.ts';

/** After a replay or a test event, the log is read again this often, this long: its delivery shows up. */
const FOLLOW_EVERY_MS = 1000;
const FOLLOW_FOR_MS = 10_000;
/** While a delivery of the log is pending (being retried), the log is read again this often. */
const PENDING_EVERY_MS = 5000;

const noPages: AppPageView[] = [];

/**
 * The app's webhook delivery log, newest first: each delivery's event, page, state, attempts, latency and
 * time, opened for its last answer (status, error, the start of the response) and its payload; sent again
 * ("Replay"), or a test event sent; read again on demand, after a replay or a test (the new delivery
 * shows up), and while one is being retried. Older ones page in with "Load older".
 */
export function DeliveriesSection({ appId }: { appId: string }) {
  const { t, te } = useI18n();
  const log = useStore((s) => s.deliveries[appId]);
  const webhook = useStore((s) => s.apps?.[appId]?.detail?.webhook);
  const pages = useStore((s) => s.apps?.[appId]?.detail?.pages ?? noPages);
  const detailRead = useStore((s) => s.apps?.[appId]?.detail != null);
  const names = useStore((s) => s.myPages);
  const pickId = useId();
  const [busy, setBusy] = useState<'refresh' | 'older' | 'test' | null>(null);
  const [replaying, setReplaying] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [pick, setPick] = useState('');
  const [followUntil, setFollowUntil] = useState(0);
  /** Counts the reads of the log: each one arms the next automatic read, when one is due. */
  const [reads, setReads] = useState(0);
  const tableRef = useRef<HTMLTableSectionElement>(null);

  const nameOf = (pageId: string) => names?.[pageId]?.page.name ?? pageId;
  const say = (e: unknown) => {
    const key = refusalKey(e);
    return key ? t(key) : te(errorIdOf(e));
  };

  /** Reads the newest deliveries again; `report`: a failure is said (an automatic read fails quietly). */
  const refresh = useCallback(
    async (report: boolean) => {
      try {
        await loadDeliveries(appId);
        if (report) setError(null);
      } catch (e) {
        if (report) setError(te(errorIdOf(e)));
      } finally {
        setReads((n) => n + 1);
      }
    },
    [appId, te],
  );

  useEffect(() => {
    void refresh(true);
  }, [refresh]);

  const pending = log?.deliveries.some((d) => d.state === 'pending') ?? false;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `reads` re-arms the timer after each read
  useEffect(() => {
    const following = followUntil > Date.now();
    if (!following && !pending) return;
    const timer = setTimeout(() => void refresh(false), following ? FOLLOW_EVERY_MS : PENDING_EVERY_MS);
    return () => clearTimeout(timer);
  }, [reads, followUntil, pending, refresh]);

  const follow = () => {
    setFollowUntil(Date.now() + FOLLOW_FOR_MS);
    void refresh(false);
  };

  const onRefresh = async () => {
    if (busy) return;
    setBusy('refresh');
    setNotice(null);
    await refresh(true);
    setBusy(null);
  };

  const onOlder = async () => {
    if (busy) return;
    setBusy('older');
    setError(null);
    const shown = log?.deliveries.length ?? 0;
    try {
      await loadOlderDeliveries(appId);
      // The focus goes to the first delivery just loaded (the button may be gone: none older is left).
      requestAnimationFrame(() =>
        tableRef.current
          ?.querySelector<HTMLElement>(`[data-index="${shown}"] [data-testid="console-delivery-toggle"]`)
          ?.focus(),
      );
    } catch (e) {
      setError(te(errorIdOf(e)));
    } finally {
      setBusy(null);
    }
  };

  const chosen = pages.some((p) => p.pageId === pick) ? pick : (pages[0]?.pageId ?? '');
  const onTest = async () => {
    if (busy) return;
    setBusy('test');
    setError(null);
    setNotice(null);
    try {
      await sendTestEvent(appId, chosen || undefined);
      setNotice(t('console.deliveries.testQueued'));
      follow();
    } catch (e) {
      setError(say(e));
    } finally {
      setBusy(null);
    }
  };

  const onReplay = async (d: DeliveryView) => {
    if (replaying) return;
    setReplaying(d.id);
    setError(null);
    setNotice(null);
    try {
      await replayDelivery(appId, d.id);
      setNotice(t('console.deliveries.replayQueued'));
      follow();
    } catch (e) {
      setError(say(e));
    } finally {
      setReplaying(null);
    }
  };

  const onToggle = (d: DeliveryView) => {
    const opening = openId !== d.id;
    setOpenId(opening ? d.id : null);
    // Its last attempt may be newer than the log's read.
    if (opening) loadDelivery(appId, d.id).catch(() => {});
  };

  const hint =
    detailRead && !webhook?.verifiedAt
      ? t('console.deliveries.noWebhook')
      : webhook?.disabled
        ? t('console.deliveries.disabled')
        : detailRead && pages.length === 0
          ? t('console.deliveries.noPage')
          : null;

  return (
    <section className="console-section" aria-labelledby="console-deliveries-title" data-testid="console-deliveries">
      <h3 id="console-deliveries-title" className="section-title">
        {t('console.deliveries.title')}
      </h3>
      <p className="field-hint">{t('console.deliveries.intro')}</p>
      {hint && (
        <p className="console-warning" role="note" data-testid="console-deliveries-hint">
          {hint}
        </p>
      )}
      <div className="console-actions console-deliveries-actions">
        {pages.length > 1 && (
          <span className="console-deliveries-pick">
            <label className="field-label" htmlFor={pickId}>
              {t('console.deliveries.testPage')}
            </label>
            <select
              id={pickId}
              className="input select"
              data-testid="console-deliveries-test-page"
              value={chosen}
              onChange={(e) => setPick(e.target.value)}
            >
              {pages.map((p) => (
                <option key={p.pageId} value={p.pageId}>
                  {nameOf(p.pageId)}
                </option>
              ))}
            </select>
          </span>
        )}
        <button
          type="button"
          className="button button-primary"
          data-testid="console-deliveries-test"
          aria-disabled={busy === 'test' || undefined}
          onClick={() => void onTest()}
        >
          {t('console.deliveries.test')}
        </button>
        <button
          type="button"
          className="button"
          data-testid="console-deliveries-refresh"
          aria-disabled={busy === 'refresh' || undefined}
          onClick={() => void onRefresh()}
        >
          {t('console.deliveries.refresh')}
        </button>
      </div>
      <div aria-live="polite">
        {notice && (
          <p className="console-success" data-testid="console-deliveries-notice">
            {notice}
          </p>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="console-deliveries-error">
          {error}
        </p>
      )}
      {!log ? (
        <p className="field-hint">{t('common.loading')}</p>
      ) : log.deliveries.length === 0 ? (
        <p className="console-none" data-testid="console-deliveries-empty">
          {t('console.deliveries.empty')}
        </p>
      ) : (
        <>
          <div className="console-table-wrap">
            <table className="console-table" data-testid="console-deliveries-table">
              <caption className="sr-only">{t('console.deliveries.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('console.deliveries.col.event')}</th>
                  <th scope="col">{t('console.deliveries.col.page')}</th>
                  <th scope="col">{t('console.deliveries.col.status')}</th>
                  <th scope="col" className="console-num">
                    {t('console.deliveries.col.attempts')}
                  </th>
                  <th scope="col" className="console-num">
                    {t('console.deliveries.col.latency')}
                  </th>
                  <th scope="col">{t('console.deliveries.col.time')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('console.deliveries.col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody ref={tableRef}>
                {log.deliveries.map((d, i) => (
                  <DeliveryRows
                    key={d.id}
                    delivery={d}
                    index={i}
                    pageName={nameOf(d.pageId)}
                    open={openId === d.id}
                    replaying={replaying === d.id}
                    onToggle={() => onToggle(d)}
                    onReplay={() => void onReplay(d)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <p className="field-hint" aria-live="polite" data-testid="console-deliveries-count">
            {t('console.deliveries.count', { count: log.deliveries.length })}
          </p>
          {log.next !== null && (
            <div className="console-actions">
              <button
                type="button"
                className="button"
                data-testid="console-deliveries-older"
                aria-disabled={busy === 'older' || undefined}
                onClick={() => void onOlder()}
              >
                {t('console.deliveries.older')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
