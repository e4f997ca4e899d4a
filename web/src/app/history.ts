import { limits } from '../../../protocol/limits.ts';
import { api } from '../api/http.ts';
import { applyHistory } from '../state/local.ts';
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
