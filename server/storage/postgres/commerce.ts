import type { ShipmentStatus } from '../../../protocol/commerce.ts';
import type { RequestPolicy } from '../../../protocol/order-requests.ts';
import { CommerceStore, type OrderRecord, type TimelineRecord } from '../../commerce/store.ts';
import { directKeyOf } from '../../messaging/store.ts';
import { PagesStore } from '../../pages/store.ts';
import { type OptinRecord, OptinsStore, type PageConsentRecord, type Standing } from '../../platform/optins-store.ts';
import { hasNul } from '../sql.ts';
import type { ReadHint } from '../types.ts';
import { PgDb } from './db.ts';
import type { PendingWrites } from './pending.ts';
import type { Sql } from './sql.ts';

/**
 * One query for a batch's orders (ReadHint `order`): each order's id and version by page and number, the
 * page's request policy, and the page's consent record for the order's customer — what a change of an
 * order reads first (requireIn; aggregateIn; the shipping update's page message, blocks.checkSendIn).
 * A key with no order still answers its page's policy; the order's customer, their standing with the page
 * (latest active opt-in, consent: whether the page's updates still reach them). A new order's customer
 * named by page-scoped id (`psid`) is looked up too — who it is, their standing, and their thread with the
 * page (a direct key is the two ids sorted, so it is one of the two joined here) — what placing the order
 * reads (the flow's customerIn, directWithPageIn).
 */
export const ORDERS_BY_NUMBERS = `
  SELECT k.page_id, k.number, k.psid, o.id, o.version, o.customer_id, p.policy, ps.user_id AS psid_user_id,
         c.user_id AS consent_user_id, c.updates_stopped_at, c.blocked_at, c.updated_at AS consent_updated_at,
         s.opted_in_at, d.id AS direct_id
    FROM unnest($1::text[], $2::text[], $3::text[]) AS k(page_id, number, psid)
    LEFT JOIN orders o ON o.page_id = k.page_id AND o.number = k.number
    LEFT JOIN order_request_policies p ON p.page_id = k.page_id
    LEFT JOIN page_scoped_ids ps ON ps.page_id = k.page_id AND ps.psid = k.psid
    LEFT JOIN page_consents c ON c.page_id = k.page_id AND c.user_id = coalesce(o.customer_id, ps.user_id)
    LEFT JOIN LATERAL (SELECT max(created_at) AS opted_in_at FROM optins
                        WHERE user_id = coalesce(o.customer_id, ps.user_id) AND page_id = k.page_id
                          AND revoked_at IS NULL) s ON true
    LEFT JOIN conversations d ON ps.user_id IS NOT NULL
                             AND d.direct_key IN (ps.user_id || ':' || k.page_id, k.page_id || ':' || ps.user_id)`;

interface OrderKeyRow {
  page_id: string;
  number: string;
  psid: string | null;
  id: string | null;
  version: number | string | null;
  customer_id: string | null;
  policy: string | null;
  psid_user_id: string | null;
  consent_user_id: string | null;
  updates_stopped_at: number | string | null;
  blocked_at: number | string | null;
  consent_updated_at: number | string | null;
  opted_in_at: number | string | null;
  direct_id: string | null;
}

const orderKey = (pageId: string, number: string) => `${pageId}\u0000${number}`;
const consentKey = (pageId: string, userId: string) => `${pageId}\u0000${userId}`;
const psidKey = (pageId: string, psid: string) => `${pageId}\u0000${psid}`;
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
  /** `page\0psid` → the person the page knows by that id (null: nobody); such a pairing never changes. */
  readonly people = new Map<string, string | null>();
  /** `page\0user` → the person's standing with the page (forgotten on any write of opt-ins or consents). */
  readonly standings = new Map<string, Standing>();
  /** A direct conversation's key → its id (null: none yet; set when the transaction makes it). */
  readonly directs = new Map<string, string | null>();

  async load(sql: Sql, hints: readonly ReadHint[]) {
    const pages: string[] = [];
    const numbers: string[] = [];
    const psids: (string | null)[] = [];
    const asked = new Set<string>();
    for (const h of hints) {
      if (!h.order || hasNul(h.order.pageId) || hasNul(h.order.number)) continue;
      const key = orderKey(h.order.pageId, h.order.number);
      if (asked.has(key) || this.heads.has(key)) continue;
      asked.add(key);
      pages.push(h.order.pageId);
      numbers.push(h.order.number);
      const psid = h.order.psid;
      psids.push(psid !== undefined && !hasNul(psid) && !this.people.has(psidKey(h.order.pageId, psid)) ? psid : null);
    }
    if (pages.length === 0) return;
    const rows = await sql.all<OrderKeyRow>(ORDERS_BY_NUMBERS, pages, numbers, psids);
    for (const r of rows) {
      this.heads.set(orderKey(r.page_id, r.number), r.id === null ? null : { id: r.id, version: Number(r.version) });
      this.policies.set(r.page_id, r.policy === null ? null : (JSON.parse(r.policy) as RequestPolicy));
      // The consent read is the order's customer's, else (a new order) the one the psid names.
      const customer = r.customer_id ?? r.psid_user_id;
      const consent: PageConsentRecord | null =
        customer === null || r.consent_user_id === null
          ? null
          : {
              pageId: r.page_id,
              userId: customer,
              updatesStoppedAt: num(r.updates_stopped_at),
              blockedAt: num(r.blocked_at),
              updatedAt: Number(r.consent_updated_at),
            };
      if (customer !== null) {
        this.consents.set(consentKey(r.page_id, customer), consent);
        this.standings.set(consentKey(r.page_id, customer), {
          optedInAt: num(r.opted_in_at),
          updatesStoppedAt: consent?.updatesStoppedAt ?? null,
          blockedAt: consent?.blockedAt ?? null,
        });
      }
      if (r.psid === null) continue;
      this.people.set(psidKey(r.page_id, r.psid), r.psid_user_id);
      if (r.psid_user_id !== null) this.directs.set(directKeyOf(r.psid_user_id, r.page_id), r.direct_id);
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

  /** Known to be absent (the batch's orders' query found none of that number): null without a read. */
  override async orderByNumber(pageId: string, number: string) {
    if (this.known.heads.get(orderKey(pageId, number)) === null) return null;
    return super.orderByNumber(pageId, number);
  }

  /**
   * Over a number the transaction knows to be free, held and sent with the batch's other rows (another
   * process's order of that number since fails them: order_number_taken); otherwise sent now.
   */
  override async insertOrder(o: OrderRecord) {
    const key = orderKey(o.pageId, o.number);
    if (this.known.heads.get(key) === null) {
      this.pending.order(o);
      this.note(o, true);
      return true;
    }
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
 * A transaction's opt-ins store: a page's consent record of a person, and a person's standing with a page,
 * answered from what the transaction knows (KnownOrders: the customers of the batch's orders), else read;
 * a write of a consent forgets that consent, and any write of opt-ins or consents every standing known.
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

  override async standing(pageId: string, userId: string) {
    const s = this.known.standings.get(consentKey(pageId, userId));
    if (s !== undefined) return { ...s };
    return super.standing(pageId, userId);
  }

  override async setConsent(c: PageConsentRecord) {
    this.known.standings.clear();
    await super.setConsent(c);
    this.known.consents.delete(consentKey(c.pageId, c.userId));
  }

  override async insertOptin(optin: OptinRecord) {
    this.known.standings.clear();
    return super.insertOptin(optin);
  }

  override async restoreOptin(optin: OptinRecord) {
    this.known.standings.clear();
    return super.restoreOptin(optin);
  }

  override async revokeOptin(pageId: string, userRef: string, at: number) {
    this.known.standings.clear();
    return super.revokeOptin(pageId, userRef, at);
  }

  override async revokeOptinsWith(pageId: string, userId: string, at: number) {
    this.known.standings.clear();
    return super.revokeOptinsWith(pageId, userId, at);
  }
}

/**
 * A transaction's pages store: the person a page knows by a page-scoped id answered from what the
 * transaction knows (KnownOrders: a new order's customer), else read — a pairing of page, psid and person
 * is never changed nor removed, and a psid nobody had is not one a job can name.
 */
export class PgPagesTx extends PagesStore {
  constructor(
    private readonly known: KnownOrders,
    sql: Sql,
    flush: () => Promise<void>,
  ) {
    super(new PgDb(sql, flush));
  }

  override async userByPsid(pageId: string, psid: string) {
    const userId = this.known.people.get(psidKey(pageId, psid));
    if (userId !== undefined) return userId;
    return super.userByPsid(pageId, psid);
  }
}
