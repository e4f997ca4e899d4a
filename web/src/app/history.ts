import { limits } from '../../../protocol/limits.ts';
import { api } from '../api/http.ts';
import { applyHistory, applyWindow } from '../state/local.ts';
import { store } from '../state/store.ts';

/** History pages: the latest page when a conversation opens, older pages when scrolling up. */
const inflight = new Map<string, Promise<void>>();

function once(key: string, run: () => Promise<void>): Promise<void> {
  const existing = inflight.get(key);
  if (existing) return existing;
  const p = run().finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

export function loadLatest(conversationId: string): Promise<void> {
  return once(`latest:${conversationId}`, async () => {
    const page = await api.messages(conversationId, undefined, limits.historyPage.default);
    store.update((s) => applyHistory(s, conversationId, page, 'latest'));
  });
}

export function loadOlder(conversationId: string): Promise<void> {
  return once(`older:${conversationId}`, async () => {
    const thread = store.getSnapshot().threads[conversationId];
    const oldest = thread?.messages[0];
    if (!thread?.loaded || !thread.hasMore || !oldest) return;
    const page = await api.messages(conversationId, oldest.seq, limits.historyPage.default);
    store.update((s) => applyHistory(s, conversationId, page, 'older'));
  });
}

/**
 * Opens a conversation's history at a message (a search result): a window around its seq, unless the
 * thread already holds it in its loaded run.
 */
export function loadAround(conversationId: string, seq: number): Promise<void> {
  return once(`around:${conversationId}:${seq}`, async () => {
    const thread = store.getSnapshot().threads[conversationId];
    if (thread?.loaded && thread.messages.some((m) => m.seq === seq)) return;
    const page = await api.messagesAround(conversationId, seq, limits.historyPage.default);
    store.update((s) => applyWindow(s, conversationId, page, 'around'));
  });
}

/**
 * The next newer page of a window opened at a search result, scrolling down; once it reaches the newest
 * message the thread is live again (a latest page then fills in anything sent meanwhile).
 */
export function loadNewer(conversationId: string): Promise<void> {
  return once(`newer:${conversationId}`, async () => {
    const thread = store.getSnapshot().threads[conversationId];
    const newest = thread?.messages[thread.messages.length - 1];
    if (!thread?.loaded || !thread.hasNewer || !newest) return;
    const page = await api.messagesAfter(conversationId, newest.seq, limits.historyPage.default);
    store.update((s) => applyWindow(s, conversationId, page, 'newer'));
    if (!page.hasNewer) {
      const latest = await api.messages(conversationId, undefined, limits.historyPage.default);
      store.update((s) => applyHistory(s, conversationId, latest, 'latest'));
    }
  });
}
