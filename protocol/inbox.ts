import { z } from 'zod';
import type { UserView } from './views.ts';

/**
 * The business inbox (server/inbox/, docs/INBOX.md): how a page's people work its conversations. Shared by
 * the server and the web app: limits, the bodies and queries the routes take, the views they answer and
 * the events that keep every open inbox of the page up to date. Nothing here is ever shown to the customer.
 */

export const inboxLimits = {
  labelName: { min: 1, max: 40 },
  labelsPerPage: 100,
  noteText: { min: 1, max: 4000 },
  cannedShortcut: { min: 1, max: 32, pattern: /^[\p{L}\p{N}_-]+$/u },
  cannedText: { min: 1, max: 2000 },
  cannedRepliesPerPage: 200,
  /** A target, in minutes: up to 30 days. */
  targetMinutes: { min: 1, max: 30 * 24 * 60 },
  /** A snooze ends at most this far ahead. */
  snoozeMaxMs: 365 * 24 * 3600_000,
  threadsPage: { default: 50, max: 100 },
  notesPage: 500,
  search: { min: 1, max: 100 },
} as const;

export const inboxStatuses = ['open', 'pending', 'resolved', 'snoozed'] as const;
export type InboxStatus = (typeof inboxStatuses)[number];

/** The list's filters: a status, or mine / unassigned / bot-owned (those three among the unresolved). */
export const inboxFilters = ['all', 'open', 'pending', 'resolved', 'snoozed', 'mine', 'unassigned', 'bot'] as const;
export type InboxFilter = (typeof inboxFilters)[number];

/** The variables a canned reply may hold, expanded when it is inserted (`{{order_number}}`: commerce's, later). */
export const cannedVariables = ['first_name', 'page_name', 'agent_name', 'order_number'] as const;

/** The quick replies' payload of the satisfaction question: `CSAT:<csat id>:<1..5>`. */
export const csatPayload = (csatId: string, rating: number) => `CSAT:${csatId}:${rating}`;
export const parseCsatPayload = (payload: string): { csatId: string; rating: number } | null => {
  const m = /^CSAT:([0-9A-Za-z]{1,64}):([1-5])$/.exec(payload);
  return m ? { csatId: m[1] as string, rating: Number(m[2]) } : null;
};

export interface InboxLabelView {
  id: string;
  name: string;
}

/** One conversation of the page as its people work it. Times are ISO 8601. */
export interface InboxThreadView {
  conversationId: string;
  pageId: string;
  customer: UserView;
  status: InboxStatus;
  /** While snoozed: when it wakes (it also wakes when the customer writes). */
  snoozedUntil: string | null;
  assignee: UserView | null;
  labels: InboxLabelView[];
  /** Whether an app (a bot) owns the thread under the handover protocol, and which. */
  botOwned: boolean;
  ownerAppId: string;
  /** The start of the current cycle: the customer's first message, or the one that reopened it. */
  openedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  lastCustomerAt: string;
  /** The satisfaction question of this cycle, if one was sent, and its answer (1–5) once given. */
  csat: { askedAt: string; rating: number | null } | null;
}

export interface InboxNoteView {
  id: string;
  conversationId: string;
  author: UserView;
  text: string;
  createdAt: string;
}

export interface CannedReplyView {
  id: string;
  shortcut: string;
  text: string;
  updatedAt: string;
}

/** The page's inbox settings: targets in minutes (null: none), the satisfaction question, its labels. */
export interface InboxSettingsView {
  firstResponseTargetMinutes: number | null;
  resolutionTargetMinutes: number | null;
  csatEnabled: boolean;
  labels: InboxLabelView[];
}

export type InboxCounts = Record<InboxFilter, number>;

export interface CsatReportView {
  count: number;
  /** null while nobody answered. */
  average: number | null;
  /** Answers per rating, index 0 = rating 1. */
  distribution: [number, number, number, number, number];
  perAgent: { agent: UserView | null; count: number; average: number }[];
}

export interface InboxThreadsResponse {
  threads: InboxThreadView[];
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
  counts: InboxCounts;
}
export interface InboxThreadResponse {
  thread: InboxThreadView;
}
export interface InboxNotesResponse {
  notes: InboxNoteView[];
}
export interface InboxNoteResponse {
  note: InboxNoteView;
}
export interface InboxLabelsResponse {
  labels: InboxLabelView[];
}
export interface CannedRepliesResponse {
  cannedReplies: CannedReplyView[];
}
export interface CannedReplyResponse {
  cannedReply: CannedReplyView;
}
/** A canned reply with its variables filled for one conversation; `missing`: the variables nobody could fill. */
export interface ExpandedCannedReplyResponse {
  text: string;
  missing: string[];
}
export interface InboxSettingsResponse {
  settings: InboxSettingsView;
}
export interface CsatReportResponse {
  report: CsatReportView;
}

/**
 * The inbox's events: addressed to the page's account (the sockets its people open with `/ws?page=`), never
 * to a conversation, so that the customer — a member of the conversation — never receives one, live or in
 * a catch-up, and the webhook planner never plans one.
 */
export type InboxEvent =
  | { type: 'inbox.thread_updated'; conversationId: null; pageId: string; thread: InboxThreadView }
  | { type: 'inbox.note_created'; conversationId: null; pageId: string; note: InboxNoteView }
  | { type: 'inbox.settings_updated'; conversationId: null; pageId: string; settings: InboxSettingsView }
  | { type: 'inbox.canned_replies_updated'; conversationId: null; pageId: string; cannedReplies: CannedReplyView[] };

export const inboxEventTypes = [
  'inbox.thread_updated',
  'inbox.note_created',
  'inbox.settings_updated',
  'inbox.canned_replies_updated',
] as const satisfies readonly InboxEvent['type'][];

// Bodies and queries (zod), validated at the edge.

const storable = (s: z.ZodString) => s.refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');
const minutes = z.number().int().min(inboxLimits.targetMinutes.min).max(inboxLimits.targetMinutes.max).nullable();

export const inboxThreadsQuery = z.strictObject({
  filter: z.enum(inboxFilters).default('all'),
  q: storable(z.string().trim().min(inboxLimits.search.min).max(inboxLimits.search.max)).optional(),
  label: z.string().min(1).max(64).optional(),
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(inboxLimits.threadsPage.max).default(inboxLimits.threadsPage.default),
});
export type InboxThreadsQuery = z.infer<typeof inboxThreadsQuery>;

/** A change of status; `until` (ISO 8601, in the future) with `snoozed` only. */
export const setInboxStatusBody = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('open') }),
  z.strictObject({ status: z.literal('pending') }),
  z.strictObject({ status: z.literal('resolved') }),
  z.strictObject({ status: z.literal('snoozed'), until: z.iso.datetime({ offset: true }) }),
]);
export type SetInboxStatusBody = z.infer<typeof setInboxStatusBody>;

/** Assign to a member of the page (by user id), or unassign (null). */
export const setAssigneeBody = z.strictObject({ userId: z.string().min(1).max(64).nullable() });

export const labelName = storable(z.string().trim().min(inboxLimits.labelName.min).max(inboxLimits.labelName.max));
export const createLabelBody = z.strictObject({ name: labelName });

export const noteBody = z.strictObject({
  text: storable(z.string().trim().min(inboxLimits.noteText.min).max(inboxLimits.noteText.max)),
});

const cannedShortcut = z
  .string()
  .trim()
  .min(inboxLimits.cannedShortcut.min)
  .max(inboxLimits.cannedShortcut.max)
  .regex(inboxLimits.cannedShortcut.pattern, 'letters, digits, "_" and "-" only');
const cannedText = storable(z.string().trim().min(inboxLimits.cannedText.min).max(inboxLimits.cannedText.max));
export const createCannedReplyBody = z.strictObject({ shortcut: cannedShortcut, text: cannedText });
export const updateCannedReplyBody = z
  .strictObject({ shortcut: cannedShortcut.optional(), text: cannedText.optional() })
  .refine((b) => b.shortcut !== undefined || b.text !== undefined, 'shortcut or text');

export const inboxSettingsBody = z.strictObject({
  firstResponseTargetMinutes: minutes.optional(),
  resolutionTargetMinutes: minutes.optional(),
  csatEnabled: z.boolean().optional(),
});
export type InboxSettingsBody = z.infer<typeof inboxSettingsBody>;

export const inboxThreadParams = z.strictObject({
  id: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(64),
});
export const inboxLabelParams = z.strictObject({
  id: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(64),
  labelId: z.string().min(1).max(64),
});
export const pageLabelParams = z.strictObject({ id: z.string().min(1).max(64), labelId: z.string().min(1).max(64) });
export const cannedReplyParams = z.strictObject({ id: z.string().min(1).max(64), replyId: z.string().min(1).max(64) });
export const expandCannedParams = z.strictObject({
  id: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(64),
  replyId: z.string().min(1).max(64),
});
