import { chatApi } from '../api/chat.ts';
import { api } from '../api/http.ts';
import { newClientId } from '../lib/clientId.ts';
import { applyHidden, applyMessage, upsertConversation } from '../state/apply.ts';
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

/** Forward a message to conversations (at most 5): each copy shows at once where it went. */
export async function forwardMessage(messageId: string, conversationIds: string[]): Promise<number> {
  const { messages } = await chatApi.forward(messageId, newClientId(), conversationIds);
  store.update((s) => messages.reduce(applyMessage, s));
  return messages.length;
}

/** "Copy text": the message's text to the clipboard; false when the browser refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
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
