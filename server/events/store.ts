import type { DomainEvent } from '../../protocol/events.ts';
import { type Db, hasNul, sqlText } from '../storage/sql.ts';
import { type EventWindows, pageOfEvents } from './page.ts';

/**
 * The event log: every change, in commit order, each event addressed to exactly one scope — a
 * conversation (read by its members during their membership periods), a user, or a wider scope named
 * `kind:id` (`page:…`, `app:…`) — with the positions its consumers have reached. Written once for both
 * backends (storage/sql.ts); PostgreSQL defers appendEvent into its batch (storage/postgres/messaging.ts).
 *
 * Positions are commit order on both backends, also with several writing processes: SQLite has one
 * writer at a time (BEGIN IMMEDIATE); PostgreSQL's transactions take an advisory lock before their first
 * position and hold it to COMMIT (storage/postgres/pending.ts, Positions): a reader following the log never
 * meets a row that commits later with a smaller position. docs/ARCHITECTURE.md, "Decisions".
 */

/**
 * What the log stores: the people's events (protocol/events.ts: what sockets and `GET /api/events`
 * present) and the events made for other consumers — the developer platform's, named `platform.…`, which
 * only the webhook dispatcher reads (events/feed.ts keeps them from people's clients).
 */
export type LogEvent = DomainEvent | ConsumerEvent;
export interface ConsumerEvent {
  type: `platform.${string}`;
  [field: string]: unknown;
}

/** One entry of the log. Exactly one of conversationId / userId / scope says who may see it. */
export interface EventRecord {
  pos: number;
  conversationId: string | null;
  userId: string | null;
  /** A scope other than a conversation or a user: `page:<id>`, `app:<id>`. */
  scope: string | null;
  type: string;
  /** The event as JSON, exactly as its consumers receive it. */
  payload: string;
  createdAt: number;
}

export interface NewEvent {
  conversationId: string | null;
  userId: string | null;
  scope?: string | null;
  type: string;
  payload: string;
  createdAt: number;
  /**
   * For a message's events: its seq. A member whose period began after it (history 'joined') is not
   * shown the event (eventsFor).
   */
  messageSeq?: number | null;
}

export interface EventsReads {
  /** The events at these positions that are still in the log, in pos order. */
  eventsAt(positions: readonly number[]): Promise<EventRecord[]>;
  /** Where a consumer of the log stopped (0 when it never ran). */
  consumerPosition(name: string): Promise<number>;
  /**
   * Events of these `types` after `after`, addressed to one of `conversationIds` or one of `userIds`, in
   * pos order, at most `limit`: what an account deletion reads to rewrite the copies of a person's profile
   * (flows/account-deletion.ts).
   */
  eventsOfTypesIn(
    scopes: { conversationIds: readonly string[]; userIds: readonly string[] },
    types: readonly string[],
    after: number,
    limit: number,
  ): Promise<EventRecord[]>;
}

export interface EventsReader extends EventsReads {
  /**
   * A page of the events `userId` may see after `cursor`, up to `head`: those of conversations during the
   * periods they were a member, and those addressed to them; in order of pos, at most `limit`. `through`:
   * the page is complete up to there (the next page starts after it). A page costs what it returns, not
   * what lies behind the cursor (page.ts).
   */
  eventsFor(
    userId: string,
    cursor: number,
    limit: number,
    head: number,
  ): Promise<{ events: EventRecord[]; through: number }>;
  /** Every event after `after` and up to `head`, whatever its scope, in pos order, at most `limit`: how a consumer follows the log. */
  eventsAfter(after: number, limit: number, head: number): Promise<EventRecord[]>;
  /** The highest pos in the log (0 when empty). */
  headPosition(): Promise<number>;
  /** The highest pos retention has deleted (0 when none): events at or below it are gone. */
  logFloor(): Promise<number>;
}

export interface EventsWrites extends EventsReads {
  /** Appends to the log and answers the event's pos. */
  appendEvent(event: NewEvent): Promise<number>;
  /** Replaces the payload of an event still in the log (erasing what an edit or deletion took back). */
  rewriteEvent(pos: number, payload: string): Promise<void>;
  /**
   * Retention: deletes the oldest events created before `createdBefore`, at most `maxRows` of them, with
   * the membership periods that ended among them, and raises the floor. Answers how many it deleted.
   */
  trimLog(createdBefore: number, maxRows: number): Promise<number>;
  /**
   * Opens a membership period at `fromPos` (inclusive); the member may read the messages after
   * `visibleFromSeq` (while the conversation's history is 'joined').
   */
  openPeriod(conversationId: string, userId: string, fromPos: number, visibleFromSeq: number): Promise<void>;
  /** Closes the open membership period at `toPos` (inclusive). */
  closePeriod(conversationId: string, userId: string, toPos: number): Promise<void>;
  /** Records how far a consumer has handled the log (it resumes after `pos`). Never moves back. */
  saveConsumerPosition(name: string, pos: number, at: number): Promise<void>;
}

/** The methods of EventsWrites that write (the group committer counts them). */
export const eventsWrites = [
  'appendEvent',
  'rewriteEvent',
  'trimLog',
  'openPeriod',
  'closePeriod',
  'saveConsumerPosition',
] as const satisfies readonly Exclude<keyof EventsWrites, keyof EventsReads>[];

export const EVENT_COLUMNS = 'pos, conversation_id, user_id, scope, type, payload, created_at';
export interface EventRow {
  pos: number;
  conversation_id: string | null;
  user_id: string | null;
  scope: string | null;
  type: string;
  payload: string;
  created_at: number;
}
export const toEvent = (r: EventRow): EventRecord => ({
  pos: r.pos,
  conversationId: r.conversation_id,
  userId: r.user_id,
  scope: r.scope,
  type: r.type,
  payload: r.payload,
  createdAt: r.created_at,
});

const HEAD = 'SELECT coalesce(max(pos), 0) AS pos FROM events';

/** The events store on one Db. */
export class EventsStore implements EventsWrites, EventsReader, EventWindows<EventRecord> {
  private readonly q;

  constructor(protected readonly db: Db) {
    const t = sqlText(db.dialect);
    this.q = {
      eventsAt: `SELECT ${EVENT_COLUMNS} FROM events WHERE ${t.inInt('pos')} ORDER BY pos`,
      eventsOfTypesIn: `SELECT ${EVENT_COLUMNS} FROM events
         WHERE (${t.inText('conversation_id')} OR ${t.inText('user_id')}) AND ${t.inText('type')} AND pos > ?
         ORDER BY pos LIMIT ?`,
      // One index seek per membership period (and one for the person's own events).
      nextVisiblePos: `SELECT min(n) AS pos FROM (
         SELECT (SELECT e.pos FROM events e
                  WHERE e.conversation_id = p.conversation_id AND e.pos > ${t.greatest}(?, p.from_pos - 1)
                    AND (p.to_pos IS NULL OR e.pos <= p.to_pos)
                  ORDER BY e.pos LIMIT 1) AS n
           FROM member_periods p WHERE p.user_id = ? AND (p.to_pos IS NULL OR p.to_pos > ?)
         UNION ALL
         SELECT (SELECT pos FROM events WHERE user_id = ? AND pos > ? ORDER BY pos LIMIT 1)) candidates`,
      eventsInWindow: `SELECT e.pos, e.conversation_id, e.user_id, e.scope, e.type, e.payload, e.created_at
         FROM member_periods p JOIN conversations c ON c.id = p.conversation_id
         JOIN events e ON e.conversation_id = p.conversation_id
        WHERE p.user_id = ? AND (p.to_pos IS NULL OR p.to_pos > ?) AND p.from_pos <= ?
          AND e.pos > ? AND e.pos <= ? AND e.pos >= p.from_pos AND (p.to_pos IS NULL OR e.pos <= p.to_pos)
          AND (e.message_seq IS NULL OR e.message_seq > p.visible_from_seq OR c.history = 'full')
          AND (e.message_seq IS NULL OR e.type = 'message.created' OR NOT EXISTS (
                SELECT 1 FROM hidden_messages h
                  JOIN messages m ON m.conversation_id = h.conversation_id AND m.seq = h.seq
                 WHERE h.user_id = p.user_id AND h.conversation_id = e.conversation_id AND h.seq = e.message_seq
                   AND m.sender_id <> p.user_id))
       UNION ALL
       SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = ? AND pos > ? AND pos <= ?
       ORDER BY 1 LIMIT ?`,
    };
  }

  async eventsAt(positions: readonly number[]) {
    if (positions.length === 0) return [];
    return (await this.db.all<EventRow>(this.q.eventsAt, positions)).map(toEvent);
  }
  async eventsOfTypesIn(
    scopes: { conversationIds: readonly string[]; userIds: readonly string[] },
    types: readonly string[],
    after: number,
    limit: number,
  ) {
    const conversations = scopes.conversationIds.filter((id) => !hasNul(id));
    const users = scopes.userIds.filter((id) => !hasNul(id));
    if ((conversations.length === 0 && users.length === 0) || types.length === 0) return [];
    const rows = await this.db.all<EventRow>(this.q.eventsOfTypesIn, conversations, users, [...types], after, limit);
    return rows.map(toEvent);
  }
  async consumerPosition(name: string) {
    if (hasNul(name)) return 0;
    return (await this.db.one<{ pos: number }>('SELECT pos FROM consumer_positions WHERE name = ?', name))?.pos ?? 0;
  }

  eventsFor(userId: string, cursor: number, limit: number, head: number) {
    return pageOfEvents(this, userId, cursor, limit, head);
  }
  async nextVisiblePos(userId: string, after: number): Promise<number | null> {
    if (hasNul(userId)) return null;
    return (
      (await this.db.one<{ pos: number | null }>(this.q.nextVisiblePos, after, userId, after, userId, after))?.pos ??
      null
    );
  }
  async eventsInWindow(userId: string, after: number, upTo: number, limit: number): Promise<EventRecord[]> {
    if (hasNul(userId)) return [];
    const rows = await this.db.all<EventRow>(
      this.q.eventsInWindow,
      userId,
      after,
      upTo,
      after,
      upTo,
      userId,
      after,
      upTo,
      limit,
    );
    return rows.map(toEvent);
  }
  async eventsAfter(after: number, limit: number, head: number) {
    const rows = await this.db.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE pos > ? AND pos <= ? ORDER BY pos LIMIT ?`,
      after,
      head,
      limit,
    );
    return rows.map(toEvent);
  }
  async headPosition() {
    return (await this.db.one<{ pos: number }>(HEAD))?.pos ?? 0;
  }
  async logFloor() {
    return (await this.db.one<{ floor: number }>('SELECT floor FROM log_state WHERE id = 1'))?.floor ?? 0;
  }

  async appendEvent(e: NewEvent) {
    return this.db.insertId(
      `INSERT INTO events (conversation_id, user_id, scope, type, payload, created_at, message_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      'pos',
      e.conversationId,
      e.userId,
      e.scope ?? null,
      e.type,
      e.payload,
      e.createdAt,
      e.messageSeq ?? null,
    );
  }
  async rewriteEvent(pos: number, payload: string) {
    await this.db.run('UPDATE events SET payload = ? WHERE pos = ?', payload, pos);
  }
  async trimLog(createdBefore: number, maxRows: number) {
    const floor = await this.logFloor();
    // Positions grow with time: the oldest events are the first ones after the floor. Delete the run of
    // them older than the cutoff (up to the first newer one, should the clock ever have stepped back) —
    // never the newest event of all (the log's head, which clients compare their cursor with), so that
    // positions never start again from a lower number.
    const upTo = (
      await this.db.one<{ pos: number | null }>(
        `WITH oldest AS (SELECT pos, created_at FROM events WHERE pos > ? AND pos < (SELECT max(pos) FROM events)
                          ORDER BY pos LIMIT ?)
         SELECT max(pos) AS pos FROM oldest
          WHERE created_at < ?
            AND pos < coalesce((SELECT min(pos) FROM oldest WHERE created_at >= ?), 9223372036854775807)`,
        floor,
        maxRows,
        createdBefore,
        createdBefore,
      )
    )?.pos;
    if (upTo === null || upTo === undefined) return 0;
    const deleted = await this.db.run('DELETE FROM events WHERE pos > ? AND pos <= ?', floor, upTo);
    await this.db.run('DELETE FROM member_periods WHERE to_pos IS NOT NULL AND to_pos <= ?', upTo);
    await this.db.run('UPDATE log_state SET floor = ? WHERE id = 1', upTo);
    return deleted;
  }
  async openPeriod(conversationId: string, userId: string, fromPos: number, visibleFromSeq: number) {
    await this.db.run(
      `INSERT INTO member_periods (user_id, conversation_id, from_pos, to_pos, visible_from_seq)
       VALUES (?, ?, ?, NULL, ?)`,
      userId,
      conversationId,
      fromPos,
      visibleFromSeq,
    );
  }
  async closePeriod(conversationId: string, userId: string, toPos: number) {
    await this.db.run(
      'UPDATE member_periods SET to_pos = ? WHERE user_id = ? AND conversation_id = ? AND to_pos IS NULL',
      toPos,
      userId,
      conversationId,
    );
  }
  async saveConsumerPosition(name: string, pos: number, at: number) {
    await this.db.run(
      `INSERT INTO consumer_positions (name, pos, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET pos = ${sqlText(this.db.dialect).greatest}(consumer_positions.pos, excluded.pos),
         updated_at = excluded.updated_at`,
      name,
      pos,
      at,
    );
  }
}
