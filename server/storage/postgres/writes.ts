import type { HistoryVisibility, MemberRole } from '../../../protocol/views.ts';
import { fold } from '../../lib/text.ts';
import {
  MEMBER_COLUMNS,
  MESSAGE_COLUMNS,
  type MemberRow,
  type MessageRow,
  positionsToText,
  toMember,
  toMessage,
} from '../rows.ts';
import type {
  ConversationRecord,
  DeviceRecord,
  MemberRecord,
  MessageRecord,
  NewEvent,
  ReadHint,
  SessionRecord,
  Tx,
  UserRecord,
} from '../types.ts';
import { memberKey, PendingWrites, Positions } from './pending.ts';
import { PgReads } from './reads.ts';
import { hasNul, type Sql } from './sql.ts';

const clientKey = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

const MESSAGES_BY_CLIENT_IDS = `
  SELECT ${MESSAGE_COLUMNS} FROM messages
   WHERE client_id IS NOT NULL AND (sender_id, client_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;
const MEMBERS_BY_KEYS = `
  SELECT ${MEMBER_COLUMNS} FROM members
   WHERE (conversation_id, user_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

/**
 * A transaction on the writer's client. Every Tx method would be a round trip; so the hot writes of the
 * way of a message — insertMessage, appendEvent, bumpConversation, advanceWatermarks — are deferred
 * (PendingWrites) and sent together in one statement, and the reads the jobs declared (ReadHint) are
 * loaded for the whole batch at once (prepare). Its reads still see its own writes: each one either
 * answers from what the transaction holds (pending messages, prefetched keys, pending bumps and
 * watermarks laid over the rows read) or sends the pending writes first. Any other write sends them
 * first too, so the database sees the writes in the order the jobs made them, and one that changes
 * messages or members then drops what the transaction held of them (forget). writes.test.ts holds every
 * method of Tx to these rules unless it is listed there with its reason.
 *
 * The committer calls the read methods through a wrapper made with Object.create(tx): state lives in
 * objects that are changed in place, never in fields that are assigned again.
 */
export class PgTx extends PgReads implements Tx {
  private readonly pending = new PendingWrites();
  private readonly positions: Positions;
  /** What this transaction knows of (sender, client id) pairs: prefetched or inserted by it; null: none. */
  private readonly byClientId = new Map<string, MessageRecord | null>();
  /** Member rows this transaction knows (prefetched), kept up to date by its writes; null: none. */
  private readonly members = new Map<string, MemberRecord | null>();

  constructor(sql: Sql) {
    super(sql);
    this.positions = new Positions(sql);
  }

  /** Loads what the batch's jobs declared they will read, one query per kind. */
  async prepare(batch: { jobs: number; hints: readonly ReadHint[] }) {
    this.positions.expect(batch.jobs);
    const senders: string[] = [];
    const clientIds: string[] = [];
    const conversations: string[] = [];
    const users: string[] = [];
    for (const h of batch.hints) {
      if (h.clientId && !hasNul(h.clientId.senderId) && !hasNul(h.clientId.clientId)) {
        const key = clientKey(h.clientId.senderId, h.clientId.clientId);
        if (!this.byClientId.has(key)) {
          this.byClientId.set(key, null);
          senders.push(h.clientId.senderId);
          clientIds.push(h.clientId.clientId);
        }
      }
      if (h.member && !hasNul(h.member.conversationId) && !hasNul(h.member.userId)) {
        const key = memberKey(h.member.conversationId, h.member.userId);
        if (!this.members.has(key)) {
          this.members.set(key, null);
          conversations.push(h.member.conversationId);
          users.push(h.member.userId);
        }
      }
    }
    if (senders.length > 0) {
      for (const r of await this.sql.all<MessageRow>(MESSAGES_BY_CLIENT_IDS, senders, clientIds)) {
        this.byClientId.set(clientKey(r.sender_id, r.client_id as string), toMessage(r));
      }
    }
    if (conversations.length > 0) {
      for (const r of await this.sql.all<MemberRow>(MEMBERS_BY_KEYS, conversations, users)) {
        this.members.set(memberKey(r.conversation_id, r.user_id), toMember(r));
      }
    }
  }

  /** Sends the deferred writes (before COMMIT, and after each job in the committer's strict mode). */
  async flush() {
    await this.pending.flush(this.sql);
  }

  // Reads: from what the transaction holds, or from the database with the pending changes laid over.

  override async messageByClientId(senderId: string, clientId: string) {
    const known = this.byClientId.get(clientKey(senderId, clientId));
    if (known !== undefined) return known && { ...known };
    return super.messageByClientId(senderId, clientId);
  }
  override async messageById(id: string) {
    const p = this.pending.messagesById.get(id);
    if (p) return { ...p };
    return super.messageById(id);
  }
  override async messagesByIds(ids: readonly string[]) {
    await this.flush();
    return super.messagesByIds(ids);
  }
  override async messagesBefore(conversationId: string, before: number | null, limit: number) {
    await this.flush();
    return super.messagesBefore(conversationId, before, limit);
  }
  override async unreadCount(conversationId: string, userId: string, afterSeq: number) {
    await this.flush();
    return super.unreadCount(conversationId, userId, afterSeq);
  }
  override async messagesReplyingTo(messageId: string) {
    await this.flush();
    return super.messagesReplyingTo(messageId);
  }
  override async eventsAt(positions: readonly number[]) {
    await this.flush();
    return super.eventsAt(positions);
  }
  override async conversationById(id: string) {
    return this.bumped(await super.conversationById(id));
  }
  override async conversationByDirectKey(directKey: string) {
    return this.bumped(await super.conversationByDirectKey(directKey));
  }
  override async membersOf(conversationId: string) {
    const rows = await super.membersOf(conversationId);
    return this.pending.marks.size === 0 ? rows : rows.map((m) => this.marked(m));
  }
  override async member(conversationId: string, userId: string) {
    const known = this.members.get(memberKey(conversationId, userId));
    if (known !== undefined) return known && { ...known };
    const m = await super.member(conversationId, userId);
    return m && this.marked(m);
  }

  /** A conversation row with this transaction's pending bump (forward only, as the UPDATE will do). */
  private bumped(c: ConversationRecord | null): ConversationRecord | null {
    const b = c && this.pending.bumps.get(c.id);
    if (!c || !b) return c;
    return {
      ...c,
      lastSeq: Math.max(c.lastSeq, b.lastSeq),
      lastActivityAt: Math.max(c.lastActivityAt, b.lastActivityAt),
    };
  }
  /** A member row with this transaction's pending watermarks. */
  private marked(m: MemberRecord): MemberRecord {
    const w = this.pending.marks.get(memberKey(m.conversationId, m.userId));
    if (!w) return m;
    return { ...m, deliveredSeq: Math.max(m.deliveredSeq, w.deliveredSeq), readSeq: Math.max(m.readSeq, w.readSeq) };
  }

  /**
   * After a write sent at once that changes messages or members: what the transaction knew of them
   * (prefetched rows, its own inserts — sent by then) is read again from the database.
   */
  private forget() {
    this.byClientId.clear();
    this.members.clear();
  }

  // Writes sent at once, after the pending ones (those that change messages or members then forget()).

  async insertUser(u: UserRecord) {
    await this.flush();
    await this.sql.run(
      `INSERT INTO users (id, username, display_name, display_name_folded, password_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      u.id,
      u.username,
      u.displayName,
      fold(u.displayName),
      u.passwordHash,
      u.createdAt,
    );
  }
  async updateUserDisplayName(userId: string, displayName: string) {
    await this.flush();
    await this.sql.run(
      'UPDATE users SET display_name = $1, display_name_folded = $2 WHERE id = $3',
      displayName,
      fold(displayName),
      userId,
    );
  }

  async insertSession(x: SessionRecord) {
    await this.flush();
    await this.sql.run(
      `INSERT INTO sessions (id, user_id, token_hash, user_agent, ip, created_at, last_seen_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      x.id,
      x.userId,
      x.tokenHash,
      x.userAgent,
      x.ip,
      x.createdAt,
      x.lastSeenAt,
      x.expiresAt,
      x.revokedAt,
    );
  }
  async touchSession(sessionId: string, lastSeenAt: number, expiresAt: number) {
    await this.flush();
    await this.sql.run(
      'UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3',
      lastSeenAt,
      expiresAt,
      sessionId,
    );
  }
  /** The first revocation stands. */
  async revokeSession(sessionId: string, revokedAt: number) {
    await this.flush();
    await this.sql.run(
      'UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      revokedAt,
      sessionId,
    );
  }

  async insertDevice(d: DeviceRecord) {
    await this.flush();
    await this.sql.run(
      'INSERT INTO devices (id, user_id, token_hash, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5)',
      d.id,
      d.userId,
      d.tokenHash,
      d.createdAt,
      d.lastUsedAt,
    );
  }
  async touchDevice(deviceId: string, lastUsedAt: number) {
    await this.flush();
    await this.sql.run('UPDATE devices SET last_used_at = $1 WHERE id = $2', lastUsedAt, deviceId);
  }

  async insertConversation(c: ConversationRecord) {
    await this.flush();
    await this.sql.run(
      `INSERT INTO conversations (id, kind, title, direct_key, created_by, created_at, last_activity_at, last_seq, history)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      c.id,
      c.kind,
      c.title,
      c.directKey,
      c.createdBy,
      c.createdAt,
      c.lastActivityAt,
      c.lastSeq,
      c.history,
    );
  }
  async setConversationHistory(conversationId: string, history: HistoryVisibility) {
    await this.flush();
    await this.sql.run('UPDATE conversations SET history = $1 WHERE id = $2', history, conversationId);
  }
  async updateConversationTitle(conversationId: string, title: string) {
    await this.flush();
    await this.sql.run('UPDATE conversations SET title = $1 WHERE id = $2', title, conversationId);
  }
  /** Deferred: merged per conversation, sent with the batch's other rows (forward only). */
  async bumpConversation(conversationId: string, lastSeq: number, lastActivityAt: number) {
    this.pending.bump(conversationId, lastSeq, lastActivityAt);
  }

  async upsertMember(m: MemberRecord) {
    await this.flush();
    await this.sql.run(
      `INSERT INTO members (conversation_id, user_id, role, delivered_seq, read_seq, joined_at, active,
         visible_from_seq, removed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = EXCLUDED.role,
         delivered_seq = EXCLUDED.delivered_seq, read_seq = EXCLUDED.read_seq,
         joined_at = EXCLUDED.joined_at, active = EXCLUDED.active,
         visible_from_seq = EXCLUDED.visible_from_seq, removed = EXCLUDED.removed`,
      m.conversationId,
      m.userId,
      m.role,
      m.deliveredSeq,
      m.readSeq,
      m.joinedAt,
      m.active,
      m.visibleFromSeq,
      m.removed,
    );
    this.forget();
  }
  async deactivateMember(conversationId: string, userId: string, removed: boolean) {
    await this.flush();
    await this.sql.run(
      'UPDATE members SET active = FALSE, removed = $1 WHERE conversation_id = $2 AND user_id = $3',
      removed,
      conversationId,
      userId,
    );
    this.forget();
  }
  async setMemberRole(conversationId: string, userId: string, role: MemberRole) {
    await this.flush();
    await this.sql.run(
      'UPDATE members SET role = $1 WHERE conversation_id = $2 AND user_id = $3',
      role,
      conversationId,
      userId,
    );
    this.forget();
  }
  /** Deferred: merged per member, sent with the batch's other rows, forward only (GREATEST). */
  async advanceWatermarks(conversationId: string, userId: string, deliveredSeq: number, readSeq: number) {
    this.pending.mark(conversationId, userId, deliveredSeq, readSeq);
    const key = memberKey(conversationId, userId);
    const known = this.members.get(key);
    if (known) this.members.set(key, this.marked(known));
  }

  // Messages and events: inserts deferred and sent with the batch's other rows; edits sent at once.

  async insertMessage(m: MessageRecord) {
    const row = { ...m };
    this.pending.messages.push(row);
    this.pending.messagesById.set(row.id, row);
    if (row.clientId !== null) this.byClientId.set(clientKey(row.senderId, row.clientId), row);
  }
  async updateMessage(
    id: string,
    text: string | null,
    editedAt: number | null,
    deletedAt: number | null,
    eventPositions: readonly number[],
  ) {
    await this.flush();
    await this.sql.run(
      'UPDATE messages SET text = $1, edited_at = $2, deleted_at = $3, event_positions = $4 WHERE id = $5',
      text,
      editedAt,
      deletedAt,
      positionsToText(eventPositions),
      id,
    );
    this.forget();
  }

  /**
   * pos is taken from the events' sequence (a block per query, Positions) and the row inserted with the
   * batch's others. There is one writer, one transaction at a time, taking positions in increasing order,
   * so pos order is commit order; a rolled-back transaction, or positions a transaction took and did not
   * use, leave gaps in pos, which readers do not rely on.
   */
  async appendEvent(e: NewEvent) {
    const pos = await this.positions.next();
    this.pending.events.push({ ...e, pos });
    return pos;
  }
  async rewriteEvent(pos: number, payload: string) {
    await this.flush();
    await this.sql.run('UPDATE events SET payload = $1 WHERE pos = $2', payload, pos);
  }
  async trimLog(createdBefore: number, maxRows: number) {
    await this.flush();
    const floor = (await this.sql.one<{ floor: number }>('SELECT floor FROM log_state WHERE id = 1'))?.floor ?? 0;
    // Positions grow with time: the oldest events are the first ones after the floor. Delete the run of
    // them older than the cutoff (up to the first newer one, should the clock ever have stepped back) —
    // never the newest event of all (the log's head, which clients compare their cursor with).
    const upTo = (
      await this.sql.one<{ pos: number | null }>(
        `WITH oldest AS (SELECT pos, created_at FROM events WHERE pos > $1 AND pos < (SELECT max(pos) FROM events)
                          ORDER BY pos LIMIT $2)
         SELECT max(pos) AS pos FROM oldest
          WHERE created_at < $3
            AND pos < coalesce((SELECT min(pos) FROM oldest WHERE created_at >= $3), 9223372036854775807)`,
        floor,
        maxRows,
        createdBefore,
      )
    )?.pos;
    if (upTo === null || upTo === undefined) return 0;
    const deleted = await this.sql.run('DELETE FROM events WHERE pos > $1 AND pos <= $2', floor, upTo);
    await this.sql.run('DELETE FROM member_periods WHERE to_pos IS NOT NULL AND to_pos <= $1', upTo);
    await this.sql.run('UPDATE log_state SET floor = $1 WHERE id = 1', upTo);
    return deleted;
  }
  async openPeriod(conversationId: string, userId: string, fromPos: number, visibleFromSeq: number) {
    await this.flush();
    await this.sql.run(
      `INSERT INTO member_periods (user_id, conversation_id, from_pos, to_pos, visible_from_seq)
       VALUES ($1, $2, $3, NULL, $4)`,
      userId,
      conversationId,
      fromPos,
      visibleFromSeq,
    );
  }
  async closePeriod(conversationId: string, userId: string, toPos: number) {
    await this.flush();
    await this.sql.run(
      'UPDATE member_periods SET to_pos = $1 WHERE user_id = $2 AND conversation_id = $3 AND to_pos IS NULL',
      toPos,
      userId,
      conversationId,
    );
  }
}
