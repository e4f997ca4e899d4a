import type { ServerFrame } from '../../../protocol/frames.ts';
import type { InboxEvent } from '../../../protocol/inbox.ts';
import { limits, TYPING_TTL_MS } from '../../../protocol/limits.ts';
import type { PageView } from '../../../protocol/views.ts';
import { ApiError, api } from '../api/http.ts';
import { pageSocketUrl, SocketClient } from '../api/socket.ts';
import { backoffDelay } from '../lib/backoff.ts';
import { newClientId } from '../lib/clientId.ts';
import { errorIdOf } from '../lib/errors.ts';
import { advanceCursor, applyEventFrame, applyMessage, applyMessageChange, applySnapshot } from '../state/apply.ts';
import { myMember } from '../state/conversation.ts';
import { type InboxStatus, inboxLoading, inboxState, statusAfterError } from '../state/inbox.ts';
import {
  addPending,
  applyHistory,
  applySignal,
  discardPending,
  markFailed,
  markPendingAgain,
  markReadLocally,
  nextTypingExpiry,
  pruneTyping,
  setConnection,
} from '../state/local.ts';
import { createStore, type Store } from '../state/store.ts';
import type { OutboxItem, State } from '../state/types.ts';
import { InboxWork } from './work.ts';

const RECEIPT_DEBOUNCE_MS = 300;

/**
 * A page's inbox, open in this tab: the page's conversations as its account sees them (a State of their
 * own, `me` being the page), kept live by a socket that acts as the page (`/ws?page=`), and answered as the
 * page. Answers go over HTTP with a client id (a retry never sends twice); receipts (the page's delivered
 * and read marks) over the socket. It closes itself, for good, when the person no longer runs the page.
 */
export class InboxSession {
  readonly store: Store<State>;
  readonly status: Store<InboxStatus>;
  /** How the page's people work its threads (the business inbox): fed by the same socket. */
  readonly work: InboxWork;
  private readonly socket: SocketClient;
  private stopped = false;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly delivered = new Map<string, number>();
  private readonly read = new Map<string, number>();
  private readonly receiptTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly history = new Map<string, Promise<void>>();
  private resyncing = false;

  constructor(
    readonly page: PageView,
    socketUrl: () => string = () => pageSocketUrl(page.id),
  ) {
    this.store = createStore(inboxState(page));
    this.status = createStore<InboxStatus>(inboxLoading);
    this.work = new InboxWork(page.id);
    this.socket = new SocketClient(
      {
        getCursor: () => this.store.getSnapshot().cursor,
        onFrame: (frame) => this.onFrame(frame),
        onStatus: (s) => this.store.update((st) => setConnection(st, s)),
        // The person's own socket ends their session (app/session.ts); this one just stops.
        onSessionEnded: () => this.stop(),
        onActingEnded: () => this.gone(),
      },
      socketUrl,
    );
  }

  get pageId(): string {
    return this.page.id;
  }

  /** Reads the page's conversations, then goes live from their cursor. Again after a failure. */
  async start(): Promise<void> {
    if (this.stopped) return;
    this.status.update((s) => (s.phase === 'failed' ? inboxLoading : s));
    try {
      const snapshot = await api.pageConversations(this.page.id);
      if (this.stopped) return;
      this.store.update((s) => ({ ...applySnapshot(s, snapshot), phase: 'ready' }));
      this.status.update(() => ({ phase: 'ready', error: null }));
      this.socket.start();
      void this.work.start();
    } catch (e) {
      this.failed(e);
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.socket.stop();
    this.work.stop();
    if (this.typingTimer) clearTimeout(this.typingTimer);
    for (const t of this.receiptTimers.values()) clearTimeout(t);
    this.receiptTimers.clear();
  }

  // Answering as the page.

  /** Queues an answer (shown at once as pending) and sends it; false for empty or too long text. */
  send(conversationId: string, text: string): boolean {
    if (text.trim() === '' || text.length > limits.messageText.max || this.stopped) return false;
    const item: OutboxItem = {
      clientId: newClientId(),
      conversationId,
      text,
      replyToId: null,
      replyTo: null,
      createdAt: new Date().toISOString(),
      status: 'pending',
      error: null,
    };
    this.store.update((s) => addPending(s, item));
    void this.transmit(item);
    return true;
  }

  /** Sends a failed answer again, with its client id: the server answers the original if it had it. */
  retry(clientId: string): void {
    this.store.update((s) => markPendingAgain(s, clientId));
    const item = this.store.getSnapshot().outbox.find((o) => o.clientId === clientId);
    if (item) void this.transmit(item);
  }

  discard(clientId: string): void {
    this.store.update((s) => discardPending(s, clientId));
  }

  private async transmit(item: OutboxItem): Promise<void> {
    try {
      const { message } = await api.pageSend(this.page.id, item.conversationId, {
        clientId: item.clientId,
        text: item.text,
      });
      this.store.update((s) => applyMessage(s, message));
    } catch (e) {
      const id = errorIdOf(e);
      this.store.update((s) => markFailed(s, item.clientId, id));
      this.failed(e);
    }
  }

  // History.

  loadLatest(conversationId: string): Promise<void> {
    return this.once(`latest:${conversationId}`, async () => {
      const page = await api.pageMessages(this.page.id, conversationId, undefined, limits.historyPage.default);
      this.store.update((s) => applyHistory(s, conversationId, page, 'latest'));
    });
  }

  loadOlder(conversationId: string): Promise<void> {
    return this.once(`older:${conversationId}`, async () => {
      const thread = this.store.getSnapshot().threads[conversationId];
      const oldest = thread?.messages[0];
      if (!thread?.loaded || !thread.hasMore || !oldest) return;
      const page = await api.pageMessages(this.page.id, conversationId, oldest.seq, limits.historyPage.default);
      this.store.update((s) => applyHistory(s, conversationId, page, 'older'));
    });
  }

  private once(key: string, run: () => Promise<void>): Promise<void> {
    const existing = this.history.get(key);
    if (existing) return existing;
    const p = run()
      .catch((e: unknown) => {
        this.failed(e);
        throw e;
      })
      .finally(() => this.history.delete(key));
    this.history.set(key, p);
    return p;
  }

  // Receipts: the page's marks, debounced per conversation, sent on the page's socket once it is ready.

  /** Everything in the conversation up to its last message was seen here, as the page. */
  markRead(conversationId: string): void {
    const state = this.store.getSnapshot();
    const conv = state.conversations[conversationId];
    if (!conv || state.removed[conversationId] || conv.lastSeq === 0) return;
    const mine = myMember(conv, this.page.id);
    if (mine && mine.readSeq >= conv.lastSeq && conv.unread === 0) return;
    this.store.update((s) => markReadLocally(s, conversationId, conv.lastSeq));
    if ((mine?.readSeq ?? 0) < conv.lastSeq && (this.read.get(conversationId) ?? 0) < conv.lastSeq) {
      this.read.set(conversationId, conv.lastSeq);
      this.scheduleReceipt(conversationId);
    }
  }

  private noteDelivered(conversationId: string, seq: number): void {
    if ((this.delivered.get(conversationId) ?? 0) >= seq) return;
    this.delivered.set(conversationId, seq);
    this.scheduleReceipt(conversationId);
  }

  private scheduleReceipt(conversationId: string): void {
    if (this.receiptTimers.has(conversationId) || this.stopped) return;
    this.receiptTimers.set(
      conversationId,
      setTimeout(() => {
        this.receiptTimers.delete(conversationId);
        this.flushReceipt(conversationId);
      }, RECEIPT_DEBOUNCE_MS),
    );
  }

  private flushReceipt(conversationId: string): void {
    const deliveredSeq = this.delivered.get(conversationId);
    const readSeq = this.read.get(conversationId);
    if (deliveredSeq === undefined && readSeq === undefined) return;
    const sent =
      this.socket.isReady() &&
      this.socket.send({
        type: 'receipt',
        conversationId,
        ...(deliveredSeq !== undefined ? { deliveredSeq } : {}),
        ...(readSeq !== undefined ? { readSeq } : {}),
      });
    if (sent) {
      this.delivered.delete(conversationId);
      this.read.delete(conversationId);
    }
  }

  /** After (re)connecting: what arrived while away is delivered to the page; what was held back is sent. */
  private syncReceipts(): void {
    const state = this.store.getSnapshot();
    for (const conv of Object.values(state.conversations)) {
      const mine = myMember(conv, this.page.id);
      if (mine && mine.deliveredSeq < conv.lastSeq) this.noteDelivered(conv.id, conv.lastSeq);
    }
    for (const id of new Set([...this.delivered.keys(), ...this.read.keys()])) this.scheduleReceipt(id);
  }

  // The page's socket.

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'event': {
        this.store.update((s) => applyEventFrame(s, frame.pos, frame.event));
        const ev = frame.event;
        if (ev.type.startsWith('inbox.')) this.work.onEvent(ev as InboxEvent);
        if (ev.type === 'message.created' && ev.message.senderId !== this.page.id) {
          // The customer's: the business inbox's list follows it (newest customer message first).
          this.work.customerWrote(ev.conversationId, ev.message.createdAt);
          this.noteDelivered(ev.conversationId, ev.message.seq);
          this.scheduleTypingPrune();
        }
        return;
      }
      case 'ready':
        this.store.update((s) => advanceCursor(s, frame.cursor));
        this.syncReceipts();
        return;
      case 'ack': {
        const m = frame.message;
        this.store.update((s) => {
          const next = m
            ? m.deletedAt || m.editedAt
              ? applyMessageChange(applyMessage(s, m), m)
              : applyMessage(s, m)
            : s;
          return advanceCursor(next, frame.pos);
        });
        return;
      }
      case 'signal':
        if (frame.signal.type === 'typing') {
          const signal = frame.signal;
          this.store.update((s) => applySignal(s, signal, Date.now(), TYPING_TTL_MS));
          this.scheduleTypingPrune();
        }
        return;
      case 'reset':
        void this.resync();
        return;
      case 'error':
      case 'pong':
        return;
    }
  }

  private scheduleTypingPrune(): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    const next = nextTypingExpiry(this.store.getSnapshot());
    if (next === null || this.stopped) return;
    this.typingTimer = setTimeout(
      () => {
        this.store.update((s) => pruneTyping(s, Date.now()));
        this.scheduleTypingPrune();
      },
      Math.max(50, next - Date.now() + 20),
    );
  }

  /**
   * `reset`: the cursor cannot be served. The list read again, then hello with its cursor; the business
   * inbox's state is read again too (the `inbox.*` events of the gap are lost with the rest).
   */
  private async resync(attempt = 0): Promise<void> {
    if ((this.resyncing && attempt === 0) || this.stopped) return;
    this.resyncing = true;
    try {
      const snapshot = await api.pageConversations(this.page.id);
      this.store.update((s) => applySnapshot(s, snapshot));
      this.resyncing = false;
      this.socket.rehello();
      void this.work.resync();
    } catch (e) {
      this.failed(e);
      if (this.stopped || (e instanceof ApiError && e.status === 401)) {
        this.resyncing = false;
        return;
      }
      setTimeout(() => void this.resync(attempt + 1), backoffDelay(attempt, { baseMs: 1000 }));
    }
  }

  private failed(e: unknown): void {
    const id = errorIdOf(e);
    this.status.update((s) => statusAfterError(s, id));
    if (this.status.getSnapshot().phase === 'gone') this.stop();
  }

  /** The person no longer runs the page (its socket closed 4003, or they left it elsewhere): closed for good. */
  gone(): void {
    this.status.update((s) => statusAfterError(s, 'not_page_member'));
    this.stop();
  }
}
