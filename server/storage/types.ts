import { type AccountsReads, type AccountsWrites, accountsWrites } from '../accounts/store.ts';
import { type AppsReads, type AppsWrites, appsWrites } from '../apps/store.ts';
import { type BlocksReads, type BlocksWrites, blocksWrites } from '../blocks/store.ts';
import { type CommerceReads, type CommerceWrites, commerceWrites } from '../commerce/store.ts';
import { type ComposeReads, type ComposeWrites, composeWrites } from '../compose/store.ts';
import { type EventsReader, type EventsReads, type EventsWrites, eventsWrites } from '../events/store.ts';
import { type InboxReads, type InboxWrites, inboxWrites } from '../inbox/store.ts';
import { type MediaReads, type MediaWrites, mediaWrites } from '../media/store.ts';
import {
  type MessagingReader,
  type MessagingReads,
  type MessagingWrites,
  messagingWrites,
} from '../messaging/store.ts';
import { type PagesReads, type PagesWrites, pagesWrites } from '../pages/store.ts';
import { type OptinsReads, type OptinsWrites, optinsWrites } from '../platform/optins-store.ts';
import { type PlatformReads, type PlatformWrites, platformWrites } from '../platform/store.ts';
import { type PresenceReads, type PresenceWrites, presenceWrites } from '../presence/store.ts';
import { type WebhooksReads, type WebhooksWrites, webhooksWrites } from '../webhooks/store.ts';
import type { StatementTimes } from './statement-times.ts';

/**
 * The storage as the services see it: one store per domain, each owning its tables and its records
 * (accounts/store.ts, messaging/store.ts, events/store.ts, apps/store.ts, platform/store.ts), composed here into the reader (committed
 * data) and the transaction (its own writes too), under the domain's name: `reader.accounts.userById`,
 * `tx.messaging.insertMessage`. A new domain adds its store and one line to each of Reads, Reader, Tx,
 * txWrites and the two backends' `stores` (sqlite/index.ts, postgres/index.ts); the contract suite has a
 * part per domain (contract.ts). Both backends (sqlite/, postgres/) pass that same suite.
 */

/** What both the reader and a transaction can read: `Reader` and `Tx` are both `Reads`. */
export interface Reads {
  readonly accounts: AccountsReads;
  readonly messaging: MessagingReads;
  readonly events: EventsReads;
  readonly pages: PagesReads;
  readonly apps: AppsReads;
  readonly webhooks: WebhooksReads;
  readonly platform: PlatformReads;
  readonly inbox: InboxReads;
  readonly commerce: CommerceReads;
  readonly optins: OptinsReads;
  readonly compose: ComposeReads;
  readonly media: MediaReads;
  readonly presence: PresenceReads;
  readonly blocks: BlocksReads;
}

/** The reader: committed data only. */
export interface Reader extends Reads {
  readonly accounts: AccountsReads;
  readonly messaging: MessagingReader;
  readonly events: EventsReader;
  readonly pages: PagesReads;
  readonly apps: AppsReads;
  readonly webhooks: WebhooksReads;
  readonly platform: PlatformReads;
  readonly inbox: InboxReads;
  readonly commerce: CommerceReads;
  readonly optins: OptinsReads;
  readonly compose: ComposeReads;
  readonly media: MediaReads;
  readonly presence: PresenceReads;
  readonly blocks: BlocksReads;
}

/**
 * What a job will read, declared when it is submitted (Committer.run), so that a backend paying a round
 * trip per statement (PostgreSQL) can load it for the whole batch in one query before the jobs run. A job
 * reads the same with or without hints; SQLite ignores them.
 */
export interface ReadHint {
  /**
   * How many events the job appends, when more than one (a new order: its receipt's `message.created` and
   * `order.updated`): the batch's first block of event positions is taken that large (PostgreSQL).
   */
  events?: number;
  /** The job calls messageByClientId(senderId, clientId). */
  clientId?: { senderId: string; clientId: string };
  /** The job calls member(conversationId, userId). */
  member?: { conversationId: string; userId: string };
  /**
   * The job changes the page's order with this number (or creates it): it reads the order's version by
   * number, the page's request policy, and the page's consent of the order's customer.
   */
  order?: {
    pageId: string;
    number: string;
    /**
     * The job names the order's customer by this page-scoped id (a new order): it reads who that is, their
     * standing with the page, and the id of their thread with it.
     */
    psid?: string | undefined;
  };
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

/** A transaction: its reads see its own writes. */
export interface Tx extends Reads, TxBatching {
  readonly accounts: AccountsWrites;
  readonly messaging: MessagingWrites;
  readonly events: EventsWrites;
  readonly pages: PagesWrites;
  readonly apps: AppsWrites;
  readonly webhooks: WebhooksWrites;
  readonly platform: PlatformWrites;
  readonly inbox: InboxWrites;
  readonly commerce: CommerceWrites;
  readonly optins: OptinsWrites;
  readonly compose: ComposeWrites;
  readonly media: MediaWrites;
  readonly presence: PresenceWrites;
  readonly blocks: BlocksWrites;
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
  /**
   * How many times a transaction of this process found, as it began, that another connection had written
   * since this process's last transaction (SQLite: `PRAGMA data_version`, read after each BEGIN); null
   * when the backend cannot tell (PostgreSQL: other processes may write at any moment). While it stays the
   * same, what this process's jobs last wrote or read of a row is still the row: a cache of it may be used
   * without reading it again (commerce: an order's version, CommerceService.requireIn).
   */
  externalWrites(): number | null;
  /** Named leases shared by every process using this database (storage/leases.ts). */
  readonly leases: Leases;
  /** Each statement's time, when asked for (COMPTOIR_DIAGNOSTICS_STATEMENTS: lib/diagnostics.ts); else null. */
  readonly statementTimes: StatementTimes | null;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Named leases: a piece of work (one app's webhook deliveries) held by one owner (a process) until a
 * time. Taken and renewed outside any transaction, in one statement, so that several processes sharing a
 * database never hold the same name at once (storage/leases.ts).
 */
export interface Leases {
  /** Takes `name` for `owner` until `until` if it is free, expired at `now`, or already the owner's (a renewal). */
  acquire(name: string, owner: string, now: number, until: number): Promise<boolean>;
  /** Gives `name` up if `owner` holds it. */
  release(name: string, owner: string): Promise<void>;
}

/** The methods of each store that write (the group committer counts them to know whether a failed job wrote). */
export const txWrites = {
  accounts: accountsWrites,
  messaging: messagingWrites,
  events: eventsWrites,
  pages: pagesWrites,
  apps: appsWrites,
  webhooks: webhooksWrites,
  platform: platformWrites,
  inbox: inboxWrites,
  commerce: commerceWrites,
  optins: optinsWrites,
  compose: composeWrites,
  media: mediaWrites,
  presence: presenceWrites,
  blocks: blocksWrites,
} as const satisfies { [K in keyof Reads]: readonly string[] };

/** The domains' stores, by name: `reader[name]`, `tx[name]`. */
export const storeNames = Object.keys(txWrites) as (keyof Reads)[];

/** Every write method of each store is listed in txWrites (a type-level check). */
type Unlisted<W, R, L extends readonly string[]> = Exclude<Exclude<keyof W, keyof R>, L[number]>;
type Missing =
  | Unlisted<AccountsWrites, AccountsReads, typeof accountsWrites>
  | Unlisted<MessagingWrites, MessagingReads, typeof messagingWrites>
  | Unlisted<EventsWrites, EventsReads, typeof eventsWrites>
  | Unlisted<PagesWrites, PagesReads, typeof pagesWrites>
  | Unlisted<AppsWrites, AppsReads, typeof appsWrites>
  | Unlisted<WebhooksWrites, WebhooksReads, typeof webhooksWrites>
  | Unlisted<PlatformWrites, PlatformReads, typeof platformWrites>
  | Unlisted<InboxWrites, InboxReads, typeof inboxWrites>
  | Unlisted<CommerceWrites, CommerceReads, typeof commerceWrites>
  | Unlisted<OptinsWrites, OptinsReads, typeof optinsWrites>
  | Unlisted<ComposeWrites, ComposeReads, typeof composeWrites>
  | Unlisted<MediaWrites, MediaReads, typeof mediaWrites>
  | Unlisted<PresenceWrites, PresenceReads, typeof presenceWrites>
  | Unlisted<BlocksWrites, BlocksReads, typeof blocksWrites>;
export const allWritesListed: [Missing] extends [never] ? true : Missing = true;
