import type { OrderView, ShipmentStatus, ShipmentView, TimelineEntryView } from '../../protocol/commerce.ts';
import type { OrderRequestView } from '../../protocol/order-requests.ts';
import { attachmentView } from '../media/views.ts';
import { subtotalOf } from './policy.ts';
import { customerActions, deliveredAt } from './requests-policy.ts';
import type { OrderAggregate, OrderRequestRecord } from './store.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A customer's request on an order, as the order's view carries it. */
export function presentRequest(r: OrderRequestRecord): OrderRequestView {
  return {
    id: r.id,
    orderId: r.orderId,
    kind: r.kind,
    state: r.state,
    change: r.change,
    reason: r.reason,
    items: r.items,
    note: r.note,
    // Read by the customer and the page's people as the thread's media are (same-origin paths).
    photos: r.photos.map(attachmentView),
    history: r.history.map((h) => ({ ...h, at: iso(h.at) })),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

/**
 * An order with its shipments, timeline and requests, as the API answers it and `order.updated` carries
 * it; what the customer may ask is as of `now` (a return's window closes with time).
 */
export function presentOrder(
  { order, shipments, timeline, requests, policy, refunds }: OrderAggregate,
  now = Date.now(),
): OrderView {
  const d = order.data;
  const shipmentViews: ShipmentView[] = shipments.map((s) => ({
    id: s.id,
    carrier: s.carrier,
    trackingNumber: s.trackingNumber,
    trackingUrl: s.trackingUrl,
    items: s.items,
    status: s.status,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    events: timeline
      .filter((t) => t.shipmentId === s.id)
      .map((t) => ({ status: t.status as ShipmentStatus, place: t.place, description: t.description, at: iso(t.at) })),
  }));
  const entries: TimelineEntryView[] = timeline.map((t) => ({
    at: iso(t.at),
    kind: t.kind,
    status: t.status,
    shipmentId: t.shipmentId,
    place: t.place,
    description: t.description,
  }));
  return {
    id: order.id,
    pageId: order.pageId,
    number: order.number,
    status: order.status,
    customer: { psid: d.psid },
    currency: order.currency,
    items: d.items,
    subtotal: subtotalOf(d.items),
    adjustments: d.adjustments,
    taxes: d.taxes,
    shippingCost: d.shippingCost,
    total: order.total,
    shippingAddress: d.shippingAddress,
    paymentMethod: d.paymentMethod,
    merchantName: d.merchantName,
    orderUrl: d.orderUrl,
    shipments: shipmentViews,
    timeline: entries,
    refunds: refunds.map((r) => ({ id: r.id, amount: r.amount, reason: r.reason, at: iso(r.createdAt) })),
    refunded: refunds.reduce((sum, r) => sum + r.amount, 0),
    placedAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
    version: order.version,
    requests: requests.map(presentRequest),
    customerActions: customerActions(policy, {
      status: order.status,
      deliveredAt: deliveredAt(timeline),
      requests,
      now,
    }),
  };
}
