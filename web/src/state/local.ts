import type { Signal } from '../../../protocol/events.ts';
import type { AttachmentView } from '../../../protocol/media.ts';
import type { ActivityView, MessageView, SelfView, UserView } from '../../../protocol/views.ts';
import { withActivity } from './activity.ts';
import { applyReceipt, applyUser, rememberUsers } from './apply.ts';
import { myMember } from './conversation.ts';
import { appendNewer, emptyThread, mergePage, windowPage } from './thread.ts';
import type { ConnectionState, FailReason, OutboxItem, State } from './types.ts';

/** Pure state changes that come from this client rather than from server events. */

export function setConnection(state: State, connection: ConnectionState): State {
  return state.connection === connection ? state : { ...state, connection };
}

export function setMe(state: State, me: SelfView, sessionId: string | null): State {
  const next = applyUser({ ...state, me, sessionId: sessionId ?? state.sessionId }, me);
  return next;
}

export function addPending(state: State, item: OutboxItem): State {
  if (state.outbox.some((o) => o.clientId === item.clientId)) return state;
  return { ...state, outbox: [...state.outbox, item] };
}

function mapOutbox(state: State, clientId: string, fn: (o: OutboxItem) => OutboxItem): State {
  let changed = false;
  const outbox = state.outbox.map((o) => {
    if (o.clientId !== clientId) return o;
    const n = fn(o);
    if (n !== o) changed = true;
    return n;
  });
  return changed ? { ...state, outbox } : state;
}

export function markFailed(state: State, clientId: string, error: FailReason): State {
  return mapOutbox(state, clientId, (o) =>
    o.status === 'failed' && o.error === error ? o : { ...o, status: 'failed', error },
  );
}

export function markPendingAgain(state: State, clientId: string): State {
  return mapOutbox(state, clientId, (o) => (o.status === 'pending' ? o : { ...o, status: 'pending', error: null }));
}

/** A pending message's voice clip has sent `sent` bytes. */
export function uploadProgress(state: State, clientId: string, sent: number): State {
  return mapOutbox(state, clientId, (o) =>
    o.upload && o.upload.sent !== sent ? { ...o, upload: { ...o.upload, sent: Math.min(o.upload.total, sent) } } : o,
  );
}

/** A pending message's voice clip is uploaded: it now carries the attachment, and may be sent. */
export function uploadDone(state: State, clientId: string, attachment: AttachmentView): State {
  return mapOutbox(state, clientId, (o) => {
    if (!o.upload) return o;
    const { upload: _, ...rest } = o;
    return { ...rest, attachments: [...(o.attachments ?? []), attachment] };
  });
}

export function discardPending(state: State, clientId: string): State {
  if (!state.outbox.some((o) => o.clientId === clientId)) return state;
  return { ...state, outbox: state.outbox.filter((o) => o.clientId !== clientId) };
}

/** A typing signal from someone else; `now` in ms. */
export function applySignal(
  state: State,
  signal: Extract<Signal, { type: 'typing' }>,
  now: number,
  ttlMs: number,
): State {
  if (signal.userId === state.me?.id) return state;
  const current = state.typing[signal.conversationId] ?? {};
  if (signal.typing) {
    return {
      ...state,
      typing: { ...state.typing, [signal.conversationId]: { ...current, [signal.userId]: now + ttlMs } },
    };
  }
  if (!(signal.userId in current)) return state;
  const { [signal.userId]: _, ...rest } = current;
  return { ...state, typing: { ...state.typing, [signal.conversationId]: rest } };
}

/** Drops typing indicators that have expired by `now`. */
export function pruneTyping(state: State, now: number): State {
  let typing = state.typing;
  for (const [cid, users] of Object.entries(state.typing)) {
    const live = Object.entries(users).filter(([, until]) => until > now);
    if (live.length === Object.keys(users).length) continue;
    if (typing === state.typing) typing = { ...typing };
    typing[cid] = Object.fromEntries(live);
  }
  return typing === state.typing ? state : { ...state, typing };
}

/** Earliest expiry among typing indicators, to schedule the next prune. */
export function nextTypingExpiry(state: State): number | null {
  let min: number | null = null;
  for (const users of Object.values(state.typing)) {
    for (const until of Object.values(users)) if (min === null || until < min) min = until;
  }
  return min;
}

/** I read up to `seq` here: move my watermark and the unread count at once (the event confirms later). */
export function markReadLocally(state: State, conversationId: string, seq: number): State {
  const meId = state.me?.id;
  if (!meId || !state.conversations[conversationId]) return state;
  const next = applyReceipt(state, conversationId, meId, seq, seq);
  const conv = next.conversations[conversationId];
  if (conv && conv.unread > 0 && (myMember(conv, meId)?.readSeq ?? 0) >= conv.lastSeq) {
    return { ...next, conversations: { ...next.conversations, [conversationId]: { ...conv, unread: 0 } } };
  }
  return next;
}

export function applyHistory(
  state: State,
  conversationId: string,
  page: { messages: MessageView[]; hasMore: boolean; users: readonly UserView[]; activity?: readonly ActivityView[] },
  kind: 'latest' | 'older',
): State {
  const thread = state.threads[conversationId] ?? emptyThread;
  const merged = mergePage({ ...thread, hasNewer: false }, page.messages, page.hasMore, kind);
  if (kind === 'older' && thread.hasNewer) merged.hasNewer = true;
  else delete merged.hasNewer;
  // The page's senders and the people its activity lines name, members or not: someone who left still
  // signs their old messages.
  const next = rememberUsers({ ...state, threads: { ...state.threads, [conversationId]: merged } }, page.users);
  return withActivity(next, conversationId, page.activity);
}

/** Back to the sign-in screen: forget everything about the account. */
export function signedOut(state: State): State {
  return {
    ...state,
    phase: 'signedOut',
    me: null,
    sessionId: null,
    cursor: null,
    conversations: {},
    removed: {},
    threads: {},
    outbox: [],
    typing: {},
    users: {},
    revokedSessions: [],
    myPages: null,
    pageMembers: {},
    apps: null,
    deliveries: {},
    pageApps: {},
    pageProfiles: {},
    orders: {},
    orderHeads: {},
    activity: {},
    blocks: null,
  };
}

/**
 * A window of history around a search result (`around`), or the page after it (`newer`), with the page's
 * senders. A window replaces the thread unless the thread already holds the message in its loaded run.
 */
export function applyWindow(
  state: State,
  conversationId: string,
  page: { messages: MessageView[]; hasMore: boolean; hasNewer?: boolean; users: readonly UserView[] },
  kind: 'around' | 'newer',
): State {
  const thread = state.threads[conversationId] ?? emptyThread;
  const next =
    kind === 'around'
      ? windowPage(page.messages, page.hasMore, page.hasNewer ?? false)
      : appendNewer(thread, page.messages, page.hasNewer ?? false);
  return rememberUsers({ ...state, threads: { ...state.threads, [conversationId]: next } }, page.users);
}
