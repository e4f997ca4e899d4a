import type { MessageContent } from '../../protocol/content.ts';
import type { ActivityKind, ConversationKind, HistoryVisibility, MemberRole } from '../../protocol/views.ts';
import { ftsMatch, tsQuery } from '../lib/search.ts';
import { escapeLike } from '../lib/text.ts';
import { type Db, hasNul, type SqlText, sqlText } from '../storage/sql.ts';

/**
 * What the messaging domain stores — conversations, their members and their messages — and the store
 * that reads and writes it, each statement written once for both backends (storage/sql.ts). The writes on
 * the way of a message (insertMessage, bumpConversation, advanceWatermarks) are batched by each backend
 * in its own way: the backends extend this store and override them (storage/sqlite/messaging.ts,
 * storage/postgres/messaging.ts). Times are milliseconds since the epoch.
 */

/** A direct conversation's key: its two members' ids, sorted, joined by ':'. */
export const directKeyOf = (a: string, b: string): string => [a, b].sort().join(':');

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  title: string | null;
  /** For direct conversations: the two user ids, sorted, joined by ':'; unique. */
  directKey: string | null;
  createdBy: string;
  createdAt: number;
  lastActivityAt: number;
  lastSeq: number;
  /** What members see of the messages sent before they joined: from their joining on, or everything. */
  history: HistoryVisibility;
}

export interface MemberRecord {
  conversationId: string;
  userId: string;
  role: MemberRole;
  deliveredSeq: number;
  readSeq: number;
  joinedAt: number;
  /** false once the person left or was removed; the row stays so that "not_member" can be told apart. */
  active: boolean;
  /** The conversation's last seq when they (last) joined: under history 'joined' they see what follows. */
  visibleFromSeq: number;
  /** An admin removed them (not active): only an admin may add them back. */
  removed: boolean;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientId: string | null;
  text: string | null;
  replyToId: string | null;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  /** What it carries besides its text (protocol/content.ts); null for plain text and once deleted. */
  content: MessageContent | null;
  /**
   * Positions of the log events that carry this message (its created, edited and deleted events), so
   * that an edit or a deletion can rewrite every earlier copy of its text.
   */
  eventPositions: number[];
}

/** A group's activity line (protocol/views.ts ActivityView): it sits after the message `afterSeq`. */
export interface ActivityRecord {
  id: string;
  conversationId: string;
  afterSeq: number;
  at: number;
  kind: ActivityKind;
  actorId: string;
  targetId: string | null;
  title: string | null;
  history: HistoryVisibility | null;
}

/**
 * One person's own settings of a conversation (settings.ts): muted until (ms; MUTED_FOREVER's time for
 * "Always"), pinned since, archived since and the conversation's last seq then. No row: none set.
 */
export interface SettingsRecord {
  conversationId: string;
  userId: string;
  mutedUntil: number | null;
  pinnedAt: number | null;
  archivedAt: number | null;
  archivedSeq: number;
}

/** A message one person deleted for themselves (hidden.ts). */
export interface HiddenRecord {
  userId: string;
  messageId: string;
  conversationId: string;
  seq: number;
  hiddenAt: number;
}

/** One person's emoji on one message; `pos` is its reaction.updated event's, which orders them. */
export interface ReactionRecord {
  messageId: string;
  userId: string;
  emoji: string;
  pos: number;
  createdAt: number;
}

/** A conversation of one person's list, with what the list shows. */
export interface ConversationListItem {
  conversation: ConversationRecord;
  members: MemberRecord[];
  lastMessage: MessageRecord | null;
  unread: number;
}

/** Reads. On the reader they see committed data only; inside a transaction they see its own writes. */
export interface MessagingReads {
  conversationById(id: string): Promise<ConversationRecord | null>;
  conversationByDirectKey(directKey: string): Promise<ConversationRecord | null>;
  /** The id of the direct conversation with this key (null: none yet); once made, it never changes. */
  directConversationId(directKey: string): Promise<string | null>;
  /** Every member row of a conversation, active or not, in order of joining. */
  membersOf(conversationId: string): Promise<MemberRecord[]>;
  member(conversationId: string, userId: string): Promise<MemberRecord | null>;
  /** Ids of the conversations a user is an active member of. */
  conversationIdsOfUser(userId: string): Promise<string[]>;
  /** Ids of every conversation a user is or ever was a member of (former memberships too). */
  conversationIdsEverOfUser(userId: string): Promise<string[]>;
  messageById(id: string): Promise<MessageRecord | null>;
  messagesByIds(ids: readonly string[]): Promise<MessageRecord[]>;
  messageByClientId(senderId: string, clientId: string): Promise<MessageRecord | null>;
  /** Up to `limit` messages with seq < before (or the latest), returned oldest first. */
  messagesBefore(conversationId: string, before: number | null, limit: number): Promise<MessageRecord[]>;
  /** Messages of others after the watermark, not deleted. */
  unreadCount(conversationId: string, userId: string, afterSeq: number): Promise<number>;
  /** The messages that reply to (quote) a message. */
  messagesReplyingTo(messageId: string): Promise<MessageRecord[]>;
  /** When `senderId` last wrote in the conversation (null: never): a page's messaging window. */
  lastMessageAt(conversationId: string, senderId: string): Promise<number | null>;
  /** The latest message of `senderId` in the conversation that is not deleted (a page's quick replies). */
  latestMessageOf(conversationId: string, senderId: string): Promise<MessageRecord | null>;
  /**
   * Up to `limit` messages of `senderId` in the conversation, not deleted, whose stored content contains
   * `fragment` (a piece of its JSON: a button's payload), newest first. A filter to narrow a search, not an
   * answer: the caller reads the content of what it gets (SQLite's LIKE ignores ASCII case, for one).
   */
  messagesWithContent(
    conversationId: string,
    senderId: string,
    fragment: string,
    limit: number,
  ): Promise<MessageRecord[]>;
  /**
   * A group's activity lines with `from <= afterSeq <= to`, oldest first (by afterSeq, then time), at most
   * `limit`.
   */
  activityBetween(conversationId: string, from: number, to: number, limit: number): Promise<ActivityRecord[]>;
  /** The person's settings of a conversation; null when they never set any. */
  settingsOf(conversationId: string, userId: string): Promise<SettingsRecord | null>;
  /** All the person's settings rows (of every conversation, active membership or not). */
  settingsOfUser(userId: string): Promise<SettingsRecord[]>;
  /** How many conversations the person pinned among those they are an active member of. */
  pinnedCount(userId: string): Promise<number>;
  /** Whether the person deleted this message for themselves. */
  isHidden(userId: string, messageId: string): Promise<boolean>;
  /** Which of these messages the person deleted for themselves. */
  hiddenAmong(userId: string, messageIds: readonly string[]): Promise<string[]>;
  /** Who deleted this message for themselves. */
  hiddenBy(messageId: string): Promise<string[]>;
  /**
   * Like messagesBefore, without the messages `userId` deleted for themselves and those at or below
   * `afterSeq` (what they may not read): up to `limit`, oldest first.
   */
  visibleMessagesBefore(
    conversationId: string,
    userId: string,
    afterSeq: number,
    before: number | null,
    limit: number,
  ): Promise<MessageRecord[]>;
  /** The reactions on these messages, in the order they were put (pos). */
  reactionsOf(messageIds: readonly string[]): Promise<ReactionRecord[]>;
  /** Up to `limit` messages with seq > after, oldest first (a thread paging forward from a window). */
  messagesAfter(conversationId: string, after: number, limit: number): Promise<MessageRecord[]>;
  /**
   * Full-text search (server/lib/search.ts): up to `limit` messages, newest first, older than the message
   * `before` when given, that contain every term (the last as a prefix), in the conversations given where
   * `userId` is an active member and may read them (history 'joined': after their joining); never a deleted
   * message.
   */
  searchMessages(q: MessageSearchQuery): Promise<MessageRecord[]>;
}

export interface MessageSearchQuery {
  userId: string;
  conversationIds: readonly string[];
  /** Folded words (searchTerms), at least one. */
  terms: readonly string[];
  /** A message id: the results after it (older). */
  before: string | null;
  limit: number;
}

/**
 * Above this many conversations the FTS5 expression does not name them (it would grow with each): the
 * index is walked newest first and the memberships filter what it finds.
 */
export const SEARCH_CONVERSATIONS_IN_INDEX = 500;

export interface MessagingReader extends MessagingReads {
  /**
   * A person's conversation list (active memberships), most recent activity first, and the log position
   * it is consistent with, read in one snapshot.
   */
  conversationList(userId: string): Promise<{ cursor: number; items: ConversationListItem[] }>;
}

export interface MessagingWrites extends MessagingReads {
  insertConversation(conversation: ConversationRecord): Promise<void>;
  updateConversationTitle(conversationId: string, title: string): Promise<void>;
  setConversationHistory(conversationId: string, history: HistoryVisibility): Promise<void>;
  /** Moves last_seq and last_activity_at forward after a message (never back). */
  bumpConversation(conversationId: string, lastSeq: number, lastActivityAt: number): Promise<void>;
  /** Inserts or re-activates a member (watermarks reset to the given ones). */
  upsertMember(member: MemberRecord): Promise<void>;
  /** Ends a membership; `removed` when an admin removed them (rather than they left). */
  deactivateMember(conversationId: string, userId: string, removed: boolean): Promise<void>;
  setMemberRole(conversationId: string, userId: string, role: MemberRole): Promise<void>;
  /** Moves watermarks forward only (never back). */
  advanceWatermarks(conversationId: string, userId: string, deliveredSeq: number, readSeq: number): Promise<void>;
  insertMessage(message: MessageRecord): Promise<void>;
  updateMessage(
    id: string,
    text: string | null,
    editedAt: number | null,
    deletedAt: number | null,
    eventPositions: readonly number[],
    content: MessageContent | null,
  ): Promise<void>;
  insertActivity(activity: ActivityRecord): Promise<void>;
  /** Stores (inserts or replaces) a person's settings of a conversation. */
  putSettings(settings: SettingsRecord): Promise<void>;
  /** Forgets a person's settings of a conversation (they left it). */
  deleteSettings(conversationId: string, userId: string): Promise<void>;
  /** Hides a message for one person (nothing when it already is). */
  hideMessage(hidden: HiddenRecord): Promise<void>;
  insertReaction(reaction: ReactionRecord): Promise<void>;
  deleteReaction(messageId: string, userId: string, emoji: string): Promise<void>;
  /** Every reaction on a message (deleted for everyone). */
  deleteReactionsOf(messageId: string): Promise<void>;
}

/** The methods of MessagingWrites that write (the group committer counts them). */
export const messagingWrites = [
  'insertConversation',
  'updateConversationTitle',
  'setConversationHistory',
  'bumpConversation',
  'upsertMember',
  'deactivateMember',
  'setMemberRole',
  'advanceWatermarks',
  'insertMessage',
  'updateMessage',
  'insertActivity',
  'putSettings',
  'deleteSettings',
  'hideMessage',
  'insertReaction',
  'deleteReaction',
  'deleteReactionsOf',
] as const satisfies readonly Exclude<keyof MessagingWrites, keyof MessagingReads>[];

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
/** `active` and `removed` are BOOLEAN in PostgreSQL, 0/1 in SQLite. */
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
  'id, conversation_id, seq, sender_id, client_id, text, reply_to_id, created_at, edited_at, deleted_at, event_positions, content';
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
  content: string | null;
}
/** "12,57" ↔ [12, 57]: the positions of the events that carry a message. */
export const positionsToText = (positions: readonly number[]) => positions.join(',');
export const positionsFromText = (text: string): number[] => (text ? text.split(',').map(Number) : []);
/** The JSON stored in messages.content, or null. */
export const contentToText = (c: MessageContent | null): string | null => (c === null ? null : JSON.stringify(c));
export const contentFromText = (t: string | null): MessageContent | null =>
  t === null ? null : (JSON.parse(t) as MessageContent);
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
  content: contentFromText(r.content),
  eventPositions: positionsFromText(r.event_positions),
});

export const SETTINGS_COLUMNS = 'conversation_id, user_id, muted_until, pinned_at, archived_at, archived_seq';
export interface SettingsRow {
  conversation_id: string;
  user_id: string;
  muted_until: number | null;
  pinned_at: number | null;
  archived_at: number | null;
  archived_seq: number;
}
export const toSettings = (r: SettingsRow): SettingsRecord => ({
  conversationId: r.conversation_id,
  userId: r.user_id,
  mutedUntil: r.muted_until,
  pinnedAt: r.pinned_at,
  archivedAt: r.archived_at,
  archivedSeq: r.archived_seq,
});

/** Not a message the person (the `?` it takes) deleted for themselves. */
export const NOT_HIDDEN =
  'NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ? AND h.message_id = messages.id)';

const MESSAGE = `SELECT ${MESSAGE_COLUMNS} FROM messages`;
const M_COLUMNS = MESSAGE_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');
/** What a search result must pass besides the words: an active member, who may read that message. */
const READABLE = `JOIN members mb ON mb.conversation_id = m.conversation_id AND mb.user_id = ?
  JOIN conversations c ON c.id = m.conversation_id`;
const READABLE_WHERE = (t: SqlText) =>
  `mb.active = ${t.true} AND m.deleted_at IS NULL AND (c.history = 'full' OR m.seq > mb.visible_from_seq)`;

/** The search statements of each backend: FTS5 newest first by rowid; PostgreSQL's tsvector by id. */
function searchSql(t: SqlText) {
  if (t.true === '1') {
    const q = (cursor: string) => `SELECT ${M_COLUMNS} FROM message_search s
        JOIN messages m ON m.rowid = s.rowid ${READABLE}
       WHERE message_search MATCH ? ${cursor} AND ${READABLE_WHERE(t)}
       ORDER BY s.rowid DESC LIMIT ?`;
    return { first: q(''), next: q('AND s.rowid < (SELECT rowid FROM messages WHERE id = ?)') };
  }
  const q = (cursor: string) => `SELECT ${M_COLUMNS} FROM messages m ${READABLE}
     WHERE ${t.inText('m.conversation_id')} AND m.search @@ to_tsquery('simple', ?) ${cursor}
       AND ${READABLE_WHERE(t)}
     ORDER BY m.id${t.bytes} DESC LIMIT ?`;
  return { first: q(''), next: q(`AND m.id${t.bytes} < (SELECT id FROM messages WHERE id = ?)`) };
}
const MEMBER = `SELECT ${MEMBER_COLUMNS} FROM members`;
const CONVERSATION = `SELECT ${CONVERSATION_COLUMNS} FROM conversations`;

/** The statements of the messaging store, for one dialect (the SQLite reader runs some synchronously). */
export function messagingSql(t: SqlText) {
  return {
    conversationById: `${CONVERSATION} WHERE id = ?`,
    conversationByDirectKey: `${CONVERSATION} WHERE direct_key = ?`,
    directConversationId: 'SELECT id FROM conversations WHERE direct_key = ?',
    membersOf: `${MEMBER} WHERE conversation_id = ? ORDER BY joined_at, user_id${t.bytes}`,
    member: `${MEMBER} WHERE conversation_id = ? AND user_id = ?`,
    conversationIdsOfUser: `SELECT conversation_id FROM members WHERE user_id = ? AND active = ${t.true}
                             ORDER BY conversation_id${t.bytes}`,
    conversationIdsEverOfUser: `SELECT conversation_id FROM members WHERE user_id = ? ORDER BY conversation_id${t.bytes}`,
    messageById: `${MESSAGE} WHERE id = ?`,
    messagesByIds: `${MESSAGE} WHERE ${t.inText('id')} ORDER BY id${t.bytes}`,
    messageByClientId: `${MESSAGE} WHERE sender_id = ? AND client_id = ?`,
    latestMessages: `${MESSAGE} WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?`,
    messagesBefore: `${MESSAGE} WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    messageAt: `${MESSAGE} WHERE conversation_id = ? AND seq = ?`,
    messagesAfter: `${MESSAGE} WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    search: searchSql(t),
    unreadCount: `SELECT count(*) AS n FROM messages
                   WHERE conversation_id = ? AND seq > ? AND sender_id <> ? AND deleted_at IS NULL
                     AND ${NOT_HIDDEN}`,
    messagesReplyingTo: `${MESSAGE} WHERE reply_to_id = ? ORDER BY seq`,
    // Backwards from the newest: the person's last message is usually among the last few.
    lastMessageAt:
      'SELECT created_at FROM messages WHERE conversation_id = ? AND sender_id = ? ORDER BY seq DESC LIMIT 1',
    latestMessageOf: `${MESSAGE} WHERE conversation_id = ? AND sender_id = ? AND deleted_at IS NULL
                      ORDER BY seq DESC LIMIT 1`,
    messagesWithContent: `${MESSAGE} WHERE conversation_id = ? AND sender_id = ? AND deleted_at IS NULL
                            AND content LIKE ? ESCAPE '\\' ORDER BY seq DESC LIMIT ?`,
    insertConversation: `INSERT INTO conversations (id, kind, title, direct_key, created_by, created_at,
                           last_activity_at, last_seq, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    setConversationHistory: 'UPDATE conversations SET history = ? WHERE id = ?',
    updateConversationTitle: 'UPDATE conversations SET title = ? WHERE id = ?',
    bumpConversation: `UPDATE conversations SET last_seq = ${t.greatest}(last_seq, ?),
                         last_activity_at = ${t.greatest}(last_activity_at, ?) WHERE id = ?`,
    upsertMember: `INSERT INTO members (conversation_id, user_id, role, delivered_seq, read_seq, joined_at, active,
                     visible_from_seq, removed)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role,
                     delivered_seq = excluded.delivered_seq, read_seq = excluded.read_seq,
                     joined_at = excluded.joined_at, active = excluded.active,
                     visible_from_seq = excluded.visible_from_seq, removed = excluded.removed`,
    deactivateMember: `UPDATE members SET active = ${t.false}, removed = ? WHERE conversation_id = ? AND user_id = ?`,
    setMemberRole: 'UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?',
    advanceWatermarks: `UPDATE members SET delivered_seq = ${t.greatest}(delivered_seq, ?),
                          read_seq = ${t.greatest}(read_seq, ?) WHERE conversation_id = ? AND user_id = ?`,
    insertMessage: `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, text, reply_to_id, created_at,
                      edited_at, deleted_at, event_positions, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    updateMessage:
      'UPDATE messages SET text = ?, edited_at = ?, deleted_at = ?, event_positions = ?, content = ? WHERE id = ?',
    activityBetween: `SELECT id, conversation_id, after_seq, at, kind, actor_id, target_id, title, history
                        FROM conversation_activity WHERE conversation_id = ? AND after_seq >= ? AND after_seq <= ?
                       ORDER BY after_seq, at, id${t.bytes} LIMIT ?`,
    insertActivity: `INSERT INTO conversation_activity (id, conversation_id, after_seq, at, kind, actor_id, target_id,
                       title, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    settingsOf: `SELECT ${SETTINGS_COLUMNS} FROM conversation_settings WHERE conversation_id = ? AND user_id = ?`,
    settingsOfUser: `SELECT ${SETTINGS_COLUMNS} FROM conversation_settings WHERE user_id = ?`,
    pinnedCount: `SELECT count(*) AS n FROM conversation_settings s
                    JOIN members m ON m.conversation_id = s.conversation_id AND m.user_id = s.user_id
                   WHERE s.user_id = ? AND s.pinned_at IS NOT NULL AND m.active = ${t.true}`,
    isHidden: 'SELECT 1 AS one FROM hidden_messages WHERE user_id = ? AND message_id = ?',
    hiddenAmong: `SELECT message_id FROM hidden_messages WHERE user_id = ? AND ${t.inText('message_id')}`,
    hiddenBy: 'SELECT user_id FROM hidden_messages WHERE message_id = ?',
    latestVisibleMessages: `${MESSAGE} WHERE conversation_id = ? AND seq > ? AND ${NOT_HIDDEN}
                              ORDER BY seq DESC LIMIT ?`,
    visibleMessagesBefore: `${MESSAGE} WHERE conversation_id = ? AND seq > ? AND seq < ? AND ${NOT_HIDDEN}
                              ORDER BY seq DESC LIMIT ?`,
    putSettings: `INSERT INTO conversation_settings (conversation_id, user_id, muted_until, pinned_at, archived_at,
                    archived_seq) VALUES (?, ?, ?, ?, ?, ?)
                  ON CONFLICT (user_id, conversation_id) DO UPDATE SET muted_until = excluded.muted_until,
                    pinned_at = excluded.pinned_at, archived_at = excluded.archived_at,
                    archived_seq = excluded.archived_seq`,
    deleteSettings: 'DELETE FROM conversation_settings WHERE conversation_id = ? AND user_id = ?',
    hideMessage: `INSERT INTO hidden_messages (user_id, message_id, conversation_id, seq, hidden_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, message_id) DO NOTHING`,
    reactionsOf: `SELECT message_id, user_id, emoji, pos, created_at FROM message_reactions
                   WHERE ${t.inText('message_id')} ORDER BY pos`,
    insertReaction: `INSERT INTO message_reactions (message_id, user_id, emoji, pos, created_at)
                     VALUES (?, ?, ?, ?, ?)`,
    deleteReaction: 'DELETE FROM message_reactions WHERE message_id = ? AND user_id = ? AND emoji = ?',
    deleteReactionsOf: 'DELETE FROM message_reactions WHERE message_id = ?',
  };
}

/**
 * The messaging store on one Db. Every write here is sent at once; the backends batch some of them by
 * overriding (and make the reads see what they hold back).
 */
export class MessagingStore implements MessagingWrites {
  protected readonly q: ReturnType<typeof messagingSql>;

  constructor(protected readonly db: Db) {
    this.q = messagingSql(sqlText(db.dialect));
  }

  async conversationById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<ConversationRow>(this.q.conversationById, id);
    return r ? toConversation(r) : null;
  }
  async conversationByDirectKey(directKey: string) {
    if (hasNul(directKey)) return null;
    const r = await this.db.one<ConversationRow>(this.q.conversationByDirectKey, directKey);
    return r ? toConversation(r) : null;
  }
  async directConversationId(directKey: string) {
    if (hasNul(directKey)) return null;
    const r = await this.db.one<{ id: string }>(this.q.directConversationId, directKey);
    return r?.id ?? null;
  }
  async membersOf(conversationId: string) {
    if (hasNul(conversationId)) return [];
    return (await this.db.all<MemberRow>(this.q.membersOf, conversationId)).map(toMember);
  }
  async member(conversationId: string, userId: string) {
    if (hasNul(conversationId) || hasNul(userId)) return null;
    const r = await this.db.one<MemberRow>(this.q.member, conversationId, userId);
    return r ? toMember(r) : null;
  }
  async conversationIdsOfUser(userId: string) {
    if (hasNul(userId)) return [];
    const rows = await this.db.all<{ conversation_id: string }>(this.q.conversationIdsOfUser, userId);
    return rows.map((r) => r.conversation_id);
  }
  async conversationIdsEverOfUser(userId: string) {
    if (hasNul(userId)) return [];
    const rows = await this.db.all<{ conversation_id: string }>(this.q.conversationIdsEverOfUser, userId);
    return rows.map((r) => r.conversation_id);
  }
  async messageById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<MessageRow>(this.q.messageById, id);
    return r ? toMessage(r) : null;
  }
  async messagesByIds(ids: readonly string[]) {
    const keys = ids.filter((id) => !hasNul(id));
    if (keys.length === 0) return [];
    return (await this.db.all<MessageRow>(this.q.messagesByIds, keys)).map(toMessage);
  }
  async messageByClientId(senderId: string, clientId: string) {
    if (hasNul(senderId) || hasNul(clientId)) return null;
    const r = await this.db.one<MessageRow>(this.q.messageByClientId, senderId, clientId);
    return r ? toMessage(r) : null;
  }
  /** Newest first with the limit, then reversed: oldest first. */
  async messagesBefore(conversationId: string, before: number | null, limit: number) {
    if (hasNul(conversationId)) return [];
    const rows =
      before === null
        ? await this.db.all<MessageRow>(this.q.latestMessages, conversationId, limit)
        : await this.db.all<MessageRow>(this.q.messagesBefore, conversationId, before, limit);
    return rows.reverse().map(toMessage);
  }
  async messagesAfter(conversationId: string, after: number, limit: number) {
    if (hasNul(conversationId)) return [];
    return (await this.db.all<MessageRow>(this.q.messagesAfter, conversationId, after, limit)).map(toMessage);
  }
  async searchMessages(q: MessageSearchQuery) {
    const ids = q.conversationIds.filter((id) => !hasNul(id));
    if (ids.length === 0 || q.terms.length === 0 || hasNul(q.userId) || (q.before !== null && hasNul(q.before))) {
      return [];
    }
    const cursor = q.before === null ? [] : [q.before];
    const statement = q.before === null ? this.q.search.first : this.q.search.next;
    const rows =
      this.db.dialect === 'sqlite'
        ? await this.db.all<MessageRow>(
            statement,
            q.userId,
            ftsMatch(q.terms, ids.length > SEARCH_CONVERSATIONS_IN_INDEX ? null : ids),
            ...cursor,
            q.limit,
          )
        : await this.db.all<MessageRow>(statement, q.userId, ids, tsQuery(q.terms), ...cursor, q.limit);
    return rows.map(toMessage);
  }
  async unreadCount(conversationId: string, userId: string, afterSeq: number) {
    if (hasNul(conversationId)) return 0;
    return (await this.db.one<{ n: number }>(this.q.unreadCount, conversationId, afterSeq, userId, userId))?.n ?? 0;
  }
  async messagesReplyingTo(messageId: string) {
    if (hasNul(messageId)) return [];
    return (await this.db.all<MessageRow>(this.q.messagesReplyingTo, messageId)).map(toMessage);
  }
  async lastMessageAt(conversationId: string, senderId: string) {
    if (hasNul(conversationId) || hasNul(senderId)) return null;
    return (
      (await this.db.one<{ created_at: number }>(this.q.lastMessageAt, conversationId, senderId))?.created_at ?? null
    );
  }

  async latestMessageOf(conversationId: string, senderId: string) {
    if (hasNul(conversationId) || hasNul(senderId)) return null;
    const r = await this.db.one<MessageRow>(this.q.latestMessageOf, conversationId, senderId);
    return r ? toMessage(r) : null;
  }
  async messagesWithContent(conversationId: string, senderId: string, fragment: string, limit: number) {
    if (hasNul(conversationId) || hasNul(senderId) || hasNul(fragment)) return [];
    const pattern = `%${escapeLike(fragment)}%`;
    const rows = await this.db.all<MessageRow>(this.q.messagesWithContent, conversationId, senderId, pattern, limit);
    return rows.map(toMessage);
  }

  async settingsOf(conversationId: string, userId: string) {
    if (hasNul(conversationId) || hasNul(userId)) return null;
    const r = await this.db.one<SettingsRow>(this.q.settingsOf, conversationId, userId);
    return r ? toSettings(r) : null;
  }
  async settingsOfUser(userId: string) {
    if (hasNul(userId)) return [];
    return (await this.db.all<SettingsRow>(this.q.settingsOfUser, userId)).map(toSettings);
  }
  async pinnedCount(userId: string) {
    if (hasNul(userId)) return 0;
    return Number((await this.db.one<{ n: number }>(this.q.pinnedCount, userId))?.n ?? 0);
  }
  async isHidden(userId: string, messageId: string) {
    if (hasNul(userId) || hasNul(messageId)) return false;
    return (await this.db.one<{ one: number }>(this.q.isHidden, userId, messageId)) !== undefined;
  }
  async hiddenAmong(userId: string, messageIds: readonly string[]) {
    const keys = messageIds.filter((id) => !hasNul(id));
    if (hasNul(userId) || keys.length === 0) return [];
    return (await this.db.all<{ message_id: string }>(this.q.hiddenAmong, userId, keys)).map((r) => r.message_id);
  }
  async hiddenBy(messageId: string) {
    if (hasNul(messageId)) return [];
    return (await this.db.all<{ user_id: string }>(this.q.hiddenBy, messageId)).map((r) => r.user_id);
  }
  async visibleMessagesBefore(
    conversationId: string,
    userId: string,
    afterSeq: number,
    before: number | null,
    limit: number,
  ) {
    if (hasNul(conversationId) || hasNul(userId)) return [];
    const rows =
      before === null
        ? await this.db.all<MessageRow>(this.q.latestVisibleMessages, conversationId, afterSeq, userId, limit)
        : await this.db.all<MessageRow>(this.q.visibleMessagesBefore, conversationId, afterSeq, before, userId, limit);
    return rows.reverse().map(toMessage);
  }

  async putSettings(s: SettingsRecord) {
    await this.db.run(
      this.q.putSettings,
      s.conversationId,
      s.userId,
      s.mutedUntil,
      s.pinnedAt,
      s.archivedAt,
      s.archivedSeq,
    );
  }
  async deleteSettings(conversationId: string, userId: string) {
    await this.db.run(this.q.deleteSettings, conversationId, userId);
  }
  async hideMessage(h: HiddenRecord) {
    await this.db.run(this.q.hideMessage, h.userId, h.messageId, h.conversationId, h.seq, h.hiddenAt);
  }

  async insertConversation(c: ConversationRecord) {
    await this.db.run(
      this.q.insertConversation,
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
    await this.db.run(this.q.setConversationHistory, history, conversationId);
  }
  async updateConversationTitle(conversationId: string, title: string) {
    await this.db.run(this.q.updateConversationTitle, title, conversationId);
  }
  async bumpConversation(conversationId: string, lastSeq: number, lastActivityAt: number) {
    await this.db.run(this.q.bumpConversation, lastSeq, lastActivityAt, conversationId);
  }
  async upsertMember(m: MemberRecord) {
    await this.db.run(
      this.q.upsertMember,
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
    await this.db.run(this.q.deactivateMember, removed, conversationId, userId);
  }
  async setMemberRole(conversationId: string, userId: string, role: MemberRole) {
    await this.db.run(this.q.setMemberRole, role, conversationId, userId);
  }
  async advanceWatermarks(conversationId: string, userId: string, deliveredSeq: number, readSeq: number) {
    await this.db.run(this.q.advanceWatermarks, deliveredSeq, readSeq, conversationId, userId);
  }
  async insertMessage(m: MessageRecord) {
    await this.db.run(
      this.q.insertMessage,
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
      contentToText(m.content),
    );
  }
  async updateMessage(
    id: string,
    text: string | null,
    editedAt: number | null,
    deletedAt: number | null,
    eventPositions: readonly number[],
    content: MessageContent | null,
  ) {
    await this.db.run(
      this.q.updateMessage,
      text,
      editedAt,
      deletedAt,
      positionsToText(eventPositions),
      contentToText(content),
      id,
    );
  }

  async activityBetween(conversationId: string, from: number, to: number, limit: number) {
    if (hasNul(conversationId)) return [];
    const rows = await this.db.all<ActivityRow>(this.q.activityBetween, conversationId, from, to, limit);
    return rows.map(toActivity);
  }
  async insertActivity(a: ActivityRecord) {
    await this.db.run(
      this.q.insertActivity,
      a.id,
      a.conversationId,
      a.afterSeq,
      a.at,
      a.kind,
      a.actorId,
      a.targetId,
      a.title,
      a.history,
    );
  }
  async reactionsOf(messageIds: readonly string[]): Promise<ReactionRecord[]> {
    const keys = messageIds.filter((id) => !hasNul(id));
    if (keys.length === 0) return [];
    const rows = await this.db.all<ReactionRow>(this.q.reactionsOf, keys);
    return rows.map((r) => ({
      messageId: r.message_id,
      userId: r.user_id,
      emoji: r.emoji,
      pos: Number(r.pos),
      createdAt: Number(r.created_at),
    }));
  }
  async insertReaction(r: ReactionRecord) {
    await this.db.run(this.q.insertReaction, r.messageId, r.userId, r.emoji, r.pos, r.createdAt);
  }
  async deleteReaction(messageId: string, userId: string, emoji: string) {
    await this.db.run(this.q.deleteReaction, messageId, userId, emoji);
  }
  async deleteReactionsOf(messageId: string) {
    await this.db.run(this.q.deleteReactionsOf, messageId);
  }
}

interface ReactionRow {
  message_id: string;
  user_id: string;
  emoji: string;
  pos: number | string;
  created_at: number | string;
}

interface ActivityRow {
  id: string;
  conversation_id: string;
  after_seq: number;
  at: number;
  kind: string;
  actor_id: string;
  target_id: string | null;
  title: string | null;
  history: string | null;
}
const toActivity = (r: ActivityRow): ActivityRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  afterSeq: Number(r.after_seq),
  at: Number(r.at),
  kind: r.kind as ActivityKind,
  actorId: r.actor_id,
  targetId: r.target_id,
  title: r.title,
  history: r.history as HistoryVisibility | null,
});
