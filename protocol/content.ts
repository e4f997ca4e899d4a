import { z } from 'zod';
import type { OrderMessageView } from './commerce.ts';
import type { MediaKind } from './media.ts';
import type { OrderRequestMessageView } from './order-requests.ts';

/**
 * What a message may carry besides its text: an attachment (media by URL, or a template — generic
 * carousel, buttons, media, receipt), quick replies offered to the person, or, on a person's message,
 * the quick reply they tapped. Pages and bots send these (the Graph-compatible Send API converts
 * Messenger's snake_case bodies to these shapes); the web app renders them. Limits are the Messenger
 * Platform's (docs/PLATFORM.md).
 */
export const contentLimits = {
  buttonTitle: 20,
  buttons: 3,
  payload: 1000,
  url: 2048,
  quickReplies: 13,
  quickReplyTitle: 20,
  elementTitle: 80,
  elementSubtitle: 80,
  genericElements: 10,
  buttonText: 640,
  receiptElements: 100,
  receiptText: 256,
  metadata: 1000,
} as const;

/** Text of 1 to `max` characters (profile.ts uses it too). */
export const text = (max: number) => z.string().min(1).max(max);
/** An http(s) URL of at most 2,048 characters (profile.ts uses it too). */
export const url = z
  .string()
  .max(contentLimits.url)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'https:' || p === 'http:';
    } catch {
      return false;
    }
  }, 'an http(s) URL');

export const button = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('web_url'),
    title: text(contentLimits.buttonTitle),
    url,
    webviewHeightRatio: z.enum(['compact', 'tall', 'full']).optional(),
  }),
  z.strictObject({
    type: z.literal('postback'),
    title: text(contentLimits.buttonTitle),
    payload: text(contentLimits.payload),
  }),
  z.strictObject({
    type: z.literal('phone_number'),
    title: text(contentLimits.buttonTitle),
    payload: z.string().regex(/^\+?[0-9 ().-]{3,32}$/, 'a phone number'),
  }),
]);
export type Button = z.infer<typeof button>;

const buttons = z.array(button).max(contentLimits.buttons);

export const quickReply = z.discriminatedUnion('contentType', [
  z.strictObject({
    contentType: z.literal('text'),
    title: text(contentLimits.quickReplyTitle),
    payload: text(contentLimits.payload),
    imageUrl: url.optional(),
  }),
  z.strictObject({ contentType: z.literal('user_email'), payload: z.string().max(contentLimits.payload).optional() }),
  z.strictObject({
    contentType: z.literal('user_phone_number'),
    payload: z.string().max(contentLimits.payload).optional(),
  }),
]);
export type QuickReply = z.infer<typeof quickReply>;

const element = z.strictObject({
  title: text(contentLimits.elementTitle),
  subtitle: z.string().max(contentLimits.elementSubtitle).optional(),
  imageUrl: url.optional(),
  defaultAction: z.strictObject({ type: z.literal('web_url'), url }).optional(),
  buttons: buttons.optional(),
});

const money = z.number().finite().min(-1e12).max(1e12);
const receiptText = z.string().max(contentLimits.receiptText);

export const template = z.discriminatedUnion('templateType', [
  z.strictObject({
    templateType: z.literal('generic'),
    elements: z.array(element).min(1).max(contentLimits.genericElements),
  }),
  z.strictObject({
    templateType: z.literal('button'),
    text: text(contentLimits.buttonText),
    buttons: z.array(button).min(1).max(contentLimits.buttons),
  }),
  z.strictObject({
    templateType: z.literal('media'),
    elements: z
      .array(z.strictObject({ mediaType: z.enum(['image', 'video']), url, buttons: buttons.optional() }))
      .length(1),
  }),
  z.strictObject({
    templateType: z.literal('receipt'),
    recipientName: text(contentLimits.receiptText),
    merchantName: receiptText.optional(),
    orderNumber: text(contentLimits.receiptText),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
    paymentMethod: text(contentLimits.receiptText),
    orderUrl: url.optional(),
    timestamp: z.number().int().min(0).optional(),
    address: z
      .strictObject({
        street1: text(contentLimits.receiptText),
        street2: receiptText.optional(),
        city: text(contentLimits.receiptText),
        postalCode: text(contentLimits.receiptText),
        state: receiptText,
        country: text(contentLimits.receiptText),
      })
      .optional(),
    summary: z.strictObject({
      subtotal: money.optional(),
      shippingCost: money.optional(),
      totalTax: money.optional(),
      totalCost: money,
    }),
    adjustments: z
      .array(z.strictObject({ name: text(contentLimits.receiptText), amount: money }))
      .max(20)
      .optional(),
    elements: z
      .array(
        z.strictObject({
          title: text(contentLimits.elementTitle),
          subtitle: receiptText.optional(),
          quantity: z.number().int().min(0).max(1e6).optional(),
          price: money,
          currency: z
            .string()
            .regex(/^[A-Z]{3}$/)
            .optional(),
          imageUrl: url.optional(),
        }),
      )
      .max(contentLimits.receiptElements)
      .optional(),
  }),
]);
export type Template = z.infer<typeof template>;

export const attachment = z.discriminatedUnion('type', [
  z.strictObject({ type: z.enum(['image', 'audio', 'video', 'file']), url }),
  z.strictObject({ type: z.literal('template'), template }),
]);
export type Attachment = z.infer<typeof attachment>;

/** A message's content besides its text, as stored with it and shown (metadata is never shown to people). */
/**
 * An uploaded file a message carries (protocol/media.ts), as stored with the message: media never change,
 * so the message keeps what it shows and the view adds the URLs. Set by the server only, from the ids the
 * sender uploaded (`attachmentIds` of a send); a Send API body never carries it.
 */
export interface MediaRef {
  id: string;
  kind: MediaKind;
  mime: string;
  name: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  voice: boolean;
  waveform: number[] | null;
  /** The media has a thumbnail. */
  thumbnail: boolean;
}

export const messageContent = z.strictObject({
  attachment: attachment.optional(),
  /** Uploaded files (server-set, see MediaRef), shown in this order; the message's text is their caption. */
  media: z
    .array(z.custom<MediaRef>((v) => typeof v === 'object' && v !== null))
    .max(10)
    .optional(),
  quickReplies: z.array(quickReply).min(1).max(contentLimits.quickReplies).optional(),
  /** On a person's message: the quick reply they tapped (its payload goes to the page's app). */
  quickReply: z.strictObject({ payload: text(contentLimits.payload) }).optional(),
  /**
   * On a person's message sent by tapping a postback button (of a template, the persistent menu or Get
   * Started): the button's payload; the message's text is the button's title. The page's app receives it
   * as a `messaging_postbacks` event, not as a message.
   */
  postback: z.strictObject({ payload: text(contentLimits.payload) }).optional(),
  /**
   * Set by the server on a person's Get Started tap in a thread they opened through the page's short link
   * with a `ref` (docs/PLATFORM.md, "Short links"): the page's apps receive it in the postback, as
   * Messenger's `postback.referral`; never shown to people.
   */
  referral: z.strictObject({ ref: z.string().max(250), source: z.literal('SHORTLINK') }).optional(),
  /** A bot's note about its own message, echoed back to it, never shown to people. */
  metadata: z.string().max(contentLimits.metadata).optional(),
  /** Set by the server on what an app sent through the Send API: the app, named in the echo; never shown to people. */
  appId: z.string().max(64).optional(),
  /**
   * Set by the server only (flows/orders.ts): the message is an order's receipt card or one of its
   * shipping updates (protocol/commerce.ts); a Send API body never carries it.
   */
  order: z.custom<OrderMessageView>((v) => typeof v === 'object' && v !== null).optional(),
  /**
   * Set by the server only (flows/order-requests.ts): the message asks, answers or replies about a
   * customer's request on an order (protocol/order-requests.ts); a Send API body never carries it.
   */
  orderRequest: z.custom<OrderRequestMessageView>((v) => typeof v === 'object' && v !== null).optional(),
  /**
   * Set by the server only (flows/business-inbox.ts): the page's satisfaction question, asked on resolve
   * (its text is for notifications and the apps; the app shows the question in the person's language).
   */
  csat: z.strictObject({ questionId: z.string().max(64) }).optional(),
  /**
   * Set by the server only (flows/content-apps.ts): the message's media was picked in a content app
   * (protocol/compose.ts), named here as it was then — shown as "via <name>"; a Send API body never carries it.
   */
  via: z.strictObject({ appId: z.string().max(64), name: z.string().max(30) }).optional(),
  /**
   * Set by the server only (messaging/forward.ts): the message is a forward of another one — its text and
   * its media (each a copy of its own) — shown "Forwarded"; a Send API body never carries it.
   */
  forwarded: z.literal(true).optional(),
});
export type MessageContent = z.infer<typeof messageContent>;
