import type { ConversationKind, HistoryVisibility, MemberRole } from '../../protocol/views.ts';

/**
 * What the database holds, as the services see it. Times are milliseconds since the epoch; the
 * presenters turn them into ISO strings. Both backends (sqlite/, postgres/) return exactly these shapes,
 * and the contract suite (contract.test.ts) checks that they do.
 */

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  userId: string;
  tokenHash: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** A browser or app where a person signed in: its cookie's token is stored as a SHA-256 only. */
export interface DeviceRecord {
  id: string;
  userId: string;
  tokenHash: string;
  createdAt: number;
  lastUsedAt: number;
}

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
  /**
   * Positions of the log events that carry this message (its created, edited and deleted events), so
   * that an edit or a deletion can rewrite every earlier copy of its text.
   */
  eventPositions: number[];
}

/** One entry of the event log. Exactly one of conversationId / userId says who may see it. */
export interface EventRecord {
  pos: number;
  conversationId: string | null;
  userId: string | null;
  type: string;
  /** The event as JSON, exactly as it is sent to clients. */
  payload: string;
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
export interface Reads {
  userById(id: string): Promise<UserRecord | null>;
  usersByIds(ids: readonly string[]): Promise<UserRecord[]>;
  userByUsername(username: string): Promise<UserRecord | null>;
  /**
   * People a viewer may find: anyone by their exact username; the people they share or shared a
   * conversation with also by username prefix or display-name substring (case- and accent-insensitive).
   * The viewer excluded; the exact match first, then by username.
   */
  searchUsers(query: string, limit: number, viewerId: string): Promise<UserRecord[]>;

  sessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  sessionById(id: string): Promise<SessionRecord | null>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null>;
  sessionsOfUser(userId: string): Promise<SessionRecord[]>;

  conversationById(id: string): Promise<ConversationRecord | null>;
  conversationByDirectKey(directKey: string): Promise<ConversationRecord | null>;
  /** Every member row of a conversation, active or not, in order of joining. */
  membersOf(conversationId: string): Promise<MemberRecord[]>;
  member(conversationId: string, userId: string): Promise<MemberRecord | null>;
  /** Ids of the conversations a user is an active member of. */
  conversationIdsOfUser(userId: string): Promise<string[]>;

  messageById(id: string): Promise<MessageRecord | null>;
  messagesByIds(ids: readonly string[]): Promise<MessageRecord[]>;
  messageByClientId(senderId: string, clientId: string): Promise<MessageRecord | null>;
  /** Up to `limit` messages with seq < before (or the latest), returned oldest first. */
  messagesBefore(conversationId: string, before: number | null, limit: number): Promise<MessageRecord[]>;
  /** Messages of others after the watermark, not deleted. */
  unreadCount(conversationId: string, userId: string, afterSeq: number): Promise<number>;
  /** The messages that reply to (quote) a message. */
  messagesReplyingTo(messageId: string): Promise<MessageRecord[]>;
  /** The events at these positions that are still in the log, in pos order. */
  eventsAt(positions: readonly number[]): Promise<EventRecord[]>;
}

export interface Reader extends Reads {
  /**
   * A person's conversation list (active memberships), most recent activity first, and the log position
   * it is consistent with, read in one snapshot.
   */
  conversationList(userId: string): Promise<{ cursor: number; items: ConversationListItem[] }>;
  /**
   * A page of the events `userId` may see after `cursor`, up to `head`: those of conversations during the
   * periods they were a member, and those addressed to them; in order of pos, at most `limit`. `through`:
   * the page is complete up to there (the next page starts after it). A page costs what it returns, not
   * what lies behind the cursor (events-page.ts).
   */
  eventsFor(
    userId: string,
    cursor: number,
    limit: number,
    head: number,
  ): Promise<{ events: EventRecord[]; through: number }>;
  /** The highest pos in the log (0 when empty). */
  headPosition(): Promise<number>;
  /** The highest pos retention has deleted (0 when none): events at or below it are gone. */
  logFloor(): Promise<number>;
}

export interface NewEvent {
  conversationId: string | null;
  userId: string | null;
  type: string;
  payload: string;
  createdAt: number;
  /**
   * For a message's events: its seq. A member whose period began after it (history 'joined') is not
   * shown the event (eventsFor).
   */
  messageSeq?: number | null;
}

/**
 * What a job will read, declared when it is submitted (Committer.run), so that a backend paying a round
 * trip per statement (PostgreSQL) can load it for the whole batch in one query before the jobs run. A job
 * reads the same with or without hints; SQLite ignores them.
 */
export interface ReadHint {
  /** The job calls messageByClientId(senderId, clientId). */
  clientId?: { senderId: string; clientId: string };
  /** The job calls member(conversationId, userId). */
  member?: { conversationId: string; userId: string };
}

/**
 * What a backend that defers writes (to send a batch's rows in a few statements) offers the committer.
 * SQLite offers neither.
 */
export interface TxBatching {
  /** Called once, before the jobs of a batch run: how many there are, and the hints they declared. */
  prepare?(batch: { jobs: number; hints: readonly ReadHint[] }): Promise<void>;
  /** Sends the deferred writes now; throws DeferredWriteError if they fail. */
  flush?(): Promise<void>;
}

/**
 * Deferred writes failed when they were sent (before a read that could see them, or before COMMIT), so no
 * job can be blamed: the committer runs the batch again, flushing after each job, to find the one.
 */
export class DeferredWriteError extends Error {
  constructor(options: { cause: unknown }) {
    super(`deferred writes failed: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
    this.name = 'DeferredWriteError';
  }
}

/**
 * The COMMIT was sent but its answer never came (the connection to PostgreSQL dropped): the batch may or
 * may not have been committed. Its events cannot be published (they may not exist) nor forgotten (they
 * may): the committer stops as after a failed fsync, and a restart reads what the log really holds.
 */
export class CommitOutcomeUnknown extends Error {
  constructor(options: { cause: unknown }) {
    super(`the outcome of a COMMIT is unknown: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
    this.name = 'CommitOutcomeUnknown';
  }
}

/** Writes, inside a transaction. Every method named in `txWrites` writes; the others only read. */
export interface Tx extends Reads, TxBatching {
  insertUser(user: UserRecord): Promise<void>;
  updateUserDisplayName(userId: string, displayName: string): Promise<void>;

  insertSession(session: SessionRecord): Promise<void>;
  touchSession(sessionId: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  revokeSession(sessionId: string, revokedAt: number): Promise<void>;
  insertDevice(device: DeviceRecord): Promise<void>;
  touchDevice(deviceId: string, lastUsedAt: number): Promise<void>;

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
  ): Promise<void>;

  /** Appends to the log and answers the event's pos. */
  appendEvent(event: NewEvent): Promise<number>;
  /** Replaces the payload of an event still in the log (erasing what an edit or deletion took back). */
  rewriteEvent(pos: number, payload: string): Promise<void>;
  /**
   * Retention: deletes the oldest events created before `createdBefore`, at most `maxRows` of them, with
   * the membership periods that ended among them, and raises the floor. Answers how many it deleted.
   */
  trimLog(createdBefore: number, maxRows: number): Promise<number>;
  /**
   * Opens a membership period at `fromPos` (inclusive); the member may read the messages after
   * `visibleFromSeq` (while the conversation's history is 'joined').
   */
  openPeriod(conversationId: string, userId: string, fromPos: number, visibleFromSeq: number): Promise<void>;
  /** Closes the open membership period at `toPos` (inclusive). */
  closePeriod(conversationId: string, userId: string, toPos: number): Promise<void>;
}

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  readonly reader: Reader;
  /**
   * Runs `fn` in one transaction on the writer connection: committed if it resolves, rolled back entirely
   * if it throws. Callers go through the group committer (commit.ts), which makes it the only writer.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Resolves once every transaction committed before the call is on disk. The committer acknowledges
   * and publishes a batch only then, while the next batch may already run.
   */
  durable(): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** The methods of Tx that write (the group committer counts them to know whether a failed job wrote). */
export const txWrites = [
  'insertUser',
  'updateUserDisplayName',
  'insertSession',
  'touchSession',
  'revokeSession',
  'insertDevice',
  'touchDevice',
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
  'appendEvent',
  'rewriteEvent',
  'trimLog',
  'openPeriod',
  'closePeriod',
] as const satisfies readonly Exclude<keyof Tx, keyof Reads | keyof TxBatching>[];

/** Every write method of Tx is listed in txWrites (a type-level check). */
type Missing = Exclude<Exclude<keyof Tx, keyof Reads | keyof TxBatching>, (typeof txWrites)[number]>;
export const allWritesListed: Missing extends never ? true : Missing = true;
