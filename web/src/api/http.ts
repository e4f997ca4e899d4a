import type {
  AppResponse,
  AppSecretResponse,
  AppsResponse,
  BlockResponse,
  BlocksResponse,
  ConversationResponse,
  ConversationsResponse,
  DeliveriesResponse,
  DeliveryQueuedResponse,
  DeliveryResponse,
  InstanceResponse,
  MeResponse,
  MessageResponse,
  MessageSearchResponse,
  MessagesResponse,
  MyPagesResponse,
  PageAccessTokenResponse,
  PageAppsResponse,
  PageConversationResponse,
  PageMembersResponse,
  PageProfileResponse,
  PageResponse,
  PagesResponse,
  SessionsResponse,
  UsersResponse,
  WebhookResponse,
} from '../../../protocol/api.ts';
import type { OrderResponse } from '../../../protocol/commerce.ts';
import { type ErrorBody, type ErrorId, errorIds } from '../../../protocol/errors.ts';
import type {
  OptinCheckResponse,
  OptinResponse,
  OptinsResponse,
  PageConsentResponse,
} from '../../../protocol/optins.ts';
import type { HistoryVisibility, PageRole, SelfView } from '../../../protocol/views.ts';

/** A failed request: an error id from the catalogue, `network` when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly id: ErrorId | 'network' | 'unknown',
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isErrorId(value: unknown): value is ErrorId {
  return typeof value === 'string' && (errorIds as readonly string[]).includes(value);
}

/** Called when any request answers 401: the session is gone. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { quiet401?: boolean; headers?: Record<string, string> } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        ...(body === undefined
          ? { Accept: 'application/json' }
          : { 'Content-Type': 'application/json', Accept: 'application/json' }),
        ...opts.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('network', 0, e instanceof Error ? e.message : 'network error');
  }
  if (res.status === 204) return undefined as T;
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw failure(res.status, res.statusText, data, opts.quiet401);
  return data as T;
}

/**
 * The ApiError of a failed answer (its `{error: {id, message, details}}` body, parsed or null); a 401 for a
 * session that is gone also tells the app (unless `quiet401`). Shared by fetch and the uploads (api/media.ts).
 */
export function failure(status: number, statusText: string, data: unknown, quiet401 = false): ApiError {
  const err = (data as { error?: Partial<ErrorBody> } | null)?.error;
  const id = isErrorId(err?.id) ? err.id : 'unknown';
  if (status === 401 && !quiet401 && (id === 'unauthenticated' || id === 'session_expired')) onUnauthenticated?.();
  return new ApiError(id, status, err?.message ?? statusText, err?.details);
}

const enc = encodeURIComponent;

export const api = {
  instance: () => request<InstanceResponse>('GET', '/api/instance', undefined, { quiet401: true }),
  signUp: (body: { username: string; password: string; displayName?: string }) =>
    request<{ user: SelfView }>('POST', '/api/auth/signup', body, { quiet401: true }),
  signIn: (body: { username: string; password: string }) =>
    request<{ user: SelfView }>('POST', '/api/auth/signin', body, { quiet401: true }),
  signOut: () => request<void>('POST', '/api/auth/signout', undefined, { quiet401: true }),
  me: () => request<MeResponse>('GET', '/api/me', undefined, { quiet401: true }),
  updateMe: (displayName: string) => request<{ user: SelfView }>('PATCH', '/api/me', { displayName }),
  sessions: () => request<SessionsResponse>('GET', '/api/sessions'),
  changePassword: (body: { currentPassword: string; newPassword: string; signOutOtherDevices: boolean }) =>
    request<void>('POST', '/api/me/password', body),
  deleteAccount: (password: string) => request<void>('DELETE', '/api/me', { password }),
  setAvatar: (mediaId: string) => request<{ user: SelfView }>('PUT', '/api/me/avatar', { mediaId }),
  removeAvatar: () => request<{ user: SelfView }>('DELETE', '/api/me/avatar'),
  revokeSession: (id: string) => request<void>('DELETE', `/api/sessions/${enc(id)}`),
  searchUsers: (q: string) => request<UsersResponse>('GET', `/api/users?q=${enc(q)}`),
  conversations: () => request<ConversationsResponse>('GET', '/api/conversations'),
  startDirect: (userId: string) => request<ConversationResponse>('POST', '/api/conversations/direct', { userId }),
  createGroup: (title: string, memberIds: string[]) =>
    request<ConversationResponse>('POST', '/api/conversations/group', { title, memberIds }),
  conversation: (id: string) => request<ConversationResponse>('GET', `/api/conversations/${enc(id)}`),
  updateGroup: (id: string, change: { title?: string; history?: HistoryVisibility }) =>
    request<ConversationResponse>('PATCH', `/api/conversations/${enc(id)}`, change),
  addMembers: (id: string, userIds: string[]) =>
    request<ConversationResponse>('POST', `/api/conversations/${enc(id)}/members`, { userIds }),
  removeMember: (id: string, userId: string) =>
    request<void>('DELETE', `/api/conversations/${enc(id)}/members/${enc(userId)}`),
  messages: (id: string, before?: number, limit = 50) =>
    request<MessagesResponse>(
      'GET',
      `/api/conversations/${enc(id)}/messages?limit=${limit}${before !== undefined ? `&before=${before}` : ''}`,
    ),
  editMessage: (id: string, text: string) => request<MessageResponse>('PATCH', `/api/messages/${enc(id)}`, { text }),
  deleteMessage: (id: string) => request<MessageResponse>('DELETE', `/api/messages/${enc(id)}`),
  /** Puts (`on`) or takes back my emoji reaction on a message: the message with its reactions as they now are. */
  react: (conversationId: string, messageId: string, emoji: string, on: boolean) =>
    request<MessageResponse>(
      on ? 'PUT' : 'DELETE',
      `/api/conversations/${enc(conversationId)}/messages/${enc(messageId)}/reactions/${enc(emoji)}`,
    ),
  /** An order shown in one of my threads (as its customer, or for a page I run), as it now is. */
  order: (id: string) => request<OrderResponse>('GET', `/api/orders/${enc(id)}`),

  searchPages: (q: string) => request<PagesResponse>('GET', `/api/pages?q=${enc(q)}`),
  createPage: (body: { name: string; username: string; description?: string }) =>
    request<PageResponse>('POST', '/api/pages', body),
  myPages: () => request<MyPagesResponse>('GET', '/api/me/pages'),
  page: (id: string) => request<PageResponse>('GET', `/api/pages/${enc(id)}`),
  updatePage: (id: string, change: { name?: string; description?: string }) =>
    request<PageResponse>('PATCH', `/api/pages/${enc(id)}`, change),
  pageMembers: (id: string) => request<PageMembersResponse>('GET', `/api/pages/${enc(id)}/members`),
  addPageMember: (id: string, username: string, role: PageRole) =>
    request<PageMembersResponse>('POST', `/api/pages/${enc(id)}/members`, { username, role }),
  setPageRole: (id: string, userId: string, role: PageRole) =>
    request<PageMembersResponse>('PATCH', `/api/pages/${enc(id)}/members/${enc(userId)}`, { role }),
  removePageMember: (id: string, userId: string) =>
    request<void>('DELETE', `/api/pages/${enc(id)}/members/${enc(userId)}`),
  pageProfile: (id: string) => request<PageProfileResponse>('GET', `/api/pages/${enc(id)}/profile`),
  /** The apps connected to the page and their webhooks' state (its admins). */
  pageApps: (id: string) => request<PageAppsResponse>('GET', `/api/pages/${enc(id)}/apps`),
  /** The page of that username, as a list of one (empty: no such page). */
  pageByUsername: (username: string) => request<PagesResponse>('GET', `/api/pages?username=${enc(username)}`),
  /** `ref`: the page's short link was followed with one (its apps receive it). */
  pageConversation: (id: string, ref?: string) =>
    request<PageConversationResponse>(
      'POST',
      `/api/pages/${enc(id)}/conversation`,
      ref === undefined ? undefined : { ref },
    ),

  // A page's inbox, as the page (for the people who run it); its receipts go on the page's socket.
  pageConversations: (id: string) => request<ConversationsResponse>('GET', `/api/pages/${enc(id)}/conversations`),
  pageMessages: (id: string, conversationId: string, before?: number, limit = 50) =>
    request<MessagesResponse>(
      'GET',
      `/api/pages/${enc(id)}/conversations/${enc(conversationId)}/messages?limit=${limit}${before !== undefined ? `&before=${before}` : ''}`,
    ),
  pageSend: (id: string, conversationId: string, body: { clientId: string; text: string }) =>
    request<MessageResponse>('POST', `/api/pages/${enc(id)}/conversations/${enc(conversationId)}/messages`, body),

  // Opt-in at checkout (the link flow) and my standing with pages: their updates, a block.
  optinCheck: (q: { pageId: string; userRef: string; ref: string | null; returnTo: string }) =>
    request<OptinCheckResponse>(
      'GET',
      `/api/optins/check?page_id=${enc(q.pageId)}&user_ref=${enc(q.userRef)}${q.ref === null ? '' : `&ref=${enc(q.ref)}`}&return_to=${enc(q.returnTo)}`,
    ),
  optIn: (body: { pageId: string; userRef: string; ref?: string; returnTo: string; how: 'link' }) =>
    request<OptinResponse>('POST', '/api/optins', body),
  optins: () => request<OptinsResponse>('GET', '/api/optins'),
  pageConsent: (id: string) => request<PageConsentResponse>('GET', `/api/pages/${enc(id)}/consent`),
  setPageConsent: (id: string, change: { updates?: 'stopped' | 'allowed'; blocked?: boolean }) =>
    request<PageConsentResponse>('POST', `/api/pages/${enc(id)}/consent`, change),

  // Developer apps (the console).
  apps: () => request<AppsResponse>('GET', '/api/apps'),
  createApp: (name: string) => request<AppSecretResponse>('POST', '/api/apps', { name }),
  app: (id: string) => request<AppResponse>('GET', `/api/apps/${enc(id)}`),
  rotateAppSecret: (id: string) => request<AppSecretResponse>('POST', `/api/apps/${enc(id)}/secret`, {}),
  setWebhook: (id: string, body: { url: string; verifyToken: string; fields: string[] }) =>
    request<WebhookResponse>('PUT', `/api/apps/${enc(id)}/webhook`, body),
  deleteWebhook: (id: string) => request<void>('DELETE', `/api/apps/${enc(id)}/webhook`),
  connectApp: (id: string, pageId: string) =>
    request<PageAccessTokenResponse>('POST', `/api/apps/${enc(id)}/pages/${enc(pageId)}`),
  revokeAppPage: (id: string, pageId: string) => request<void>('DELETE', `/api/apps/${enc(id)}/pages/${enc(pageId)}`),
  /** The webhook delivery log, newest first; `before` is the `next` of the page before. */
  deliveries: (id: string, before?: string, limit = 20) =>
    request<DeliveriesResponse>(
      'GET',
      `/api/apps/${enc(id)}/deliveries?limit=${limit}${before !== undefined ? `&before=${enc(before)}` : ''}`,
    ),
  delivery: (id: string, deliveryId: string) =>
    request<DeliveryResponse>('GET', `/api/apps/${enc(id)}/deliveries/${enc(deliveryId)}`),
  replayDelivery: (id: string, deliveryId: string) =>
    request<DeliveryQueuedResponse>('POST', `/api/apps/${enc(id)}/deliveries/${enc(deliveryId)}/replay`, {}),
  testWebhook: (id: string, pageId?: string) =>
    request<DeliveryQueuedResponse>('POST', `/api/apps/${enc(id)}/webhook/test`, pageId ? { pageId } : {}),

  // Blocking people.
  blocks: () => request<BlocksResponse>('GET', '/api/blocks'),
  block: (userId: string) => request<BlockResponse>('POST', '/api/blocks', { userId }),
  unblock: (userId: string) => request<void>('DELETE', `/api/blocks/${enc(userId)}`),
  /** A window of history holding seq `around` (a search result), or the page `after` a seq (newer). */
  messagesAround: (id: string, around: number, limit = 50) =>
    request<MessagesResponse>('GET', `/api/conversations/${enc(id)}/messages?limit=${limit}&around=${around}`),
  messagesAfter: (id: string, after: number, limit = 50) =>
    request<MessagesResponse>('GET', `/api/conversations/${enc(id)}/messages?limit=${limit}&after=${after}`),
  /** Full-text search of my messages, newest first; `before` is the `nextCursor` of the page before. */
  searchMessages: (q: string, before?: string, limit = 20) =>
    request<MessageSearchResponse>(
      'GET',
      `/api/search/messages?q=${enc(q)}&limit=${limit}${before !== undefined ? `&before=${enc(before)}` : ''}`,
    ),
};
