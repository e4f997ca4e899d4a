import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pageOfEvents } from '../events-page.ts';
import { loadMigrations } from '../migrations.ts';
import { type EventRow, toEvent } from '../rows.ts';
import type { ConversationListItem, EventRecord, Reader, Storage, Tx } from '../types.ts';
import { startCheckpointer, WalSync } from './durability.ts';
import { SqliteReads } from './reads.ts';
import { Statements } from './statements.ts';
import { SqliteTx } from './writes.ts';

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
  /** …and at least this often while they go on (default 30 s). */
  checkpointMaxIntervalMs?: number;
  /** WAL size past which the checkpointer forces it to start over (default 256 MiB). */
  walRestartBytes?: number;
  onError?: (message: string) => void;
}

/** The reader connection: committed data only (WAL gives it a snapshot per statement or transaction). */
class SqliteReader extends SqliteReads implements Reader {
  async conversationList(userId: string) {
    // One read transaction: the list and the cursor come from the same snapshot.
    return this.s.db.transaction(() => {
      const cursor = this.headSync();
      const ids = this.conversationIdsOfUserSync(userId);
      const items: ConversationListItem[] = [];
      for (const id of ids) {
        const conversation = this.conversationByIdSync(id);
        if (!conversation) continue;
        const members = this.membersOfSync(id);
        const me = members.find((m) => m.userId === userId);
        // Under history 'joined', a newcomer sees no message from before their joining, not even as a preview.
        const visible = conversation.history === 'full' || (me && conversation.lastSeq > me.visibleFromSeq);
        items.push({
          conversation,
          members,
          lastMessage: visible ? this.lastMessageSync(id, conversation.lastSeq) : null,
          unread: me ? this.unreadCountSync(id, userId, me.readSeq) : 0,
        });
      }
      items.sort((a, b) => b.conversation.lastActivityAt - a.conversation.lastActivityAt);
      return { cursor, items };
    })();
  }

  eventsFor(userId: string, cursor: number, limit: number, head: number) {
    return pageOfEvents(this, userId, cursor, limit, head);
  }

  /** One index seek per membership period (and one for the person's own events). */
  async nextVisiblePos(userId: string, after: number): Promise<number | null> {
    const r = this.s.one<{ pos: number | null }>(
      `SELECT min(n) AS pos FROM (
         SELECT (SELECT e.pos FROM events e
                  WHERE e.conversation_id = p.conversation_id AND e.pos > max(@after, p.from_pos - 1)
                    AND (p.to_pos IS NULL OR e.pos <= p.to_pos)
                  ORDER BY e.pos LIMIT 1) AS n
           FROM member_periods p WHERE p.user_id = @userId AND (p.to_pos IS NULL OR p.to_pos > @after)
         UNION ALL
         SELECT (SELECT pos FROM events WHERE user_id = @userId AND pos > @after ORDER BY pos LIMIT 1))`,
      { after, userId },
    );
    return r?.pos ?? null;
  }

  async eventsInWindow(userId: string, after: number, upTo: number, limit: number): Promise<EventRecord[]> {
    return this.s
      .all<EventRow>(
        `SELECT e.pos, e.conversation_id, e.user_id, e.type, e.payload, e.created_at
           FROM member_periods p JOIN conversations c ON c.id = p.conversation_id
           JOIN events e ON e.conversation_id = p.conversation_id
          WHERE p.user_id = @userId AND (p.to_pos IS NULL OR p.to_pos > @after) AND p.from_pos <= @upTo
            AND e.pos > @after AND e.pos <= @upTo AND e.pos >= p.from_pos AND (p.to_pos IS NULL OR e.pos <= p.to_pos)
            AND (e.message_seq IS NULL OR e.message_seq > p.visible_from_seq OR c.history = 'full')
         UNION ALL
         SELECT pos, conversation_id, user_id, type, payload, created_at FROM events
          WHERE user_id = @userId AND pos > @after AND pos <= @upTo
         ORDER BY 1 LIMIT @limit`,
        { userId, after, upTo, limit },
      )
      .map(toEvent);
  }

  async logFloor() {
    return this.s.one<{ floor: number }>('SELECT floor FROM log_state WHERE id = 1')?.floor ?? 0;
  }

  headSync(): number {
    return this.s.one<{ pos: number | null }>('SELECT max(pos) AS pos FROM events')?.pos ?? 0;
  }
  async headPosition() {
    return this.headSync();
  }
}

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly reader: SqliteReader;
  private readonly writer: Database.Database;
  private readonly readerDb: Database.Database;
  private readonly tx: SqliteTx;
  private readonly ws: Statements;
  private readonly walSync: WalSync | null;
  private readonly checkpointer: { close: () => Promise<void> } | null;

  constructor(options: SqliteOptions) {
    const memory = options.path === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(options.path), { recursive: true });
    this.writer = new Database(options.path);
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
    // Never sleep in SQLite's busy handler on the event loop: a busy writer lock (the checkpointer
    // restarting the WAL, another process) makes transaction() retry a moment later instead.
    this.writer.pragma('busy_timeout = 0');
    this.writer.pragma('journal_size_limit = 67108864');
    this.walSync = !memory && options.synchronous === 'FULL' ? new WalSync(options.path) : null;
    this.checkpointer = memory
      ? null
      : startCheckpointer(
          options.path,
          {
            idleMs: options.checkpointIdleMs ?? 500,
            maxIntervalMs: options.checkpointMaxIntervalMs ?? 30_000,
            restartBytes: options.walRestartBytes ?? 256 * 1024 * 1024,
            pollMs: 100,
          },
          options.onError ?? (() => {}),
        );
    this.readerDb = memory ? this.writer : new Database(options.path);
    this.readerDb.pragma('busy_timeout = 1000');
    this.ws = new Statements(this.writer);
    this.tx = new SqliteTx(this.ws);
    this.reader = new SqliteReader(new Statements(this.readerDb));
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
      this.tx.flushDeferred();
      this.ws.run('COMMIT');
      return result;
    } catch (e) {
      this.tx.discardDeferred();
      if (this.writer.inTransaction) this.ws.run('ROLLBACK');
      throw e;
    }
  }

  /** BEGIN IMMEDIATE, retried without blocking while another connection holds the write lock. */
  private async begin() {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        this.ws.run('BEGIN IMMEDIATE');
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

  async close() {
    await this.checkpointer?.close();
    this.walSync?.close();
    if (this.readerDb !== this.writer) this.readerDb.close();
    this.writer.close();
  }
}
