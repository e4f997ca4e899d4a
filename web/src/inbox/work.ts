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

/** "3 min", "2 h 05", "1 d 4 h": a duration, short. */
export function shortDuration(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ${String(min % 60).padStart(2, '0')}`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
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

  constructor(readonly pageId: string) {}

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
        return { ...s, threads, order: r.threads.map((t) => t.conversationId), counts: r.counts, error: null };
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
