import { isDeepStrictEqual } from 'node:util';
import { Lru } from '../lib/lru.ts';
import type { OrderAggregate, OrderRecord } from './store.ts';

/** What the cache keeps of an aggregate: its parts, as they were at the order's version. */
type Parts = Pick<OrderAggregate, 'shipments' | 'timeline' | 'requests' | 'refunds'>;
interface Entry extends Parts {
  order: OrderRecord;
}

const partsOf = (a: Parts): Parts => ({
  shipments: a.shipments,
  timeline: a.timeline,
  requests: a.requests,
  refunds: a.refunds,
});

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * Recently changed orders that have a shipment — the order row and its parts (shipments, timeline,
 * requests, refunds) — keyed by the order's id AND version, so that the next change of an order does not
 * read them again: a tracking event read its order's four part tables on every call (a fifth of the
 * server's time in bench:commerce), and parsed the row's data (now it reads only the row's version).
 *
 * Why it is safe: every write to an order's parts raises the order's version in the same job (the steps
 * of service.ts and requests.ts end in `changed`/`touchIn`), and an entry is kept only after its batch is
 * durable (`afterCommit`: a rolled-back batch keeps nothing), as the order was announced at the end of its
 * job (`order.updated` carries the same aggregate's view). A lookup gives the entry only for the exact
 * version of the order row the job has just read; anything else reads the tables. The page's request
 * policy changes without touching its orders: it is never kept here (read each time, one row).
 *
 * The order's version itself is read from its row on each change, unless the writer knows it (heads.ts).
 *
 * `check` (the tests turn it on: ORDER_CACHE_CHECK): every hit is compared with the tables, and a
 * difference — a write that did not raise the version, an aggregate kept that is not what was written —
 * fails the job; entries are frozen, so that a step that changes one in place throws.
 */
export class AggregateCache {
  private readonly entries: Lru<string, Entry> | null;
  /** Parts kept found or not. */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    /** Orders kept, the most recently changed; 0: none. */
    size: number,
    readonly check = false,
  ) {
    this.entries = size > 0 ? new Lru(size) : null;
  }

  /** Whether anything is ever kept (size > 0). */
  get enabled() {
    return this.entries !== null;
  }

  /** The parts of `order` at its version, or null. */
  get(order: OrderRecord): Parts | null {
    const e = this.entries?.get(order.id);
    if (!e || e.order.version !== order.version) {
      this.stats.misses++;
      return null;
    }
    this.stats.hits++;
    return e;
  }

  /** The order row itself as kept at this version (its data not parsed again), or null. */
  order(id: string, version: number): OrderRecord | null {
    const e = this.entries?.get(id);
    return e && e.order.version === version ? e.order : null;
  }

  /** Keeps the aggregate's parts at its order's version (once its job is durable). */
  put(aggregate: OrderAggregate) {
    if (!this.entries) return;
    const parts = partsOf(aggregate);
    const kept = { order: aggregate.order, ...parts };
    const entry: Entry = this.check ? deepFreeze(kept) : kept;
    this.entries.set(aggregate.order.id, entry);
  }

  /** Check mode: throws when the order row kept differs from the one the table holds. */
  verifyOrder(kept: OrderRecord, read: OrderRecord | null) {
    if (!isDeepStrictEqual(kept, read))
      throw new Error(
        `order ${kept.id} v${kept.version}: the row kept differs from the table's — a write to it did not raise its version`,
      );
  }

  /** Check mode: throws when `kept` differs from what the tables hold. */
  verify(order: OrderRecord, kept: Parts, read: Parts) {
    if (!isDeepStrictEqual(partsOf(kept), partsOf(read)))
      throw new Error(
        `order ${order.id} v${order.version}: its cached aggregate differs from the tables — a write to its parts did not raise its version`,
      );
  }

  clear() {
    this.entries?.clear();
  }
}
