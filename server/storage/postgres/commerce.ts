import type { ShipmentStatus } from '../../../protocol/commerce.ts';
import type { RequestPolicy } from '../../../protocol/order-requests.ts';
import { CommerceStore, type OrderRecord, type TimelineRecord } from '../../commerce/store.ts';
import { OptinsStore, type PageConsentRecord } from '../../platform/optins-store.ts';
import { hasNul } from '../sql.ts';
import type { ReadHint } from '../types.ts';
import { PgDb } from './db.ts';
import type { PendingWrites } from './pending.ts';
import type { Sql } from './sql.ts';

/**
 * One query for a batch's orders (ReadHint `order`): each order's id and version by page and number, the
 * page's request policy, and the page's consent record for the order's customer — what a change of an
 * order reads first (requireIn; aggregateIn; the shipping update's page message, blocks.checkSendIn).
 * A key with no order still answers its page's policy.
 */
const ORDERS_BY_NUMBERS = `
  SELECT k.page_id, k.number, o.id, o.version, o.customer_id, p.policy,
         c.user_id AS consent_user_id, c.updates_stopped_at, c.blocked_at, c.updated_at AS consent_updated_at
    FROM unnest($1::text[], $2::text[]) AS k(page_id, number)
    LEFT JOIN orders o ON o.page_id = k.page_id AND o.number = k.number
    LEFT JOIN order_request_policies p ON p.page_id = k.page_id
    LEFT JOIN page_consents c ON c.page_id = o.page_id AND c.user_id = o.customer_id`;

interface OrderKeyRow {
  page_id: string;
  number: string;
  id: string | null;
  version: number | string | null;
  customer_id: string | null;
  policy: string | null;
  consent_user_id: string | null;
  updates_stopped_at: number | string | null;
  blocked_at: number | string | null;
  consent_updated_at: number | string | null;
}

const orderKey = (pageId: string, number: string) => `${pageId}\u0000${number}`;
const consentKey = (pageId: string, userId: string) => `${pageId}\u0000${userId}`;
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/**
 * What a transaction knows of orders, their pages' request policies and their customers' consent: loaded
 * for the whole batch before its jobs run (prepare), then kept up to date by the transaction's own writes
 * of them (PgCommerceTx, PgOptinsTx), so that a job reads the same as it would from the tables — without a
 * round trip each. Null: known to be absent. A key not here is read from the database.
 */
export class KnownOrders {
  /** `page\0number` → the order's id and version. */
  readonly heads = new Map<string, { id: string; version: number } | null>();
  /** page → its request policy. */
  readonly policies = new Map<string, RequestPolicy | null>();
  /** `page\0user` → what the person decided about the page. */
  readonly consents = new Map<string, PageConsentRecord | null>();

  async load(sql: Sql, hints: readonly ReadHint[]) {
    const pages: string[] = [];
    const numbers: string[] = [];
    const asked = new Set<string>();
    for (const h of hints) {
      if (!h.order || hasNul(h.order.pageId) || hasNul(h.order.number)) continue;
      const key = orderKey(h.order.pageId, h.order.number);
      if (asked.has(key) || this.heads.has(key)) continue;
      asked.add(key);
      pages.push(h.order.pageId);
      numbers.push(h.order.number);
    }
    if (pages.length === 0) return;
    for (const r of await sql.all<OrderKeyRow>(ORDERS_BY_NUMBERS, pages, numbers)) {
      const key = orderKey(r.page_id, r.number);
      this.heads.set(key, r.id === null ? null : { id: r.id, version: Number(r.version) });
      this.policies.set(r.page_id, r.policy === null ? null : (JSON.parse(r.policy) as RequestPolicy));
      if (r.customer_id !== null)
        this.consents.set(
          consentKey(r.page_id, r.customer_id),
          r.consent_user_id === null
            ? null
            : {
                pageId: r.page_id,
                userId: r.customer_id,
                updatesStoppedAt: num(r.updates_stopped_at),
                blockedAt: num(r.blocked_at),
                updatedAt: Number(r.consent_updated_at),
              },
        );
    }
  }
}

/**
 * A transaction's commerce store: an order's version by number and a page's request policy answered from
 * what the transaction knows (KnownOrders), else read; the writes of orders and policies keep that
 * knowledge true. What a shipment's move writes — the shipment's status, the order's new state, the
 * timeline's lines — is deferred (PendingWrites: sent with the batch's messages and events in one
 * statement); an order's state is deferred only over a version the transaction knows, its guard checked
 * when it is sent. Every other statement sends the pending writes first, as every store's does.
 */
export class PgCommerceTx extends CommerceStore {
  constructor(
    private readonly known: KnownOrders,
    private readonly pending: PendingWrites,
    sql: Sql,
    flush: () => Promise<void>,
  ) {
    super(new PgDb(sql, flush));
  }

  override async orderVersionByNumber(pageId: string, number: string) {
    const head = this.known.heads.get(orderKey(pageId, number));
    if (head !== undefined) return head && { ...head };
    return super.orderVersionByNumber(pageId, number);
  }

  override async requestPolicy(pageId: string) {
    const policy = this.known.policies.get(pageId);
    if (policy !== undefined) return policy && structuredClone(policy);
    return super.requestPolicy(pageId);
  }

  override async insertOrder(o: OrderRecord) {
    const inserted = await super.insertOrder(o);
    // Not inserted: the page has an order of that number already, which the next read finds.
    this.note(o, inserted);
    return inserted;
  }

  override async updateOrder(o: OrderRecord) {
    const written = await super.updateOrder(o);
    this.note(o, written);
    return written;
  }

  override async updateOrderState(o: OrderRecord) {
    const key = orderKey(o.pageId, o.number);
    const head = this.known.heads.get(key);
    if (!head || head.id !== o.id || head.version !== o.version - 1) {
      // Not known, or over another version than the one known: sent now, and its answer is the table's.
      const written = await super.updateOrderState(o);
      this.note(o, written);
      return written;
    }
    this.pending.orderState(o.id, o.status, o.version, o.updatedAt);
    this.known.heads.set(key, { id: o.id, version: o.version });
    return true;
  }

  override async updateShipmentStatus(id: string, status: ShipmentStatus, at: number) {
    this.pending.move(id, status, at);
  }

  override async appendTimeline(entry: TimelineRecord) {
    this.pending.line({ ...entry });
  }

  override async putRequestPolicy(pageId: string, policy: RequestPolicy, at: number) {
    await super.putRequestPolicy(pageId, policy, at);
    this.known.policies.delete(pageId);
  }

  /** The order as written; not written (another version, a number taken): read again when asked. */
  private note(o: OrderRecord, written: boolean) {
    const key = orderKey(o.pageId, o.number);
    if (written) this.known.heads.set(key, { id: o.id, version: o.version });
    else this.known.heads.delete(key);
  }
}

/**
 * A transaction's opt-ins store: a page's consent record of a person answered from what the transaction
 * knows (KnownOrders: the customers of the batch's orders), else read; a consent written keeps it true.
 */
export class PgOptinsTx extends OptinsStore {
  constructor(
    private readonly known: KnownOrders,
    sql: Sql,
    flush: () => Promise<void>,
  ) {
    super(new PgDb(sql, flush));
  }

  override async consent(pageId: string, userId: string) {
    const c = this.known.consents.get(consentKey(pageId, userId));
    if (c !== undefined) return c && { ...c };
    return super.consent(pageId, userId);
  }

  override async setConsent(c: PageConsentRecord) {
    await super.setConsent(c);
    this.known.consents.delete(consentKey(c.pageId, c.userId));
  }
}
