import {
  type ConversationListItem,
  type ConversationRow,
  type MemberRow,
  type MessageRecord,
  type MessageRow,
  type MessageSearchQuery,
  type MessagingReader,
  MessagingStore,
  toConversation,
  toMember,
  toMessage,
} from '../../messaging/store.ts';
import type { SqliteDb } from './db.ts';
import type { Statements } from './statements.ts';

/** The reader's messaging store: the conversation list is read synchronously, in one snapshot. */
export class SqliteMessagingReader extends MessagingStore implements MessagingReader {
  constructor(
    db: SqliteDb,
    private readonly s: Statements,
  ) {
    super(db);
  }

  async conversationList(userId: string) {
    const s = this.s;
    const q = this.q;
    // One read transaction: the list and the cursor come from the same snapshot.
    return s.db.transaction(() => {
      const cursor = s.one<{ pos: number }>('SELECT coalesce(max(pos), 0) AS pos FROM events')?.pos ?? 0;
      const ids = s.all<{ conversation_id: string }>(q.conversationIdsOfUser, userId).map((r) => r.conversation_id);
      const items: ConversationListItem[] = [];
      for (const id of ids) {
        const row = s.one<ConversationRow>(q.conversationById, id);
        if (!row) continue;
        const conversation = toConversation(row);
        const members = s.all<MemberRow>(q.membersOf, id).map(toMember);
        const me = members.find((m) => m.userId === userId);
        // Under history 'joined', a newcomer sees no message from before their joining, not even as a preview.
        const visible = conversation.history === 'full' || (me && conversation.lastSeq > me.visibleFromSeq);
        const last =
          visible && conversation.lastSeq > 0 ? s.one<MessageRow>(q.messageAt, id, conversation.lastSeq) : undefined;
        items.push({
          conversation,
          members,
          lastMessage: last ? toMessage(last) : null,
          unread: me ? (s.one<{ n: number }>(q.unreadCount, id, me.readSeq, userId, userId)?.n ?? 0) : 0,
        });
      }
      items.sort((a, b) => b.conversation.lastActivityAt - a.conversation.lastActivityAt);
      return { cursor, items };
    })();
  }
}

/** The readable messages after the index's mark, into the index (the same rows 0024's backfill took). */
export const INDEX_NEW_MESSAGES = `INSERT INTO message_search (rowid, body, conv)
  SELECT rowid, text, conversation_id FROM messages
   WHERE rowid > (SELECT indexed_to FROM message_search_state)
     AND text IS NOT NULL AND text <> '' AND deleted_at IS NULL`;
export const MOVE_INDEX_MARK =
  'UPDATE message_search_state SET indexed_to = (SELECT coalesce(max(rowid), 0) FROM messages)';

/**
 * A transaction's messaging store. The batch's bumps of one conversation become one UPDATE, and its
 * watermark moves of one member another, written before any read of conversations or members and before
 * COMMIT (flushDeferred). Most batches touch a conversation with several messages; this halves the
 * statements of a message.
 */
export class SqliteMessagingTx extends MessagingStore {
  private readonly bumps = new Map<string, { lastSeq: number; lastActivityAt: number }>();
  private readonly marks = new Map<
    string,
    { conversationId: string; userId: string; deliveredSeq: number; readSeq: number }
  >();
  /** Messages were inserted that the full-text index does not hold yet (migration 0031). */
  private unindexed = false;

  constructor(
    db: SqliteDb,
    private readonly s: Statements,
  ) {
    super(db);
  }

  override async bumpConversation(conversationId: string, lastSeq: number, lastActivityAt: number) {
    const b = this.bumps.get(conversationId);
    if (!b) this.bumps.set(conversationId, { lastSeq, lastActivityAt });
    else {
      b.lastSeq = Math.max(b.lastSeq, lastSeq);
      b.lastActivityAt = Math.max(b.lastActivityAt, lastActivityAt);
    }
  }
  override async advanceWatermarks(conversationId: string, userId: string, deliveredSeq: number, readSeq: number) {
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
      for (const [id, b] of this.bumps) this.s.run(this.q.bumpConversation, b.lastSeq, b.lastActivityAt, id);
      this.bumps.clear();
    }
    if (this.marks.size > 0) {
      for (const w of this.marks.values()) {
        this.s.run(this.q.advanceWatermarks, w.deliveredSeq, w.readSeq, w.conversationId, w.userId);
      }
      this.marks.clear();
    }
  }

  /** Forgets the deferred updates (the transaction is rolled back). */
  discardDeferred() {
    this.bumps.clear();
    this.marks.clear();
    this.unindexed = false;
  }

  override insertMessage(message: MessageRecord) {
    this.unindexed = true;
    return super.insertMessage(message);
  }

  /**
   * Puts the messages inserted since the last call into the full-text index, in one statement, and moves
   * the index's mark past them (migration 0031): called before COMMIT and before a search in the
   * transaction. A message inserted then rolled back (a job's savepoint) is simply not there to index.
   */
  indexNewMessages() {
    if (!this.unindexed) return;
    this.s.run(INDEX_NEW_MESSAGES);
    this.s.run(MOVE_INDEX_MARK);
    this.unindexed = false;
  }

  override async searchMessages(q: MessageSearchQuery) {
    this.indexNewMessages();
    return super.searchMessages(q);
  }

  // Reads of conversations and members see the deferred updates.
  override async conversationById(id: string) {
    this.flushDeferred();
    return super.conversationById(id);
  }
  override async conversationByDirectKey(directKey: string) {
    this.flushDeferred();
    return super.conversationByDirectKey(directKey);
  }
  override async membersOf(conversationId: string) {
    this.flushDeferred();
    return super.membersOf(conversationId);
  }
  override async member(conversationId: string, userId: string) {
    this.flushDeferred();
    return super.member(conversationId, userId);
  }
  override async conversationIdsOfUser(userId: string) {
    this.flushDeferred();
    return super.conversationIdsOfUser(userId);
  }
}
