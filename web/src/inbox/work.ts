import {
  type CannedReplyView,
  type CsatReportView,
  type InboxCounts,
  type InboxEvent,
  type InboxFilter,
  type InboxNoteView,
  type InboxSettingsView,
  type InboxThreadsResponse,
  type InboxThreadView,
  inboxLimits,
  type SetInboxStatusBody,
} from '../../../protocol/inbox.ts';
import { inboxApi } from '../api/inbox.ts';
import type { Translate } from '../i18n/translate.ts';
import { errorIdOf } from '../lib/errors.ts';
import { createStore, type Store } from '../state/store.ts';

/**
 * The business inbox's side of an open page inbox: how the page's people work its threads (status,
 * assignee, labels, timers), the notes, the page's canned replies and settings, the satisfaction report.
 * Kept beside the conversations' State (session.ts), fed by the inbox routes and by the `inbox.*` events
 * of the page's socket (applyInboxEvent: pure and idempotent, tested without a browser).
 */
export interface WorkState {
  filter: InboxFilter;
  search: string;
  /** Only the conversations with this label (its id); null: any. */
  label: string | null;
  /** The conversations the current filter and search list, in order; null until first read. */
  order: string[] | null;
  /** Whether the list holds only the first pages of what the filter and search match (`cursor` is not null). */
  more: boolean;
  /** Where the list's next page starts (the server's `nextCursor`), for loadMore; null at the end. */
  cursor: string | null;
  /** The next page is being read (loadMore). */
  loadingMore: boolean;
  threads: Record<string, InboxThreadView>;
  counts: InboxCounts | null;
  settings: InboxSettingsView | null;
  canned: CannedReplyView[];
  /** Notes of the conversations opened, oldest first. */
  notes: Record<string, InboxNoteView[]>;
  report: CsatReportView | null;
  error: string | null;
}

export const initialWork: WorkState = {
  filter: 'all',
  search: '',
  label: null,
  order: null,
  more: false,
  cursor: null,
  loadingMore: false,
  threads: {},
  counts: null,
  settings: null,
  canned: [],
  notes: {},
  report: null,
  error: null,
};

/** An inbox event applied to the state: the same event twice changes nothing more. */
export function applyInboxEvent(state: WorkState, event: InboxEvent): WorkState {
  switch (event.type) {
    case 'inbox.thread_updated':
      return { ...state, threads: { ...state.threads, [event.thread.conversationId]: event.thread } };
    case 'inbox.note_created': {
      const c = event.note.conversationId;
      const known = state.notes[c];
      if (!known || known.some((n) => n.id === event.note.id)) return state;
      return { ...state, notes: { ...state.notes, [c]: [...known, event.note] } };
    }
    case 'inbox.settings_updated':
      return { ...state, settings: event.settings };
    case 'inbox.canned_replies_updated':
      return { ...state, canned: event.cannedReplies };
  }
}

/** A timer of a thread against the page's target: time taken (or so far), and whether it is past the target. */
export interface Timer {
  ms: number;
  done: boolean;
  overdue: boolean;
}

export function timersOf(
  t: InboxThreadView,
  settings: InboxSettingsView | null,
  now: number,
): { firstResponse: Timer; resolution: Timer } {
  const opened = Date.parse(t.openedAt);
  const timer = (end: string | null, targetMinutes: number | null): Timer => {
    const at = end ? Date.parse(end) : now;
    const ms = Math.max(0, at - opened);
    return { ms, done: end !== null, overdue: targetMinutes !== null && ms > targetMinutes * 60_000 };
  };
  return {
    firstResponse: timer(t.firstResponseAt, settings?.firstResponseTargetMinutes ?? null),
    resolution: timer(t.resolvedAt, settings?.resolutionTargetMinutes ?? null),
  };
}

/** "3 min", "2 h 05", "1 d 4 h" ("1 j 4 h" in French): a duration, short, in the person's language. */
export function shortDuration(t: Translate, ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 60) return t('work.duration.minutes', { minutes: min });
  const h = Math.floor(min / 60);
  if (h < 24) return t('work.duration.hours', { hours: h, minutes: String(min % 60).padStart(2, '0') });
  return t('work.duration.days', { days: Math.floor(h / 24), hours: h % 24 });
}

/** One agent's line of the satisfaction report: "Bea — 2 answers · average 4.5 / 5" ("4,5" in French). */
export function csatAgentLine(t: Translate, a: CsatReportView['perAgent'][number]): string {
  return t('work.csat.agent', {
    name: a.agent?.displayName ?? t('work.csat.unassigned'),
    count: a.count,
    average: a.average,
  });
}

/**
 * A customer's message at `at` in a conversation: its thread's last customer message moves on and, if the
 * thread is open and listed, it goes to the top of the list ("newest customer message first") — without a
 * read. Anything else a customer's message changes (a thread made, reopened, an answer to the satisfaction
 * question) comes as the thread's own `inbox.thread_updated`. The same message twice changes nothing.
 */
export function applyCustomerMessage(state: WorkState, conversationId: string, at: string): WorkState {
  const t = state.threads[conversationId];
  if (!t || Date.parse(at) <= Date.parse(t.lastCustomerAt)) return state;
  const threads = { ...state.threads, [conversationId]: { ...t, lastCustomerAt: at } };
  const order =
    t.status === 'open' && state.order?.includes(conversationId)
      ? [conversationId, ...state.order.filter((id) => id !== conversationId)]
      : state.order;
  return { ...state, threads, order };
}

/**
 * The list's next page appended after the threads it holds. A thread already listed keeps its place (it
 * moved up meanwhile, or a search extension found it twice): never listed twice. The cursor moves on.
 */
export function appendPage(state: WorkState, page: InboxThreadsResponse): WorkState {
  const order = state.order ?? [];
  const listed = new Set(order);
  const threads = { ...state.threads };
  const added: string[] = [];
  for (const t of page.threads) {
    threads[t.conversationId] = t;
    if (listed.has(t.conversationId)) continue;
    listed.add(t.conversationId);
    added.push(t.conversationId);
  }
  return {
    ...state,
    threads,
    order: [...order, ...added],
    more: page.nextCursor !== null,
    cursor: page.nextCursor,
    counts: page.counts,
    error: null,
  };
}

/** The canned replies whose shortcut or text holds the query (case aside), shortcut matches first. */
export function matchCanned(canned: readonly CannedReplyView[], query: string): CannedReplyView[] {
  const q = query.toLowerCase();
  const starts = canned.filter((c) => c.shortcut.toLowerCase().startsWith(q));
  const rest = canned.filter((c) => !starts.includes(c) && (c.shortcut + c.text).toLowerCase().includes(q));
  return [...starts, ...rest];
}

const REFRESH_MS = 250;
/** The list's page: the server's default page (inboxLimits.threadsPage). */
export const THREADS_PAGE = inboxLimits.threadsPage.default;

/** What the list is read for: its filter, search and label. A change starts the list again from its top. */
const listKey = (s: WorkState) => JSON.stringify([s.filter, s.search.trim(), s.label]);
const listQuery = (s: WorkState) => ({
  filter: s.filter,
  ...(s.search.trim() ? { q: s.search.trim() } : {}),
  ...(s.label ? { label: s.label } : {}),
});

export class InboxWork {
  readonly store: Store<WorkState> = createStore<WorkState>(initialWork);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** The list's reads, the latest first: an answer to an older one is stale. */
  private listRequest = 0;
  /** The filter, search and label (listKey) the list as shown was read for; null before the first read. */
  private listedFor: string | null = null;
  /** The list's read under way (reload, refresh), and the next page's (loadMore). */
  private reading: Promise<void> | null = null;
  private moreRequest: Promise<boolean> | null = null;
  /** The conversation opened last (ThreadTools): read again after a gap in the page's events. */
  private current: string | null = null;

  constructor(readonly pageId: string) {}

  /** The page's settings and canned replies, the list and the report. */
  async start(): Promise<void> {
    try {
      const [settings, canned] = await Promise.all([
        inboxApi.settings(this.pageId),
        inboxApi.cannedReplies(this.pageId),
      ]);
      this.store.update((s) => ({ ...s, settings: settings.settings, canned: canned.cannedReplies }));
      // Again after a gap (resync): as many threads as were shown, the pages loaded kept (refresh).
      await Promise.all([this.refresh(), this.loadReport()]);
    } catch (e) {
      this.fail(e);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  /**
   * The page's socket could not catch up (`reset`): the inbox events of the gap are lost, so everything is
   * read again — settings, canned replies, the list, the report, and the open conversation's thread and notes.
   */
  async resync(): Promise<void> {
    if (this.stopped) return;
    const current = this.current;
    await Promise.all([
      this.start(),
      // Its own failure is ThreadTools' to show when it opens it again; start() reports the inbox's.
      current ? this.open(current).catch(() => undefined) : Promise.resolve(),
    ]);
  }

  /**
   * A customer's message arrived (message.created, not the page's): the list follows it at once
   * (applyCustomerMessage). A conversation the list does not hold is read again only when the list may be
   * missing it — a search (the new text may match), or a list of the first page only.
   */
  customerWrote(conversationId: string, at: string): void {
    const before = this.store.getSnapshot();
    this.store.update((s) => applyCustomerMessage(s, conversationId, at));
    if (before.order === null || before.order.includes(conversationId)) return;
    if (before.more || before.search.trim() !== '') this.scheduleRefresh();
  }

  /** An event of the page's socket. A thread's change may move it in or out of the list: read it again. */
  onEvent(event: InboxEvent): void {
    this.store.update((s) => applyInboxEvent(s, event));
    if (event.type === 'inbox.thread_updated') {
      this.scheduleRefresh();
      if (event.thread.csat?.rating != null) void this.loadReport();
    }
  }

  setFilter(filter: InboxFilter): void {
    this.store.update((s) => ({ ...s, filter }));
    void this.reload();
  }

  setLabel(label: string | null): void {
    this.store.update((s) => ({ ...s, label }));
    void this.reload();
  }

  setSearch(search: string): void {
    this.store.update((s) => ({ ...s, search }));
    this.scheduleRefresh();
  }

  /** The list for the current filter and search, from its top (its first page), with every filter's count. */
  reload(): Promise<void> {
    return this.read(THREADS_PAGE);
  }

  /**
   * The list read again where it stands (a live change, a gap): as many threads as it shows — the pages
   * loaded kept, so nothing the agent brought into view goes away — or its first page when the filter,
   * search or label changed since it was read. A next page being loaded is waited for, and counted.
   */
  private async refresh(): Promise<void> {
    const before = listKey(this.store.getSnapshot());
    if (before === this.listedFor && this.moreRequest) await this.moreRequest.catch(() => undefined);
    const s = this.store.getSnapshot();
    const kept = listKey(s) === this.listedFor ? (s.order?.length ?? 0) : 0;
    await this.read(Math.max(THREADS_PAGE, kept));
  }

  /**
   * The list's next page, appended (appendPage: no thread twice). Nothing when the list is at its end or
   * about to be read again for a new filter or search. Its answer is dropped if the list was read again
   * from its top meanwhile (another filter, search or label). Resolves to whether a page was appended;
   * rejects when it could not be read.
   */
  loadMore(): Promise<boolean> {
    if (this.moreRequest) return this.moreRequest;
    const s = this.store.getSnapshot();
    if (this.stopped || s.cursor === null || listKey(s) !== this.listedFor) return Promise.resolve(false);
    const p = this.readMore().finally(() => {
      if (this.moreRequest !== p) return;
      this.moreRequest = null;
      this.store.update((st) => ({ ...st, loadingMore: false }));
    });
    this.moreRequest = p;
    this.store.update((st) => ({ ...st, loadingMore: true }));
    return p;
  }

  private async readMore(): Promise<boolean> {
    // A read of the list under way: the next page from its new end.
    if (this.reading) await this.reading;
    const s = this.store.getSnapshot();
    const key = listKey(s);
    const cursor = s.cursor;
    if (this.stopped || cursor === null || key !== this.listedFor) return false;
    const ask = this.listRequest;
    try {
      const r = await inboxApi.threads(this.pageId, { ...listQuery(s), cursor, limit: THREADS_PAGE });
      const now = this.store.getSnapshot();
      if (this.stopped || ask !== this.listRequest || listKey(now) !== key || now.cursor !== cursor) return false;
      this.store.update((st) => appendPage(st, r));
      return true;
    } catch (e) {
      this.fail(e);
      throw e;
    }
  }

  /**
   * Reads the first `want` threads of the list (in pages of at most the server's maximum) and shows them,
   * unless a later read started meanwhile or the filter, search or label changed (a read for it comes).
   */
  private read(want: number): Promise<void> {
    const ask = ++this.listRequest;
    const s = this.store.getSnapshot();
    const key = listKey(s);
    const query = listQuery(s);
    const run = async () => {
      try {
        const threads: InboxThreadView[] = [];
        let cursor: string | null = null;
        let counts: InboxCounts | null = null;
        do {
          const limit = Math.min(want - threads.length, inboxLimits.threadsPage.max);
          const r: InboxThreadsResponse = await inboxApi.threads(this.pageId, {
            ...query,
            ...(cursor ? { cursor } : {}),
            limit,
          });
          if (this.stopped || ask !== this.listRequest) return;
          threads.push(...r.threads);
          cursor = r.nextCursor;
          counts = r.counts;
        } while (cursor !== null && threads.length < want);
        if (listKey(this.store.getSnapshot()) !== key) return;
        this.listedFor = key;
        const next = cursor;
        const shown = counts;
        this.store.update((st) => {
          const known = { ...st.threads };
          for (const t of threads) known[t.conversationId] = t;
          return {
            ...st,
            threads: known,
            order: [...new Set(threads.map((t) => t.conversationId))],
            more: next !== null,
            cursor: next,
            counts: shown,
            error: null,
          };
        });
      } catch (e) {
        if (ask === this.listRequest) this.fail(e);
      }
    };
    const p = run().finally(() => {
      if (this.reading === p) this.reading = null;
    });
    this.reading = p;
    return p;
  }

  async loadReport(): Promise<void> {
    try {
      const r = await inboxApi.csat(this.pageId);
      this.store.update((s) => ({ ...s, report: r.report }));
    } catch (e) {
      this.fail(e);
    }
  }

  /** The thread of an opened conversation, and its notes. */
  async open(conversationId: string): Promise<void> {
    this.current = conversationId;
    const [thread, notes] = await Promise.all([
      inboxApi.thread(this.pageId, conversationId),
      inboxApi.notes(this.pageId, conversationId),
    ]);
    this.store.update((s) => {
      const known = s.notes[conversationId] ?? [];
      const merged = [...notes.notes, ...known.filter((n) => !notes.notes.some((m) => m.id === n.id))];
      return {
        ...s,
        threads: { ...s.threads, [conversationId]: thread.thread },
        notes: { ...s.notes, [conversationId]: merged },
      };
    });
  }

  async addNote(conversationId: string, text: string): Promise<void> {
    const r = await inboxApi.addNote(this.pageId, conversationId, text);
    this.onEvent({ type: 'inbox.note_created', conversationId: null, pageId: this.pageId, note: r.note });
  }

  async setStatus(conversationId: string, body: SetInboxStatusBody): Promise<void> {
    this.applyThread((await inboxApi.setStatus(this.pageId, conversationId, body)).thread);
  }

  async assign(conversationId: string, userId: string | null): Promise<void> {
    this.applyThread((await inboxApi.assign(this.pageId, conversationId, userId)).thread);
  }

  async label(conversationId: string, labelId: string, on: boolean): Promise<void> {
    this.applyThread((await inboxApi.label(this.pageId, conversationId, labelId, on)).thread);
  }

  expandCanned(conversationId: string, replyId: string) {
    return inboxApi.expandCanned(this.pageId, conversationId, replyId);
  }

  private applyThread(thread: InboxThreadView): void {
    this.onEvent({ type: 'inbox.thread_updated', conversationId: null, pageId: this.pageId, thread });
  }

  private scheduleRefresh(): void {
    if (this.stopped) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  private fail(e: unknown): void {
    this.store.update((s) => ({ ...s, error: errorIdOf(e) }));
  }
}
