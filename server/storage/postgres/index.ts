import pg from 'pg';
import { AccountsStore } from '../../accounts/store.ts';
import { AppsStore } from '../../apps/store.ts';
import { BlocksStore } from '../../blocks/store.ts';
import { CommerceStore } from '../../commerce/store.ts';
import { ComposeStore } from '../../compose/store.ts';
import { EventsStore } from '../../events/store.ts';
import { InboxStore } from '../../inbox/store.ts';
import { MediaStore } from '../../media/store.ts';
import { PagesStore } from '../../pages/store.ts';
import { OptinsStore } from '../../platform/optins-store.ts';
import { PlatformStore } from '../../platform/store.ts';
import { PresenceStore } from '../../presence/store.ts';
import { WebhooksStore } from '../../webhooks/store.ts';
import { SharedLeases } from '../leases.ts';
import { loadMigrations } from '../migrations.ts';
import type { StatementTimes, Timed } from '../statement-times.ts';
import { CommitOutcomeUnknown, type Leases, type Reader, type Storage, type Tx, type TxBatching } from '../types.ts';
import { PgCommerceTx, PgOptinsTx, PgPagesTx } from './commerce.ts';
import { PgDb } from './db.ts';
import { PgEventsTx, PgMessagingReader, PgMessagingTx, PgTxState } from './messaging.ts';
import { Sql, timed, types } from './sql.ts';

/**
 * A transaction's stores, sharing what it holds back (PgTxState). Every store other than messaging and
 * the log sends the pending writes before each of its statements (its Db does), so that the database
 * sees the writes in the order they were made.
 */
export function pgTx(sql: Sql): Tx & Required<TxBatching> {
  const t = new PgTxState(sql);
  return {
    accounts: new AccountsStore(new PgDb(sql, () => t.flush())),
    messaging: new PgMessagingTx(t),
    events: new PgEventsTx(t),
    pages: new PgPagesTx(t.orders, sql, () => t.flush()),
    apps: new AppsStore(new PgDb(sql, () => t.flush())),
    webhooks: new WebhooksStore(new PgDb(sql, () => t.flush())),
    platform: new PlatformStore(new PgDb(sql, () => t.flush())),
    inbox: new InboxStore(new PgDb(sql, () => t.flush())),
    commerce: new PgCommerceTx(t.orders, t.pending, sql, () => t.flush()),
    optins: new PgOptinsTx(t.orders, sql, () => t.flush()),
    compose: new ComposeStore(new PgDb(sql, () => t.flush())),
    media: new MediaStore(new PgDb(sql, () => t.flush())),
    presence: new PresenceStore(new PgDb(sql, () => t.flush())),
    blocks: new BlocksStore(new PgDb(sql, () => t.flush())),
    prepare: (batch) => t.prepare(batch),
    flush: () => t.flush(),
  };
}

export interface PostgresOptions {
  /** Size of the reader pool. */
  readers?: number;
  /**
   * Told of connection errors outside any query (the server restarting, a connection killed). They do not
   * stop the storage: the writer reconnects on its next transaction, the pool replaces its connections.
   */
  onConnectionError?: (error: Error, connection: 'writer' | 'reader') => void;
  /** Counts each statement's time (COMPTOIR_DIAGNOSTICS_STATEMENTS); none by default. */
  statementTimes?: StatementTimes;
}

/** The key of the advisory lock that serializes processes migrating the same database. */
const MIGRATION_LOCK = 8_301_745_612_290;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Transactions after which the writer's connection is renewed (between two transactions). Its statements
 * are prepared once per connection, and PostgreSQL keeps a prepared statement's generic plan as it was
 * made: made while a table was a few pages (a new install's first minutes), it scans tables that have
 * since grown to thousands of rows — until an ANALYZE, up to minutes later. A new connection plans them
 * again from the tables as they are: under load, every few seconds, for the cost of a connection (measured
 * in docs/BENCHMARKS.md, session 13: a new install's first tracking round 1,137–1,223 → 1,929–2,420
 * events/s).
 */
export const WRITER_RENEWED_AFTER = 100;

const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/**
 * PostgreSQL: one dedicated client for the writer (the group committer runs one transaction at a time on
 * it) and a pool for the reader, which therefore sees committed data only.
 */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  readonly reader: Reader;
  readonly leases: Leases;
  readonly statementTimes: StatementTimes | null;
  private readonly pool: pg.Pool;
  /** The writer's connection; null until the first use and after it died (the next use reconnects). */
  private writer: pg.Client | null = null;
  /** Transactions the writer's connection has run (renewed after WRITER_RENEWED_AFTER). */
  private writerTransactions = 0;
  /** Writer work (transactions, migrations) runs one at a time, in call order. */
  private turn: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly options: PostgresOptions,
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      types,
      max: options.readers ?? 10,
      application_name: 'comptoir-reader',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // An idle pooled connection that fails is dropped by the pool; without a listener it would crash us.
    this.pool.on('error', (err) => this.options.onConnectionError?.(err, 'reader'));
    this.statementTimes = options.statementTimes ?? null;
    const reading = this.timed('reader');
    const db = new PgDb(new Sql(this.pool, false, reading));
    this.reader = {
      accounts: new AccountsStore(db),
      messaging: new PgMessagingReader(this.pool, reading),
      events: new EventsStore(db),
      pages: new PagesStore(db),
      apps: new AppsStore(db),
      webhooks: new WebhooksStore(db),
      platform: new PlatformStore(db),
      inbox: new InboxStore(db),
      commerce: new CommerceStore(db),
      optins: new OptinsStore(db),
      compose: new ComposeStore(db),
      media: new MediaStore(db),
      presence: new PresenceStore(db),
      blocks: new BlocksStore(db),
    };
    this.leases = new SharedLeases(db);
  }

  /** Connects the writer now (so that a wrong URL fails here); the pool connects on demand. */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    const storage = new PostgresStorage(url, options);
    try {
      await storage.writerClient();
    } catch (e) {
      await storage.close().catch(() => {});
      throw e;
    }
    return storage;
  }

  async migrate() {
    await this.exclusive(async () => {
      const client = await this.writerClient();
      for (const m of loadMigrations('postgres')) {
        await this.inTransaction(client, async () => {
          // Held until this transaction ends: another process migrating waits here, then sees it applied.
          await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
          await client.query(SCHEMA_MIGRATIONS);
          const applied = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
          if (applied.rowCount) return;
          await client.query(m.sql); // no parameters: the simple protocol, several statements allowed
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            Date.now(),
          ]);
        });
      }
    });
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const client = await this.writerClient();
      const tx = pgTx(new Sql(client, true, this.timed('writer')));
      try {
        return await this.inTransaction(client, async () => {
          const result = await fn(tx);
          await tx.flush(); // the deferred writes (DeferredWriteError if they fail)
          return result;
        });
      } finally {
        if (++this.writerTransactions >= WRITER_RENEWED_AFTER && this.writer === client) this.discard(client);
      }
    });
  }

  /** A COMMIT on PostgreSQL returns once the commit is durable (synchronous_commit): nothing to wait for. */
  /** Other processes may write at any moment, unseen: never known (Storage.externalWrites). */
  externalWrites(): null {
    return null;
  }

  durable(): Promise<void> {
    return Promise.resolve();
  }

  /** Waits for the writer work under way, then ends the writer and the pool. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.turn;
    const writer = this.writer;
    this.writer = null;
    await Promise.all([this.pool.end(), writer?.end().catch(() => {})]);
  }

  /** Where a connection's statements are timed, when asked (COMPTOIR_DIAGNOSTICS_STATEMENTS). */
  private timed(connection: 'writer' | 'reader'): Timed | null {
    return this.statementTimes ? { of: this.statementTimes, connection } : null;
  }

  /** BEGIN or COMMIT on the writer, timed with its statements. */
  private writerQuery(client: pg.Client, text: 'BEGIN' | 'COMMIT'): Promise<pg.QueryResult> {
    const times = this.timed('writer');
    return times ? timed(times, text, client.query(text)) : client.query(text);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => {});
    return run;
  }

  /** BEGIN … COMMIT on the writer; ROLLBACK on failure, and a connection that cannot even roll back is dropped. */
  private async inTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
    try {
      await this.writerQuery(client, 'BEGIN');
      const result = await fn();
      let commit: pg.QueryResult;
      try {
        commit = await this.writerQuery(client, 'COMMIT');
      } catch (cause) {
        // PostgreSQL answered with an error: nothing was committed. No answer at all: nobody knows.
        if ((cause as { severity?: unknown }).severity !== undefined) throw cause;
        this.discard(client);
        throw new CommitOutcomeUnknown({ cause });
      }
      // PostgreSQL answers a COMMIT of a failed transaction (an error swallowed by a job) by
      // rolling back: that must not pass for success.
      if (commit.command === 'ROLLBACK') throw new Error('The transaction had failed: COMMIT rolled it back');
      return result;
    } catch (e) {
      if (e instanceof CommitOutcomeUnknown) throw e;
      await client.query('ROLLBACK').catch(() => this.discard(client));
      throw e;
    }
  }

  /** The writer's connection, made anew when there is none (first use, or the previous one died). */
  private async writerClient(): Promise<pg.Client> {
    if (this.closed) throw new Error('The storage is closed');
    if (this.writer) return this.writer;
    const client = new pg.Client({
      connectionString: this.url,
      types,
      application_name: 'comptoir-writer',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // The server ending the connection (restart, pg_terminate_backend) emits 'error' when no query is
    // running: report it and forget the client, so that the next transaction connects again.
    client.on('error', (err) => {
      this.options.onConnectionError?.(err, 'writer');
      this.discard(client);
    });
    client.on('end', () => this.discard(client));
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    this.writer = client;
    this.writerTransactions = 0;
    return client;
  }

  private discard(client: pg.Client) {
    if (this.writer === client) this.writer = null;
    client.end().catch(() => {});
  }
}
