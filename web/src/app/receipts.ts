import { myMember } from '../state/conversation.ts';
import { markReadLocally } from '../state/local.ts';
import { store } from '../state/store.ts';
import { socket } from './connection.ts';

/**
 * Delivery and read receipts, debounced per conversation. Watermarks only move forward on the server, so
 * sending a value twice is harmless; values that could not be sent (offline) are sent after `ready`.
 */
const DEBOUNCE_MS = 300;

const delivered = new Map<string, number>();
const read = new Map<string, number>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();

function schedule(conversationId: string): void {
  if (timers.has(conversationId)) return;
  timers.set(
    conversationId,
    setTimeout(() => {
      timers.delete(conversationId);
      flushOne(conversationId);
    }, DEBOUNCE_MS),
  );
}

function flushOne(conversationId: string): void {
  const deliveredSeq = delivered.get(conversationId);
  const readSeq = read.get(conversationId);
  if (deliveredSeq === undefined && readSeq === undefined) return;
  if (store.getSnapshot().removed[conversationId]) {
    delivered.delete(conversationId);
    read.delete(conversationId);
    return;
  }
  const sent =
    socket.isReady() &&
    socket.send({
      type: 'receipt',
      conversationId,
      ...(deliveredSeq !== undefined ? { deliveredSeq } : {}),
      ...(readSeq !== undefined ? { readSeq } : {}),
    });
  if (sent) {
    delivered.delete(conversationId);
    read.delete(conversationId);
  }
}

/** A message from someone else reached this device. */
export function noteDelivered(conversationId: string, seq: number): void {
  if ((delivered.get(conversationId) ?? 0) >= seq) return;
  delivered.set(conversationId, seq);
  schedule(conversationId);
}

/** Everything in the conversation up to its last message has been seen here. */
export function markRead(conversationId: string): void {
  const state = store.getSnapshot();
  const conv = state.conversations[conversationId];
  if (!conv || state.removed[conversationId] || conv.lastSeq === 0) return;
  const mine = myMember(conv, state.me?.id);
  if (mine && mine.readSeq >= conv.lastSeq && conv.unread === 0) return;
  store.update((s) => markReadLocally(s, conversationId, conv.lastSeq));
  if ((mine?.readSeq ?? 0) < conv.lastSeq && (read.get(conversationId) ?? 0) < conv.lastSeq) {
    read.set(conversationId, conv.lastSeq);
    schedule(conversationId);
  }
}

/** After (re)connecting: acknowledge delivery of what arrived while away, and send what was held back. */
export function syncReceipts(): void {
  const state = store.getSnapshot();
  for (const conv of Object.values(state.conversations)) {
    if (state.removed[conv.id]) continue;
    const mine = myMember(conv, state.me?.id);
    if (mine && mine.deliveredSeq < conv.lastSeq) noteDelivered(conv.id, conv.lastSeq);
  }
  for (const id of new Set([...delivered.keys(), ...read.keys()])) schedule(id);
}

export function resetReceipts(): void {
  for (const t of timers.values()) clearTimeout(t);
  timers.clear();
  delivered.clear();
  read.clear();
}
