import type { OrderStatus, ShipmentStatus, TimelineEntryView } from '../../protocol/commerce.ts';
import type { MediaRef } from '../../protocol/content.ts';
import {
  defaultRequestPolicy,
  type RequestedChange,
  type RequestKind,
  type RequestPolicy,
  type RequestState,
  type RequestStepView,
  type ReturnReason,
} from '../../protocol/order-requests.ts';
import { type Db, hasNul, type SqlText, sqlText } from '../storage/sql.ts';

/**
 * What commerce stores, written once for both backends (storage/sql.ts): orders (what is read only with the
 * order as one JSON column), shipments, each order's timeline, and the Orders API's idempotency keys.
 * Times are milliseconds; amounts integers in the currency's minor units.
 */

/** An address as an order keeps it (absent parts null). */
export interface AddressData {
  name: string | null;
  street1: string;
  street2: string | null;
  city: string;
  postalCode: string;
  state: string | null;
  country: string;
}

export interface OrderData {
  /** The customer's page-scoped id (what the API answers). */
  psid: string;
  items: { title: string; subtitle: string | null; quantity: number; unitPrice: number; imageUrl: string | null }[];
  adjustments: { label: string; amount: number }[];
  taxes: { label: string; amount: number }[];
  shippingCost: number;
  shippingAddress: AddressData | null;
  /**
   * Where the bill goes (null: not given). Absent from the data of orders stored before it — read as null;
   * nothing to migrate: the column is JSON (no schema change on either backend).
   */
  billingAddress?: AddressData | null;
  paymentMethod: string | null;
  merchantName: string | null;
  orderUrl: string | null;
}

export interface OrderRecord {
  id: string;
  pageId: string;
  number: string;
  customerId: string;
  conversationId: string;
  status: OrderStatus;
  currency: string;
  total: number;
  data: OrderData;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface ShipmentRecord {
  id: string;
  orderId: string;
  status: ShipmentStatus;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  items: { item: number; quantity: number }[];
  createdAt: number;
  updatedAt: number;
}

export interface TimelineRecord {
  orderId: string;
  seq: number;
  kind: TimelineEntryView['kind'];
  status: OrderStatus | ShipmentStatus;
  shipmentId: string | null;
  place: string | null;
  description: string | null;
  at: number;
}

export interface RefundRecord {
  id: string;
  orderId: string;
  /** Minor units of the order's currency, at least 1. */
  amount: number;
  reason: string | null;
  createdAt: number;
}

export interface IdempotencyRecord {
  pageId: string;
  key: string;
  /** SHA-256 of the request (method, route, body): the same request gives the same. */
  fingerprint: string;
  status: number;
  /** The answer's body, as JSON. */
  response: string;
  createdAt: number;
}

/** A customer's request on an order (commerce/requests.ts); its steps, oldest first, with times in ms. */
export interface OrderRequestRecord {
  id: string;
  orderId: string;
  kind: RequestKind;
  state: RequestState;
  change: RequestedChange | null;
  reason: ReturnReason | null;
  items: { item: number; quantity: number }[] | null;
  note: string | null;
  /** The customer's photos (a return's), as the thread's message stores them: media never change. */
  photos: MediaRef[];
  history: (Omit<RequestStepView, 'at'> & { at: number })[];
  createdAt: number;
  updatedAt: number;
}

/** An order with everything its view shows: its shipments, timeline, requests and its page's request policy. */
export interface OrderAggregate {
  order: OrderRecord;
  shipments: ShipmentRecord[];
  timeline: TimelineRecord[];
  requests: OrderRequestRecord[];
  policy: RequestPolicy;
  /** Its refunds, oldest first. */
  refunds: RefundRecord[];
}

export interface CommerceReads {
  orderById(id: string): Promise<OrderRecord | null>;
  orderByNumber(pageId: string, number: string): Promise<OrderRecord | null>;
  /** The id and version of the page's order with this number: enough to find it kept (aggregates.ts). */
  orderVersionByNumber(pageId: string, number: string): Promise<{ id: string; version: number } | null>;
  /** The order, its shipments (oldest first), its timeline (in order) and its refunds (oldest first). */
  aggregate(order: OrderRecord): Promise<OrderAggregate>;
  /** A person's orders with a page, newest first. */
  ordersOfCustomer(pageId: string, customerId: string, limit: number): Promise<OrderRecord[]>;
  idempotencyKey(pageId: string, key: string): Promise<IdempotencyRecord | null>;
  /** An order's requests, oldest first. */
  requestsOf(orderId: string): Promise<OrderRequestRecord[]>;
  /** The page's request policy, or null when it never set one (defaultRequestPolicy applies). */
  requestPolicy(pageId: string): Promise<RequestPolicy | null>;
  /**
   * The conversations of the page's orders whose number, or one of whose shipments' tracking number,
   * is `folded` or begins with it, case aside (`folded`: lowercased); at most `limit`.
   */
  conversationsByOrderSearch(pageId: string, folded: string, limit: number): Promise<string[]>;
}

export interface CommerceWrites extends CommerceReads {
  /** Inserts an order; false when the page already has one with this number. */
  insertOrder(order: OrderRecord): Promise<boolean>;
  /**
   * Writes the order's status, currency, total, data, version and time — only over the version before it
   * (`order.version - 1`): false, and nothing written, when the stored order is at another version (another
   * process changed it since it was read).
   */
  updateOrder(order: OrderRecord): Promise<boolean>;
  /** Its status, version and time only (the data stays), what a shipment's move or a request changes: as updateOrder. */
  updateOrderState(order: OrderRecord): Promise<boolean>;
  insertShipment(shipment: ShipmentRecord): Promise<void>;
  updateShipmentStatus(id: string, status: ShipmentStatus, at: number): Promise<void>;
  appendTimeline(entry: TimelineRecord): Promise<void>;
  insertRefund(refund: RefundRecord): Promise<void>;
  saveIdempotencyKey(record: IdempotencyRecord): Promise<void>;
  insertRequest(request: OrderRequestRecord): Promise<void>;
  /** Writes the request's state, history and time. */
  updateRequest(request: OrderRequestRecord): Promise<void>;
  putRequestPolicy(pageId: string, policy: RequestPolicy, at: number): Promise<void>;
}

/** The methods of CommerceWrites that write (the group committer counts them). */
export const commerceWrites = [
  'insertOrder',
  'updateOrder',
  'updateOrderState',
  'insertShipment',
  'updateShipmentStatus',
  'appendTimeline',
  'insertRefund',
  'saveIdempotencyKey',
  'insertRequest',
  'updateRequest',
  'putRequestPolicy',
] as const satisfies readonly Exclude<keyof CommerceWrites, keyof CommerceReads>[];

interface OrderRow {
  id: string;
  page_id: string;
  number: string;
  customer_id: string;
  conversation_id: string;
  status: string;
  currency: string;
  total: number | string;
  data: string;
  version: number | string;
  created_at: number | string;
  updated_at: number | string;
}
interface ShipmentRow {
  id: string;
  order_id: string;
  status: string;
  carrier: string;
  tracking_number: string;
  tracking_url: string | null;
  items: string;
  created_at: number | string;
  updated_at: number | string;
}
interface TimelineRow {
  order_id: string;
  seq: number | string;
  kind: string;
  status: string;
  shipment_id: string | null;
  place: string | null;
  description: string | null;
  at: number | string;
}
interface RefundRow {
  id: string;
  order_id: string;
  amount: number | string;
  reason: string | null;
  created_at: number | string;
}
interface KeyRow {
  page_id: string;
  key: string;
  fingerprint: string;
  status: number | string;
  response: string;
  created_at: number | string;
}

interface RequestRow {
  id: string;
  order_id: string;
  kind: string;
  state: string;
  change: string | null;
  reason: string | null;
  items: string | null;
  note: string | null;
  photos: string | null;
  history: string;
  created_at: number | string;
  updated_at: number | string;
}

const REQUEST = 'id, order_id, kind, state, change, reason, items, note, photos, history, created_at, updated_at';
const json = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));
const toRequest = (r: RequestRow): OrderRequestRecord => ({
  id: r.id,
  orderId: r.order_id,
  kind: r.kind as RequestKind,
  state: r.state as RequestState,
  change: json<RequestedChange>(r.change),
  reason: r.reason as ReturnReason | null,
  items: json<{ item: number; quantity: number }[]>(r.items),
  note: r.note,
  photos: json<MediaRef[]>(r.photos) ?? [],
  history: JSON.parse(r.history) as OrderRequestRecord['history'],
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const ORDER =
  'id, page_id, number, customer_id, conversation_id, status, currency, total, data, version, created_at, updated_at';
const SHIPMENT = 'id, order_id, status, carrier, tracking_number, tracking_url, items, created_at, updated_at';

const toOrder = (r: OrderRow): OrderRecord => ({
  id: r.id,
  pageId: r.page_id,
  number: r.number,
  customerId: r.customer_id,
  conversationId: r.conversation_id,
  status: r.status as OrderStatus,
  currency: r.currency,
  total: Number(r.total),
  data: JSON.parse(r.data) as OrderData,
  version: Number(r.version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});
const toShipment = (r: ShipmentRow): ShipmentRecord => ({
  id: r.id,
  orderId: r.order_id,
  status: r.status as ShipmentStatus,
  carrier: r.carrier,
  trackingNumber: r.tracking_number,
  trackingUrl: r.tracking_url,
  items: JSON.parse(r.items) as ShipmentRecord['items'],
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});
const toTimeline = (r: TimelineRow): TimelineRecord => ({
  orderId: r.order_id,
  seq: Number(r.seq),
  kind: r.kind as TimelineRecord['kind'],
  status: r.status as TimelineRecord['status'],
  shipmentId: r.shipment_id,
  place: r.place,
  description: r.description,
  at: Number(r.at),
});

/** The largest code point: every string beginning with a prefix sorts below prefix + it, in byte order. */
const LAST = '\u{10FFFF}';

/** The commerce store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class CommerceStore implements CommerceWrites {
  private readonly text: SqlText;

  constructor(private readonly db: Db) {
    this.text = sqlText(db.dialect);
  }

  async orderById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<OrderRow>(`SELECT ${ORDER} FROM orders WHERE id = ?`, id);
    return r ? toOrder(r) : null;
  }

  async orderByNumber(pageId: string, number: string) {
    if (hasNul(pageId) || hasNul(number)) return null;
    const r = await this.db.one<OrderRow>(
      `SELECT ${ORDER} FROM orders WHERE page_id = ? AND number = ?`,
      pageId,
      number,
    );
    return r ? toOrder(r) : null;
  }

  async orderVersionByNumber(pageId: string, number: string) {
    if (hasNul(pageId) || hasNul(number)) return null;
    const r = await this.db.one<{ id: string; version: number | string }>(
      'SELECT id, version FROM orders WHERE page_id = ? AND number = ?',
      pageId,
      number,
    );
    return r ? { id: r.id, version: Number(r.version) } : null;
  }

  async aggregate(order: OrderRecord): Promise<OrderAggregate> {
    const shipments = await this.db.all<ShipmentRow>(
      `SELECT ${SHIPMENT} FROM shipments WHERE order_id = ? ORDER BY created_at, id`,
      order.id,
    );
    const timeline = await this.db.all<TimelineRow>(
      'SELECT order_id, seq, kind, status, shipment_id, place, description, at FROM order_timeline WHERE order_id = ? ORDER BY seq',
      order.id,
    );
    const refunds = await this.db.all<RefundRow>(
      'SELECT id, order_id, amount, reason, created_at FROM order_refunds WHERE order_id = ? ORDER BY created_at, id',
      order.id,
    );
    return {
      order,
      shipments: shipments.map(toShipment),
      timeline: timeline.map(toTimeline),
      refunds: refunds.map((r) => ({
        id: r.id,
        orderId: r.order_id,
        amount: Number(r.amount),
        reason: r.reason,
        createdAt: Number(r.created_at),
      })),
      requests: await this.requestsOf(order.id),
      policy: (await this.requestPolicy(order.pageId)) ?? defaultRequestPolicy,
    };
  }

  async requestsOf(orderId: string) {
    if (hasNul(orderId)) return [];
    const rows = await this.db.all<RequestRow>(
      `SELECT ${REQUEST} FROM order_requests WHERE order_id = ? ORDER BY created_at, id`,
      orderId,
    );
    return rows.map(toRequest);
  }

  async requestPolicy(pageId: string) {
    if (hasNul(pageId)) return null;
    const r = await this.db.one<{ policy: string }>(
      'SELECT policy FROM order_request_policies WHERE page_id = ?',
      pageId,
    );
    return r ? (JSON.parse(r.policy) as RequestPolicy) : null;
  }

  async insertRequest(q: OrderRequestRecord) {
    await this.db.run(
      `INSERT INTO order_requests (${REQUEST}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      q.id,
      q.orderId,
      q.kind,
      q.state,
      q.change === null ? null : JSON.stringify(q.change),
      q.reason,
      q.items === null ? null : JSON.stringify(q.items),
      q.note,
      q.photos.length === 0 ? null : JSON.stringify(q.photos),
      JSON.stringify(q.history),
      q.createdAt,
      q.updatedAt,
    );
  }

  async updateRequest(q: OrderRequestRecord) {
    await this.db.run(
      'UPDATE order_requests SET state = ?, history = ?, updated_at = ? WHERE id = ?',
      q.state,
      JSON.stringify(q.history),
      q.updatedAt,
      q.id,
    );
  }

  async putRequestPolicy(pageId: string, policy: RequestPolicy, at: number) {
    await this.db.run(
      `INSERT INTO order_request_policies (page_id, policy, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (page_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`,
      pageId,
      JSON.stringify(policy),
      at,
    );
  }

  async ordersOfCustomer(pageId: string, customerId: string, limit: number) {
    if (hasNul(pageId) || hasNul(customerId)) return [];
    const rows = await this.db.all<OrderRow>(
      `SELECT ${ORDER} FROM orders WHERE page_id = ? AND customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
      pageId,
      customerId,
      limit,
    );
    return rows.map(toOrder);
  }

  async idempotencyKey(pageId: string, key: string) {
    if (hasNul(pageId) || hasNul(key)) return null;
    const r = await this.db.one<KeyRow>(
      'SELECT page_id, key, fingerprint, status, response, created_at FROM order_idempotency_keys WHERE page_id = ? AND key = ?',
      pageId,
      key,
    );
    return r
      ? {
          pageId: r.page_id,
          key: r.key,
          fingerprint: r.fingerprint,
          status: Number(r.status),
          response: r.response,
          createdAt: Number(r.created_at),
        }
      : null;
  }

  async conversationsByOrderSearch(pageId: string, folded: string, limit: number) {
    if (hasNul(pageId) || hasNul(folded) || folded === '') return [];
    const c = this.text.bytes;
    const rows = await this.db.all<{ conversation_id: string }>(
      `SELECT conversation_id FROM orders
        WHERE page_id = ? AND lower(number)${c} >= ? AND lower(number)${c} < ?
       UNION
       SELECT o.conversation_id FROM shipments s JOIN orders o ON o.id = s.order_id
        WHERE lower(s.tracking_number)${c} >= ? AND lower(s.tracking_number)${c} < ? AND o.page_id = ?
       LIMIT ?`,
      pageId,
      folded,
      folded + LAST,
      folded,
      folded + LAST,
      pageId,
      limit,
    );
    return rows.map((r) => r.conversation_id);
  }

  async insertOrder(o: OrderRecord) {
    const n = await this.db.run(
      `INSERT INTO orders (${ORDER}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (page_id, number) DO NOTHING`,
      o.id,
      o.pageId,
      o.number,
      o.customerId,
      o.conversationId,
      o.status,
      o.currency,
      o.total,
      JSON.stringify(o.data),
      o.version,
      o.createdAt,
      o.updatedAt,
    );
    return n === 1;
  }

  async updateOrder(o: OrderRecord) {
    const n = await this.db.run(
      'UPDATE orders SET status = ?, currency = ?, total = ?, data = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?',
      o.status,
      o.currency,
      o.total,
      JSON.stringify(o.data),
      o.version,
      o.updatedAt,
      o.id,
      o.version - 1,
    );
    return n === 1;
  }

  async updateOrderState(o: OrderRecord) {
    const n = await this.db.run(
      'UPDATE orders SET status = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?',
      o.status,
      o.version,
      o.updatedAt,
      o.id,
      o.version - 1,
    );
    return n === 1;
  }

  async insertShipment(s: ShipmentRecord) {
    await this.db.run(
      `INSERT INTO shipments (${SHIPMENT}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.id,
      s.orderId,
      s.status,
      s.carrier,
      s.trackingNumber,
      s.trackingUrl,
      JSON.stringify(s.items),
      s.createdAt,
      s.updatedAt,
    );
  }

  async updateShipmentStatus(id: string, status: ShipmentStatus, at: number) {
    await this.db.run('UPDATE shipments SET status = ?, updated_at = ? WHERE id = ?', status, at, id);
  }

  async appendTimeline(e: TimelineRecord) {
    await this.db.run(
      'INSERT INTO order_timeline (order_id, seq, kind, status, shipment_id, place, description, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      e.orderId,
      e.seq,
      e.kind,
      e.status,
      e.shipmentId,
      e.place,
      e.description,
      e.at,
    );
  }

  async insertRefund(r: RefundRecord) {
    await this.db.run(
      'INSERT INTO order_refunds (id, order_id, amount, reason, created_at) VALUES (?, ?, ?, ?, ?)',
      r.id,
      r.orderId,
      r.amount,
      r.reason,
      r.createdAt,
    );
  }

  async saveIdempotencyKey(k: IdempotencyRecord) {
    await this.db.run(
      'INSERT INTO order_idempotency_keys (page_id, key, fingerprint, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      k.pageId,
      k.key,
      k.fingerprint,
      k.status,
      k.response,
      k.createdAt,
    );
  }
}
