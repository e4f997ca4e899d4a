import { Lru } from '../lib/lru.ts';

/** An order's id and version. */
export interface OrderHead {
  id: string;
  version: number;
}

/**
 * What the writer knows of orders: each order's id and version as its jobs last wrote or read it, by page
 * and number, so that a change of the order need not read its row's version (a tracking event read it on
 * every call: 6 % of the main thread in bench:commerce).
 *
 * Why it is safe: every write of an order row notes its version here, in the job (the writer's own view,
 * committed or about to be), and a version is given only while the backend says no other connection has
 * written since (`Storage.externalWrites`: SQLite's data_version, read as each batch begins). A change of
 * that count forgets everything; so does a rolled-back batch (`forget`, Committer.onRollback), whose jobs'
 * writes are not there. PostgreSQL cannot tell (other processes may write unseen): nothing is known there,
 * and the version is read — as messaging's conversation states are kept (messaging/state.ts).
 *
 * Not the aggregates' cache (aggregates.ts): that keeps what durable batches left, this what the jobs
 * being written see — two lifetimes, kept apart.
 */
export class OrderHeads {
  private readonly heads: Lru<string, OrderHead> | null;
  private epoch: number | null = null;
  /** Versions given without reading the order's row. */
  readonly stats = { known: 0 };

  constructor(
    /** Orders known, the most recently written or read; 0: none. */
    size: number,
  ) {
    this.heads = size > 0 ? new Lru(size) : null;
  }

  /**
   * The page's order by number as the writer last saw it, while `external` (Storage.externalWrites) is
   * what it was then; null when not known, or when the backend cannot tell (null: PostgreSQL).
   */
  get(pageId: string, number: string, external: number | null): OrderHead | null {
    if (!this.heads || external === null) return null;
    if (external !== this.epoch) {
      this.heads.clear();
      this.epoch = external;
      return null;
    }
    const head = this.heads.get(`${pageId}\n${number}`) ?? null;
    if (head) this.stats.known++;
    return head;
  }

  /** The order as a job wrote or read it (in the job: the writer's view from now on). */
  note(order: { pageId: string; number: string; id: string; version: number }) {
    this.heads?.set(`${order.pageId}\n${order.number}`, { id: order.id, version: order.version });
  }

  /** A batch was rolled back: what its jobs wrote is not there. */
  forget() {
    this.heads?.clear();
  }
}
