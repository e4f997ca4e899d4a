import type {
  OrderTrackedView,
  OrderView,
  ShipmentStatus,
  ShipmentView,
  TimelineEntryView,
} from '../../protocol/commerce.ts';
import type { MediaRef } from '../../protocol/content.ts';
import type { AttachmentView } from '../../protocol/media.ts';
import type { OrderRequestView } from '../../protocol/order-requests.ts';
import { subtotalOf } from './policy.ts';
import { customerActions, deliveredAt } from './requests-policy.ts';
import type { OrderAggregate, OrderRequestRecord } from './store.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * How people are shown a photo the request keeps (a port: app.ts gives media's pure view, whose same-origin
 * URLs the customer and the page's people read with their session). Commerce imports no other domain.
 */
export type PhotoViews = (ref: MediaRef) => AttachmentView;

/** A customer's request on an order, as the order's view carries it. */
export function presentRequest(r: OrderRequestRecord, photos: PhotoViews): OrderRequestView {
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
    photos: r.photos.map(photos),
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
  photos: PhotoViews,
  now = Date.now(),
): OrderView {
  const d = order.data;
  // Each line's time formatted once: the timeline and its shipment's events show the same lines.
  const entries: TimelineEntryView[] = timeline.map((t) => ({
    at: iso(t.at),
    kind: t.kind,
    status: t.status,
    shipmentId: t.shipmentId,
    place: t.place,
    description: t.description,
  }));
  const shipmentViews: ShipmentView[] = shipments.map((s) => {
    const events: ShipmentView['events'] = [];
    for (const [i, t] of timeline.entries())
      if (t.shipmentId === s.id)
        events.push({
          status: t.status as ShipmentStatus,
          place: t.place,
          description: t.description,
          at: (entries[i] as TimelineEntryView).at,
        });
    return {
      id: s.id,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      trackingUrl: s.trackingUrl,
      items: s.items,
      status: s.status,
      createdAt: iso(s.createdAt),
      updatedAt: iso(s.updatedAt),
      events,
    };
  });
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
    // Orders stored before billing addresses have none in their data.
    billingAddress: d.billingAddress ?? null,
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
    requests: requests.map((r) => presentRequest(r, photos)),
    customerActions: customerActions(policy, {
      status: order.status,
      deliveredAt: deliveredAt(timeline),
      requests,
      now,
    }),
  };
}

/**
 * A tracking event's change, from the order's view after it: the statuses, the shipment's time, the last
 * `added` timeline lines (the event's, and the order's status when it moved), what the customer may ask.
 */
export function presentTracked(view: OrderView, shipmentId: string, added: number): OrderTrackedView {
  const shipment = view.shipments.find((s) => s.id === shipmentId);
  if (!shipment) throw new Error(`shipment ${shipmentId} is not in order ${view.id}`);
  return {
    orderId: view.id,
    version: view.version,
    status: view.status,
    updatedAt: view.updatedAt,
    shipment: { id: shipment.id, status: shipment.status, updatedAt: shipment.updatedAt },
    entries: view.timeline.slice(view.timeline.length - added),
    customerActions: view.customerActions,
  };
}

/** A photo's link for a merchant's server: absolute and signed, read with no session (app.ts: media's). */
export type PhotoLink = (id: string, variant: 'original' | 'thumbnail') => string;

/**
 * An answer for a merchant's server (the Orders API: a page token, no session): the photos of its order's
 * requests, and of its request, as signed links in place of the people's same-origin paths. Made at each
 * answer — a kept answer sent again (Idempotency-Key) gets fresh links.
 */
export function withPhotoLinks<T>(body: T, link: PhotoLink): T {
  const linked = (p: AttachmentView): AttachmentView => ({
    ...p,
    url: link(p.id, 'original'),
    thumbnailUrl: p.thumbnailUrl === null ? null : link(p.id, 'thumbnail'),
  });
  const request = (r: OrderRequestView): OrderRequestView =>
    r.photos.length === 0 ? r : { ...r, photos: r.photos.map(linked) };
  const b = body as { order?: OrderView; request?: OrderRequestView };
  if (typeof body !== 'object' || body === null || (!b.order?.requests && !b.request?.photos)) return body;
  return {
    ...body,
    ...(b.order?.requests ? { order: { ...b.order, requests: b.order.requests.map(request) } } : {}),
    ...(b.request?.photos ? { request: request(b.request) } : {}),
  };
}
