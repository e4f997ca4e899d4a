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
import { PgReads } from './reads.ts';

/** The writes of a transaction on the writer's client (its reads see its own writes). */
export class PgTx extends PgReads implements Tx {
  async insertUser(u: UserRecord) {
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
    await this.sql.run(
      'UPDATE users SET display_name = $1, display_name_folded = $2 WHERE id = $3',
      displayName,
      fold(displayName),
      userId,
    );
  }

  async insertSession(x: SessionRecord) {
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
    await this.sql.run(
      'UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3',
      lastSeenAt,
      expiresAt,
      sessionId,
    );
  }
  /** The first revocation stands. */
  async revokeSession(sessionId: string, revokedAt: number) {
    await this.sql.run(
      'UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      revokedAt,
      sessionId,
    );
  }

  async insertDevice(d: DeviceRecord) {
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
    await this.sql.run('UPDATE devices SET last_used_at = $1 WHERE id = $2', lastUsedAt, deviceId);
  }

  async insertConversation(c: ConversationRecord) {
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
    await this.sql.run('UPDATE conversations SET history = $1 WHERE id = $2', history, conversationId);
  }
  async updateConversationTitle(conversationId: string, title: string) {
    await this.sql.run('UPDATE conversations SET title = $1 WHERE id = $2', title, conversationId);
  }
  async bumpConversation(conversationId: string, lastSeq: number, lastActivityAt: number) {
    await this.sql.run(
      'UPDATE conversations SET last_seq = GREATEST(last_seq, $1), last_activity_at = GREATEST(last_activity_at, $2) WHERE id = $3',
      lastSeq,
      lastActivityAt,
      conversationId,
    );
  }

  async upsertMember(m: MemberRecord) {
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
  }
  async deactivateMember(conversationId: string, userId: string, removed: boolean) {
    await this.sql.run(
      'UPDATE members SET active = FALSE, removed = $1 WHERE conversation_id = $2 AND user_id = $3',
      removed,
      conversationId,
      userId,
    );
  }
  async setMemberRole(conversationId: string, userId: string, role: MemberRole) {
    await this.sql.run(
      'UPDATE members SET role = $1 WHERE conversation_id = $2 AND user_id = $3',
      role,
      conversationId,
      userId,
    );
  }
  /** Forward only: GREATEST keeps the higher of the stored and the given watermark. */
  async advanceWatermarks(conversationId: string, userId: string, deliveredSeq: number, readSeq: number) {
    await this.sql.run(
      `UPDATE members SET delivered_seq = GREATEST(delivered_seq, $1), read_seq = GREATEST(read_seq, $2)
        WHERE conversation_id = $3 AND user_id = $4`,
      deliveredSeq,
      readSeq,
      conversationId,
      userId,
    );
  }

  async insertMessage(m: MessageRecord) {
    await this.sql.run(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, text, reply_to_id, created_at, edited_at,
         deleted_at, event_positions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
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
    await this.sql.run(
      'UPDATE messages SET text = $1, edited_at = $2, deleted_at = $3, event_positions = $4 WHERE id = $5',
      text,
      editedAt,
      deletedAt,
      positionsToText(eventPositions),
      id,
    );
  }

  /**
   * pos comes from the BIGSERIAL. There is one writer, one transaction at a time, so pos order is commit
   * order; a rolled-back transaction or savepoint leaves a gap in pos, which readers do not rely on.
   */
  async appendEvent(e: NewEvent) {
    const r = await this.sql.one<{ pos: number }>(
      `INSERT INTO events (conversation_id, user_id, type, payload, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING pos`,
      e.conversationId,
      e.userId,
      e.type,
      e.payload,
      e.createdAt,
    );
    if (!r) throw new Error('INSERT INTO events returned no pos');
    return r.pos;
  }
  async rewriteEvent(pos: number, payload: string) {
    await this.sql.run('UPDATE events SET payload = $1 WHERE pos = $2', payload, pos);
  }
  async trimLog(createdBefore: number, maxRows: number) {
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
  async openPeriod(conversationId: string, userId: string, fromPos: number) {
    await this.sql.run(
      'INSERT INTO member_periods (user_id, conversation_id, from_pos, to_pos) VALUES ($1, $2, $3, NULL)',
      userId,
      conversationId,
      fromPos,
    );
  }
  async closePeriod(conversationId: string, userId: string, toPos: number) {
    await this.sql.run(
      'UPDATE member_periods SET to_pos = $1 WHERE user_id = $2 AND conversation_id = $3 AND to_pos IS NULL',
      toPos,
      userId,
      conversationId,
    );
  }
}
