import * as inbox from '../../../protocol/inbox.ts';
import {
  arrayOf,
  boolean,
  integer,
  type JsonSchema,
  literal,
  nullable,
  objectSchema,
  oneOf,
  ref,
  string,
  time,
} from './schema.ts';

/** The business inbox's answers and events (protocol/inbox.ts), each written once, checked like views.ts's. */

type Of<T extends inbox.InboxEvent['type']> = Extract<inbox.InboxEvent, { type: T }>;
const nullType: JsonSchema = { type: 'null' };

export const inboxViews = {
  InboxLabelView: objectSchema<inbox.InboxLabelView>({ id: string, name: string }, {}),
  InboxThreadView: objectSchema<inbox.InboxThreadView>(
    {
      conversationId: string,
      pageId: string,
      customer: ref('UserView'),
      status: oneOf(inbox.inboxStatuses),
      snoozedUntil: nullable(time),
      assignee: nullable(ref('UserView')),
      labels: arrayOf(ref('InboxLabelView')),
      botOwned: boolean,
      ownerAppId: string,
      openedAt: time,
      firstResponseAt: nullable(time),
      resolvedAt: nullable(time),
      lastCustomerAt: time,
      csat: nullable(
        objectSchema<NonNullable<inbox.InboxThreadView['csat']>>({ askedAt: time, rating: nullable(integer) }, {}),
      ),
    },
    {},
    'One conversation of the page as its people work it; never shown to the customer.',
  ),
  InboxNoteView: objectSchema<inbox.InboxNoteView>(
    { id: string, conversationId: string, author: ref('UserView'), text: string, createdAt: time },
    {},
    'An internal note: the page’s people only, never the customer, never a webhook.',
  ),
  CannedReplyView: objectSchema<inbox.CannedReplyView>(
    { id: string, shortcut: string, text: string, updatedAt: time },
    {},
  ),
  InboxSettingsView: objectSchema<inbox.InboxSettingsView>(
    {
      firstResponseTargetMinutes: nullable(integer),
      resolutionTargetMinutes: nullable(integer),
      csatEnabled: boolean,
      labels: arrayOf(ref('InboxLabelView')),
    },
    {},
  ),
  CsatReportView: objectSchema<inbox.CsatReportView>(
    {
      count: integer,
      average: nullable({ type: 'number' }),
      distribution: { type: 'array', items: integer, minItems: 5, maxItems: 5 },
      perAgent: arrayOf(
        objectSchema<inbox.CsatReportView['perAgent'][number]>(
          { agent: nullable(ref('UserView')), count: integer, average: { type: 'number' } },
          {},
        ),
      ),
    },
    {},
  ),
} satisfies Record<string, JsonSchema>;

const counts = objectSchema<inbox.InboxCounts>(
  Object.fromEntries(inbox.inboxFilters.map((f) => [f, integer])) as Record<inbox.InboxFilter, JsonSchema>,
  {},
);

export const inboxAnswers = {
  InboxThreadsResponse: objectSchema<inbox.InboxThreadsResponse>(
    { threads: arrayOf(ref('InboxThreadView')), nextCursor: nullable(string), counts },
    {},
  ),
  InboxThreadResponse: objectSchema<inbox.InboxThreadResponse>({ thread: ref('InboxThreadView') }, {}),
  InboxNotesResponse: objectSchema<inbox.InboxNotesResponse>({ notes: arrayOf(ref('InboxNoteView')) }, {}),
  InboxNoteResponse: objectSchema<inbox.InboxNoteResponse>({ note: ref('InboxNoteView') }, {}),
  InboxLabelsResponse: objectSchema<inbox.InboxLabelsResponse>({ labels: arrayOf(ref('InboxLabelView')) }, {}),
  CannedRepliesResponse: objectSchema<inbox.CannedRepliesResponse>(
    { cannedReplies: arrayOf(ref('CannedReplyView')) },
    {},
  ),
  CannedReplyResponse: objectSchema<inbox.CannedReplyResponse>({ cannedReply: ref('CannedReplyView') }, {}),
  ExpandedCannedReplyResponse: objectSchema<inbox.ExpandedCannedReplyResponse>(
    { text: string, missing: arrayOf(string) },
    {},
  ),
  InboxSettingsResponse: objectSchema<inbox.InboxSettingsResponse>({ settings: ref('InboxSettingsView') }, {}),
  CsatReportResponse: objectSchema<inbox.CsatReportResponse>({ report: ref('CsatReportView') }, {}),
} satisfies Record<string, JsonSchema>;

/** The inbox's events, as the page's sockets receive them (and `GET /api/events` would describe them). */
export const inboxEvents: { [T in inbox.InboxEvent['type']]: JsonSchema } = {
  'inbox.thread_updated': objectSchema<Of<'inbox.thread_updated'>>(
    { type: literal('inbox.thread_updated'), conversationId: nullType, pageId: string, thread: ref('InboxThreadView') },
    {},
  ),
  'inbox.note_created': objectSchema<Of<'inbox.note_created'>>(
    { type: literal('inbox.note_created'), conversationId: nullType, pageId: string, note: ref('InboxNoteView') },
    {},
  ),
  'inbox.settings_updated': objectSchema<Of<'inbox.settings_updated'>>(
    {
      type: literal('inbox.settings_updated'),
      conversationId: nullType,
      pageId: string,
      settings: ref('InboxSettingsView'),
    },
    {},
  ),
  'inbox.canned_replies_updated': objectSchema<Of<'inbox.canned_replies_updated'>>(
    {
      type: literal('inbox.canned_replies_updated'),
      conversationId: nullType,
      pageId: string,
      cannedReplies: arrayOf(ref('CannedReplyView')),
    },
    {},
  ),
};
