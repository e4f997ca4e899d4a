import type {
  CannedRepliesResponse,
  CannedReplyResponse,
  CsatReportResponse,
  ExpandedCannedReplyResponse,
  InboxFilter,
  InboxLabelsResponse,
  InboxNoteResponse,
  InboxNotesResponse,
  InboxSettingsBody,
  InboxSettingsResponse,
  InboxThreadResponse,
  InboxThreadsResponse,
  SetInboxStatusBody,
} from '../../../protocol/inbox.ts';
import { request } from './http.ts';

/** The business inbox's routes (server/inbox/routes.ts): `/api/pages/:id/inbox/…`. */
const enc = encodeURIComponent;
const base = (pageId: string) => `/api/pages/${enc(pageId)}/inbox`;
const thread = (pageId: string, conversationId: string) => `${base(pageId)}/threads/${enc(conversationId)}`;

export const inboxApi = {
  /** A page of the list: `cursor` the previous page's `nextCursor`; `limit` up to inboxLimits.threadsPage.max. */
  threads: (
    pageId: string,
    q: { filter: InboxFilter; q?: string; label?: string; cursor?: string; limit?: number },
  ) => {
    const params = new URLSearchParams({ filter: q.filter });
    if (q.q) params.set('q', q.q);
    if (q.label) params.set('label', q.label);
    if (q.cursor) params.set('cursor', q.cursor);
    if (q.limit !== undefined) params.set('limit', String(q.limit));
    return request<InboxThreadsResponse>('GET', `${base(pageId)}/threads?${params}`);
  },
  thread: (pageId: string, conversationId: string) =>
    request<InboxThreadResponse>('GET', thread(pageId, conversationId)),
  setStatus: (pageId: string, conversationId: string, body: SetInboxStatusBody) =>
    request<InboxThreadResponse>('PUT', `${thread(pageId, conversationId)}/status`, body),
  assign: (pageId: string, conversationId: string, userId: string | null) =>
    request<InboxThreadResponse>('PUT', `${thread(pageId, conversationId)}/assignee`, { userId }),
  label: (pageId: string, conversationId: string, labelId: string, on: boolean) =>
    request<InboxThreadResponse>(
      on ? 'PUT' : 'DELETE',
      `${thread(pageId, conversationId)}/labels/${enc(labelId)}`,
      on ? {} : undefined,
    ),
  /** The inbox takes the thread from the bot that owns it (the handover protocol). */
  take: (pageId: string, conversationId: string) =>
    request<unknown>('POST', `/api/pages/${enc(pageId)}/conversations/${enc(conversationId)}/thread-control`, {
      action: 'take',
    }),
  notes: (pageId: string, conversationId: string) =>
    request<InboxNotesResponse>('GET', `${thread(pageId, conversationId)}/notes`),
  addNote: (pageId: string, conversationId: string, text: string) =>
    request<InboxNoteResponse>('POST', `${thread(pageId, conversationId)}/notes`, { text }),
  expandCanned: (pageId: string, conversationId: string, replyId: string) =>
    request<ExpandedCannedReplyResponse>('GET', `${thread(pageId, conversationId)}/canned-replies/${enc(replyId)}`),
  labels: (pageId: string) => request<InboxLabelsResponse>('GET', `${base(pageId)}/labels`),
  createLabel: (pageId: string, name: string) =>
    request<InboxLabelsResponse>('POST', `${base(pageId)}/labels`, { name }),
  deleteLabel: (pageId: string, labelId: string) => request<void>('DELETE', `${base(pageId)}/labels/${enc(labelId)}`),
  cannedReplies: (pageId: string) => request<CannedRepliesResponse>('GET', `${base(pageId)}/canned-replies`),
  createCanned: (pageId: string, shortcut: string, text: string) =>
    request<CannedReplyResponse>('POST', `${base(pageId)}/canned-replies`, { shortcut, text }),
  deleteCanned: (pageId: string, replyId: string) =>
    request<void>('DELETE', `${base(pageId)}/canned-replies/${enc(replyId)}`),
  settings: (pageId: string) => request<InboxSettingsResponse>('GET', `${base(pageId)}/settings`),
  setSettings: (pageId: string, body: InboxSettingsBody) =>
    request<InboxSettingsResponse>('PUT', `${base(pageId)}/settings`, body),
  csat: (pageId: string) => request<CsatReportResponse>('GET', `${base(pageId)}/csat`),
};
