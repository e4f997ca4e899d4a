import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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
import { MemoryLeases } from '../leases.ts';
import { loadMigrations } from '../migrations.ts';
import type { StatementTimes, Timed } from '../statement-times.ts';
import type { Reader, Storage, Tx } from '../types.ts';
import { SqliteDb } from './db.ts';
import { type Checkpointer, startCheckpointer, WalSync } from './durability.ts';
import { SqliteMessagingReader, SqliteMessagingTx } from './messaging.ts';
import { Statements } from './statements.ts';
import { loadWalBatch, type WalBatch, walBatchStats } from './walbatch.ts';

export interface SqliteOptions {
  /** A file path, or ':memory:' (one connection serves reads and writes). */
  path: string;
  /**
   * FULL: a batch is acknowledged once its WAL frames are fsynced (on the thread pool, see WalSync);
   * it survives power loss. NORMAL: once they reach the OS; it survives a crash of the process only.
   */
  synchronous: 'FULL' | 'NORMAL';
  /** A checkpoint runs once writes have paused this long (default 500 ms)… */
  checkpointIdleMs?: number;
  /** …and under a steady stream each time the WAL grew by walRestartBytes, and at least this often (default 30 s). */
  checkpointMaxIntervalMs?: number;
  /**
   * WAL size past which, once a checkpoint has caught up, the writer pauses a moment so that its next
   * commit starts the WAL over (default 256 MiB; the file is kept up to twice that size, for reuse).
   */
  walRestartBytes?: number;
  /** The writer connection's page cache, MiB (default SQLITE_CACHE_MB). */
  cacheMb?: number;
  /** A transaction's WAL frames in one write (walbatch.ts; default on, where it was built). */
  walBatch?: 'on' | 'off';
  /** Counts each statement's time (COMPTOIR_DIAGNOSTICS_STATEMENTS); none by default. */
  statementTimes?: StatementTimes;
  onError?: (message: string) => void;
}

/** The writer connection's page cache by default, MiB (SQLITE_CACHE_MB). */
export const SQLITE_CACHE_MB = 64;

/** The longest the writer waits for the checkpointer when it pauses to start the WAL over… */
const PAUSE_TIMEOUT_MS = 50;
/**
 * …and when the WAL has overrun (past twice its restart size: the writer writes faster than the
 * checkpoints copy and fsync, so the tail left for a pause never shortens). The writer then waits as long
 * as the tail's checkpoint takes, within this: without it the WAL would grow without bound under a stream
 * that never pauses.
 */
const PAUSE_OVERRUN_TIMEOUT_MS = 1000;

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly reader: Reader;
  readonly leases = new MemoryLeases();
  readonly statementTimes: StatementTimes | null;
  private readonly writer: Database.Database;
  private readonly readerDb: Database.Database;
  private readonly tx: Tx;
  private readonly messagingTx: SqliteMessagingTx;
  private readonly ws: Statements;
  private readonly walSync: WalSync | null;
  private readonly checkpointer: Checkpointer | null;
  /** `PRAGMA data_version` as the last transaction began, and how many times another connection changed it. */
  private dataVersion: number | null = null;
  private external = 0;

  /** Whether this process writes the WAL through the walbatch VFS (on), or SQLite writes it itself. */
  readonly walBatch: WalBatch;
  /**
   * Whether SQLite's page cache no longer walks all its pages at a commit after a page split (the walbatch
   * library's fix, native/walbatch.c wbRekey): false without the library, or where its checks failed.
   */
  readonly pageCacheFix: boolean;

  constructor(options: SqliteOptions) {
    const memory = options.path === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(options.path), { recursive: true });
    // Before the first connection: the VFS is the default for connections opened after it loads.
    this.walBatch = memory ? 'off' : loadWalBatch(options.walBatch ?? 'on');
    this.writer = new Database(options.path);
    this.pageCacheFix = this.walBatch === 'on' && walBatchStats(this.writer)?.cacheFix === 1;
    this.writer.pragma('journal_mode = WAL');
    // Commits never fsync on the event loop: durable() does it on the thread pool (FULL), and the
    // checkpointer thread moves the WAL into the database file.
    this.writer.pragma('synchronous = NORMAL');
    this.writer.pragma(`wal_autocheckpoint = ${memory ? 1000 : 0}`);
    this.writer.pragma('foreign_keys = ON');
    // Freed space is overwritten with zeros: an edited or deleted message's old text does not linger in
    // the database file's pages (docs/SECURITY.md, "What deletion erases").
    this.writer.pragma('secure_delete = ON');
    this.writer.pragma('temp_store = MEMORY');
    // The writer's page cache: the pages a batch touches at random (orders, shipments, timelines,
    // conversations, consents) stay in memory instead of being read back from the WAL (SQLite's default
    // is 2 MiB: bench:commerce's tracking read a page back on most jobs). Up to this much, as it fills.
    this.writer.pragma(`cache_size = ${-1024 * (options.cacheMb ?? SQLITE_CACHE_MB)}`);
    // Never sleep in SQLite's busy handler on the event loop: a busy writer lock (the checkpointer
    // restarting the WAL, another process) makes transaction() retry a moment later instead.
    this.writer.pragma('busy_timeout = 0');
    const restartBytes = options.walRestartBytes ?? 256 * 1024 * 1024;
    // The WAL file is reused from its start (never zeroed again by the kernel); larger, it is cut back.
    this.writer.pragma(`journal_size_limit = ${2 * restartBytes}`);
    this.walSync = !memory && options.synchronous === 'FULL' ? new WalSync(options.path) : null;
    this.checkpointer = memory
      ? null
      : startCheckpointer(
          options.path,
          {
            idleMs: options.checkpointIdleMs ?? 500,
            maxIntervalMs: options.checkpointMaxIntervalMs ?? 30_000,
            restartBytes,
            pollMs: 50,
          },
          options.onError ?? (() => {}),
        );
    this.readerDb = memory ? this.writer : new Database(options.path);
    this.readerDb.pragma('busy_timeout = 1000');
    // The stores of a transaction on the writer connection. Messaging defers some updates and the log's
    // statements never read them: both run as they are. Every other store's statements run after the
    // deferred updates are written, so that they see (and follow) every write made before them.
    this.statementTimes = options.statementTimes ?? null;
    const times = (connection: 'writer' | 'reader'): Timed | null =>
      this.statementTimes ? { of: this.statementTimes, connection } : null;
    this.ws = new Statements(this.writer, times('writer'));
    const raw = new SqliteDb(this.ws);
    this.messagingTx = new SqliteMessagingTx(raw, this.ws);
    const flushed = new SqliteDb(this.ws, () => this.messagingTx.flushDeferred());
    this.tx = {
      accounts: new AccountsStore(flushed),
      messaging: this.messagingTx,
      events: new EventsStore(raw),
      pages: new PagesStore(flushed),
      apps: new AppsStore(flushed),
      webhooks: new WebhooksStore(flushed),
      platform: new PlatformStore(flushed),
      inbox: new InboxStore(flushed),
      commerce: new CommerceStore(flushed),
      optins: new OptinsStore(flushed),
      compose: new ComposeStore(flushed),
      media: new MediaStore(flushed),
      presence: new PresenceStore(flushed),
      blocks: new BlocksStore(flushed),
    };
    const rs = new Statements(this.readerDb, times('reader'));
    const rdb = new SqliteDb(rs);
    this.reader = {
      accounts: new AccountsStore(rdb),
      messaging: new SqliteMessagingReader(rdb, rs),
      events: new EventsStore(rdb),
      pages: new PagesStore(rdb),
      apps: new AppsStore(rdb),
      webhooks: new WebhooksStore(rdb),
      platform: new PlatformStore(rdb),
      inbox: new InboxStore(rdb),
      commerce: new CommerceStore(rdb),
      optins: new OptinsStore(rdb),
      compose: new ComposeStore(rdb),
      media: new MediaStore(rdb),
      presence: new PresenceStore(rdb),
      blocks: new BlocksStore(rdb),
    };
  }

  async migrate() {
    const db = this.writer;
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    for (const m of loadMigrations('sqlite')) {
      if (applied.has(m.version)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          Date.now(),
        );
      }).immediate();
    }
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    await this.begin();
    try {
      const result = await fn(this.tx);
      this.messagingTx.flushDeferred();
      this.messagingTx.indexNewMessages();
      this.ws.run('COMMIT');
      return result;
    } catch (e) {
      this.messagingTx.discardDeferred();
      if (this.writer.inTransaction) this.ws.run('ROLLBACK');
      throw e;
    }
  }

  /** BEGIN IMMEDIATE, retried without blocking while another connection holds the write lock. */
  private async begin() {
    // Between two transactions: the checkpointer's pause to start the WAL over (a few milliseconds).
    const restart = this.checkpointer?.restartWanted;
    if (restart) await this.checkpointer?.pause(restart.overrun ? PAUSE_OVERRUN_TIMEOUT_MS : PAUSE_TIMEOUT_MS);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        this.ws.run('BEGIN IMMEDIATE');
        // Unchanged by this connection's own commits and by the checkpointer's PASSIVE checkpoints: a
        // change means another connection wrote (a TRUNCATE checkpoint counts too: harmless).
        const version = this.ws.one<{ data_version: number }>('PRAGMA data_version')?.data_version ?? 0;
        if (version !== this.dataVersion) {
          if (this.dataVersion !== null) this.external++;
          this.dataVersion = version;
        }
        return;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if ((code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  durable(): Promise<void> {
    return this.walSync ? this.walSync.durable() : Promise.resolve();
  }

  externalWrites(): number {
    return this.external;
  }

  /** What the writer connection runs with (its pragmas), for tests and diagnostics. */
  writerSettings(): { journalMode: string; synchronous: number; cacheSize: number; secureDelete: number } {
    const get = (name: string) => this.writer.pragma(name, { simple: true }) as never;
    return {
      journalMode: get('journal_mode'),
      synchronous: get('synchronous'),
      cacheSize: get('cache_size'),
      secureDelete: get('secure_delete'),
    };
  }

  /**
   * Whether each connection plans its statements once, without their bound values (SQLite's QPSG, set on
   * every connection by the walbatch library where it is loaded: native/walbatch.c, wbConnection).
   */
  plannedOnce(): { writer: boolean; reader: boolean } {
    const of = (db: Database.Database) => {
      try {
        return (db.prepare('SELECT walbatch_qpsg() AS on_').get() as { on_: number }).on_ === 1;
      } catch {
        return false; // the library is not loaded: SQLite's defaults
      }
    };
    return { writer: of(this.writer), reader: of(this.readerDb) };
  }

  async close() {
    await this.checkpointer?.close();
    this.walSync?.close();
    if (this.readerDb !== this.writer) this.readerDb.close();
    this.writer.close();
  }
}
