import type { HistoryVisibility, UserView } from '../../../protocol/views.ts';
import { api } from '../api/http.ts';
import { applyBlock, applyEvent, applyMessageChange, applyUser, upsertConversation } from '../state/apply.ts';
import { store } from '../state/store.ts';
import { navigate } from './router.ts';

/** HTTP actions. Each applies its answer at once; the matching event arrives later and changes nothing. */

export async function startDirect(user: UserView): Promise<void> {
  const { conversation } = await api.startDirect(user.id);
  store.update((s) => upsertConversation(s, conversation));
  navigate(conversation.id);
}

export async function createGroup(title: string, memberIds: string[]): Promise<void> {
  const { conversation } = await api.createGroup(title, memberIds);
  store.update((s) => upsertConversation(s, conversation));
  navigate(conversation.id);
}

export async function updateGroup(
  conversationId: string,
  change: { title?: string; history?: HistoryVisibility },
): Promise<void> {
  const { conversation } = await api.updateGroup(conversationId, change);
  store.update((s) => upsertConversation(s, conversation));
}

export async function addMembers(conversationId: string, userIds: string[]): Promise<void> {
  const { conversation } = await api.addMembers(conversationId, userIds);
  store.update((s) => upsertConversation(s, conversation));
}

export async function removeMember(conversationId: string, userId: string): Promise<void> {
  await api.removeMember(conversationId, userId);
  const by = store.getSnapshot().me?.id ?? '';
  store.update((s) => applyEvent(s, { type: 'member.removed', conversationId, userId, by, reason: 'removed' }));
}

export async function leaveGroup(conversationId: string): Promise<void> {
  const meId = store.getSnapshot().me?.id;
  if (!meId) return;
  await api.removeMember(conversationId, meId);
  store.update((s) =>
    applyEvent(s, { type: 'member.removed', conversationId, userId: meId, by: meId, reason: 'left' }),
  );
  navigate(null);
}

export async function editMessage(messageId: string, text: string): Promise<void> {
  const { message } = await api.editMessage(messageId, text);
  store.update((s) => applyMessageChange(s, message));
}

export async function deleteMessage(messageId: string): Promise<void> {
  const { message } = await api.deleteMessage(messageId);
  store.update((s) => applyMessageChange(s, message));
}

/** The person's new profile photo (an upload of theirs), or none (null): seen at once here, live elsewhere. */
export async function updateAvatar(mediaId: string | null): Promise<void> {
  const { user } = mediaId === null ? await api.removeAvatar() : await api.setAvatar(mediaId);
  store.update((s) => applyUser(s, user));
}

export async function updateDisplayName(displayName: string): Promise<void> {
  const { user } = await api.updateMe(displayName);
  store.update((s) => applyUser(s, user));
}

/** Blocks a person: they can no longer write to me, nor I to them, until I unblock them. */
export async function blockUser(userId: string): Promise<void> {
  const { block } = await api.block(userId);
  store.update((s) => applyBlock(s, userId, block));
}

export async function unblockUser(userId: string): Promise<void> {
  await api.unblock(userId);
  store.update((s) => applyBlock(s, userId, null));
}
