import type { NewEvent } from '../../events/store.ts';
import { contentToText, type MessageRecord, positionsToText } from '../../messaging/store.ts';
import { DeferredWriteError } from '../types.ts';
import type { Sql } from './sql.ts';

/**
 * Everything a batch deferred, in one statement (one round trip): its messages and events inserted from
 * arrays, its conversation bumps and watermark moves as UPDATEs joined to arrays. The text does not depend
 * on the number of rows, so it is prepared once; an empty array makes its part a no-op. The four parts
 * touch four tables and none reads another's (data-modifying CTEs see one snapshot); the foreign-key
 * checks of the new messages run at the end of the statement and see the conversations as updated.
 * Bumps and watermarks only move forward (GREATEST), as bumpConversation and advanceWatermarks promise;
 * the maps hold one row per key.
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
  )
  UPDATE members m
     SET delivered_seq = GREATEST(m.delivered_seq, u.delivered), read_seq = GREATEST(m.read_seq, u.read)
    FROM unnest($21::text[], $22::text[], $23::bigint[], $24::bigint[]) AS u(conversation_id, user_id, delivered, read)
   WHERE m.conversation_id = u.conversation_id AND m.user_id = u.user_id`;

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

  get empty(): boolean {
    return this.messages.length === 0 && this.events.length === 0 && this.bumps.size === 0 && this.marks.size === 0;
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
   * anything more in it) and the error names no job: DeferredWriteError.
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
    try {
      await sql.run(
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
      );
    } catch (cause) {
      throw new DeferredWriteError({ cause });
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

  /** How many events the transaction is expected to append (its number of jobs): the first block's size. */
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
