import { limits } from '../../../protocol/limits.ts';
import type { MessageView, QuoteView } from '../../../protocol/views.ts';
import { newClientId } from '../lib/clientId.ts';
import { addPending, discardPending, markPendingAgain } from '../state/local.ts';
import { store } from '../state/store.ts';
import type { OutboxItem, Tap } from '../state/types.ts';
import { socket } from './connection.ts';

/**
 * Optimistic sending. A message goes into the outbox (shown at once as pending) and is sent over the socket
 * with its clientId as `ref`. Until the server acknowledges it (ack, or a message.created carrying the same
 * clientId), it is re-sent with the same clientId after every reconnection; the server dedupes.
 * The outbox survives a reload of this tab (sessionStorage).
 */

function transmit(item: OutboxItem): void {
  if (item.status !== 'pending' || !socket.isReady()) return;
  socket.send({
    type: 'send',
    ref: item.clientId,
    conversationId: item.conversationId,
    clientId: item.clientId,
    text: item.text,
    ...(item.replyToId ? { replyToId: item.replyToId } : {}),
    ...(item.tap ? { [item.tap.kind]: { payload: item.tap.payload } } : {}),
  });
}

export function quoteOf(message: MessageView): QuoteView {
  return {
    id: message.id,
    senderId: message.senderId,
    text: message.text === null ? null : message.text.slice(0, 200),
    deleted: message.deletedAt !== null,
  };
}

/** Queues a message; returns false (and queues nothing) for empty or too long text. */
export function sendMessage(conversationId: string, text: string, replyTo: MessageView | null): boolean {
  if (text.trim() === '' || text.length > limits.messageText.max) return false;
  const item: OutboxItem = {
    clientId: newClientId(),
    conversationId,
    text,
    replyToId: replyTo?.id ?? null,
    replyTo: replyTo ? quoteOf(replyTo) : null,
    createdAt: new Date().toISOString(),
    status: 'pending',
    error: null,
  };
  store.update((s) => addPending(s, item));
  transmit(item);
  return true;
}

/**
 * A tap on what a page offered (a quick reply, a postback button of its message or menu, Get Started): sent
 * like any message — pending at once, re-sent until acknowledged — with the title as its text.
 */
export function sendTap(conversationId: string, title: string, tap: Tap): void {
  const item: OutboxItem = {
    clientId: newClientId(),
    conversationId,
    text: title,
    replyToId: null,
    replyTo: null,
    createdAt: new Date().toISOString(),
    status: 'pending',
    error: null,
    tap: { kind: tap.kind, payload: tap.payload },
  };
  store.update((s) => addPending(s, item));
  transmit(item);
}

/** Sends every pending item again (after `ready` on a new connection). */
export function flushOutbox(): void {
  for (const item of store.getSnapshot().outbox) transmit(item);
}

export function retrySend(clientId: string): void {
  store.update((s) => markPendingAgain(s, clientId));
  const item = store.getSnapshot().outbox.find((o) => o.clientId === clientId);
  if (item) transmit(item);
}

export function discardSend(clientId: string): void {
  store.update((s) => discardPending(s, clientId));
}

export function isOutboxRef(ref: string | null): boolean {
  return ref !== null && store.getSnapshot().outbox.some((o) => o.clientId === ref);
}

// Persistence: one key per account, in this tab only (other tabs have their own outbox).
const storageKey = (userId: string) => `comptoir.outbox.${userId}`;
let persistedFor: string | null = null;
let lastSaved: OutboxItem[] | null = null;

export function restoreOutbox(userId: string): void {
  persistedFor = userId;
  try {
    const raw = sessionStorage.getItem(storageKey(userId));
    const items = raw ? (JSON.parse(raw) as OutboxItem[]) : [];
    for (const item of items) {
      if (
        typeof item?.clientId === 'string' &&
        typeof item.conversationId === 'string' &&
        typeof item.text === 'string' &&
        (item.tap === undefined ||
          ((item.tap.kind === 'quickReply' || item.tap.kind === 'postback') && typeof item.tap.payload === 'string'))
      ) {
        store.update((s) => addPending(s, item));
      }
    }
  } catch {
    // unreadable: start empty
  }
}

export function forgetOutbox(): void {
  if (persistedFor) {
    try {
      sessionStorage.removeItem(storageKey(persistedFor));
    } catch {
      // ignore
    }
  }
  persistedFor = null;
  lastSaved = null;
}

store.subscribe(() => {
  const { outbox } = store.getSnapshot();
  if (!persistedFor || outbox === lastSaved) return;
  lastSaved = outbox;
  try {
    if (outbox.length === 0) sessionStorage.removeItem(storageKey(persistedFor));
    else sessionStorage.setItem(storageKey(persistedFor), JSON.stringify(outbox));
  } catch {
    // storage full or disabled: the outbox still lives in memory
  }
});
