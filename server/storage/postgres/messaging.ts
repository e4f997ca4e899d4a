import type pg from 'pg';
import { EventsStore, type NewEvent } from '../../events/store.ts';
import {
  type ActivityRecord,
  type ConversationListItem,
  type ConversationRecord,
  type ConversationRow,
  contentFromText,
  type HiddenRecord,
  MEMBER_COLUMNS,
  MESSAGE_COLUMNS,
  type MemberRecord,
  type MemberRow,
  type MessageRecord,
  type MessageRow,
  type MessageSearchQuery,
  type MessagingReader,
  MessagingStore,
  positionsFromText,
  type ReactionRecord,
  type SettingsRecord,
  toConversation,
  toMember,
  toMessage,
} from '../../messaging/store.ts';
import { hasNul } from '../sql.ts';
import type { Timed } from '../statement-times.ts';
import type { ReadHint } from '../types.ts';
import { KnownOrders } from './commerce.ts';
import { PgDb } from './db.ts';
import { memberKey, PendingWrites, Positions } from './pending.ts';
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
         lm.deleted_at AS lm_deleted_at, lm.event_positions AS lm_event_positions, lm.content AS lm_content,
         (SELECT count(*) FROM messages u
           WHERE u.conversation_id = c.id AND u.seq > me.read_seq AND u.sender_id <> me.user_id
             AND u.deleted_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = me.user_id AND h.message_id = u.id))
           AS unread
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
  lm_content: string | null;
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
          content: contentFromText(r.lm_content),
          eventPositions: positionsFromText(r.lm_event_positions),
        },
  unread: r.unread,
});

/** The reader's messaging store (the pool: committed data only). */
export class PgMessagingReader extends MessagingStore implements MessagingReader {
  constructor(
    private readonly pool: pg.Pool,
    private readonly times: Timed | null = null,
  ) {
    super(new PgDb(new Sql(pool, false, times)));
  }

  /**
   * One REPEATABLE READ snapshot on one pooled connection: the head position, then the conversations
   * (with last message and unread count), then their members — three queries whatever the list's length.
   */
  async conversationList(userId: string): Promise<{ cursor: number; items: ConversationListItem[] }> {
    if (hasNul(userId)) return { cursor: 0, items: [] };
    const client = await this.pool.connect();
    // A checked-out client has no pool listener: without this, the server ending the connection
    // mid-read would be an unhandled 'error' event.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const sql = new Sql(client, false, this.times);
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
}

const clientKey = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

const MESSAGES_BY_CLIENT_IDS = `
  SELECT ${MESSAGE_COLUMNS} FROM messages
   WHERE client_id IS NOT NULL AND (sender_id, client_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;
const MEMBERS_BY_KEYS = `
  SELECT ${MEMBER_COLUMNS} FROM members
   WHERE (conversation_id, user_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

/**
 * What one transaction on the writer's client holds back or knows, shared by its stores. Every statement
 * would be a round trip; so the hot writes of the way of a message — insertMessage, appendEvent,
 * bumpConversation, advanceWatermarks — are deferred (PendingWrites) and sent together in one statement,
 * and the reads the jobs declared (ReadHint) are loaded for the whole batch at once (prepare).
 */
export class PgTxState {
  readonly pending = new PendingWrites();
  readonly positions: Positions;
  /** What the transaction knows of the batch's orders, their pages' policies and customers' consent. */
  readonly orders = new KnownOrders();
  /** What this transaction knows of (sender, client id) pairs: prefetched or inserted by it; null: none. */
  readonly byClientId = new Map<string, MessageRecord | null>();
  /** Member rows this transaction knows (prefetched), kept up to date by its writes; null: none. */
  readonly members = new Map<string, MemberRecord | null>();

  constructor(readonly sql: Sql) {
    this.positions = new Positions(sql);
  }

  /** Sends the deferred writes (before COMMIT, before any statement that is not deferred, and after each job in the committer's strict mode). */
  flush(): Promise<void> {
    return this.pending.flush(this.sql);
  }

  /**
   * After a write sent at once that changes messages or members: what the transaction knew of them
   * (prefetched rows, its own inserts — sent by then) is read again from the database.
   */
  forget() {
    this.byClientId.clear();
    this.members.clear();
  }

  /** Loads what the batch's jobs declared they will read, one query per kind. */
  async prepare(batch: { jobs: number; hints: readonly ReadHint[] }) {
    let extra = 0;
    for (const h of batch.hints) if (h.events !== undefined && h.events > 1) extra += h.events - 1;
    this.positions.expect(batch.jobs + extra);
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
    await this.orders.load(this.sql, batch.hints);
  }
}

/**
 * A transaction's messaging store. Its reads still see its own writes: each one either answers from what
 * the transaction holds (pending messages, prefetched keys, pending bumps and watermarks laid over the
 * rows read) or sends the pending writes first. Any other write sends them first too, so the database sees
 * the writes in the order the jobs made them, and one that changes messages or members then drops what
 * the transaction held of them (forget). writes.test.ts holds every method to these rules unless it is
 * listed there with its reason.
 *
 * The committer calls the methods through a wrapper made with Object.create(store): state lives in
 * objects that are changed in place (PgTxState), never in fields that are assigned again.
 */
export class PgMessagingTx extends MessagingStore {
  constructor(private readonly t: PgTxState) {
    super(new PgDb(t.sql));
  }

  // Reads: from what the transaction holds, or from the database with the pending changes laid over.

  override async messageByClientId(senderId: string, clientId: string) {
    const known = this.t.byClientId.get(clientKey(senderId, clientId));
    if (known !== undefined) return known && { ...known };
    return super.messageByClientId(senderId, clientId);
  }
  override async messageById(id: string) {
    const p = this.t.pending.messagesById.get(id);
    if (p) return { ...p };
    return super.messageById(id);
  }
  override async messagesByIds(ids: readonly string[]) {
    await this.t.flush();
    return super.messagesByIds(ids);
  }
  override async messagesBefore(conversationId: string, before: number | null, limit: number) {
    await this.t.flush();
    return super.messagesBefore(conversationId, before, limit);
  }
  override async unreadCount(conversationId: string, userId: string, afterSeq: number) {
    await this.t.flush();
    return super.unreadCount(conversationId, userId, afterSeq);
  }
  override async messagesReplyingTo(messageId: string) {
    await this.t.flush();
    return super.messagesReplyingTo(messageId);
  }
  override async lastMessageAt(conversationId: string, senderId: string) {
    await this.t.flush();
    return super.lastMessageAt(conversationId, senderId);
  }
  override async latestMessageOf(conversationId: string, senderId: string) {
    await this.t.flush();
    return super.latestMessageOf(conversationId, senderId);
  }
  override async messagesWithContent(conversationId: string, senderId: string, fragment: string, limit: number) {
    await this.t.flush();
    return super.messagesWithContent(conversationId, senderId, fragment, limit);
  }
  override async settingsOf(conversationId: string, userId: string) {
    await this.t.flush();
    return super.settingsOf(conversationId, userId);
  }
  override async settingsOfUser(userId: string) {
    await this.t.flush();
    return super.settingsOfUser(userId);
  }
  override async pinnedCount(userId: string) {
    await this.t.flush();
    return super.pinnedCount(userId);
  }
  override async isHidden(userId: string, messageId: string) {
    await this.t.flush();
    return super.isHidden(userId, messageId);
  }
  override async hiddenAmong(userId: string, messageIds: readonly string[]) {
    await this.t.flush();
    return super.hiddenAmong(userId, messageIds);
  }
  override async hiddenBy(messageId: string) {
    await this.t.flush();
    return super.hiddenBy(messageId);
  }
  override async visibleMessagesBefore(
    conversationId: string,
    userId: string,
    afterSeq: number,
    before: number | null,
    limit: number,
  ) {
    await this.t.flush();
    return super.visibleMessagesBefore(conversationId, userId, afterSeq, before, limit);
  }
  override async messagesAfter(conversationId: string, after: number, limit: number) {
    await this.t.flush();
    return super.messagesAfter(conversationId, after, limit);
  }
  override async searchMessages(q: MessageSearchQuery) {
    await this.t.flush();
    return super.searchMessages(q);
  }
  override async activityBetween(conversationId: string, from: number, to: number, limit: number) {
    await this.t.flush();
    return super.activityBetween(conversationId, from, to, limit);
  }
  override async conversationIdsEverOfUser(userId: string) {
    await this.t.flush();
    return super.conversationIdsEverOfUser(userId);
  }
  override async conversationById(id: string) {
    return this.bumped(await super.conversationById(id));
  }
  override async conversationByDirectKey(directKey: string) {
    return this.bumped(await super.conversationByDirectKey(directKey));
  }
  /** Known (KnownOrders: a new order's thread; a conversation this transaction made), else read. */
  override async directConversationId(directKey: string) {
    const id = this.t.orders.directs.get(directKey);
    if (id !== undefined) return id;
    return super.directConversationId(directKey);
  }
  override async membersOf(conversationId: string) {
    const rows = await super.membersOf(conversationId);
    return this.t.pending.marks.size === 0 ? rows : rows.map((m) => this.marked(m));
  }
  override async member(conversationId: string, userId: string) {
    const known = this.t.members.get(memberKey(conversationId, userId));
    if (known !== undefined) return known && { ...known };
    const m = await super.member(conversationId, userId);
    return m && this.marked(m);
  }

  /** A conversation row with this transaction's pending bump (forward only, as the UPDATE will do). */
  private bumped(c: ConversationRecord | null): ConversationRecord | null {
    const b = c && this.t.pending.bumps.get(c.id);
    if (!c || !b) return c;
    return {
      ...c,
      lastSeq: Math.max(c.lastSeq, b.lastSeq),
      lastActivityAt: Math.max(c.lastActivityAt, b.lastActivityAt),
    };
  }
  /** A member row with this transaction's pending watermarks. */
  private marked(m: MemberRecord): MemberRecord {
    const w = this.t.pending.marks.get(memberKey(m.conversationId, m.userId));
    if (!w) return m;
    return { ...m, deliveredSeq: Math.max(m.deliveredSeq, w.deliveredSeq), readSeq: Math.max(m.readSeq, w.readSeq) };
  }

  // Writes sent at once, after the pending ones (those that change messages or members then forget()).

  override async insertActivity(a: ActivityRecord) {
    await this.t.flush();
    await super.insertActivity(a);
  }
  override async insertConversation(c: ConversationRecord) {
    await this.t.flush();
    await super.insertConversation(c);
    if (c.directKey !== null) this.t.orders.directs.set(c.directKey, c.id);
  }
  override async setConversationHistory(conversationId: string, history: ConversationRecord['history']) {
    await this.t.flush();
    await super.setConversationHistory(conversationId, history);
  }
  override async updateConversationTitle(conversationId: string, title: string) {
    await this.t.flush();
    await super.updateConversationTitle(conversationId, title);
  }
  override async upsertMember(m: MemberRecord) {
    await this.t.flush();
    await super.upsertMember(m);
    this.t.forget();
  }
  override async deactivateMember(conversationId: string, userId: string, removed: boolean) {
    await this.t.flush();
    await super.deactivateMember(conversationId, userId, removed);
    this.t.forget();
  }
  override async setMemberRole(conversationId: string, userId: string, role: MemberRecord['role']) {
    await this.t.flush();
    await super.setMemberRole(conversationId, userId, role);
    this.t.forget();
  }
  override async updateMessage(
    id: string,
    text: string | null,
    editedAt: number | null,
    deletedAt: number | null,
    eventPositions: readonly number[],
    content: MessageRecord['content'],
  ) {
    await this.t.flush();
    await super.updateMessage(id, text, editedAt, deletedAt, eventPositions, content);
    this.t.forget();
  }

  override async putSettings(settings: SettingsRecord) {
    await this.t.flush();
    await super.putSettings(settings);
  }
  override async deleteSettings(conversationId: string, userId: string) {
    await this.t.flush();
    await super.deleteSettings(conversationId, userId);
  }
  override async hideMessage(hidden: HiddenRecord) {
    await this.t.flush();
    await super.hideMessage(hidden);
  }
  // Reactions: sent at once after the pending rows (a reaction names a message the batch may have inserted);
  // they change neither messages nor members, so nothing is read again.

  override async reactionsOf(messageIds: readonly string[]) {
    await this.t.flush();
    return super.reactionsOf(messageIds);
  }
  override async insertReaction(r: ReactionRecord) {
    await this.t.flush();
    await super.insertReaction(r);
  }
  override async deleteReaction(messageId: string, userId: string, emoji: string) {
    await this.t.flush();
    await super.deleteReaction(messageId, userId, emoji);
  }
  override async deleteReactionsOf(messageId: string) {
    await this.t.flush();
    await super.deleteReactionsOf(messageId);
  }

  // Deferred: sent with the batch's other rows.

  /** Merged per conversation, forward only. */
  override async bumpConversation(conversationId: string, lastSeq: number, lastActivityAt: number) {
    this.t.pending.bump(conversationId, lastSeq, lastActivityAt);
  }
  /** Merged per member, forward only (GREATEST). */
  override async advanceWatermarks(conversationId: string, userId: string, deliveredSeq: number, readSeq: number) {
    this.t.pending.mark(conversationId, userId, deliveredSeq, readSeq);
    const key = memberKey(conversationId, userId);
    const known = this.t.members.get(key);
    if (known) this.t.members.set(key, this.marked(known));
  }
  override async insertMessage(m: MessageRecord) {
    const row = { ...m };
    this.t.pending.messages.push(row);
    this.t.pending.messagesById.set(row.id, row);
    if (row.clientId !== null) this.t.byClientId.set(clientKey(row.senderId, row.clientId), row);
  }
}

/**
 * A transaction's event log: every statement sends the pending writes first (its Db does), and
 * appendEvent is deferred — pos taken from the events' sequence (a block per query, Positions, under the
 * sequencer lock) and the row inserted with the batch's others. Positions are taken in increasing order
 * and a transaction holds the sequencer until it commits, so pos order is commit order; a rolled-back
 * transaction, or positions a transaction took and did not use, leave gaps in pos, which readers do not
 * rely on.
 */
export class PgEventsTx extends EventsStore {
  constructor(private readonly t: PgTxState) {
    super(new PgDb(t.sql, () => t.flush()));
  }

  override async appendEvent(e: NewEvent) {
    const pos = await this.t.positions.next();
    this.t.pending.events.push({ ...e, pos });
    return pos;
  }
}
