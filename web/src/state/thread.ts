import type { MessageView } from '../../../protocol/views.ts';
import type { Thread } from './types.ts';

/** Pure helpers for message lists: sorted by seq, unique by id, never with holes once loaded. */

export const emptyThread: Thread = { messages: [], loaded: false, hasMore: false };

function time(iso: string | null): number {
  return iso ? Date.parse(iso) : 0;
}

/** True when `incoming` carries newer information than `existing` (same message id). */
export function isNewerVersion(incoming: MessageView, existing: MessageView): boolean {
  if (existing.deletedAt) return false; // deletion is final
  if (incoming.deletedAt) return true;
  if (time(incoming.editedAt) > time(existing.editedAt)) return true;
  // Same content version: take it only if it fills in something we lacked.
  return (
    existing.clientId === null && incoming.clientId !== null && time(incoming.editedAt) === time(existing.editedAt)
  );
}

/** Whether a message may be put in the thread without creating a hole before the oldest loaded one. */
export function canInsert(thread: Thread, seq: number): boolean {
  // A window (opened at a search result) takes no message past its newest: the next newer page brings it.
  if (thread.loaded && thread.hasNewer) {
    const newest = thread.messages[thread.messages.length - 1];
    if (newest === undefined || seq > newest.seq) return false;
  }
  if (!thread.loaded || !thread.hasMore) return true;
  const oldest = thread.messages[0];
  return oldest === undefined || seq >= oldest.seq;
}

/**
 * The newer version of a message, keeping the reactions of the copy it replaces when it carries none of
 * its own (events' messages never do: `reaction.updated` moves them); a deleted message has none.
 */
export function newerVersion(incoming: MessageView, existing: MessageView): MessageView {
  if (incoming.reactions !== undefined || existing.reactions === undefined || incoming.deletedAt !== null)
    return incoming;
  return { ...incoming, reactions: existing.reactions };
}

/** Inserts or updates one message; returns the same thread when nothing changes. */
export function upsertMessage(thread: Thread, message: MessageView): Thread {
  const list = thread.messages;
  const at = list.findIndex((m) => m.id === message.id);
  if (at >= 0) {
    const existing = list[at] as MessageView;
    if (!isNewerVersion(message, existing)) return thread;
    const messages = list.slice();
    messages[at] = newerVersion(message, existing);
    return { ...thread, messages };
  }
  if (!canInsert(thread, message.seq)) return thread;
  // Insert at its place by seq (usually the end).
  let i = list.length;
  while (i > 0 && (list[i - 1] as MessageView).seq > message.seq) i--;
  if (i > 0 && (list[i - 1] as MessageView).seq === message.seq) return thread; // another id at this seq: ignore
  const messages = list.slice();
  messages.splice(i, 0, message);
  return { ...thread, messages };
}

/** Merges a page of history (oldest first) into a thread. */
export function mergePage(thread: Thread, page: MessageView[], hasMore: boolean, kind: 'latest' | 'older'): Thread {
  const pageOldest = page[0]?.seq ?? Number.POSITIVE_INFINITY;
  const newestKept = thread.messages[thread.messages.length - 1]?.seq ?? 0;
  // A latest page touching an already loaded run extends it; otherwise what we had before the page is
  // sparse (or too old) and would leave a hole: drop it, pagination will bring it back.
  const extendsRun = kind === 'older' || (thread.loaded && pageOldest <= newestKept + 1);
  const byId = new Map<string, MessageView>();
  for (const m of thread.messages) {
    if (!extendsRun && hasMore && m.seq < pageOldest) continue;
    byId.set(m.id, m);
  }
  for (const m of page) {
    const existing = byId.get(m.id);
    if (!existing) byId.set(m.id, m);
    else if (isNewerVersion(m, existing)) byId.set(m.id, newerVersion(m, existing));
  }
  const bySeq = new Map<number, MessageView>();
  for (const m of byId.values()) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  let more = kind === 'latest' && extendsRun ? thread.hasMore : hasMore;
  if (messages.length === 0 || messages[0]?.seq === 1) more = false;
  // A latest page ends at the newest message: any window it extended has joined the live tail.
  return { messages, loaded: true, hasMore: more };
}

/**
 * A window of history around a search result (oldest first), replacing what the thread held unless it
 * already holds that run contiguously; `hasNewer`: the window does not reach the newest message.
 */
export function windowPage(page: MessageView[], hasMore: boolean, hasNewer: boolean): Thread {
  const messages = [...page].sort((a, b) => a.seq - b.seq);
  return { messages, loaded: true, hasMore: hasMore && messages[0]?.seq !== 1, hasNewer };
}

/** A newer page (oldest first) appended to a window; once it reaches the newest message the window is live. */
export function appendNewer(thread: Thread, page: MessageView[], hasNewer: boolean): Thread {
  const newest = thread.messages[thread.messages.length - 1]?.seq ?? 0;
  const byId = new Map(thread.messages.map((m) => [m.id, m]));
  for (const m of page) {
    const existing = byId.get(m.id);
    if (!existing || isNewerVersion(m, existing)) byId.set(m.id, m);
  }
  const bySeq = new Map<number, MessageView>();
  for (const m of byId.values()) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  // Only a page that follows the window (no hole): one that does not is ignored.
  const first = page[0]?.seq;
  if (first !== undefined && first > newest + 1) return thread;
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return { messages, loaded: true, hasMore: thread.hasMore, hasNewer };
}

export function findMessage(thread: Thread | undefined, id: string): MessageView | undefined {
  return thread?.messages.find((m) => m.id === id);
}
