import { z } from 'zod';
import { address, commerceLimits, type OrderStatus, type OrderView } from './commerce.ts';
import type { AttachmentView } from './media.ts';
import type { MessageView } from './views.ts';

/**
 * Customer requests on an order, in its thread (docs/COMMERCE.md): the customer asks to change the order
 * (quantities, an item removed, the delivery address), to cancel it, or to return it after delivery; the
 * merchant answers through the Orders API or the business inbox. Each request is an object with a state,
 * carried in the order's view (`OrderView.requests`), so the card shows it and changes in place:
 *
 *   requested ──► accepted ──► applied          (change and cancel are applied as they are accepted;
 *       │  ▲         │                           a return once the order is marked returned)
 *       │  └── needs_info (the merchant asks; the customer's reply puts it back to requested)
 *       ├──► rejected
 *       └──► withdrawn (by the customer, while requested or needs_info)
 *
 * "Contact support" is no request: it passes the thread to the page's inbox (handover) with the
 * customer's message.
 */

export const requestKinds = ['change', 'cancel', 'return'] as const;
export type RequestKind = (typeof requestKinds)[number];

export const requestStates = ['requested', 'needs_info', 'accepted', 'rejected', 'applied', 'withdrawn'] as const;
export type RequestState = (typeof requestStates)[number];
/** The states in which a request is still open (the customer or the merchant has something to do). */
export const openRequestStates: readonly RequestState[] = ['requested', 'needs_info', 'accepted'];

export const returnReasons = ['damaged', 'wrong_item', 'not_as_described', 'no_longer_needed', 'other'] as const;
export type ReturnReason = (typeof returnReasons)[number];

export const requestLimits = {
  note: 1000,
  /** Requests per order over its life (a flood of requests is refused: too_many_requests). */
  perOrder: 50,
  /** Photos on a return (what arrived damaged, the wrong item…). */
  photos: 4,
} as const;

const storable = (s: z.ZodString) => s.refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');
const note = storable(z.string().trim().max(requestLimits.note)).optional();

const itemIndex = z
  .number()
  .int()
  .min(0)
  .max(commerceLimits.items - 1);

/** What a change asks for: new quantities (0 removes the item) and/or a new delivery address. */
export const requestedChange = z
  .strictObject({
    items: z
      .array(z.strictObject({ item: itemIndex, quantity: z.number().int().min(0).max(1_000_000) }))
      .min(1)
      .max(commerceLimits.items)
      .optional(),
    shippingAddress: address.optional(),
  })
  .refine((c) => c.items !== undefined || c.shippingAddress !== undefined, 'nothing to change');
export type RequestedChange = z.infer<typeof requestedChange>;

/** `POST /api/orders/:id/requests` — the customer, signed in. */
export const createRequestBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('change'), change: requestedChange, note }),
  z.strictObject({ kind: z.literal('cancel'), note }),
  z.strictObject({
    kind: z.literal('return'),
    reason: z.enum(returnReasons),
    /** What goes back; without it, everything delivered. */
    items: z
      .array(z.strictObject({ item: itemIndex, quantity: z.number().int().min(1).max(1_000_000) }))
      .min(1)
      .max(commerceLimits.items)
      .optional(),
    note,
    /**
     * Photos the customer uploaded first (`POST /api/media`, their own, not sent yet or already in the
     * order's thread): they go into the thread with the request, and the request shows them.
     */
    photoIds: z
      .array(z.string().min(1).max(64))
      .max(requestLimits.photos, `at most ${requestLimits.photos} photos`)
      .refine((ids) => new Set(ids).size === ids.length, 'a photo is given once')
      .optional(),
  }),
]);
export type CreateRequestBody = z.infer<typeof createRequestBody>;

/** `POST /api/orders/:id/requests/:requestId/reply` — the customer answers a needs_info. */
export const replyRequestBody = z.strictObject({ text: storable(z.string().trim().min(1).max(requestLimits.note)) });
export type ReplyRequestBody = z.infer<typeof replyRequestBody>;

/** `POST /api/orders/:id/support` — "Contact support": the thread goes to the page's inbox. */
export const contactSupportBody = z.strictObject({ text: note }).default({});
export type ContactSupportBody = z.infer<typeof contactSupportBody>;

/**
 * The merchant's answer (`POST /api/commerce/orders/:number/requests/:requestId/answer`, page token, or
 * the inbox's `POST /api/pages/:pageId/orders/:number/requests/:requestId/answer`, a page member).
 * `message` is shown to the customer with the decision (required with needs_info). Accepting a change of
 * items may set the order's new prices (`prices`); without it the total is recomputed from the new
 * quantities with the same adjustments, taxes and shipping cost.
 */
export const answerRequestBody = z
  .strictObject({
    decision: z.enum(['accept', 'reject', 'needs_info']),
    message: note,
    prices: z
      .strictObject({
        adjustments: z
          .array(z.strictObject({ label: z.string().trim().min(1).max(commerceLimits.text), amount: z.number().int() }))
          .max(commerceLimits.adjustments)
          .optional(),
        taxes: z
          .array(
            z.strictObject({
              label: z.string().trim().min(1).max(commerceLimits.text),
              amount: z.number().int().min(0),
            }),
          )
          .max(commerceLimits.taxes)
          .optional(),
        shippingCost: z.number().int().min(0).max(commerceLimits.amount).optional(),
        total: z.number().int().min(0).max(commerceLimits.amount),
      })
      .optional(),
  })
  .refine((b) => b.decision !== 'needs_info' || (b.message ?? '').length > 0, {
    message: 'a message is required to ask for more information',
    path: ['message'],
  });
export type AnswerRequestBody = z.infer<typeof answerRequestBody>;

/** Until which order status a kind of request may be made: never, or while the order is at most this. */
export const allowedUntil = ['never', 'placed', 'processing'] as const;
export type AllowedUntil = (typeof allowedUntil)[number];
export const approvals = ['automatic', 'manual'] as const;
export type Approval = (typeof approvals)[number];

/**
 * A page's policy for its customers' requests (`GET|PUT /api/commerce/policy`, page token; the inbox's
 * settings for the page's admins). Defaults: `defaultRequestPolicy`.
 */
export const requestPolicyBody = z.strictObject({
  changeAddress: z.strictObject({ until: z.enum(allowedUntil), approval: z.enum(approvals) }),
  changeItems: z.strictObject({ until: z.enum(allowedUntil), approval: z.enum(approvals) }),
  cancel: z.strictObject({ until: z.enum(allowedUntil), approval: z.enum(approvals) }),
  /** Days after delivery a return may be asked (0: no returns). */
  returns: z.strictObject({ days: z.number().int().min(0).max(365), approval: z.enum(approvals) }),
  /** Whether a customer may open a second request on an order while one is open. */
  oneOpenRequest: z.boolean(),
});
export type RequestPolicy = z.infer<typeof requestPolicyBody>;

export const defaultRequestPolicy: RequestPolicy = {
  changeAddress: { until: 'processing', approval: 'manual' },
  changeItems: { until: 'placed', approval: 'manual' },
  cancel: { until: 'processing', approval: 'automatic' },
  returns: { days: 30, approval: 'manual' },
  oneOpenRequest: true,
};

/** One step of a request's history, oldest first: who moved it, to what, with which words. */
export interface RequestStepView {
  at: string;
  by: 'customer' | 'page';
  state: RequestState;
  text: string | null;
}

export interface OrderRequestView {
  id: string;
  orderId: string;
  kind: RequestKind;
  state: RequestState;
  change: RequestedChange | null;
  reason: ReturnReason | null;
  items: { item: number; quantity: number }[] | null;
  note: string | null;
  /** The customer's photos of a return (images), in the order given; [] when none. */
  photos: AttachmentView[];
  history: RequestStepView[];
  createdAt: string;
  updatedAt: string;
}

/**
 * What the customer may ask now, by the page's policy, the order's status and its open requests: the
 * card shows the buttons it allows (Track is always there once a shipment exists).
 */
export interface CustomerActionsView {
  changeAddress: boolean;
  changeItems: boolean;
  cancel: boolean;
  return: boolean;
}

/** The thread's message for a request (MessageView.content.orderRequest): asked, answered, replied. */
export interface OrderRequestMessageView {
  orderId: string;
  requestId: string;
  kind: RequestKind;
  state: RequestState;
}

/** What the request routes answer: the request, and its order as it now is (the card's view). */
export interface OrderRequestResponse {
  request: OrderRequestView;
  order: OrderView;
}

/** `GET|PUT /api/commerce/policy`, `GET|PUT /api/pages/:pageId/commerce-policy`. */
export interface RequestPolicyResponse {
  policy: RequestPolicy;
}

/** `POST /api/orders/:id/support`: the customer's message, now in the thread the page's inbox owns. */
export interface ContactSupportResponse {
  message: MessageView;
}

/** The order statuses at or before `until`, in which a request of that kind may be made. */
export const statusesUntil: Readonly<Record<AllowedUntil, readonly OrderStatus[]>> = {
  never: [],
  placed: ['placed'],
  processing: ['placed', 'processing'],
};

/**
 * The Comptoir-native webhook of order requests (field `order_requests`), in each `entry.messaging[]`:
 * `{sender: {id: psid}, recipient: {id: pageId}, timestamp, order_request: OrderRequestWebhook}`. Apps
 * subscribed to `messaging_postbacks` only (Graph bots) get a postback instead, whose payload is the JSON
 * `{"order_request": {"id", "kind", "action", "order_number"}}`.
 */
export interface OrderRequestWebhook {
  action: 'requested' | 'replied' | 'withdrawn';
  order_number: string;
  request: OrderRequestView;
}
