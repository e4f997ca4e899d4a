import type { ConversationSettingsResponse } from '../../../protocol/api.ts';
import { request } from './http.ts';

/**
 * Chat management (server/messaging/settings.ts, hidden.ts, forward.ts): my own mute, pin and archive of
 * a conversation, delete for me, forward.
 */
const enc = encodeURIComponent;

export const chatApi = {
  settings: (conversationId: string, change: { mutedUntil?: string | null; pinned?: boolean; archived?: boolean }) =>
    request<ConversationSettingsResponse>('PATCH', `/api/conversations/${enc(conversationId)}/settings`, change),
  hide: (messageId: string) => request<void>('POST', `/api/messages/${enc(messageId)}/hide`, {}),
};
