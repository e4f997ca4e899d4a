import { chatApi } from '../api/chat.ts';
import { api } from '../api/http.ts';
import { applyHidden, upsertConversation } from '../state/apply.ts';
import { store } from '../state/store.ts';

/**
 * Chat management's actions: my own mute, pin and archive of a conversation, delete for me. Each applies
 * its answer at once; the matching event (to my other devices) changes nothing here.
 */

export async function changeSettings(
  conversationId: string,
  change: { mutedUntil?: string | null; pinned?: boolean; archived?: boolean },
): Promise<void> {
  const { settings } = await chatApi.settings(conversationId, change);
  store.update((s) => {
    const conv = s.conversations[conversationId];
    return conv ? upsertConversation(s, { ...conv, ...settings }) : s;
  });
}

/** Delete for me: gone from this device at once. */
export async function hideMessage(conversationId: string, messageId: string): Promise<void> {
  await chatApi.hide(messageId);
  store.update((s) => {
    const conv = s.conversations[conversationId];
    return applyHidden(s, conversationId, messageId, conv?.unread ?? 0);
  });
  refreshLastMessage(conversationId);
}

/**
 * After a message was hidden: when the list no longer knows the conversation's last message (the thread
 * did not hold the one before), the server tells it.
 */
export function refreshLastMessage(conversationId: string): void {
  const conv = store.getSnapshot().conversations[conversationId];
  if (!conv || conv.lastMessage !== null || conv.lastSeq === 0) return;
  api.conversation(conversationId).then(
    ({ conversation }) => store.update((s) => upsertConversation(s, conversation)),
    () => {},
  );
}
