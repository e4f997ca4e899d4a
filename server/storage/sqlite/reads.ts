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
  type SessionRow,
  toConversation,
  toDevice,
  toEvent,
  toMember,
  toMessage,
  toSession,
  toUser,
  type UserRow,
} from '../rows.ts';
import type { ConversationRecord, MemberRecord, MessageRecord, Reads, SessionRecord, UserRecord } from '../types.ts';
import { placeholders, type Statements } from './statements.ts';

const USER = 'SELECT id, username, display_name, password_hash, created_at FROM users';
const MESSAGE = `SELECT ${MESSAGE_COLUMNS} FROM messages`;
const MEMBER = `SELECT ${MEMBER_COLUMNS} FROM members`;
const CONVERSATION = `SELECT ${CONVERSATION_COLUMNS} FROM conversations`;

/**
 * The reads, synchronous underneath (better-sqlite3), shared by the reader connection and the writer's
 * transactions. The `*Sync` methods let the backend compose a consistent snapshot without yielding.
 */
export class SqliteReads implements Reads {
  constructor(protected readonly s: Statements) {}

  userByIdSync(id: string): UserRecord | null {
    const r = this.s.one<UserRow>(`${USER} WHERE id = ?`, id);
    return r ? toUser(r) : null;
  }
  async userById(id: string) {
    return this.userByIdSync(id);
  }
  usersByIdsSync(ids: readonly string[]): UserRecord[] {
    if (ids.length === 0) return [];
    return this.s.all<UserRow>(`${USER} WHERE id IN (${placeholders(ids.length)})`, ...ids).map(toUser);
  }
  async usersByIds(ids: readonly string[]) {
    return this.usersByIdsSync(ids);
  }
  async userByUsername(username: string) {
    const r = this.s.one<UserRow>(`${USER} WHERE username = ?`, username);
    return r ? toUser(r) : null;
  }
  async searchUsers(query: string, limit: number, viewerId: string) {
    const q = fold(query);
    const prefix = `${escapeLike(q)}%`;
    const contains = `%${escapeLike(q)}%`;
    return this.s
      .all<UserRow>(
        `${USER} WHERE id <> @viewer AND (
           username = @exact
           OR ((username LIKE @prefix ESCAPE '\\' OR display_name_folded LIKE @contains ESCAPE '\\')
               AND id IN (SELECT o.user_id FROM members me JOIN members o ON o.conversation_id = me.conversation_id
                           WHERE me.user_id = @viewer)))
         ORDER BY (username = @exact) DESC, (username LIKE @prefix ESCAPE '\\') DESC, username LIMIT @limit`,
        { viewer: viewerId, exact: q, prefix, contains, limit },
      )
      .map(toUser);
  }

  async sessionByTokenHash(tokenHash: string) {
    const r = this.s.one<SessionRow>('SELECT * FROM sessions WHERE token_hash = ?', tokenHash);
    return r ? toSession(r) : null;
  }
  async sessionById(id: string) {
    const r = this.s.one<SessionRow>('SELECT * FROM sessions WHERE id = ?', id);
    return r ? toSession(r) : null;
  }
  async deviceByTokenHash(tokenHash: string) {
    const r = this.s.one<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE token_hash = ?`, tokenHash);
    return r ? toDevice(r) : null;
  }
  async sessionsOfUser(userId: string): Promise<SessionRecord[]> {
    return this.s
      .all<SessionRow>('SELECT * FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC', userId)
      .map(toSession);
  }

  conversationByIdSync(id: string): ConversationRecord | null {
    const r = this.s.one<ConversationRow>(`${CONVERSATION} WHERE id = ?`, id);
    return r ? toConversation(r) : null;
  }
  async conversationById(id: string) {
    return this.conversationByIdSync(id);
  }
  async conversationByDirectKey(directKey: string) {
    const r = this.s.one<ConversationRow>(`${CONVERSATION} WHERE direct_key = ?`, directKey);
    return r ? toConversation(r) : null;
  }
  membersOfSync(conversationId: string): MemberRecord[] {
    return this.s
      .all<MemberRow>(`${MEMBER} WHERE conversation_id = ? ORDER BY joined_at, user_id`, conversationId)
      .map(toMember);
  }
  async membersOf(conversationId: string) {
    return this.membersOfSync(conversationId);
  }
  async member(conversationId: string, userId: string) {
    const r = this.s.one<MemberRow>(`${MEMBER} WHERE conversation_id = ? AND user_id = ?`, conversationId, userId);
    return r ? toMember(r) : null;
  }
  conversationIdsOfUserSync(userId: string): string[] {
    return this.s
      .all<{ conversation_id: string }>('SELECT conversation_id FROM members WHERE user_id = ? AND active = 1', userId)
      .map((r) => r.conversation_id);
  }
  async conversationIdsOfUser(userId: string) {
    return this.conversationIdsOfUserSync(userId);
  }

  messageByIdSync(id: string): MessageRecord | null {
    const r = this.s.one<MessageRow>(`${MESSAGE} WHERE id = ?`, id);
    return r ? toMessage(r) : null;
  }
  async messageById(id: string) {
    return this.messageByIdSync(id);
  }
  async messagesByIds(ids: readonly string[]) {
    if (ids.length === 0) return [];
    return this.s.all<MessageRow>(`${MESSAGE} WHERE id IN (${placeholders(ids.length)})`, ...ids).map(toMessage);
  }
  async messageByClientId(senderId: string, clientId: string) {
    const r = this.s.one<MessageRow>(`${MESSAGE} WHERE sender_id = ? AND client_id = ?`, senderId, clientId);
    return r ? toMessage(r) : null;
  }
  async messagesBefore(conversationId: string, before: number | null, limit: number) {
    const rows =
      before === null
        ? this.s.all<MessageRow>(
            `${MESSAGE} WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?`,
            conversationId,
            limit,
          )
        : this.s.all<MessageRow>(
            `${MESSAGE} WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
            conversationId,
            before,
            limit,
          );
    return rows.reverse().map(toMessage);
  }
  lastMessageSync(conversationId: string, seq: number): MessageRecord | null {
    if (seq === 0) return null;
    const r = this.s.one<MessageRow>(`${MESSAGE} WHERE conversation_id = ? AND seq = ?`, conversationId, seq);
    return r ? toMessage(r) : null;
  }
  unreadCountSync(conversationId: string, userId: string, afterSeq: number): number {
    const r = this.s.one<{ n: number }>(
      `SELECT count(*) AS n FROM messages
       WHERE conversation_id = ? AND seq > ? AND sender_id <> ? AND deleted_at IS NULL`,
      conversationId,
      afterSeq,
      userId,
    );
    return r?.n ?? 0;
  }
  async unreadCount(conversationId: string, userId: string, afterSeq: number) {
    return this.unreadCountSync(conversationId, userId, afterSeq);
  }
  async messagesReplyingTo(messageId: string) {
    return this.s.all<MessageRow>(`${MESSAGE} WHERE reply_to_id = ? ORDER BY seq`, messageId).map(toMessage);
  }
  async eventsAt(positions: readonly number[]) {
    if (positions.length === 0) return [];
    return this.s
      .all<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE pos IN (${placeholders(positions.length)}) ORDER BY pos`,
        ...positions,
      )
      .map(toEvent);
  }
}
