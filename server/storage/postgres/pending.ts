import type { OrderStatus, ShipmentStatus } from '../../../protocol/commerce.ts';
import type { OrderRecord, TimelineRecord } from '../../commerce/store.ts';
import { AppError } from '../../errors.ts';
import type { NewEvent } from '../../events/store.ts';
import { contentToText, type MessageRecord, positionsToText } from '../../messaging/store.ts';
import { DeferredWriteError } from '../types.ts';
import type { Sql } from './sql.ts';

/**
 * Everything a batch deferred, in one statement (one round trip): its messages and events inserted from
 * arrays, its conversation bumps and watermark moves as UPDATEs joined to arrays, and the changes of its
 * orders — new orders (each over a number the transaction found free: another process's order of the same
 * number fails the statement on the page's unique number), shipments' moves, orders' new states (each over
 * the version the transaction knew: the answer names the orders written, so that one another process
 * changed in between is found), timeline lines. An order placed and changed in the same batch is inserted
 * as it last was (an UPDATE of the statement would not see the row its INSERT adds).
 * The text does not depend on the number of rows, so it is prepared once; an empty array makes its part a
 * no-op. The parts touch seven tables and none reads another's (data-modifying CTEs see one snapshot);
 * the foreign-key checks of the new rows run at the end of the statement and see the conversations,
 * orders and shipments as updated. Bumps and watermarks only move forward (GREATEST), as bumpConversation
 * and advanceWatermarks promise; the maps hold one row per key.
 */
const FLUSH = `
  WITH new_messages AS (
    INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, text, reply_to_id, created_at, edited_at,
                          deleted_at, event_positions, content)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $27::text[])
  ), new_events AS (
    INSERT INTO events (pos, conversation_id, user_id, type, payload, created_at, message_seq, scope)
    SELECT * FROM unnest($12::bigint[], $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[],
                         $25::bigint[], $26::text[])
  ), bumps AS (
    UPDATE conversations c
       SET last_seq = GREATEST(c.last_seq, u.last_seq), last_activity_at = GREATEST(c.last_activity_at, u.at)
      FROM unnest($18::text[], $19::bigint[], $20::bigint[]) AS u(id, last_seq, at)
     WHERE c.id = u.id
  ), marks AS (
    UPDATE members m
       SET delivered_seq = GREATEST(m.delivered_seq, u.delivered), read_seq = GREATEST(m.read_seq, u.read)
      FROM unnest($21::text[], $22::text[], $23::bigint[], $24::bigint[]) AS u(conversation_id, user_id, delivered, read)
     WHERE m.conversation_id = u.conversation_id AND m.user_id = u.user_id
  ), moves AS (
    UPDATE shipments s SET status = u.status, updated_at = u.at
      FROM unnest($28::text[], $29::text[], $30::bigint[]) AS u(id, status, at)
     WHERE s.id = u.id
  ), states AS (
    UPDATE orders o SET status = u.status, version = u.version, updated_at = u.at
      FROM unnest($31::text[], $32::text[], $33::bigint[], $34::bigint[], $35::bigint[])
           AS u(id, status, version, at, expected)
     WHERE o.id = u.id AND o.version = u.expected
    RETURNING o.id
  ), lines AS (
    INSERT INTO order_timeline (order_id, seq, kind, status, shipment_id, place, description, at)
    SELECT * FROM unnest($36::text[], $37::bigint[], $38::text[], $39::text[], $40::text[], $41::text[],
                         $42::text[], $43::bigint[])
  ), new_orders AS (
    INSERT INTO orders (id, page_id, number, customer_id, conversation_id, status, currency, total, data, version,
                        created_at, updated_at)
    SELECT * FROM unnest($44::text[], $45::text[], $46::text[], $47::text[], $48::text[], $49::text[],
                         $50::text[], $51::bigint[], $52::text[], $53::bigint[], $54::bigint[], $55::bigint[])
  )
  SELECT coalesce(array_agg(id), '{}') AS written FROM states`;

export interface Bump {
  lastSeq: number;
  lastActivityAt: number;
}
export interface Marks {
  conversationId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

/**
 * An order's new state held back (CommerceWrites.updateOrderState): the last one the transaction wrote,
 * over the version the order had before the first (`expected`).
 */
export interface OrderState {
  id: string;
  status: OrderStatus;
  version: number;
  updatedAt: number;
  expected: number;
}

/** The constraint of an order's number, unique per page (migrations/postgres/0016_orders.sql). */
const ORDER_NUMBER_KEY = 'orders_page_id_number_key';

const isUniqueViolation = (e: unknown, constraint: string) =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: unknown }).code === '23505' &&
  (e as { constraint?: unknown }).constraint === constraint;

export const memberKey = (conversationId: string, userId: string) => `${conversationId}\u0000${userId}`;

/**
 * The writes of one transaction held back to be sent together: before a read that could see them, before
 * any write that is not deferred (so the database sees every write in the order the jobs made them), and
 * before COMMIT. Messages and events are inserted as they were made; bumps and watermarks, which only
 * move forward, are merged per conversation and per member.
 */
export class PendingWrites {
  readonly messages: MessageRecord[] = [];
  /** The pending messages by id (read back by messageById before they are sent). */
  readonly messagesById = new Map<string, MessageRecord>();
  readonly events: (NewEvent & { pos: number })[] = [];
  readonly bumps = new Map<string, Bump>();
  readonly marks = new Map<string, Marks>();
  /** Shipments' new status and time, by shipment id (the last move wins: a move writes both columns). */
  readonly moves = new Map<string, { status: ShipmentStatus; at: number }>();
  /** New orders, by id (each over a number found free in the transaction). */
  readonly orders = new Map<string, OrderRecord>();
  /** Orders' new states, by order id. */
  readonly states = new Map<string, OrderState>();
  readonly lines: TimelineRecord[] = [];

  get empty(): boolean {
    return (
      this.messages.length === 0 &&
      this.events.length === 0 &&
      this.orders.size === 0 &&
      this.bumps.size === 0 &&
      this.marks.size === 0 &&
      this.moves.size === 0 &&
      this.states.size === 0 &&
      this.lines.length === 0
    );
  }

  move(shipmentId: string, status: ShipmentStatus, at: number) {
    this.moves.set(shipmentId, { status, at });
  }

  /** A new order, inserted with the batch's other held rows. */
  order(o: OrderRecord) {
    this.orders.set(o.id, { ...o });
  }

  /**
   * The order's state at `version`, written over `version - 1` (or over what an earlier state of it in the
   * batch was written over); an order still held is inserted at that state.
   */
  orderState(id: string, status: OrderStatus, version: number, updatedAt: number) {
    const held = this.orders.get(id);
    if (held) {
      held.status = status;
      held.version = version;
      held.updatedAt = updatedAt;
      return;
    }
    const s = this.states.get(id);
    if (!s) this.states.set(id, { id, status, version, updatedAt, expected: version - 1 });
    else {
      s.status = status;
      s.version = version;
      s.updatedAt = updatedAt;
    }
  }

  line(entry: TimelineRecord) {
    this.lines.push(entry);
  }

  bump(conversationId: string, lastSeq: number, lastActivityAt: number) {
    const b = this.bumps.get(conversationId);
    if (!b) this.bumps.set(conversationId, { lastSeq, lastActivityAt });
    else {
      b.lastSeq = Math.max(b.lastSeq, lastSeq);
      b.lastActivityAt = Math.max(b.lastActivityAt, lastActivityAt);
    }
  }

  mark(conversationId: string, userId: string, deliveredSeq: number, readSeq: number) {
    const key = memberKey(conversationId, userId);
    const w = this.marks.get(key);
    if (!w) this.marks.set(key, { conversationId, userId, deliveredSeq, readSeq });
    else {
      w.deliveredSeq = Math.max(w.deliveredSeq, deliveredSeq);
      w.readSeq = Math.max(w.readSeq, readSeq);
    }
  }

  /**
   * Sends everything pending, in one statement. On failure the transaction is aborted (PostgreSQL refuses
   * anything more in it) and the error names no job: DeferredWriteError. An order found at another version
   * than the one its state was written over (another process changed it since this transaction read it)
   * fails it too — the statement's writes must not be committed — with `order_changed` as its cause: the
   * job's own error once the committer's strict mode has found the job (storage/commit.ts).
   */
  async flush(sql: Sql): Promise<void> {
    if (this.empty) return;
    const messages = this.messages.splice(0);
    this.messagesById.clear();
    const events = this.events.splice(0);
    const bumps = [...this.bumps];
    this.bumps.clear();
    const marks = [...this.marks.values()];
    this.marks.clear();
    const moves = [...this.moves];
    this.moves.clear();
    const states = [...this.states.values()];
    this.states.clear();
    const lines = this.lines.splice(0);
    const orders = [...this.orders.values()];
    this.orders.clear();
    let written: string[];
    try {
      const row = await sql.one<{ written: string[] }>(
        FLUSH,
        messages.map((m) => m.id),
        messages.map((m) => m.conversationId),
        messages.map((m) => m.seq),
        messages.map((m) => m.senderId),
        messages.map((m) => m.clientId),
        messages.map((m) => m.text),
        messages.map((m) => m.replyToId),
        messages.map((m) => m.createdAt),
        messages.map((m) => m.editedAt),
        messages.map((m) => m.deletedAt),
        messages.map((m) => positionsToText(m.eventPositions)),
        events.map((e) => e.pos),
        events.map((e) => e.conversationId),
        events.map((e) => e.userId),
        events.map((e) => e.type),
        events.map((e) => e.payload),
        events.map((e) => e.createdAt),
        bumps.map(([id]) => id),
        bumps.map(([, b]) => b.lastSeq),
        bumps.map(([, b]) => b.lastActivityAt),
        marks.map((w) => w.conversationId),
        marks.map((w) => w.userId),
        marks.map((w) => w.deliveredSeq),
        marks.map((w) => w.readSeq),
        events.map((e) => e.messageSeq ?? null),
        events.map((e) => e.scope ?? null),
        messages.map((m) => contentToText(m.content)),
        moves.map(([id]) => id),
        moves.map(([, m]) => m.status),
        moves.map(([, m]) => m.at),
        states.map((o) => o.id),
        states.map((o) => o.status),
        states.map((o) => o.version),
        states.map((o) => o.updatedAt),
        states.map((o) => o.expected),
        lines.map((l) => l.orderId),
        lines.map((l) => l.seq),
        lines.map((l) => l.kind),
        lines.map((l) => l.status),
        lines.map((l) => l.shipmentId),
        lines.map((l) => l.place),
        lines.map((l) => l.description),
        lines.map((l) => l.at),
        orders.map((o) => o.id),
        orders.map((o) => o.pageId),
        orders.map((o) => o.number),
        orders.map((o) => o.customerId),
        orders.map((o) => o.conversationId),
        orders.map((o) => o.status),
        orders.map((o) => o.currency),
        orders.map((o) => o.total),
        orders.map((o) => JSON.stringify(o.data)),
        orders.map((o) => o.version),
        orders.map((o) => o.createdAt),
        orders.map((o) => o.updatedAt),
      );
      written = row?.written ?? [];
    } catch (cause) {
      // Another process placed an order of the same number since this transaction found it free.
      if (isUniqueViolation(cause, ORDER_NUMBER_KEY)) {
        throw new DeferredWriteError({
          cause: new AppError('order_number_taken', 'number: this page already has an order of this number', {
            field: 'number',
          }),
        });
      }
      throw new DeferredWriteError({ cause });
    }
    if (written.length !== states.length) {
      const done = new Set(written);
      const changed = states.find((o) => !done.has(o.id)) as OrderState;
      throw new DeferredWriteError({
        cause: new AppError('order_changed', undefined, { field: 'number', version: changed.expected }),
      });
    }
  }
}

/**
 * The key of the advisory lock a transaction holds from its first event position to its COMMIT: the
 * log's single sequencer across processes (docs/ARCHITECTURE.md, "Decisions").
 */
export const SEQUENCER_LOCK = 8_301_745_612_291;

/**
 * Event positions, taken from the events' sequence a block at a time by the transaction that uses them
 * (one query per block instead of one INSERT … RETURNING per event). The first block is as large as the
 * batch has jobs; each next one doubles. What a transaction leaves unused is a gap in pos, like a
 * rollback leaves.
 *
 * The query first takes SEQUENCER_LOCK, held to the end of the transaction: a second process writing to
 * the same database (the CLI, a rolling restart, one day several nodes) takes its positions only once this
 * transaction has committed. So pos order is commit order whatever the number of writers, and a reader
 * following the log ("events after pos") never meets, later, a row with a smaller position than one it has
 * read. Within one process the committer runs one transaction at a time, so the lock is never waited for.
 */
export class Positions {
  private block: number[] = [];
  private used = 0;
  private nextSize = 16;

  constructor(private readonly sql: Sql) {}

  /** How many events the transaction is expected to append (its jobs', ReadHint.events): the first block's size. */
  expect(events: number) {
    if (this.block.length === 0) this.nextSize = Math.max(1, events);
  }

  async next(): Promise<number> {
    if (this.used === this.block.length) {
      const rows = await this.sql.all<{ pos: number }>(
        `SELECT nextval('events_pos_seq') AS pos
           FROM (SELECT pg_advisory_xact_lock($2)) sequencer, generate_series(1, $1)`,
        this.nextSize,
        SEQUENCER_LOCK,
      );
      this.block = rows.map((r) => r.pos).sort((a, b) => a - b);
      this.used = 0;
      this.nextSize = Math.min(this.nextSize * 2, 65_536);
    }
    return this.block[this.used++] as number;
  }
}
