import { escapeLike, fold } from '../../lib/text.ts';
import {
  CONVERSATION_COLUMNS,
  type ConversationRow,
  DEVICE_COLUMNS,
  type DeviceRow,
  EVENT_COLUMNS,
  type EventRow,
  MEMBER_COLUMNS,
  MESSAGE_COLUMNS,
  type MemberRow,
  type MessageRow,
  SESSION_COLUMNS,
  type SessionRow,
  toConversation,
  toDevice,
  toEvent,
  toMember,
  toMessage,
  toSession,
  toUser,
  USER_COLUMNS,
  type UserRow,
} from '../rows.ts';
import type { MemberRecord, MessageRecord, Reads, SessionRecord, UserRecord } from '../types.ts';
import { hasNul, type Sql } from './sql.ts';

const USER = `SELECT ${USER_COLUMNS} FROM users`;
const SESSION = `SELECT ${SESSION_COLUMNS} FROM sessions`;
const CONVERSATION = `SELECT ${CONVERSATION_COLUMNS} FROM conversations`;
const MEMBER = `SELECT ${MEMBER_COLUMNS} FROM members`;
const MESSAGE = `SELECT ${MESSAGE_COLUMNS} FROM messages`;

/**
 * The reads, shared by the reader (the pool: committed data only) and the writer's transactions (its
 * own client: sees its own writes). Text is ordered with COLLATE "C", byte order, as SQLite orders it,
 * whatever the database's collation; where SQLite has no ORDER BY, the order its index gives is made
 * explicit.
 */
export class PgReads implements Reads {
  constructor(protected readonly sql: Sql) {}

  async userById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.sql.one<UserRow>(`${USER} WHERE id = $1`, id);
    return r ? toUser(r) : null;
  }
  async usersByIds(ids: readonly string[]) {
    const keys = ids.filter((id) => !hasNul(id));
    if (keys.length === 0) return [];
    const rows = await this.sql.all<UserRow>(`${USER} WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C"`, keys);
    return rows.map(toUser);
  }
  async userByUsername(username: string) {
    if (hasNul(username)) return null;
    const r = await this.sql.one<UserRow>(`${USER} WHERE username = $1`, username);
    return r ? toUser(r) : null;
  }
  /**
   * The exact username, or — among the people the viewer shares (or shared) a conversation with — a
   * username prefix or folded display-name substring; the exact username first, then username-prefix
   * matches, then by username. Usernames are lower case (protocol/limits.ts), so LIKE being
   * case-sensitive here (SQLite's is not, for ASCII) changes nothing.
   */
  async searchUsers(query: string, limit: number, viewerId: string): Promise<UserRecord[]> {
    const q = fold(query);
    if (hasNul(q) || hasNul(viewerId)) return [];
    const prefix = `${escapeLike(q)}%`;
    const contains = `%${escapeLike(q)}%`;
    const rows = await this.sql.all<UserRow>(
      `${USER}
        WHERE id <> $1 AND (
          username = $4
          OR ((username LIKE $2 ESCAPE '\\' OR display_name_folded LIKE $3 ESCAPE '\\')
              AND id IN (SELECT o.user_id FROM members me JOIN members o ON o.conversation_id = me.conversation_id
                          WHERE me.user_id = $1)))
        ORDER BY (username = $4) DESC, (username LIKE $2 ESCAPE '\\') DESC, username COLLATE "C"
        LIMIT $5`,
      viewerId,
      prefix,
      contains,
      q,
      limit,
    );
    return rows.map(toUser);
  }

  async sessionByTokenHash(tokenHash: string) {
    if (hasNul(tokenHash)) return null;
    const r = await this.sql.one<SessionRow>(`${SESSION} WHERE token_hash = $1`, tokenHash);
    return r ? toSession(r) : null;
  }
  async sessionById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.sql.one<SessionRow>(`${SESSION} WHERE id = $1`, id);
    return r ? toSession(r) : null;
  }
  async deviceByTokenHash(tokenHash: string) {
    if (hasNul(tokenHash)) return null;
    const r = await this.sql.one<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE token_hash = $1`, tokenHash);
    return r ? toDevice(r) : null;
  }
  async sessionsOfUser(userId: string): Promise<SessionRecord[]> {
    if (hasNul(userId)) return [];
    const rows = await this.sql.all<SessionRow>(`${SESSION} WHERE user_id = $1 ORDER BY last_seen_at DESC`, userId);
    return rows.map(toSession);
  }

  async conversationById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.sql.one<ConversationRow>(`${CONVERSATION} WHERE id = $1`, id);
    return r ? toConversation(r) : null;
  }
  async conversationByDirectKey(directKey: string) {
    if (hasNul(directKey)) return null;
    const r = await this.sql.one<ConversationRow>(`${CONVERSATION} WHERE direct_key = $1`, directKey);
    return r ? toConversation(r) : null;
  }
  async membersOf(conversationId: string): Promise<MemberRecord[]> {
    if (hasNul(conversationId)) return [];
    const rows = await this.sql.all<MemberRow>(
      `${MEMBER} WHERE conversation_id = $1 ORDER BY joined_at, user_id COLLATE "C"`,
      conversationId,
    );
    return rows.map(toMember);
  }
  async member(conversationId: string, userId: string) {
    if (hasNul(conversationId) || hasNul(userId)) return null;
    const r = await this.sql.one<MemberRow>(
      `${MEMBER} WHERE conversation_id = $1 AND user_id = $2`,
      conversationId,
      userId,
    );
    return r ? toMember(r) : null;
  }
  async conversationIdsOfUser(userId: string) {
    if (hasNul(userId)) return [];
    const rows = await this.sql.all<{ conversation_id: string }>(
      'SELECT conversation_id FROM members WHERE user_id = $1 AND active ORDER BY conversation_id COLLATE "C"',
      userId,
    );
    return rows.map((r) => r.conversation_id);
  }

  async messageById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.sql.one<MessageRow>(`${MESSAGE} WHERE id = $1`, id);
    return r ? toMessage(r) : null;
  }
  async messagesByIds(ids: readonly string[]) {
    const keys = ids.filter((id) => !hasNul(id));
    if (keys.length === 0) return [];
    const rows = await this.sql.all<MessageRow>(`${MESSAGE} WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C"`, keys);
    return rows.map(toMessage);
  }
  async messageByClientId(senderId: string, clientId: string) {
    if (hasNul(senderId) || hasNul(clientId)) return null;
    const r = await this.sql.one<MessageRow>(`${MESSAGE} WHERE sender_id = $1 AND client_id = $2`, senderId, clientId);
    return r ? toMessage(r) : null;
  }
  /** Newest first with the limit, then reversed: oldest first. */
  async messagesBefore(conversationId: string, before: number | null, limit: number): Promise<MessageRecord[]> {
    if (hasNul(conversationId)) return [];
    const rows =
      before === null
        ? await this.sql.all<MessageRow>(
            `${MESSAGE} WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2`,
            conversationId,
            limit,
          )
        : await this.sql.all<MessageRow>(
            `${MESSAGE} WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
            conversationId,
            before,
            limit,
          );
    return rows.reverse().map(toMessage);
  }
  async messagesReplyingTo(messageId: string) {
    if (hasNul(messageId)) return [];
    const rows = await this.sql.all<MessageRow>(`${MESSAGE} WHERE reply_to_id = $1 ORDER BY seq`, messageId);
    return rows.map(toMessage);
  }
  async eventsAt(positions: readonly number[]) {
    if (positions.length === 0) return [];
    const rows = await this.sql.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE pos = ANY($1::bigint[]) ORDER BY pos`,
      positions,
    );
    return rows.map(toEvent);
  }
  async unreadCount(conversationId: string, userId: string, afterSeq: number) {
    if (hasNul(conversationId)) return 0;
    const r = await this.sql.one<{ n: number }>(
      `SELECT count(*) AS n FROM messages
        WHERE conversation_id = $1 AND seq > $2 AND sender_id <> $3 AND deleted_at IS NULL`,
      conversationId,
      afterSeq,
      userId,
    );
    return r?.n ?? 0;
  }
}
