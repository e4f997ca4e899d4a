import type { z } from 'zod';
import type { ErrorId } from '../../../protocol/errors.ts';
import * as inbox from '../../../protocol/inbox.ts';
import type { inboxAnswers } from './inbox-views.ts';

/**
 * The business inbox's routes (server/inbox/routes.ts), as operations.ts describes every route (its
 * Operation, which operations.ts's spread checks; not imported here, so that the two files form no circle).
 */
interface InboxOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  tag: 'inbox';
  summary: string;
  description?: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  ok: { [status: number]: keyof typeof inboxAnswers | null };
  errors: ErrorId[];
}

const asMember: ErrorId[] = ['page_not_found', 'not_page_member'];
const asAdmin: ErrorId[] = [...asMember, 'not_page_admin'];
const onThread: ErrorId[] = [...asMember, 'conversation_not_found'];
const base = '/api/pages/:id/inbox';
const thread = `${base}/threads/:conversationId`;

export const inboxOperations: InboxOperation[] = [
  {
    method: 'get',
    path: `${base}/threads`,
    tag: 'inbox',
    summary: "The page's conversations as its people work them, by filter, searched, paged",
    description:
      '`filter`: all, open, pending, resolved, snoozed, or — among the unresolved — mine, unassigned, bot (an app owns the thread under the handover protocol). `q` searches the customer’s name and the messages’ text. `counts` holds every filter’s count.',
    query: inbox.inboxThreadsQuery,
    ok: { 200: 'InboxThreadsResponse' },
    errors: asMember,
  },
  {
    method: 'get',
    path: thread,
    tag: 'inbox',
    summary: 'One conversation as the page’s people work it',
    ok: { 200: 'InboxThreadResponse' },
    errors: onThread,
  },
  {
    method: 'put',
    path: `${thread}/status`,
    tag: 'inbox',
    summary: 'Open, pending, snoozed until a time, or resolved (which may send the satisfaction question)',
    body: inbox.setInboxStatusBody,
    ok: { 200: 'InboxThreadResponse' },
    errors: onThread,
  },
  {
    method: 'put',
    path: `${thread}/assignee`,
    tag: 'inbox',
    summary: 'Assign to someone who runs the page, or to nobody (null)',
    body: inbox.setAssigneeBody,
    ok: { 200: 'InboxThreadResponse' },
    errors: [...onThread, 'assignee_not_member'],
  },
  {
    method: 'put',
    path: `${thread}/labels/:labelId`,
    tag: 'inbox',
    summary: 'Put one of the page’s labels on the conversation',
    ok: { 200: 'InboxThreadResponse' },
    errors: [...onThread, 'label_not_found'],
  },
  {
    method: 'delete',
    path: `${thread}/labels/:labelId`,
    tag: 'inbox',
    summary: 'Take a label off the conversation',
    ok: { 200: 'InboxThreadResponse' },
    errors: [...onThread, 'label_not_found'],
  },
  {
    method: 'get',
    path: `${thread}/notes`,
    tag: 'inbox',
    summary: 'The internal notes on the conversation, oldest first',
    ok: { 200: 'InboxNotesResponse' },
    errors: onThread,
  },
  {
    method: 'post',
    path: `${thread}/notes`,
    tag: 'inbox',
    summary: 'Write an internal note: the page’s people see it, the customer never does',
    body: inbox.noteBody,
    ok: { 201: 'InboxNoteResponse' },
    errors: onThread,
  },
  {
    method: 'get',
    path: `${thread}/canned-replies/:replyId`,
    tag: 'inbox',
    summary: 'A canned reply with its variables filled for this conversation',
    ok: { 200: 'ExpandedCannedReplyResponse' },
    errors: [...onThread, 'canned_reply_not_found'],
  },
  {
    method: 'get',
    path: `${base}/labels`,
    tag: 'inbox',
    summary: 'The page’s labels',
    ok: { 200: 'InboxLabelsResponse' },
    errors: asMember,
  },
  {
    method: 'post',
    path: `${base}/labels`,
    tag: 'inbox',
    summary: 'Add a label to the page (admins)',
    body: inbox.createLabelBody,
    ok: { 201: 'InboxLabelsResponse' },
    errors: [...asAdmin, 'label_exists', 'inbox_limit'],
  },
  {
    method: 'delete',
    path: `${base}/labels/:labelId`,
    tag: 'inbox',
    summary: 'Delete a label of the page, and take it off its conversations (admins)',
    ok: { 204: null },
    errors: [...asAdmin, 'label_not_found'],
  },
  {
    method: 'get',
    path: `${base}/canned-replies`,
    tag: 'inbox',
    summary: 'The page’s canned replies',
    ok: { 200: 'CannedRepliesResponse' },
    errors: asMember,
  },
  {
    method: 'post',
    path: `${base}/canned-replies`,
    tag: 'inbox',
    summary: 'Add a canned reply (admins); `{{first_name}}`, `{{page_name}}`, `{{agent_name}}` are filled when used',
    body: inbox.createCannedReplyBody,
    ok: { 201: 'CannedReplyResponse' },
    errors: [...asAdmin, 'canned_reply_exists', 'inbox_limit'],
  },
  {
    method: 'patch',
    path: `${base}/canned-replies/:replyId`,
    tag: 'inbox',
    summary: 'Change a canned reply (admins)',
    body: inbox.updateCannedReplyBody,
    ok: { 200: 'CannedReplyResponse' },
    errors: [...asAdmin, 'canned_reply_not_found', 'canned_reply_exists'],
  },
  {
    method: 'delete',
    path: `${base}/canned-replies/:replyId`,
    tag: 'inbox',
    summary: 'Delete a canned reply (admins)',
    ok: { 204: null },
    errors: [...asAdmin, 'canned_reply_not_found'],
  },
  {
    method: 'get',
    path: `${base}/settings`,
    tag: 'inbox',
    summary: 'The page’s targets, satisfaction question and labels',
    ok: { 200: 'InboxSettingsResponse' },
    errors: asMember,
  },
  {
    method: 'put',
    path: `${base}/settings`,
    tag: 'inbox',
    summary: 'Set the targets (minutes; null: none) and whether resolving asks for satisfaction (admins)',
    body: inbox.inboxSettingsBody,
    ok: { 200: 'InboxSettingsResponse' },
    errors: asAdmin,
  },
  {
    method: 'get',
    path: `${base}/csat`,
    tag: 'inbox',
    summary: 'The satisfaction report: count, average, distribution, per agent',
    ok: { 200: 'CsatReportResponse' },
    errors: asMember,
  },
];
