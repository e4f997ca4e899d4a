import { z } from 'zod';
import {
  type Button,
  url as httpUrl,
  type MessageContent,
  messageContent,
  type QuickReply,
  type Template,
} from '../../protocol/content.ts';
import type { MediaKind } from '../../protocol/media.ts';

/**
 * The Send API's body as Messenger clients send it (snake_case, docs/PLATFORM.md), read into what Comptoir
 * stores (protocol/content.ts). Every refusal names the field the way the Graph API does
 * (`message[attachment][payload][elements][0][title]`), for error code 100.
 */

export const MESSAGE_TEXT_MAX = 2000;
export const messagingTypes = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'] as const;
export const messageTags = ['POST_PURCHASE_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT'] as const;
export const senderActions = ['typing_on', 'typing_off', 'mark_seen'] as const;

export type Recipient = { id: string } | { userRef: string };

/**
 * An attachment the Send API saved for the page (me/message_attachments, graph-attachments.ts): its stored
 * media, and the URL it was saved from — or only that URL, for one saved before Comptoir stored media.
 */
export interface SavedAttachment {
  url: string | null;
  mediaId: string | null;
}

/**
 * Where a message's media comes from (graph-media.ts stores it, then the message carries it): fetched from
 * its URL, a saved attachment, or the file the call uploaded (multipart `filedata`). `reusable` (the
 * payload's `is_reusable`): the page keeps it, and the answer carries its `attachment_id`.
 */
export type MediaSource =
  | { from: 'url'; url: string; reusable: boolean }
  | { from: 'saved'; attachmentId: string; saved: SavedAttachment }
  | { from: 'upload'; reusable: boolean };

export interface SendRequest {
  recipient: Recipient;
  messagingType: (typeof messagingTypes)[number];
  tag: (typeof messageTags)[number] | null;
  /**
   * A message to send, or null for a sender action. `media`: an image, audio, video or file attachment,
   * stored before the message is sent (its `type` is what the app said; the kind comes from the bytes).
   */
  message: {
    text: string;
    content: MessageContent | null;
    media: { type: MediaKind; source: MediaSource } | null;
  } | null;
  senderAction: (typeof senderActions)[number] | null;
}

/** The multipart field of a file, as Messenger's clients send it. */
export const FILE_FIELD = 'filedata';

/** A refused field: `field` as the Graph API names it, `message` what is wrong. */
export class SendBodyError extends Error {
  constructor(
    readonly field: string,
    message: string,
    /** A Graph error subcode where Messenger has one (2018034: empty message). */
    readonly subcode: number | null = null,
  ) {
    super(`(#100) param ${field}: ${message}`);
    this.name = 'SendBodyError';
  }
}

const str = z.string();
const wireButton = z.looseObject({
  type: z.enum(['web_url', 'postback', 'phone_number']),
  title: str,
  url: str.optional(),
  payload: z.union([str, z.number()]).optional(),
  webview_height_ratio: z.enum(['compact', 'tall', 'full']).optional(),
});
const wireQuickReply = z.looseObject({
  content_type: z.enum(['text', 'user_email', 'user_phone_number']),
  title: z.union([str, z.number()]).optional(),
  payload: z.union([str, z.number()]).optional(),
  image_url: str.optional(),
});
const wireElement = z.looseObject({
  title: str,
  subtitle: str.optional(),
  image_url: str.optional(),
  default_action: z.looseObject({ type: z.literal('web_url'), url: str }).optional(),
  buttons: z.array(wireButton).optional(),
});
const amount = z.union([z.number(), str.regex(/^-?[0-9]+(\.[0-9]+)?$/).transform(Number)]);
const wireTemplate = z.discriminatedUnion('template_type', [
  z.looseObject({ template_type: z.literal('generic'), elements: z.array(wireElement) }),
  z.looseObject({ template_type: z.literal('button'), text: str, buttons: z.array(wireButton) }),
  z.looseObject({
    template_type: z.literal('media'),
    elements: z.array(
      z.looseObject({
        media_type: z.enum(['image', 'video']),
        url: str.optional(),
        attachment_id: z.union([str, z.number()]).optional(),
        buttons: z.array(wireButton).optional(),
      }),
    ),
  }),
  z.looseObject({
    template_type: z.literal('receipt'),
    recipient_name: str,
    merchant_name: str.optional(),
    order_number: z.union([str, z.number()]).transform(String),
    currency: str,
    payment_method: str,
    order_url: str.optional(),
    timestamp: z
      .union([str.regex(/^[0-9]+$/), z.number().int()])
      .transform(Number)
      .optional(),
    address: z
      .looseObject({
        street_1: str,
        street_2: str.optional(),
        city: str,
        postal_code: z.union([str, z.number()]).transform(String),
        state: str,
        country: str,
      })
      .optional(),
    summary: z.looseObject({
      subtotal: amount.optional(),
      shipping_cost: amount.optional(),
      total_tax: amount.optional(),
      total_cost: amount,
    }),
    adjustments: z.array(z.looseObject({ name: str, amount })).optional(),
    elements: z
      .array(
        z.looseObject({
          title: str,
          subtitle: str.optional(),
          quantity: z.number().int().optional(),
          price: amount,
          currency: str.optional(),
          image_url: str.optional(),
        }),
      )
      .optional(),
  }),
]);
const wireAttachment = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.enum(['image', 'audio', 'video', 'file']),
    payload: z.looseObject({
      url: str.optional(),
      attachment_id: z.union([str, z.number()]).optional(),
      is_reusable: z.boolean().optional(),
    }),
  }),
  z.looseObject({ type: z.literal('template'), payload: wireTemplate }),
]);
const wireMessage = z.looseObject({
  text: str.optional(),
  attachment: wireAttachment.optional(),
  quick_replies: z.array(wireQuickReply).optional(),
  metadata: str.optional(),
});
const wireBody = z.looseObject({
  recipient: z.looseObject({ id: z.union([str, z.number()]).transform(String).optional(), user_ref: str.optional() }),
  messaging_type: z.enum(messagingTypes).optional(),
  tag: z.enum(messageTags).optional(),
  notification_type: z.enum(['REGULAR', 'SILENT_PUSH', 'NO_PUSH']).optional(),
  message: wireMessage.optional(),
  sender_action: z.enum(senderActions).optional(),
});

/** `message.attachment.payload.elements.0.title` → `message[attachment][payload][elements][0][title]`. */
export const graphField = (path: readonly PropertyKey[]): string => {
  const [first, ...rest] = path.map(String);
  return `${first ?? 'body'}${rest.map((p) => `[${p}]`).join('')}`;
};

/** A path in Comptoir's content (camelCase, `attachment.template`) as the field the client sent. */
const toWire = (path: readonly PropertyKey[]): PropertyKey[] =>
  path.map((p, i) =>
    typeof p !== 'string'
      ? p
      : p === 'template' && path[i - 1] === 'attachment'
        ? 'payload'
        : p.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toLowerCase(),
  );

function refuse(error: z.ZodError, prefix: readonly PropertyKey[] = [], wire = false): never {
  const issue = error.issues[0];
  const inner = issue?.path ?? [];
  const path = [...prefix, ...(wire ? toWire(inner) : inner)];
  throw new SendBodyError(graphField(path), issue?.message ?? 'invalid');
}

/**
 * Attachments by `attachment_id` (saved with me/message_attachments), loaded by the caller first
 * (attachmentIdsIn): null for an unknown id or another page's (refused naming the field).
 */
export type AttachmentIds = (id: string) => SavedAttachment | null;

/**
 * The `attachment_id`s a body names (its attachment's, its media template's elements'), so that the caller
 * can load them before reading it. Anything else in the body is left to readSendBody.
 */
export function attachmentIdsIn(raw: unknown): string[] {
  // Helpers at module level: this runs on every call, most often to find nothing.
  const payload = field(field(field(raw, 'message'), 'attachment'), 'payload');
  if (payload === undefined) return [];
  const ids = new Set<string>();
  addAttachmentId(ids, payload);
  const elements = field(payload, 'elements');
  if (Array.isArray(elements)) for (const e of elements.slice(0, 100)) addAttachmentId(ids, e);
  return [...ids];
}

function field(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined;
}

function addAttachmentId(ids: Set<string>, o: unknown) {
  const id = field(o, 'attachment_id');
  if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
}

/**
 * Reads a Send API body; throws SendBodyError naming the first wrong field. `upload`: the call came with
 * a file (multipart `filedata`), which its attachment must then take.
 */
export function readSendBody(raw: unknown, attachments: AttachmentIds = () => null, upload = false): SendRequest {
  const parsed = wireBody.safeParse(raw);
  if (!parsed.success) refuse(parsed.error);
  const b = parsed.data;
  const recipient: Recipient | null = b.recipient.id
    ? { id: b.recipient.id }
    : b.recipient.user_ref
      ? { userRef: b.recipient.user_ref }
      : null;
  if (!recipient) throw new SendBodyError('recipient', 'an id or a user_ref is required');
  if (b.sender_action && b.message) throw new SendBodyError('sender_action', 'cannot be sent with a message');
  if (!b.sender_action && !b.message) throw new SendBodyError('message', 'a message or a sender_action is required');
  const messagingType = b.messaging_type ?? (b.tag ? 'MESSAGE_TAG' : 'RESPONSE');
  if (messagingType === 'MESSAGE_TAG' && !b.tag)
    throw new SendBodyError('tag', 'required with messaging_type MESSAGE_TAG');
  const request: SendRequest = {
    recipient,
    messagingType,
    tag: b.tag ?? null,
    message: null,
    senderAction: b.sender_action ?? null,
  };
  if (!b.message) {
    if (upload) throw new SendBodyError(FILE_FIELD, 'a file is sent with a message');
    return request;
  }
  const m = b.message;
  const text = m.text ?? '';
  if (m.text !== undefined && m.attachment)
    throw new SendBodyError('message', 'text and attachment cannot both be set');
  if (text.length > MESSAGE_TEXT_MAX)
    throw new SendBodyError('message[text]', `must be at most ${MESSAGE_TEXT_MAX} characters`);
  if (!m.attachment && text.trim() === '')
    throw new SendBodyError('message', 'Message cannot be empty, must provide valid attachment or text', 2018034);
  const content: MessageContent = {};
  let media: NonNullable<SendRequest['message']>['media'] = null;
  if (m.attachment?.type === 'template')
    content.attachment = { type: 'template', template: readTemplate(m.attachment.payload, attachments) };
  else if (m.attachment) media = { type: m.attachment.type, source: mediaSource(m.attachment, attachments, upload) };
  if (upload && media?.source.from !== 'upload')
    throw new SendBodyError(FILE_FIELD, 'a file is sent with an image, audio, video or file attachment');
  if (m.quick_replies) content.quickReplies = m.quick_replies.map(readQuickReply);
  if (m.metadata !== undefined) content.metadata = m.metadata;
  const checked = messageContent.safeParse(content);
  if (!checked.success) refuse(checked.error, ['message'], true);
  request.message = { text, content: Object.keys(content).length > 0 ? checked.data : null, media };
  return request;
}

type WireAttachment = z.infer<typeof wireAttachment>;
type WireButton = z.infer<typeof wireButton>;

const PAYLOAD = 'message[attachment][payload]';

/** An image, audio, video or file attachment: by its URL, a saved one, or the call's file — one of them. */
function mediaSource(
  a: Extract<WireAttachment, { payload: { is_reusable?: boolean } }>,
  attachments: AttachmentIds,
  upload: boolean,
): MediaSource {
  const { url, attachment_id: id, is_reusable } = a.payload;
  const given = [url !== undefined, id !== undefined, upload].filter(Boolean).length;
  if (given === 0) throw new SendBodyError(PAYLOAD, 'a url, an attachment_id or a file (filedata) is required');
  if (given > 1)
    throw new SendBodyError(upload ? FILE_FIELD : PAYLOAD, 'one of a url, an attachment_id or a file, not several');
  if (url !== undefined) {
    const checked = httpUrl.safeParse(url);
    if (!checked.success) throw new SendBodyError(`${PAYLOAD}[url]`, checked.error.issues[0]?.message ?? 'invalid');
    return { from: 'url', url, reusable: is_reusable === true };
  }
  if (id !== undefined) {
    const saved = attachments(String(id));
    if (saved === null) throw new SendBodyError(`${PAYLOAD}[attachment_id]`, 'no such attachment');
    return { from: 'saved', attachmentId: String(id), saved };
  }
  return { from: 'upload', reusable: is_reusable === true };
}

/**
 * A media template's element by its URL, or by a saved attachment's: the URL it was saved from. One
 * uploaded as a file has none — Comptoir shows media templates by URL (docs/PLATFORM.md).
 */
function elementUrl(url: string | undefined, id: string | number | undefined, i: number, attachments: AttachmentIds) {
  const field = `${PAYLOAD}[elements][${i}]`;
  if (url !== undefined) return url;
  if (id === undefined) throw new SendBodyError(field, 'a url or an attachment_id is required');
  const found = attachments(String(id));
  if (found === null) throw new SendBodyError(`${field}[attachment_id]`, 'no such attachment');
  if (found.url === null)
    throw new SendBodyError(
      `${field}[attachment_id]`,
      'an attachment uploaded as a file is sent as the message’s attachment; a media template takes one saved from a URL',
    );
  return found.url;
}

const readButton = (b: WireButton): Button =>
  b.type === 'web_url'
    ? {
        type: 'web_url',
        title: b.title,
        url: b.url ?? '',
        ...(b.webview_height_ratio ? { webviewHeightRatio: b.webview_height_ratio } : {}),
      }
    : { type: b.type, title: b.title, payload: b.payload === undefined ? '' : String(b.payload) };

const readQuickReply = (q: z.infer<typeof wireQuickReply>): QuickReply =>
  q.content_type === 'text'
    ? {
        contentType: 'text',
        title: q.title === undefined ? '' : String(q.title),
        payload: q.payload === undefined ? '' : String(q.payload),
        ...(q.image_url ? { imageUrl: q.image_url } : {}),
      }
    : { contentType: q.content_type, ...(q.payload !== undefined ? { payload: String(q.payload) } : {}) };

function readTemplate(t: z.infer<typeof wireTemplate>, attachments: AttachmentIds): Template {
  const opt = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as Record<K, V>);
  switch (t.template_type) {
    case 'generic':
      return {
        templateType: 'generic',
        elements: t.elements.map((e) => ({
          title: e.title,
          ...opt('subtitle', e.subtitle),
          ...opt('imageUrl', e.image_url),
          ...opt(
            'defaultAction',
            e.default_action ? { type: 'web_url' as const, url: e.default_action.url } : undefined,
          ),
          ...opt('buttons', e.buttons?.map(readButton)),
        })),
      };
    case 'button':
      return { templateType: 'button', text: t.text, buttons: t.buttons.map(readButton) };
    case 'media':
      return {
        templateType: 'media',
        elements: t.elements.map((e, i) => ({
          mediaType: e.media_type,
          url: elementUrl(e.url, e.attachment_id, i, attachments),
          ...opt('buttons', e.buttons?.map(readButton)),
        })),
      };
    case 'receipt':
      return {
        templateType: 'receipt',
        recipientName: t.recipient_name,
        ...opt('merchantName', t.merchant_name),
        orderNumber: t.order_number,
        currency: t.currency,
        paymentMethod: t.payment_method,
        ...opt('orderUrl', t.order_url),
        ...opt('timestamp', t.timestamp),
        ...opt(
          'address',
          t.address && {
            street1: t.address.street_1,
            ...opt('street2', t.address.street_2),
            city: t.address.city,
            postalCode: t.address.postal_code,
            state: t.address.state,
            country: t.address.country,
          },
        ),
        summary: {
          ...opt('subtotal', t.summary.subtotal),
          ...opt('shippingCost', t.summary.shipping_cost),
          ...opt('totalTax', t.summary.total_tax),
          totalCost: t.summary.total_cost,
        },
        ...opt(
          'adjustments',
          t.adjustments?.map((a) => ({ name: a.name, amount: a.amount })),
        ),
        ...opt(
          'elements',
          t.elements?.map((e) => ({
            title: e.title,
            ...opt('subtitle', e.subtitle),
            ...opt('quantity', e.quantity),
            price: e.price,
            ...opt('currency', e.currency),
            ...opt('imageUrl', e.image_url),
          })),
        ),
      };
  }
}
