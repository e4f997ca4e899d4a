import type { ConversationSettingsResponse, ForwardResponse } from '../../../protocol/api.ts';
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
  forward: (messageId: string, clientId: string, conversationIds: string[]) =>
    request<ForwardResponse>('POST', `/api/messages/${enc(messageId)}/forward`, { clientId, conversationIds }),
};
