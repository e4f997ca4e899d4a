import type { ConversationKind, HistoryVisibility, MemberRole } from '../../protocol/views.ts';
import type {
  ConversationRecord,
  DeviceRecord,
  EventRecord,
  MemberRecord,
  MessageRecord,
  SessionRecord,
  UserRecord,
} from './types.ts';

/**
 * Row shapes as both backends return them (PostgreSQL's BIGINT parsed to numbers by `types` in
 * postgres/sql.ts; `active` is a BOOLEAN there and 0/1 in SQLite), the column lists that produce them,
 * and their mapping to records.
 */

export const USER_COLUMNS = 'id, username, display_name, password_hash, created_at';
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  created_at: number;
}
export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

export const SESSION_COLUMNS =
  'id, user_id, token_hash, user_agent, ip, created_at, last_seen_at, expires_at, revoked_at';
export interface SessionRow {
  id: string;
  user_id: string;
  token_hash: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}
export const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  userAgent: r.user_agent,
  ip: r.ip,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export const DEVICE_COLUMNS = 'id, user_id, token_hash, created_at, last_used_at';
export interface DeviceRow {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  last_used_at: number;
}
export const toDevice = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export const CONVERSATION_COLUMNS =
  'id, kind, title, direct_key, created_by, created_at, last_activity_at, last_seq, history';
export interface ConversationRow {
  id: string;
  kind: string;
  title: string | null;
  direct_key: string | null;
  created_by: string;
  created_at: number;
  last_activity_at: number;
  last_seq: number;
  history: string;
}
export const toConversation = (r: ConversationRow): ConversationRecord => ({
  id: r.id,
  kind: r.kind as ConversationKind,
  title: r.title,
  directKey: r.direct_key,
  createdBy: r.created_by,
  createdAt: r.created_at,
  lastActivityAt: r.last_activity_at,
  lastSeq: r.last_seq,
  history: r.history as HistoryVisibility,
});

export const MEMBER_COLUMNS =
  'conversation_id, user_id, role, delivered_seq, read_seq, joined_at, active, visible_from_seq, removed';
export interface MemberRow {
  conversation_id: string;
  user_id: string;
  role: string;
  delivered_seq: number;
  read_seq: number;
  joined_at: number;
  active: boolean | number;
  visible_from_seq: number;
  removed: boolean | number;
}
export const toMember = (r: MemberRow): MemberRecord => ({
  conversationId: r.conversation_id,
  userId: r.user_id,
  role: r.role as MemberRole,
  deliveredSeq: r.delivered_seq,
  readSeq: r.read_seq,
  joinedAt: r.joined_at,
  active: r.active === true || r.active === 1,
  visibleFromSeq: r.visible_from_seq,
  removed: r.removed === true || r.removed === 1,
});

export const MESSAGE_COLUMNS =
  'id, conversation_id, seq, sender_id, client_id, text, reply_to_id, created_at, edited_at, deleted_at, event_positions';
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_id: string | null;
  text: string | null;
  reply_to_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  event_positions: string;
}
/** "12,57" ↔ [12, 57]: the positions of the events that carry a message. */
export const positionsToText = (positions: readonly number[]) => positions.join(',');
const positionsFromText = (text: string): number[] => (text ? text.split(',').map(Number) : []);
export const toMessage = (r: MessageRow): MessageRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  seq: r.seq,
  senderId: r.sender_id,
  clientId: r.client_id,
  text: r.text,
  replyToId: r.reply_to_id,
  createdAt: r.created_at,
  editedAt: r.edited_at,
  deletedAt: r.deleted_at,
  eventPositions: positionsFromText(r.event_positions),
});

export const EVENT_COLUMNS = 'pos, conversation_id, user_id, type, payload, created_at';
export interface EventRow {
  pos: number;
  conversation_id: string | null;
  user_id: string | null;
  type: string;
  payload: string;
  created_at: number;
}
export const toEvent = (r: EventRow): EventRecord => ({
  pos: r.pos,
  conversationId: r.conversation_id,
  userId: r.user_id,
  type: r.type,
  payload: r.payload,
  createdAt: r.created_at,
});
