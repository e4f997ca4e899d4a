import type pg from 'pg';
import { pageOfEvents } from '../events-page.ts';
import {
  type ConversationRow,
  EVENT_COLUMNS,
  type EventRow,
  type MemberRow,
  toConversation,
  toEvent,
  toMember,
} from '../rows.ts';
import type { ConversationListItem, EventRecord, MemberRecord, Reader } from '../types.ts';
import { PgReads } from './reads.ts';
import { Sql } from './sql.ts';

const HEAD = 'SELECT coalesce(max(pos), 0) AS pos FROM events';

/**
 * The person's active conversations, each with its last message (none while last_seq is 0, as in SQLite)
 * and its unread count, most recent activity first; ties by id, as SQLite's index order gives them.
 */
const LIST = `
  SELECT c.id, c.kind, c.title, c.direct_key, c.created_by, c.created_at, c.last_activity_at, c.last_seq, c.history,
         lm.id AS lm_id, lm.sender_id AS lm_sender_id, lm.client_id AS lm_client_id, lm.text AS lm_text,
         lm.reply_to_id AS lm_reply_to_id, lm.created_at AS lm_created_at, lm.edited_at AS lm_edited_at,
         lm.deleted_at AS lm_deleted_at, lm.event_positions AS lm_event_positions,
         (SELECT count(*) FROM messages u
           WHERE u.conversation_id = c.id AND u.seq > me.read_seq AND u.sender_id <> me.user_id
             AND u.deleted_at IS NULL) AS unread
    FROM members me
    JOIN conversations c ON c.id = me.conversation_id
    LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = c.last_seq AND c.last_seq <> 0
          AND (c.history = 'full' OR c.last_seq > me.visible_from_seq)
   WHERE me.user_id = $1 AND me.active
   ORDER BY c.last_activity_at DESC, c.id COLLATE "C"`;

/** Every member row (active or not) of those conversations, in order of joining as membersOf gives them. */
const LIST_MEMBERS = `
  SELECT m.conversation_id, m.user_id, m.role, m.delivered_seq, m.read_seq, m.joined_at, m.active,
         m.visible_from_seq, m.removed
    FROM members me
    JOIN members m ON m.conversation_id = me.conversation_id
   WHERE me.user_id = $1 AND me.active
   ORDER BY m.joined_at, m.user_id COLLATE "C"`;

interface ListRow extends ConversationRow {
  lm_id: string | null;
  lm_sender_id: string;
  lm_client_id: string | null;
  lm_text: string | null;
  lm_reply_to_id: string | null;
  lm_created_at: number;
  lm_edited_at: number | null;
  lm_deleted_at: number | null;
  lm_event_positions: string;
  unread: number;
}

const toItem = (r: ListRow, members: MemberRecord[]): ConversationListItem => ({
  conversation: toConversation(r),
  members,
  lastMessage:
    r.lm_id === null
      ? null
      : {
          id: r.lm_id,
          conversationId: r.id,
          seq: r.last_seq,
          senderId: r.lm_sender_id,
          clientId: r.lm_client_id,
          text: r.lm_text,
          replyToId: r.lm_reply_to_id,
          createdAt: r.lm_created_at,
          editedAt: r.lm_edited_at,
          deletedAt: r.lm_deleted_at,
          eventPositions: r.lm_event_positions ? r.lm_event_positions.split(',').map(Number) : [],
        },
  unread: r.unread,
});

/** The reader: the pool, committed data only. */
export class PgReader extends PgReads implements Reader {
  constructor(private readonly pool: pg.Pool) {
    super(new Sql(pool));
  }

  /**
   * One REPEATABLE READ snapshot on one pooled connection: the head position, then the conversations
   * (with last message and unread count), then their members — three queries whatever the list's length.
   */
  async conversationList(userId: string): Promise<{ cursor: number; items: ConversationListItem[] }> {
    const client = await this.pool.connect();
    // A checked-out client has no pool listener: without this, the server ending the connection
    // mid-read would be an unhandled 'error' event.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const sql = new Sql(client);
      const head = await sql.one<{ pos: number }>(HEAD);
      const rows = await sql.all<ListRow>(LIST, userId);
      const memberRows = await sql.all<MemberRow>(LIST_MEMBERS, userId);
      await client.query('COMMIT');
      const members = new Map<string, MemberRecord[]>();
      for (const m of memberRows) {
        const list = members.get(m.conversation_id);
        if (list) list.push(toMember(m));
        else members.set(m.conversation_id, [toMember(m)]);
      }
      return { cursor: head?.pos ?? 0, items: rows.map((r) => toItem(r, members.get(r.id) ?? [])) };
    } catch (e) {
      // When even ROLLBACK fails the connection is unusable: the pool must not hand it out again.
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw e;
    } finally {
      // A broken client keeps `ignore`: it may still emit its 'error' after the pool has dropped it.
      if (!broken) client.removeListener('error', ignore);
      client.release(broken);
    }
  }

  eventsFor(userId: string, cursor: number, limit: number, head: number) {
    return pageOfEvents(this, userId, cursor, limit, head);
  }

  /** One index seek per membership period (and one for the person's own events). */
  async nextVisiblePos(userId: string, after: number): Promise<number | null> {
    const r = await this.sql.one<{ pos: number | null }>(
      `SELECT min(n) AS pos FROM (
         SELECT (SELECT e.pos FROM events e
                  WHERE e.conversation_id = p.conversation_id AND e.pos > GREATEST($1, p.from_pos - 1)
                    AND (p.to_pos IS NULL OR e.pos <= p.to_pos)
                  ORDER BY e.pos LIMIT 1) AS n
           FROM member_periods p WHERE p.user_id = $2 AND (p.to_pos IS NULL OR p.to_pos > $1)
         UNION ALL
         SELECT (SELECT pos FROM events WHERE user_id = $2 AND pos > $1 ORDER BY pos LIMIT 1)) candidates`,
      after,
      userId,
    );
    return r?.pos ?? null;
  }

  async eventsInWindow(userId: string, after: number, upTo: number, limit: number): Promise<EventRecord[]> {
    const rows = await this.sql.all<EventRow>(
      `SELECT e.pos, e.conversation_id, e.user_id, e.type, e.payload, e.created_at
         FROM member_periods p JOIN conversations c ON c.id = p.conversation_id
         JOIN events e ON e.conversation_id = p.conversation_id
        WHERE p.user_id = $1 AND (p.to_pos IS NULL OR p.to_pos > $2) AND p.from_pos <= $3
          AND e.pos > $2 AND e.pos <= $3 AND e.pos >= p.from_pos AND (p.to_pos IS NULL OR e.pos <= p.to_pos)
          AND (e.message_seq IS NULL OR e.message_seq > p.visible_from_seq OR c.history = 'full')
       UNION ALL
       SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = $1 AND pos > $2 AND pos <= $3
       ORDER BY 1 LIMIT $4`,
      userId,
      after,
      upTo,
      limit,
    );
    return rows.map(toEvent);
  }

  async logFloor() {
    return (await this.sql.one<{ floor: number }>('SELECT floor FROM log_state WHERE id = 1'))?.floor ?? 0;
  }

  async headPosition() {
    return (await this.sql.one<{ pos: number }>(HEAD))?.pos ?? 0;
  }
}
