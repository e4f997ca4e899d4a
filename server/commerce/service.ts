import { isDeepStrictEqual } from 'node:util';
import {
  type Address,
  applyOrderTracked,
  type CreateOrderBody,
  type CreateShipmentBody,
  commerceLimits,
  type OrderStatus,
  type OrderTrackedView,
  type OrderView,
  type TrackingEventBody,
  type UpdateOrderBody,
} from '../../protocol/commerce.ts';
import { defaultRequestPolicy, type OrderRequestView } from '../../protocol/order-requests.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import type { UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { AggregateCache } from './aggregates.ts';
import { OrderHeads } from './heads.ts';
import { canonical } from './idempotency.ts';
import {
  canShipFrom,
  checkCurrency,
  checkOrderMove,
  checkShipmentMove,
  checkTotals,
  editable,
  shipmentItems,
  statusFromShipments,
} from './policy.ts';
import { type PhotoViews, presentOrder, presentRequest, presentTracked } from './presenter.ts';
import type {
  OrderAggregate,
  OrderData,
  OrderRecord,
  OrderRequestRecord,
  RefundRecord,
  ShipmentRecord,
  TimelineRecord,
} from './store.ts';

/** The person an order is for, as the flow resolved them: their account, their id for the page, their thread. */
export interface Customer {
  userId: string;
  psid: string;
  conversationId: string;
}

/** An order's content as placed (the Orders API's body, or a receipt template read into it). */
export type OrderInput = Omit<CreateOrderBody, 'customer'>;

/** A change made in a job: the order after it, and the shipment it concerned. */
export interface OrderChange {
  aggregate: OrderAggregate;
  view: OrderView;
  shipment: ShipmentRecord | null;
  /** false when nothing changed (a receipt sent again as it was). */
  changed: boolean;
  /** A tracking event's change alone (what `order.tracked` carries), when that is all that moved. */
  tracked?: OrderTrackedView;
  /**
   * The order's items changed (the merchant's edit, a receipt sent again, an applied change): open requests
   * to change items named them by their place in the old list (commerce/requests.ts closeStaleIn).
   */
  itemsChanged?: boolean;
}

/** An address as an order keeps it (absent parts null). */
export const addressOf = (a: Address): NonNullable<OrderData['shippingAddress']> => ({
  name: a.name ?? null,
  street1: a.street1,
  street2: a.street2 ?? null,
  city: a.city,
  postalCode: a.postalCode,
  state: a.state ?? null,
  country: a.country,
});

const dataOf = (input: OrderInput, psid: string): OrderData => ({
  psid,
  items: input.items.map((i) => ({
    title: i.title,
    subtitle: i.subtitle ?? null,
    quantity: i.quantity,
    unitPrice: i.unitPrice,
    imageUrl: i.imageUrl ?? null,
  })),
  adjustments: input.adjustments,
  taxes: input.taxes,
  shippingCost: input.shippingCost,
  shippingAddress: input.shippingAddress ? addressOf(input.shippingAddress) : null,
  billingAddress: input.billingAddress ? addressOf(input.billingAddress) : null,
  paymentMethod: input.paymentMethod ?? null,
  merchantName: input.merchantName ?? null,
  orderUrl: input.orderUrl ?? null,
});

/**
 * Orders and shipments: the steps a flow runs in its job (flows/orders.ts), each checking first and
 * writing after, the state machine and totals from policy.ts; reads for the API. Knows nothing of threads
 * or pages beyond ids: the flow resolves the customer and posts the messages.
 */
export class CommerceService {
  constructor(
    private readonly storage: Storage,
    /** A request's photos as people see them (media's view: app.ts). */
    private readonly photos: PhotoViews,
    /** The parts of recently changed orders (aggregates.ts); none by default. */
    readonly aggregates: AggregateCache = new AggregateCache(0),
    /** What the writer knows of orders' versions (heads.ts); nothing by default. */
    readonly heads: OrderHeads = new OrderHeads(0),
  ) {}

  /**
   * The order's aggregate at the start of a step, the order just read in the job: its parts as the
   * order's last change left them when they are kept at this version (aggregates.ts), else read. Only
   * for the first read of a job's order — a step that wrote the order's parts earlier in the same job
   * reads them with `uow.tx.commerce.aggregate`.
   */
  private async aggregateIn(uow: UnitOfWork, order: OrderRecord): Promise<OrderAggregate> {
    const kept = this.aggregates.get(order);
    if (!kept) return uow.tx.commerce.aggregate(order);
    const policy = (await uow.tx.commerce.requestPolicy(order.pageId)) ?? defaultRequestPolicy;
    if (this.aggregates.check) this.aggregates.verify(order, kept, await uow.tx.commerce.aggregate(order));
    return {
      order,
      shipments: kept.shipments,
      timeline: kept.timeline,
      requests: kept.requests,
      refunds: kept.refunds,
      policy,
    };
  }

  /**
   * The order as its job leaves it, kept (aggregates.ts) once the job is durable: called with the change
   * a flow announces, last in its job (flows/orders.ts announceOrderIn). Only an order with a shipment:
   * its tracking events are the changes that follow one another; an order placed and not shipped yet
   * changes seldom, and would only push those out of the cache.
   */
  keepIn(uow: UnitOfWork, change: OrderChange) {
    const { aggregate } = change;
    if (aggregate.shipments.length > 0) uow.afterCommit(() => this.aggregates.put(aggregate));
  }

  /** An order's view, as the API answers it and `order.updated` carries it (presenter.ts). */
  present(aggregate: OrderAggregate, now = Date.now()): OrderView {
    return presentOrder(aggregate, this.photos, now);
  }

  /** A request's view. */
  presentRequest(request: OrderRequestRecord): OrderRequestView {
    return presentRequest(request, this.photos);
  }

  /**
   * The page's order by number (never another page's): order_not_found otherwise. When orders are kept
   * (aggregates.ts), the row kept at the order's version is the row: a version the writer knows (heads.ts:
   * SQLite, no other connection wrote since its jobs last wrote or read the order), or on PostgreSQL one
   * read first. Otherwise the row is read.
   */
  async requireIn(uow: UnitOfWork, pageId: string, number: string): Promise<OrderRecord> {
    const notFound = () => new AppError('order_not_found', `No order ${number} for this page`, { field: 'number' });
    if (this.aggregates.enabled) {
      const external = this.storage.externalWrites();
      const known = this.heads.get(pageId, number, external);
      // Not known on SQLite (first use since the start, another connection wrote): the row is read once,
      // below. On PostgreSQL its version first, the row kept at that version spares reading its data.
      if (known || external === null) {
        const head = known ?? (await uow.tx.commerce.orderVersionByNumber(pageId, number));
        if (!head) throw notFound();
        const kept = this.aggregates.order(head.id, head.version);
        if (kept) {
          if (this.aggregates.check)
            this.aggregates.verifyOrder(kept, await uow.tx.commerce.orderByNumber(pageId, number));
          return kept;
        }
      }
    }
    const order = await uow.tx.commerce.orderByNumber(pageId, number);
    if (!order) throw notFound();
    this.heads.note(order);
    return order;
  }

  /** Whose the page's order with this number is (its customer's user id), or null: no such order. */
  async numberOwner(pageId: string, number: string): Promise<string | null> {
    return (await this.storage.reader.commerce.orderByNumber(pageId, number))?.customerId ?? null;
  }

  /** The page's order by number, as the API answers it. */
  async get(pageId: string, number: string): Promise<OrderView> {
    const r = this.storage.reader.commerce;
    const order = await r.orderByNumber(pageId, number);
    if (!order) throw new AppError('order_not_found', `No order ${number} for this page`, { field: 'number' });
    return this.present(await r.aggregate(order));
  }

  /** An order by id, for those the flow found may see it (its customer, the page's people). */
  async byId(id: string): Promise<OrderRecord | null> {
    return this.storage.reader.commerce.orderById(id);
  }

  async view(order: OrderRecord): Promise<OrderView> {
    return this.present(await this.storage.reader.commerce.aggregate(order));
  }

  /** Checks an order's content (currency, totals); the schema checked the rest. */
  check(input: Pick<OrderInput, 'currency' | 'items' | 'adjustments' | 'taxes' | 'shippingCost' | 'total'>): void {
    checkCurrency(input.currency);
    checkTotals(input);
  }

  /** Throws order_number_taken when the page has an order with this number. */
  async requireNumberFreeIn(uow: UnitOfWork, pageId: string, number: string): Promise<void> {
    if (await uow.tx.commerce.orderByNumber(pageId, number))
      throw new AppError('order_number_taken', `number: this page already has an order ${number}`, {
        field: 'number',
      });
  }

  /**
   * A new order, placed. Its callers have found the number free in this job, before their first write
   * (requireNumberFreeIn, receiptIn): it is not read again; should the row be there anyway, the
   * insert writes nothing and the job fails with order_number_taken.
   */
  async placeIn(uow: UnitOfWork, pageId: string, customer: Customer, input: OrderInput): Promise<OrderChange> {
    this.check(input);
    const order: OrderRecord = {
      id: newId(uow.now),
      pageId,
      number: input.number,
      customerId: customer.userId,
      conversationId: customer.conversationId,
      status: 'placed',
      currency: input.currency,
      total: input.total,
      data: dataOf(input, customer.psid),
      version: 1,
      createdAt: uow.now,
      updatedAt: uow.now,
    };
    if (!(await uow.tx.commerce.insertOrder(order)))
      throw new AppError('order_number_taken', `number: this page already has an order ${input.number}`, {
        field: 'number',
      });
    this.heads.note(order);
    const aggregate: OrderAggregate = {
      order,
      shipments: [],
      timeline: [],
      requests: [],
      policy: (await uow.tx.commerce.requestPolicy(pageId)) ?? defaultRequestPolicy,
      refunds: [],
    };
    await this.timelineIn(uow, aggregate, { kind: 'status', status: 'placed' });
    return this.changed(aggregate, order, null);
  }

  /**
   * A receipt for this number (the Send API's receipt template): the page's order with that number,
   * created the first time, and updated to the receipt while it may still change; the same receipt again
   * changes nothing. A receipt for another person than the order's is refused.
   */
  async receiptIn(uow: UnitOfWork, pageId: string, customer: Customer, input: OrderInput): Promise<OrderChange> {
    this.check(input);
    const existing = await uow.tx.commerce.orderByNumber(pageId, input.number);
    if (!existing) return this.placeIn(uow, pageId, customer, input);
    if (existing.customerId !== customer.userId)
      throw new AppError('order_number_taken', `number: order ${input.number} is another person’s`, {
        field: 'number',
      });
    // A receipt (Messenger's template) has no billing address: it keeps the order's.
    const billingAddress = existing.data.billingAddress ?? null;
    const data = { ...dataOf(input, customer.psid), billingAddress };
    const same =
      existing.currency === input.currency &&
      existing.total === input.total &&
      canonical({ ...existing.data, billingAddress }) === canonical(data);
    const aggregate = await uow.tx.commerce.aggregate(existing);
    if (same) return { aggregate, view: this.present(aggregate), shipment: null, changed: false };
    checkRefundsWithin(aggregate, input.total, 'total');
    if (!editable(existing.status))
      throw new AppError(
        'order_not_editable',
        `order ${input.number} is ${existing.status}: its receipt can no longer change`,
        {
          field: 'number',
          status: existing.status,
        },
      );
    const order = {
      ...existing,
      currency: input.currency,
      total: input.total,
      data,
      version: existing.version + 1,
      updatedAt: uow.now,
    };
    await this.writeOrder(uow, order, 'all');
    await this.timelineIn(uow, aggregate, { kind: 'updated', status: order.status });
    return {
      ...this.changed(aggregate, order, null),
      itemsChanged: canonical(existing.data.items) !== canonical(data.items),
    };
  }

  /** A merchant's change: prices, items, addresses (before shipping), or the status moves made by hand. */
  async updateIn(uow: UnitOfWork, pageId: string, number: string, change: UpdateOrderBody): Promise<OrderChange> {
    const existing = await this.requireIn(uow, pageId, number);
    const { status, ...fields } = change;
    const touchesContent = Object.values(fields).some((v) => v !== undefined);
    if (status !== undefined) checkOrderMove(existing.status, status);
    if (touchesContent && !editable(existing.status))
      throw new AppError(
        'order_not_editable',
        `order ${number} is ${existing.status}: items, prices and addresses change only before anything is shipped (placed, processing)`,
        {
          field: Object.keys(fields).find((k) => (fields as Record<string, unknown>)[k] !== undefined),
          status: existing.status,
        },
      );
    const d = existing.data;
    const next: OrderInput = {
      number,
      currency: change.currency ?? existing.currency,
      items:
        change.items ??
        d.items.map((i) => ({ ...i, subtitle: i.subtitle ?? undefined, imageUrl: i.imageUrl ?? undefined })),
      adjustments: change.adjustments ?? d.adjustments,
      taxes: change.taxes ?? d.taxes,
      shippingCost: change.shippingCost ?? d.shippingCost,
      total: change.total ?? existing.total,
    };
    if (touchesContent) this.check(next);
    const aggregate = await uow.tx.commerce.aggregate(existing);
    if (change.total !== undefined) checkRefundsWithin(aggregate, next.total, 'total');
    const data: OrderData = {
      ...d,
      items: next.items.map((i) => ({
        title: i.title,
        subtitle: i.subtitle ?? null,
        quantity: i.quantity,
        unitPrice: i.unitPrice,
        imageUrl: i.imageUrl ?? null,
      })),
      adjustments: next.adjustments,
      taxes: next.taxes,
      shippingCost: next.shippingCost,
      shippingAddress:
        change.shippingAddress !== undefined
          ? dataOf({ ...next, shippingAddress: change.shippingAddress }, d.psid).shippingAddress
          : d.shippingAddress,
      billingAddress:
        change.billingAddress !== undefined ? addressOf(change.billingAddress) : (d.billingAddress ?? null),
      paymentMethod: change.paymentMethod ?? d.paymentMethod,
    };
    const order: OrderRecord = {
      ...existing,
      status: status ?? existing.status,
      currency: next.currency,
      total: next.total,
      data,
      version: existing.version + 1,
      updatedAt: uow.now,
    };
    await this.writeOrder(uow, order, 'all');
    if (touchesContent) await this.timelineIn(uow, aggregate, { kind: 'updated', status: existing.status });
    if (status !== undefined) await this.timelineIn(uow, aggregate, { kind: 'status', status });
    return { ...this.changed(aggregate, order, null), itemsChanged: canonical(d.items) !== canonical(data.items) };
  }

  /** Cancels an order before anything is shipped. */
  async cancelIn(uow: UnitOfWork, pageId: string, number: string, reason: string | null): Promise<OrderChange> {
    const existing = await this.requireIn(uow, pageId, number);
    checkOrderMove(existing.status, 'cancelled');
    const order = { ...existing, status: 'cancelled' as const, version: existing.version + 1, updatedAt: uow.now };
    await this.writeOrder(uow, order, 'state');
    const aggregate = await uow.tx.commerce.aggregate(existing);
    await this.timelineIn(uow, aggregate, { kind: 'status', status: 'cancelled', description: reason });
    return this.changed(aggregate, order, null);
  }

  /** A shipment of what is left to ship (or of the items asked): the order becomes partially shipped or shipped. */
  async shipIn(uow: UnitOfWork, pageId: string, number: string, body: CreateShipmentBody): Promise<OrderChange> {
    const existing = await this.requireIn(uow, pageId, number);
    if (!canShipFrom(existing.status))
      throw new AppError(
        'invalid_transition',
        `order ${number} is ${existing.status}: shipments are created only while it is placed, processing or partially shipped`,
        {
          field: 'status',
          from: existing.status,
          rule: 'shipments only before everything is shipped, never once cancelled',
        },
      );
    const before = await this.aggregateIn(uow, existing);
    if (before.shipments.length >= commerceLimits.shipments)
      throw new AppError(
        'order_limit',
        `shipments: order ${number} has ${before.shipments.length} shipments, the most an order may have`,
        { field: 'shipments', limit: commerceLimits.shipments },
      );
    const items = shipmentItems(
      existing.data.items,
      before.shipments.flatMap((s) => s.items),
      body.items,
    );
    const shipment: ShipmentRecord = {
      id: newId(uow.now),
      orderId: existing.id,
      status: 'label_created',
      carrier: body.carrier,
      trackingNumber: body.trackingNumber,
      trackingUrl: body.trackingUrl ?? null,
      items,
      createdAt: uow.now,
      updatedAt: uow.now,
    };
    await uow.tx.commerce.insertShipment(shipment);
    const status = statusFromShipments(existing.status, existing.data.items, [...before.shipments, shipment]);
    const order = { ...existing, status, version: existing.version + 1, updatedAt: uow.now };
    await this.writeOrder(uow, order, 'state');
    const aggregate = { ...before, shipments: [...before.shipments, shipment] };
    await this.timelineIn(uow, aggregate, {
      kind: 'shipment',
      status: 'label_created',
      shipmentId: shipment.id,
      description: `${shipment.carrier} ${shipment.trackingNumber}`,
    });
    if (status !== existing.status) await this.timelineIn(uow, aggregate, { kind: 'status', status });
    return this.changed(aggregate, order, shipment);
  }

  /** A tracking event of a shipment: its status moves (state machine), and the order's follows. */
  async trackIn(
    uow: UnitOfWork,
    pageId: string,
    number: string,
    shipmentId: string,
    body: TrackingEventBody,
  ): Promise<OrderChange> {
    const existing = await this.requireIn(uow, pageId, number);
    const before = await this.aggregateIn(uow, existing);
    const shipment = before.shipments.find((s) => s.id === shipmentId);
    if (!shipment) throw new AppError('shipment_not_found', undefined, { field: 'shipmentId' });
    if (existing.status === 'cancelled' || existing.status === 'returned')
      throw new AppError(
        'invalid_transition',
        `order ${number} is ${existing.status}: it takes no more tracking events`,
        {
          field: 'status',
          from: existing.status,
          rule: 'a closed order takes no tracking events',
        },
      );
    checkShipmentMove(shipment.status, body.status);
    let events = 0;
    for (const t of before.timeline) if (t.kind === 'tracking' && t.shipmentId === shipmentId) events++;
    if (events >= commerceLimits.trackingEvents)
      throw new AppError(
        'order_limit',
        `events: shipment ${shipmentId} has ${events} tracking events, the most a shipment may have`,
        { field: 'events', limit: commerceLimits.trackingEvents },
      );
    const at = body.at !== undefined ? Date.parse(body.at) : uow.now;
    const moved = { ...shipment, status: body.status, updatedAt: uow.now };
    await uow.tx.commerce.updateShipmentStatus(shipment.id, body.status, uow.now);
    const shipments = before.shipments.map((s) => (s.id === shipment.id ? moved : s));
    const status = statusFromShipments(existing.status, existing.data.items, shipments);
    const order = { ...existing, status, version: existing.version + 1, updatedAt: uow.now };
    await this.writeOrder(uow, order, 'state');
    const aggregate = { ...before, shipments };
    await this.timelineIn(uow, aggregate, {
      kind: 'tracking',
      status: body.status,
      shipmentId: shipment.id,
      place: body.place ?? null,
      description: body.description ?? null,
      at,
    });
    if (status !== existing.status) await this.timelineIn(uow, aggregate, { kind: 'status', status });
    const change = this.changed(aggregate, order, moved);
    const tracked = presentTracked(change.view, moved.id, aggregate.timeline.length - before.timeline.length);
    // Check mode (the tests): the change alone, applied to the order as it was, makes the order as it is.
    if (this.aggregates.check) {
      const made = applyOrderTracked(this.present({ ...before, order: existing }), tracked);
      if (!isDeepStrictEqual(made, change.view))
        throw new Error(`order ${order.id} v${order.version}: order.tracked does not make the order's view`);
    }
    return { ...change, tracked };
  }

  /**
   * A change of the order that is not its content (a customer's request asked or answered): one more
   * version, so that the card, which keeps the highest it has seen, takes the new view.
   */
  async touchIn(uow: UnitOfWork, existing: OrderRecord): Promise<OrderChange> {
    const order = { ...existing, version: existing.version + 1, updatedAt: uow.now };
    await this.writeOrder(uow, order, 'state');
    return this.changed(await uow.tx.commerce.aggregate(order), order, null);
  }

  /**
   * A refund the merchant recorded, in any status (money goes back after a cancellation or a return too):
   * all the order's refunds together may not exceed its total (refund_exceeds_total, naming amount).
   */
  async refundIn(
    uow: UnitOfWork,
    pageId: string,
    number: string,
    body: { amount: number; reason?: string | undefined },
  ): Promise<OrderChange & { refund: RefundRecord }> {
    const existing = await this.requireIn(uow, pageId, number);
    const before = await this.aggregateIn(uow, existing);
    const refunded = before.refunds.reduce((sum, r) => sum + r.amount, 0);
    if (refunded + body.amount > existing.total)
      throw new AppError(
        'refund_exceeds_total',
        `amount: ${body.amount} asked, but ${existing.total - refunded} of the total (${existing.total}) is left to refund`,
        { field: 'amount', total: existing.total, refunded, left: existing.total - refunded },
      );
    const refund: RefundRecord = {
      id: newId(uow.now),
      orderId: existing.id,
      amount: body.amount,
      reason: body.reason ?? null,
      createdAt: uow.now,
    };
    await uow.tx.commerce.insertRefund(refund);
    const order = { ...existing, version: existing.version + 1, updatedAt: uow.now };
    await this.writeOrder(uow, order, 'state');
    const aggregate = { ...before, refunds: [...before.refunds, refund] };
    await this.timelineIn(uow, aggregate, { kind: 'refund', status: existing.status, description: refund.reason });
    return { ...this.changed(aggregate, order, null), refund };
  }

  /** The page's order and one of its shipments, as they are (resending a shipping update changes nothing). */
  async shipmentIn(
    uow: UnitOfWork,
    pageId: string,
    number: string,
    shipmentId: string,
  ): Promise<OrderChange & { shipment: ShipmentRecord }> {
    const existing = await this.requireIn(uow, pageId, number);
    const aggregate = await uow.tx.commerce.aggregate(existing);
    const shipment = aggregate.shipments.find((s) => s.id === shipmentId);
    if (!shipment) throw new AppError('shipment_not_found', undefined, { field: 'shipmentId' });
    return { aggregate, view: this.present(aggregate), shipment, changed: false };
  }

  /**
   * Appends a line to the order's timeline, after its last: written, and added to the aggregate the change
   * read once (each change reads its order's shipments and timeline once, then keeps them current).
   */
  private async timelineIn(
    uow: UnitOfWork,
    aggregate: OrderAggregate,
    entry: {
      kind: TimelineRecord['kind'];
      status: OrderStatus | TimelineRecord['status'];
      shipmentId?: string;
      place?: string | null;
      description?: string | null;
      at?: number;
    },
  ) {
    const line: TimelineRecord = {
      orderId: aggregate.order.id,
      seq: (aggregate.timeline.at(-1)?.seq ?? 0) + 1,
      kind: entry.kind,
      status: entry.status,
      shipmentId: entry.shipmentId ?? null,
      place: entry.place ?? null,
      description: entry.description ?? null,
      at: entry.at ?? uow.now,
    };
    await uow.tx.commerce.appendTimeline(line);
    aggregate.timeline = [...aggregate.timeline, line];
  }

  /**
   * Writes the order (`all` of it, or its `state`: status, version, time) over the version before it, and
   * notes that version as the writer's (heads.ts). Another process changed the order since this job
   * read it (PostgreSQL: several Comptoirs on one database): `order_changed`, nothing of the job kept.
   */
  private async writeOrder(uow: UnitOfWork, order: OrderRecord, what: 'all' | 'state') {
    const written =
      what === 'all' ? await uow.tx.commerce.updateOrder(order) : await uow.tx.commerce.updateOrderState(order);
    if (!written) throw new AppError('order_changed', undefined, { field: 'number', version: order.version - 1 });
    this.heads.note(order);
  }

  /** The change made: the order as written, with the aggregate kept current (timelineIn), and its view. */
  private changed(aggregate: OrderAggregate, order: OrderRecord, shipment: ShipmentRecord | null): OrderChange {
    const after = { ...aggregate, order };
    return { aggregate: after, view: this.present(after), shipment, changed: true };
  }
}

/**
 * A new total never below what was already refunded: all the order's refunds together never exceed its
 * total (refund_exceeds_total, naming the field that sets the total).
 */
function checkRefundsWithin(aggregate: OrderAggregate, total: number, field: string): void {
  let refunded = 0;
  for (const r of aggregate.refunds) refunded += r.amount;
  if (total < refunded)
    throw new AppError(
      'refund_exceeds_total',
      `${field}: ${total} is less than the ${refunded} already refunded; the order’s refunds may not exceed its total`,
      { field, total, refunded },
    );
}
