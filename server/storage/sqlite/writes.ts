import type { HistoryVisibility, MemberRole } from '../../../protocol/views.ts';
import { fold } from '../../lib/text.ts';
import { positionsToText } from '../rows.ts';
import type {
  ConversationRecord,
  DeviceRecord,
  MemberRecord,
  MessageRecord,
  NewEvent,
  SessionRecord,
  Tx,
  UserRecord,
} from '../types.ts';
import { SqliteReads } from './reads.ts';

/** The writes of a transaction on the writer connection (reads see its own writes). */
export class SqliteTx extends SqliteReads implements Tx {
  private readonly bumps = new Map<string, { lastSeq: number; lastActivityAt: number }>();
  private readonly marks = new Map<
    string,
    { conversationId: string; userId: string; deliveredSeq: number; readSeq: number }
  >();

  async insertUser(u: UserRecord) {
    this.s.run(
      'INSERT INTO users (id, username, display_name, display_name_folded, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      u.id,
      u.username,
      u.displayName,
      fold(u.displayName),
      u.passwordHash,
      u.createdAt,
    );
  }
  async updateUserDisplayName(userId: string, displayName: string) {
    this.s.run(
      'UPDATE users SET display_name = ?, display_name_folded = ? WHERE id = ?',
      displayName,
      fold(displayName),
      userId,
    );
  }

  async insertSession(x: SessionRecord) {
    this.s.run(
      `INSERT INTO sessions (id, user_id, token_hash, user_agent, ip, created_at, last_seen_at, expires_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    this.s.run('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?', lastSeenAt, expiresAt, sessionId);
  }
  async revokeSession(sessionId: string, revokedAt: number) {
    this.s.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', revokedAt, sessionId);
  }

  async insertDevice(d: DeviceRecord) {
    this.s.run(
      'INSERT INTO devices (id, user_id, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
      d.id,
      d.userId,
      d.tokenHash,
      d.createdAt,
      d.lastUsedAt,
    );
  }
  async touchDevice(deviceId: string, lastUsedAt: number) {
    this.s.run('UPDATE devices SET last_used_at = ? WHERE id = ?', lastUsedAt, deviceId);
  }

  async insertConversation(c: ConversationRecord) {
    this.s.run(
      `INSERT INTO conversations (id, kind, title, direct_key, created_by, created_at, last_activity_at, last_seq, history)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    this.s.run('UPDATE conversations SET history = ? WHERE id = ?', history, conversationId);
  }
  async updateConversationTitle(conversationId: string, title: string) {
    this.s.run('UPDATE conversations SET title = ? WHERE id = ?', title, conversationId);
  }
  /**
   * Deferred: the batch's bumps of one conversation become one UPDATE, run before any read of
   * conversations or members and before COMMIT (flushDeferred). Most batches touch a conversation with
   * several messages; this halves the statements of a message.
   */
  async bumpConversation(conversationId: string, lastSeq: number, lastActivityAt: number) {
    const b = this.bumps.get(conversationId);
    if (!b) this.bumps.set(conversationId, { lastSeq, lastActivityAt });
    else {
      b.lastSeq = Math.max(b.lastSeq, lastSeq);
      b.lastActivityAt = Math.max(b.lastActivityAt, lastActivityAt);
    }
  }

  async upsertMember(m: MemberRecord) {
    this.s.run(
      `INSERT INTO members (conversation_id, user_id, role, delivered_seq, read_seq, joined_at, active,
         visible_from_seq, removed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role,
         delivered_seq = excluded.delivered_seq, read_seq = excluded.read_seq,
         joined_at = excluded.joined_at, active = excluded.active,
         visible_from_seq = excluded.visible_from_seq, removed = excluded.removed`,
      m.conversationId,
      m.userId,
      m.role,
      m.deliveredSeq,
      m.readSeq,
      m.joinedAt,
      m.active ? 1 : 0,
      m.visibleFromSeq,
      m.removed ? 1 : 0,
    );
  }
  async deactivateMember(conversationId: string, userId: string, removed: boolean) {
    this.s.run(
      'UPDATE members SET active = 0, removed = ? WHERE conversation_id = ? AND user_id = ?',
      removed ? 1 : 0,
      conversationId,
      userId,
    );
  }
  async setMemberRole(conversationId: string, userId: string, role: MemberRole) {
    this.s.run('UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?', role, conversationId, userId);
  }
  /** Deferred like bumpConversation: one UPDATE per member per batch. */
  async advanceWatermarks(conversationId: string, userId: string, deliveredSeq: number, readSeq: number) {
    const key = `${conversationId}\u0000${userId}`;
    const w = this.marks.get(key);
    if (!w) this.marks.set(key, { conversationId, userId, deliveredSeq, readSeq });
    else {
      w.deliveredSeq = Math.max(w.deliveredSeq, deliveredSeq);
      w.readSeq = Math.max(w.readSeq, readSeq);
    }
  }

  /** Writes the deferred updates. Called before reads that could see them, and before COMMIT. */
  flushDeferred() {
    if (this.bumps.size > 0) {
      for (const [id, b] of this.bumps) {
        this.s.run(
          'UPDATE conversations SET last_seq = max(last_seq, ?), last_activity_at = max(last_activity_at, ?) WHERE id = ?',
          b.lastSeq,
          b.lastActivityAt,
          id,
        );
      }
      this.bumps.clear();
    }
    if (this.marks.size > 0) {
      for (const w of this.marks.values()) {
        this.s.run(
          `UPDATE members SET delivered_seq = max(delivered_seq, ?), read_seq = max(read_seq, ?)
           WHERE conversation_id = ? AND user_id = ?`,
          w.deliveredSeq,
          w.readSeq,
          w.conversationId,
          w.userId,
        );
      }
      this.marks.clear();
    }
  }

  /** Forgets the deferred updates (the transaction is rolled back). */
  discardDeferred() {
    this.bumps.clear();
    this.marks.clear();
  }

  // Reads of conversations and members see the deferred updates.
  override conversationByIdSync(id: string) {
    this.flushDeferred();
    return super.conversationByIdSync(id);
  }
  override async conversationByDirectKey(directKey: string) {
    this.flushDeferred();
    return super.conversationByDirectKey(directKey);
  }
  override membersOfSync(conversationId: string) {
    this.flushDeferred();
    return super.membersOfSync(conversationId);
  }
  override async member(conversationId: string, userId: string) {
    this.flushDeferred();
    return super.member(conversationId, userId);
  }
  override conversationIdsOfUserSync(userId: string) {
    this.flushDeferred();
    return super.conversationIdsOfUserSync(userId);
  }

  async insertMessage(m: MessageRecord) {
    this.s.run(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, text, reply_to_id, created_at, edited_at,
         deleted_at, event_positions)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.id,
      m.conversationId,
      m.seq,
      m.senderId,
      m.clientId,
      m.text,
      m.replyToId,
      m.createdAt,
      m.editedAt,
      m.deletedAt,
      positionsToText(m.eventPositions),
    );
  }
  async updateMessage(
    id: string,
    text: string | null,
    editedAt: number | null,
    deletedAt: number | null,
    eventPositions: readonly number[],
  ) {
    this.s.run(
      'UPDATE messages SET text = ?, edited_at = ?, deleted_at = ?, event_positions = ? WHERE id = ?',
      text,
      editedAt,
      deletedAt,
      positionsToText(eventPositions),
      id,
    );
  }

  async appendEvent(e: NewEvent) {
    const r = this.s.run(
      'INSERT INTO events (conversation_id, user_id, type, payload, created_at, message_seq) VALUES (?, ?, ?, ?, ?, ?)',
      e.conversationId,
      e.userId,
      e.type,
      e.payload,
      e.createdAt,
      e.messageSeq ?? null,
    );
    return Number(r.lastInsertRowid);
  }
  async rewriteEvent(pos: number, payload: string) {
    this.s.run('UPDATE events SET payload = ? WHERE pos = ?', payload, pos);
  }
  async trimLog(createdBefore: number, maxRows: number) {
    const floor = this.s.one<{ floor: number }>('SELECT floor FROM log_state WHERE id = 1')?.floor ?? 0;
    // Positions grow with time: the oldest events are the first ones after the floor. Delete the run of
    // them older than the cutoff (up to the first newer one, should the clock ever have stepped back) —
    // never the newest event of all, so that positions never start again from a lower number.
    const window = `SELECT pos, created_at FROM events WHERE pos > ? AND pos < (SELECT max(pos) FROM events)
                     ORDER BY pos LIMIT ?`;
    const upTo = this.s.one<{ pos: number | null }>(
      `SELECT max(pos) AS pos FROM (${window})
        WHERE created_at < ? AND pos < coalesce((SELECT min(pos) FROM (${window}) WHERE created_at >= ?), 9e18)`,
      floor,
      maxRows,
      createdBefore,
      floor,
      maxRows,
      createdBefore,
    )?.pos;
    if (upTo === null || upTo === undefined) return 0;
    const deleted = this.s.run('DELETE FROM events WHERE pos > ? AND pos <= ?', floor, upTo).changes;
    this.s.run('DELETE FROM member_periods WHERE to_pos IS NOT NULL AND to_pos <= ?', upTo);
    this.s.run('UPDATE log_state SET floor = ? WHERE id = 1', upTo);
    return deleted;
  }
  async openPeriod(conversationId: string, userId: string, fromPos: number, visibleFromSeq: number) {
    this.s.run(
      `INSERT INTO member_periods (user_id, conversation_id, from_pos, to_pos, visible_from_seq)
       VALUES (?, ?, ?, NULL, ?)`,
      userId,
      conversationId,
      fromPos,
      visibleFromSeq,
    );
  }
  async closePeriod(conversationId: string, userId: string, toPos: number) {
    this.s.run(
      'UPDATE member_periods SET to_pos = ? WHERE user_id = ? AND conversation_id = ? AND to_pos IS NULL',
      toPos,
      userId,
      conversationId,
    );
  }
}
