import { memo, useEffect, useRef, useState } from 'react';
import { loadMyPages } from '../app/pages.ts';
import { go, navigate, pathFor } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { attachmentsSummary } from '../lib/media.ts';
import { inboxPreview } from '../state/inbox.ts';
import { conversationIds, conversationTitle } from '../state/selectors.ts';
import { shallowEqual, useStore, useStoreOf } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { ConnectionStatus } from '../ui/ConnectionStatus.tsx';
import { IconBack, IconInbox } from '../ui/Icons.tsx';
import { shownName } from '../ui/names.ts';
import { InboxThread } from './InboxThread.tsx';
import { OrderPanel } from './OrderPanel.tsx';
import { InboxSession } from './session.ts';
import { TimerBadge } from './ThreadTools.tsx';
import { CsatReport, WorkFilters, WorkSettings } from './WorkPanels.tsx';
import { type InboxWork, timersOf } from './work.ts';
import './inbox.css';

/**
 * A page's inbox (`/inbox/<pageId>`), for the people who run the page: the page's conversations, plainly
 * listed (the person, the last message, unread), and the open one, answered as the page. Its own session
 * (session.ts) keeps it live; "Back to my messages" returns to the person's own messenger.
 */
export function InboxView({ pageId, conversationId }: { pageId: string; conversationId: string | null }) {
  const { t, te } = useI18n();
  const page = useStore((s) => s.myPages?.[pageId]?.page);
  /** Whether I run the page, as far as this tab knows: unknown until my pages are read. */
  const runs = useStore((s) => (s.myPages === null ? null : pageId in s.myPages));
  const [loadError, setLoadError] = useState<string | null>(null);
  const [session, setSession] = useState<InboxSession | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    loadMyPages().catch((e: unknown) => setLoadError(te(errorIdOf(e))));
  }, [te]);

  // One session per page opened; the page as it was when opened (a rename comes through its events).
  const known = page !== undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new session for a new page only, not a renamed one
  useEffect(() => {
    if (!page) return;
    const s = new InboxSession(page);
    setSession(s);
    void s.start();
    return () => s.stop();
  }, [pageId, known]);

  // Left the page, or was removed from it (my pages say so, live): the inbox closes.
  useEffect(() => {
    if (runs === false) session?.gone();
  }, [runs, session]);

  useEffect(() => {
    if (page) document.title = `${t('inbox.heading', { name: page.name })} · ${t('app.name')}`;
  }, [page, t]);
  useEffect(() => headingRef.current?.focus(), []);

  const heading = page ? t('inbox.heading', { name: page.name }) : t('inbox.title');
  return (
    <div
      className={`inbox ${conversationId ? 'inbox-thread-open' : 'inbox-list-open'}`}
      data-testid="inbox"
      data-page-id={pageId}
    >
      <header className="inbox-header">
        <button
          type="button"
          className="button inbox-back"
          data-testid="inbox-back"
          aria-label={t('inbox.back')}
          onClick={() => navigate(null)}
        >
          <IconBack size={18} />
          <span className="inbox-back-text">{t('inbox.back')}</span>
        </button>
        {page && <Avatar id={pageId} name={page.name} size={32} page />}
        <h1 ref={headingRef} tabIndex={-1}>
          {heading}
        </h1>
        {page && session && <SessionConnection session={session} />}
      </header>
      {page && session ? (
        <InboxBody session={session} conversationId={conversationId} name={page.name} />
      ) : (
        <p className="inbox-notice" role={runs === false || loadError ? 'alert' : 'status'} data-testid="inbox-notice">
          {runs === false
            ? t('inbox.gone')
            : loadError
              ? t('inbox.loadFailed', { error: loadError })
              : t('common.loading')}
        </p>
      )}
    </div>
  );
}

/** The page's socket: shown once the inbox is live. */
function SessionConnection({ session }: { session: InboxSession }) {
  const live = useStoreOf(session.status, (s) => s.phase === 'ready');
  const connection = useStoreOf(session.store, (s) => s.connection);
  return live ? <ConnectionStatus state={connection} testId="inbox-connection-status" /> : null;
}

/** The list of the page's conversations beside the open one; or why there is none to show. */
function InboxBody({
  session,
  conversationId,
  name,
}: {
  session: InboxSession;
  conversationId: string | null;
  name: string;
}) {
  const { t, te } = useI18n();
  const status = useStoreOf(session.status, (s) => s);
  const all = useStoreOf(session.store, conversationIds, shallowEqual);
  const known = useStoreOf(session.store, (s) => s.conversations);
  const order = useStoreOf(session.work.store, (s) => s.order, shallowEqual);
  const pageId = session.pageId;
  const admin = useStore((s) => s.myPages?.[pageId]?.role === 'admin');
  const [panel, setPanel] = useState<'report' | 'settings' | null>(null);
  // The business inbox's filter and search decide which conversations are listed, in its order.
  const ids = order === null ? all : order.filter((id) => id in known);

  const listRef = useRef<HTMLDivElement>(null);
  // After "Load more": the focus on the first conversation the page brought, or left where it is (the
  // button) when it brought none new. Here, where the list is read in the same render as the store.
  const [focusAfter, setFocusAfter] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    if (!focusAfter) return;
    setFocusAfter(null);
    // The agent went elsewhere meanwhile (the search, a filter): the focus is theirs.
    const at = document.activeElement;
    if (at && at !== document.body && !listRef.current?.contains(at)) return;
    const first = ids.find((id) => !focusAfter.has(id));
    const links = [...(listRef.current?.querySelectorAll<HTMLElement>('[data-testid="inbox-item"]') ?? [])];
    const target = first === undefined ? undefined : links.find((a) => a.dataset.conversationId === first);
    if (target) target.focus();
    // Nothing new to show and the button gone (the list's end): the last conversation, not the page's top.
    else if (!listRef.current?.contains(document.activeElement)) links.at(-1)?.focus();
  }, [focusAfter, ids]);

  // Alt+↑/↓ moves between the conversations listed (the filter, label and search applied), as in the messenger.
  const listed = useRef(ids);
  listed.current = ids;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      if (!e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      const list = listed.current;
      if (list.length === 0) return;
      e.preventDefault();
      const at = conversationId ? list.indexOf(conversationId) : -1;
      const next =
        e.key === 'ArrowUp' ? (at <= 0 ? list.length - 1 : at - 1) : at < 0 || at >= list.length - 1 ? 0 : at + 1;
      const target = list[next];
      if (target) go({ view: 'inbox', pageId, conversationId: target });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pageId, conversationId]);

  if (status.phase === 'gone') {
    return (
      <p className="inbox-notice" role="alert" data-testid="inbox-notice">
        {t('inbox.gone')}
      </p>
    );
  }
  if (status.phase === 'failed') {
    return (
      <div className="inbox-notice" role="alert" data-testid="inbox-notice">
        <p>{t('inbox.loadFailed', { error: te(status.error ?? 'unknown') })}</p>
        <button type="button" className="button" onClick={() => void session.start()}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  return (
    <div className="inbox-body" data-phase={status.phase}>
      <nav className="inbox-list" aria-label={t('inbox.list', { name })}>
        <WorkFilters work={session.work} />
        <div className="work-toggles">
          <button
            type="button"
            className="link-button"
            aria-expanded={panel === 'report'}
            data-testid="work-toggle-report"
            onClick={() => setPanel(panel === 'report' ? null : 'report')}
          >
            {t('work.toggle.report')}
          </button>
          {admin && (
            <button
              type="button"
              className="link-button"
              aria-expanded={panel === 'settings'}
              data-testid="work-toggle-settings"
              onClick={() => setPanel(panel === 'settings' ? null : 'settings')}
            >
              {t('work.toggle.settings')}
            </button>
          )}
        </div>
        {panel === 'report' && <CsatReport work={session.work} />}
        {panel === 'settings' && admin && <WorkSettings work={session.work} />}
        {status.phase === 'loading' ? (
          <p className="inbox-empty">{t('common.loading')}</p>
        ) : all.length === 0 ? (
          <p className="inbox-empty" data-testid="inbox-empty">
            {t('inbox.empty')}
          </p>
        ) : ids.length === 0 ? (
          <p className="inbox-empty" data-testid="work-no-match">
            {t('work.noMatch')}
          </p>
        ) : (
          <div className="inbox-items-scroll" ref={listRef}>
            <ul className="inbox-items">
              {ids.map((id) => (
                <InboxItem key={id} session={session} id={id} active={id === conversationId} pageName={name} />
              ))}
            </ul>
            <MoreThreads work={session.work} ids={ids} onLoaded={setFocusAfter} />
          </div>
        )}
        <p className="inbox-shortcuts">{t('sidebar.shortcuts')}</p>
      </nav>
      <main className={`inbox-main${conversationId ? ' inbox-main-orders' : ''}`}>
        {conversationId ? (
          <>
            <InboxThread key={conversationId} session={session} conversationId={conversationId} pageName={name} />
            <ThreadOrders key={`orders:${conversationId}`} session={session} conversationId={conversationId} />
          </>
        ) : (
          <div className="inbox-placeholder">
            <IconInbox size={48} />
            <p>{t('inbox.choose', { name })}</p>
          </div>
        )}
      </main>
    </div>
  );
}

/**
 * "Load more" at the end of the list while the server has more threads for the filter, search and label:
 * their next page, appended (work.loadMore). `onLoaded` gets the conversations listed before, for the focus
 * to go to the first new one; a failure is said beside the button, which stays to try again.
 */
function MoreThreads({
  work,
  ids,
  onLoaded,
}: {
  work: InboxWork;
  ids: readonly string[];
  onLoaded: (before: ReadonlySet<string>) => void;
}) {
  const { t, te } = useI18n();
  const more = useStoreOf(work.store, (s) => s.order !== null && s.more);
  const loading = useStoreOf(work.store, (s) => s.loadingMore);
  const [error, setError] = useState<string | null>(null);
  if (!more && !error) return null;
  const loadMore = async () => {
    if (loading) return;
    const before = new Set(ids);
    setError(null);
    try {
      if (await work.loadMore()) onLoaded(before);
    } catch (e) {
      setError(te(errorIdOf(e)));
    }
  };
  return (
    <div className="inbox-more">
      {more && (
        <button
          type="button"
          className="button inbox-more-button"
          data-testid="work-load-more"
          aria-busy={loading}
          aria-disabled={loading}
          onClick={() => void loadMore()}
        >
          {loading ? t('common.loading') : t('work.more')}
        </button>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="work-load-more-error">
          {t('work.more.failed', { error })}
        </p>
      )}
    </div>
  );
}

/** The order panel beside an open conversation of the page (none for a conversation this tab does not know). */
function ThreadOrders({ session, conversationId }: { session: InboxSession; conversationId: string }) {
  const { t } = useI18n();
  const conv = useStoreOf(session.store, (s) => s.conversations[conversationId]);
  if (!conv) return null;
  const name = shownName(conversationTitle(conv, session.pageId), t);
  return <OrderPanel session={session} conversationId={conversationId} customerName={name} />;
}

/** One of the page's conversations: the person, the last message, the unread count. Reads its own entry. */
const InboxItem = memo(function InboxItem({
  session,
  id,
  active,
  pageName,
}: {
  session: InboxSession;
  id: string;
  active: boolean;
  pageName: string;
}) {
  const conv = useStoreOf(session.store, (s) => s.conversations[id]);
  const work = useStoreOf(session.work.store, (s) => s.threads[id]);
  const settings = useStoreOf(session.work.store, (s) => s.settings);
  const { t, stamp } = useI18n();
  if (!conv) return null;
  const timers = work ? timersOf(work, settings, Date.now()) : null;
  const pageId = session.pageId;
  const title = shownName(conversationTitle(conv, pageId), t);
  const preview = inboxPreview(conv, pageId);
  const said =
    preview.kind === 'attachment'
      ? t('sidebar.preview.attachment')
      : preview.kind === 'media'
        ? attachmentsSummary(preview.attachments, t)
        : preview.kind === 'text'
          ? preview.text
          : null;
  const text =
    preview.kind === 'none'
      ? t('sidebar.preview.none')
      : preview.kind === 'deleted' || said === null
        ? t('sidebar.preview.deleted')
        : preview.fromPage
          ? t('inbox.preview.page', { name: pageName, text: said })
          : said;
  const route = { view: 'inbox', pageId, conversationId: id } as const;
  const other = conv.members.find((m) => m.user.id !== pageId)?.user;
  return (
    <li>
      <a
        href={pathFor(route)}
        className={`inbox-item${active ? ' active' : ''}${conv.unread > 0 ? ' has-unread' : ''}`}
        data-testid="inbox-item"
        data-conversation-id={id}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          go(route);
        }}
      >
        <Avatar id={other?.id ?? id} name={title} size={40} user={other ?? null} />
        <span className="inbox-item-body">
          <span className="inbox-item-top">
            <span className="inbox-item-name" data-testid="inbox-item-name">
              {title}
            </span>
            <time className="inbox-item-time" dateTime={conv.lastActivityAt}>
              {stamp(conv.lastActivityAt)}
            </time>
          </span>
          <span className="inbox-item-bottom">
            <span className="inbox-item-preview" data-testid="inbox-item-preview">
              {text}
            </span>
            {conv.unread > 0 && (
              <>
                <span className="inbox-unread" data-testid="inbox-unread" aria-hidden="true">
                  {conv.unread}
                </span>
                <span className="sr-only">{t('sidebar.unread', { count: conv.unread })}</span>
              </>
            )}
          </span>
          {work && (
            <span className="work-item-meta" data-testid="work-item-meta" data-status={work.status}>
              <span className={`work-status work-status-${work.status}`}>{t(`work.status.${work.status}`)}</span>
              {work.botOwned && <span className="work-badge">{t('work.filter.bot')}</span>}
              {work.assignee && <span className="work-badge">{work.assignee.displayName}</span>}
              {work.labels.map((l) => (
                <span key={l.id} className="work-badge work-label-badge">
                  {l.name}
                </span>
              ))}
              {timers && work.status !== 'resolved' && (timers.firstResponse.overdue || timers.resolution.overdue) && (
                <TimerBadge
                  label={timers.firstResponse.overdue ? t('work.timer.firstResponse') : t('work.timer.resolution')}
                  timer={timers.firstResponse.overdue ? timers.firstResponse : timers.resolution}
                  target={null}
                />
              )}
            </span>
          )}
        </span>
      </a>
    </li>
  );
});
