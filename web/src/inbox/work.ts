import type {
  CannedReplyView,
  CsatReportView,
  InboxCounts,
  InboxEvent,
  InboxFilter,
  InboxNoteView,
  InboxSettingsView,
  InboxThreadView,
  SetInboxStatusBody,
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
  /** Whether the list holds only the first page of what the filter and search match. */
  more: boolean;
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

/** The canned replies whose shortcut or text holds the query (case aside), shortcut matches first. */
export function matchCanned(canned: readonly CannedReplyView[], query: string): CannedReplyView[] {
  const q = query.toLowerCase();
  const starts = canned.filter((c) => c.shortcut.toLowerCase().startsWith(q));
  const rest = canned.filter((c) => !starts.includes(c) && (c.shortcut + c.text).toLowerCase().includes(q));
  return [...starts, ...rest];
}

const REFRESH_MS = 250;

export class InboxWork {
  readonly store: Store<WorkState> = createStore<WorkState>(initialWork);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private listRequest = 0;
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
      await Promise.all([this.reload(), this.loadReport()]);
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

  /** The list for the current filter and search, with every filter's count. */
  async reload(): Promise<void> {
    const ask = ++this.listRequest;
    const { filter, search, label } = this.store.getSnapshot();
    try {
      const r = await inboxApi.threads(this.pageId, {
        filter,
        ...(search.trim() ? { q: search.trim() } : {}),
        ...(label ? { label } : {}),
      });
      if (this.stopped || ask !== this.listRequest) return;
      this.store.update((s) => {
        const threads = { ...s.threads };
        for (const t of r.threads) threads[t.conversationId] = t;
        return {
          ...s,
          threads,
          order: r.threads.map((t) => t.conversationId),
          more: r.nextCursor !== null,
          counts: r.counts,
          error: null,
        };
      });
    } catch (e) {
      this.fail(e);
    }
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
    this.refreshTimer = setTimeout(() => void this.reload(), REFRESH_MS);
  }

  private fail(e: unknown): void {
    this.store.update((s) => ({ ...s, error: errorIdOf(e) }));
  }
}
