import { z } from 'zod';
import { url } from './content.ts';
import { optinLimits } from './optins.ts';
import type { CustomerActionsView, OrderRequestView } from './order-requests.ts';

/**
 * Orders and shipments (docs/COMMERCE.md): what a merchant sends through the Orders API, and the view of an
 * order that the API answers, that `order.updated` events carry and that the order card shows. Amounts are
 * integers in the currency's minor units (protocol/currencies.ts); adjustments may be negative (discounts).
 */

export const commerceLimits = {
  items: 100,
  adjustments: 20,
  taxes: 20,
  text: 256,
  shipments: 50,
  trackingEvents: 200,
  idempotencyKey: 255,
  /** The largest amount, in minor units, of any line or total (a trillion: far below 2^53). */
  amount: 1e12,
} as const;

export const orderStatuses = [
  'placed',
  'processing',
  'partially_shipped',
  'shipped',
  'delivered',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const shipmentStatuses = ['label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

const storable = (s: z.ZodString) => s.refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');
const label = storable(z.string().trim().min(1).max(commerceLimits.text));
const optionalText = storable(z.string().trim().max(commerceLimits.text)).optional();
/** An amount in minor units that cannot be negative. */
export const amount = z
  .number()
  .int('an integer number of minor units (1250 for 12.50)')
  .min(0, 'must not be negative')
  .max(commerceLimits.amount);
/** An amount that may be negative (an adjustment: a discount). */
export const signedAmount = z
  .number()
  .int('an integer number of minor units (-500 for a 5.00 discount)')
  .min(-commerceLimits.amount)
  .max(commerceLimits.amount);
/** The code is checked against the list of currencies by the server (unknown_currency names it). */
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code, three capital letters (EUR)');

export const orderItem = z.strictObject({
  title: label,
  subtitle: optionalText,
  quantity: z.number().int('a whole number').min(1, 'at least 1').max(1_000_000),
  unitPrice: amount,
  imageUrl: url.optional(),
});
export const priceLine = z.strictObject({ label, amount: signedAmount });
export const taxLine = z.strictObject({ label, amount });
export const address = z.strictObject({
  name: optionalText,
  street1: label,
  street2: optionalText,
  city: label,
  postalCode: label,
  state: optionalText,
  country: label,
});
export type Address = z.infer<typeof address>;

/**
 * Who the order is for: the person by the id the page knows them by (`psid`), or by the `user_ref` of the
 * checkout's opt-in (docs/PLATFORM.md), for a person the page may not know yet.
 */
export const customerRef = z.union([
  z.strictObject({ psid: z.string().min(1).max(64) }),
  z.strictObject({
    user_ref: z.string().min(optinLimits.userRef.min).max(optinLimits.userRef.max).regex(optinLimits.userRef.pattern),
  }),
]);
export type CustomerRef = z.infer<typeof customerRef>;

const priced = {
  currency: currencyCode,
  items: z.array(orderItem).min(1, 'an order has at least one item').max(commerceLimits.items),
  adjustments: z.array(priceLine).max(commerceLimits.adjustments).default([]),
  taxes: z.array(taxLine).max(commerceLimits.taxes).default([]),
  shippingCost: amount.default(0),
  /** Must equal the items (quantity × unit price) + adjustments + taxes + shipping cost. */
  total: amount,
};

export const createOrderBody = z.strictObject({
  number: storable(z.string().trim().min(1).max(commerceLimits.text)),
  customer: customerRef,
  ...priced,
  shippingAddress: address.optional(),
  /** Where the bill goes, when the merchant names it (same shape and checks as the shipping address). */
  billingAddress: address.optional(),
  paymentMethod: optionalText,
  merchantName: optionalText,
  orderUrl: url.optional(),
});
export type CreateOrderBody = z.infer<typeof createOrderBody>;

/**
 * What may change after the order is placed. Prices, items and addresses: only before anything is shipped
 * (placed, processing); `status`: the moves a merchant makes by hand (processing, returned); the others
 * follow from shipments and the cancel route.
 */
export const updateOrderBody = z
  .strictObject({
    status: z.enum(['processing', 'returned']).optional(),
    currency: currencyCode.optional(),
    items: priced.items.optional(),
    adjustments: z.array(priceLine).max(commerceLimits.adjustments).optional(),
    taxes: z.array(taxLine).max(commerceLimits.taxes).optional(),
    shippingCost: amount.optional(),
    total: amount.optional(),
    shippingAddress: address.optional(),
    billingAddress: address.optional(),
    paymentMethod: optionalText,
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'nothing to change');
export type UpdateOrderBody = z.infer<typeof updateOrderBody>;

export const cancelOrderBody = z.strictObject({ reason: optionalText }).default({});
export type CancelOrderBody = z.infer<typeof cancelOrderBody>;

/**
 * A refund the merchant recorded (the money went back by their own means): an amount in minor units, at
 * least 1; all the order's refunds together may not exceed its total (`refund_exceeds_total`).
 */
export const refundBody = z.strictObject({
  amount: amount.min(1, 'at least 1 (minor units: 1250 for 12.50)'),
  reason: optionalText,
});
export type RefundBody = z.infer<typeof refundBody>;

export const shipmentItem = z.strictObject({
  /** The item's position in the order's `items`, from 0. */
  item: z
    .number()
    .int()
    .min(0)
    .max(commerceLimits.items - 1),
  quantity: z.number().int().min(1).max(1_000_000),
});
export const createShipmentBody = z.strictObject({
  carrier: label,
  trackingNumber: label,
  trackingUrl: url.optional(),
  /** What the parcel holds; without it, everything not shipped yet. */
  items: z.array(shipmentItem).min(1).max(commerceLimits.items).optional(),
});
export type CreateShipmentBody = z.infer<typeof createShipmentBody>;

export const trackingEventBody = z.strictObject({
  status: z.enum(shipmentStatuses),
  place: optionalText,
  description: optionalText,
  /** When it happened (ISO 8601); the time it is received otherwise. */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type TrackingEventBody = z.infer<typeof trackingEventBody>;

/** An order is addressed by its number, the merchant's own key (unique per page). */
export const orderNumber = z.string().min(1).max(commerceLimits.text);
export const orderParams = z.strictObject({ number: orderNumber });
export const shipmentParams = z.strictObject({ number: orderNumber, shipmentId: z.string().min(1).max(64) });

/**
 * The business inbox's order panel (session, a member of the page): `/api/pages/:id/orders…` (`id`: the page). The
 * orders of a conversation's customer with the page, and the actions an agent takes on them.
 */
export const panelOrdersParams = z.strictObject({ id: z.string().min(1).max(64) });
export const panelOrdersQuery = z.strictObject({ conversationId: z.string().min(1).max(64) });
export const panelOrderParams = z.strictObject({ id: z.string().min(1).max(64), number: orderNumber });
export const panelShipmentParams = z.strictObject({
  id: z.string().min(1).max(64),
  number: orderNumber,
  shipmentId: z.string().min(1).max(64),
});
/** How many of a customer's orders the panel lists (the newest). */
export const panelOrdersLimit = 50;

export interface OrderItemView {
  title: string;
  subtitle: string | null;
  quantity: number;
  unitPrice: number;
  imageUrl: string | null;
}
export interface PriceLineView {
  label: string;
  amount: number;
}
export interface AddressView {
  name: string | null;
  street1: string;
  street2: string | null;
  city: string;
  postalCode: string;
  state: string | null;
  country: string;
}
export interface TrackingEventView {
  status: ShipmentStatus;
  place: string | null;
  description: string | null;
  at: string;
}
export interface ShipmentView {
  id: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  items: { item: number; quantity: number }[];
  status: ShipmentStatus;
  createdAt: string;
  updatedAt: string;
  events: TrackingEventView[];
}
/** One line of the order's history, oldest first. */
export interface TimelineEntryView {
  at: string;
  kind: 'status' | 'shipment' | 'tracking' | 'updated' | 'refund';
  /** The order's status (kind status, updated, refund), or the shipment's (shipment, tracking). */
  status: OrderStatus | ShipmentStatus;
  shipmentId: string | null;
  place: string | null;
  description: string | null;
}
/** A refund the merchant recorded: its amount in minor units of the order's currency. */
export interface RefundView {
  id: string;
  amount: number;
  reason: string | null;
  at: string;
}
export interface OrderView {
  id: string;
  pageId: string;
  number: string;
  status: OrderStatus;
  /** Who it is for, by the id the page knows them by. */
  customer: { psid: string };
  currency: string;
  items: OrderItemView[];
  /** Σ quantity × unit price. */
  subtotal: number;
  adjustments: PriceLineView[];
  taxes: PriceLineView[];
  shippingCost: number;
  total: number;
  shippingAddress: AddressView | null;
  /**
   * Where the bill goes; null when not given. The API always answers it; a receipt's snapshot stored
   * before orders had one (a message's `OrderMessageView.snapshot`) does not carry it.
   */
  billingAddress: AddressView | null;
  paymentMethod: string | null;
  merchantName: string | null;
  orderUrl: string | null;
  shipments: ShipmentView[];
  timeline: TimelineEntryView[];
  /** The refunds recorded, oldest first; `refunded` is their sum (never more than `total`). */
  refunds: RefundView[];
  refunded: number;
  placedAt: string;
  updatedAt: string;
  /** 1 when placed, one more with every change: a client keeps the highest it has seen. */
  version: number;
  /** The customer's requests on the order (protocol/order-requests.ts), oldest first. */
  requests: OrderRequestView[];
  /** What the customer may ask now, by the page's policy, the order's status and its open requests. */
  customerActions: CustomerActionsView;
}

/**
 * A tracking event's change to an order, as `order.tracked` carries it: what moved (the order's status,
 * the shipment's, the lines the timeline gained, what the customer may now ask), not the whole order
 * again. It applies to the order at `version - 1` exactly (applyOrderTracked); a client that holds another
 * version, or none, reads the order (`GET /api/orders/:id`).
 */
export interface OrderTrackedView {
  orderId: string;
  version: number;
  status: OrderStatus;
  updatedAt: string;
  shipment: { id: string; status: ShipmentStatus; updatedAt: string };
  /** The lines added at the end of the timeline: the tracking event, and the order's new status if it moved. */
  entries: TimelineEntryView[];
  customerActions: CustomerActionsView;
}

/**
 * The order a tracking change makes of the order before it (`order.version === change.version - 1`), as
 * the server's presenter would show it; null when the change is not for that version (a client then reads
 * the order). Shared by the server (its tests compare both ways) and the clients.
 */
export function applyOrderTracked(order: OrderView, change: OrderTrackedView): OrderView | null {
  if (order.id !== change.orderId || order.version !== change.version - 1) return null;
  const { shipment } = change;
  let found = false;
  const shipments = order.shipments.map((s) => {
    if (s.id !== shipment.id) return s;
    found = true;
    const events = change.entries
      .filter((e) => e.shipmentId === s.id)
      .map((e) => ({ status: e.status as ShipmentStatus, place: e.place, description: e.description, at: e.at }));
    return { ...s, status: shipment.status, updatedAt: shipment.updatedAt, events: [...s.events, ...events] };
  });
  if (!found) return null;
  return {
    ...order,
    status: change.status,
    updatedAt: change.updatedAt,
    version: change.version,
    shipments,
    timeline: [...order.timeline, ...change.entries],
    customerActions: change.customerActions,
  };
}

/** What a shipping update announces: the parcel, and for a tracking event where and when it was seen. */
export interface ShippingUpdateView {
  /** The order's number. */
  number: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  place: string | null;
  description: string | null;
  at: string;
}

/**
 * What an order's message in the thread carries (MessageView.order): the receipt card, with the order as
 * it was placed (`snapshot`; the card shows the newest view the client has), a shipping update, with
 * what it announces (`update`) — not the whole order again: the card above shows the order as it now is —
 * or a refund, with its amount (`refund`).
 */
export interface OrderMessageView {
  orderId: string;
  kind: 'receipt' | 'shipment' | 'tracking' | 'refund';
  shipmentId: string | null;
  /** The shipment's status the update announces (shipment, tracking). */
  status: ShipmentStatus | null;
  /** The order as it was placed (receipt); null on a shipping update. */
  snapshot: OrderView | null;
  /** What the shipping update announces (shipment, tracking); null on a receipt. */
  update: ShippingUpdateView | null;
  /** The refund a `refund` message announces (absent on the others). */
  refund?: RefundNoticeView;
}

/** A refund, as its message in the thread announces it. */
export interface RefundNoticeView extends RefundView {
  /** The order's number and currency. */
  number: string;
  currency: string;
}

export interface OrderResponse {
  order: OrderView;
}
export interface ShipmentResponse {
  order: OrderView;
  shipment: ShipmentView;
}
export interface RefundResponse {
  order: OrderView;
  refund: RefundView;
}
/** The order panel: a conversation's customer's orders with the page, newest first. */
export interface OrdersResponse {
  orders: OrderView[];
}
