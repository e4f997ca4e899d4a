import type { Attachment, MessageContent, QuickReply } from '../../protocol/content.ts';
import type { DomainEvent } from '../../protocol/events.ts';
import type { MessageView } from '../../protocol/views.ts';
import type { OptinEvent } from '../platform/optins.ts';
import type { ReferralEvent, StoredReferral } from '../platform/referrals.ts';
import { MEDIA_ID } from './media-urls.ts';
import type { PlannableEvent } from './store.ts';

/**
 * What a webhook receives, in the Messenger Platform's shapes (docs/PLATFORM.md, "Webhook events"): the
 * log's events of a person↔page conversation (and the referrals of the page's short links, scoped to the
 * page but about one person's thread) turned into messaging events — each with `sender`,
 * `recipient` and `timestamp` — and the webhook field each belongs to. Ids are the page's: the person is
 * their page-scoped id, never their account id; a message's `mid` is `m_<id>` as the Send API answers it.
 */

export type WebhookEvent = Record<string, unknown> & { sender?: { id: string }; recipient: { id: string } };

/** One event for the apps of a page: the field it belongs to, and the event itself. */
export interface PlannedEvent {
  field: string;
  pageId: string;
  event: WebhookEvent;
}

/** What the planner looked up for a batch of events: stored messages by id, and receipts' messages. */
export interface Lookups {
  /** Content stored with the message (metadata and the sending app are not in the log's view). */
  contentOf(messageId: string): MessageContent | null;
  /** For a receipt: the messages from seq `afterSeq` (exclusive) to `toSeq`, oldest first (at most a few). */
  messagesBetween(
    conversationId: string,
    afterSeq: number,
    toSeq: number,
  ): { id: string; senderId: string; createdAt: number }[];
  /** For a reaction: who sent the message reacted to (null when it is gone). */
  senderOf?(messageId: string): string | null;
}

/** Messenger's names of the reactions it knows; any other emoji is `other` (its `emoji` says which). */
const REACTION_NAMES: Record<string, string> = {
  '❤️': 'love',
  '😆': 'smile',
  '😂': 'smile',
  '😮': 'wow',
  '😢': 'sad',
  '😠': 'angry',
  '😡': 'angry',
  '👍': 'like',
  '👎': 'dislike',
};
export const reactionName = (emoji: string) => REACTION_NAMES[emoji] ?? 'other';

export const mid = (messageId: string) => `m_${messageId}`;

/** The webhook fields a log event becomes, with the events: none for what no app receives. */
export function webhookEventsOf(e: PlannableEvent, lookups: Lookups): PlannedEvent[] {
  if (e.pageId === null || e.psid === null || e.personId === null) return [];
  const page = { id: e.pageId };
  const person = { id: e.psid };
  const event = JSON.parse(e.payload) as DomainEvent | ReferralEvent;
  switch (event.type) {
    case 'message.created': {
      const m = event.message;
      const timestamp = Date.parse(m.createdAt);
      const content = lookups.contentOf(m.id);
      if (m.senderId === e.personId) {
        if (content?.postback) {
          return [
            {
              field: 'messaging_postbacks',
              pageId: e.pageId,
              event: {
                sender: person,
                recipient: page,
                timestamp,
                postback: {
                  title: m.text ?? '',
                  payload: content.postback.payload,
                  mid: mid(m.id),
                  // The Get Started tap of a thread opened through a short link with a ref.
                  ...(content.referral ? { referral: wireReferral(content.referral) } : {}),
                },
              },
            },
          ];
        }
        return [
          {
            field: 'messages',
            pageId: e.pageId,
            event: { sender: person, recipient: page, timestamp, message: personMessage(m) },
          },
        ];
      }
      if (m.senderId !== e.pageId) return [];
      return [
        {
          field: 'message_echoes',
          pageId: e.pageId,
          event: { sender: page, recipient: person, timestamp, message: echo(m, content) },
        },
      ];
    }
    case 'message.edited': {
      const m = event.message;
      if (m.senderId !== e.personId || m.text === null) return [];
      return [
        {
          field: 'message_edits',
          pageId: e.pageId,
          event: {
            sender: person,
            recipient: page,
            timestamp: m.editedAt ? Date.parse(m.editedAt) : e.createdAt,
            message_edit: { mid: mid(m.id), text: m.text },
          },
        },
      ];
    }
    case 'receipt.updated': {
      // The person's device says what it received and what they read. Read implies received: a receipt
      // reaching as far as it read is a read, one that received more than was read is a delivery.
      if (event.userId !== e.personId) return [];
      if (event.readSeq >= event.deliveredSeq) {
        if (event.readSeq === 0) return [];
        const [last] = lookups.messagesBetween(event.conversationId, event.readSeq - 1, event.readSeq);
        if (!last) return [];
        return [
          {
            field: 'message_reads',
            pageId: e.pageId,
            event: { sender: person, recipient: page, timestamp: e.createdAt, read: { watermark: last.createdAt } },
          },
        ];
      }
      const between = lookups.messagesBetween(event.conversationId, event.readSeq, event.deliveredSeq);
      const last = between.at(-1);
      if (!last) return [];
      const mids = between.filter((m) => m.senderId === e.pageId).map((m) => mid(m.id));
      return [
        {
          field: 'message_deliveries',
          pageId: e.pageId,
          event: {
            sender: person,
            recipient: page,
            timestamp: e.createdAt,
            delivery: { ...(mids.length > 0 ? { mids } : {}), watermark: last.createdAt },
          },
        },
      ];
    }
    case 'reaction.updated': {
      // The person reacted to (or took back their reaction on) one of the page's messages.
      if (event.userId !== e.personId || lookups.senderOf?.(event.messageId) !== e.pageId) return [];
      return [
        {
          field: 'message_reactions',
          pageId: e.pageId,
          event: {
            sender: person,
            recipient: page,
            timestamp: e.createdAt,
            reaction: {
              reaction: reactionName(event.emoji),
              emoji: event.emoji,
              action: event.on ? 'react' : 'unreact',
              mid: mid(event.messageId),
            },
          },
        },
      ];
    }
    case 'platform.referral':
      // The person came to their thread through the page's short link (platform/referrals.ts).
      if (event.userId !== e.personId) return [];
      return [
        {
          field: 'messaging_referrals',
          pageId: e.pageId,
          event: { sender: person, recipient: page, timestamp: event.at, referral: wireReferral(event) },
        },
      ];
    default:
      return [];
  }
}

/**
 * A checkout's opt-in (platform/optins.ts) as Messenger sends the checkbox plugin's: `optin {ref, user_ref}`
 * and **no sender** — the page does not know the person yet; it sends to `recipient {user_ref}`. `ref` is
 * left out when the merchant gave none.
 */
export function optinEventOf(e: OptinEvent): WebhookEvent {
  return {
    recipient: { id: e.pageId },
    timestamp: e.at,
    optin: { ...(e.ref === null ? {} : { ref: e.ref }), user_ref: e.userRef },
  };
}

/** A referral as Messenger sends it, in a `referral` event or a Get Started postback. */
const wireReferral = (r: StoredReferral) => ({ ref: r.ref, source: r.source, type: 'OPEN_THREAD' });

function personMessage(m: MessageView): Record<string, unknown> {
  const attachments = attachmentsOf(m);
  return {
    mid: mid(m.id),
    ...(m.text !== null && m.text !== '' ? { text: m.text } : {}),
    ...(m.quickReply ? { quick_reply: { payload: m.quickReply.payload } } : {}),
    ...(m.replyTo ? { reply_to: { mid: mid(m.replyTo.id) } } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

function echo(m: MessageView, content: MessageContent | null): Record<string, unknown> {
  const attachments = attachmentsOf(m);
  return {
    is_echo: true,
    ...(content?.appId ? { app_id: content.appId } : {}),
    ...(content?.metadata !== undefined ? { metadata: content.metadata } : {}),
    mid: mid(m.id),
    ...(m.text !== null && m.text !== '' ? { text: m.text } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(m.quickReplies ? { quick_replies: m.quickReplies.map(wireQuickReply) } : {}),
  };
}

/**
 * A message's attachments as Messenger sends them: its uploaded files first (each `{type, payload:
 * {media_id}}` as recorded — the dispatcher puts a signed URL in its place at each POST: media-urls.ts),
 * then its attachment by URL or its template.
 */
function attachmentsOf(m: MessageView): Record<string, unknown>[] {
  return [
    ...(m.attachments ?? []).map((a) => ({ type: a.kind, payload: { [MEDIA_ID]: a.id } })),
    ...(m.attachment ? [wireAttachment(m.attachment)] : []),
  ];
}

/** An attachment as Messenger names it: `{type, payload}`, the payload's keys in snake_case. */
export function wireAttachment(a: Attachment): Record<string, unknown> {
  if (a.type === 'template') return { type: 'template', payload: snake(a.template) };
  return { type: a.type, payload: { url: a.url } };
}

const wireQuickReply = (q: QuickReply) => snake(q);

/** camelCase keys to snake_case, all the way down (templateType → template_type). */
function snake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snake);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = snake(v);
  return out;
}
