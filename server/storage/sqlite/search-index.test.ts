/**
 * SQLite's full-text index written once per transaction (migration 0031, messaging.ts indexNewMessages):
 * what a database indexed message by message (0024's trigger) keeps, and the rowids SQLite hands out again
 * after the newest rows are deleted. The behaviour both backends share is in messaging/search.contract.ts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { searchTerms } from '../../lib/search.ts';
import type { MessageRecord } from '../../messaging/store.ts';
import { loadMigrations } from '../migrations.ts';
import { SqliteStorage } from './index.ts';

const message = (id: string, seq: number, text: string | null): MessageRecord => ({
  id,
  conversationId: 'c1',
  seq,
  senderId: 'u1',
  clientId: `client-${id}`,
  text,
  replyToId: null,
  createdAt: 1000 + seq,
  editedAt: null,
  deletedAt: null,
  content: null,
  eventPositions: [],
});

/** A database at schema `upTo` with a user `u1`, a group `c1` they are in, and `texts` as its messages. */
function oldDatabase(file: string, upTo: number, texts: string[]) {
  const db = new Database(file);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  for (const m of loadMigrations('sqlite').filter((m) => m.version <= upTo)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
  }
  db.prepare(
    `INSERT INTO users (id, username, display_name, display_name_folded, password_hash, created_at)
     VALUES ('u1', 'ana', 'Ana', 'ana', 'h', 1)`,
  ).run();
  db.prepare(
    `INSERT INTO conversations (id, kind, title, direct_key, created_by, created_at, last_activity_at, last_seq)
     VALUES ('c1', 'group', 'G', NULL, 'u1', 1, 1, ?)`,
  ).run(texts.length);
  db.prepare(
    `INSERT INTO members (conversation_id, user_id, role, delivered_seq, read_seq, joined_at)
     VALUES ('c1', 'u1', 'admin', 0, 0, 1)`,
  ).run();
  const insert = db.prepare(
    `INSERT INTO messages (id, conversation_id, seq, sender_id, text, created_at, event_positions)
     VALUES (?, 'c1', ?, 'u1', ?, 1, '')`,
  );
  for (const [i, text] of texts.entries()) insert.run(`old${i + 1}`, i + 1, text);
  db.close();
}

const find = async (storage: SqliteStorage, q: string) =>
  (
    await storage.reader.messaging.searchMessages({
      userId: 'u1',
      conversationIds: ['c1'],
      terms: searchTerms(q),
      before: null,
      limit: 20,
    })
  ).map((m) => m.text);

describe("SQLite's full-text index, written once per transaction (migration 0031)", () => {
  it('keeps what the per-message trigger indexed, and indexes what comes after', async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'old.db');
    oldDatabase(file, 30, ['ancien bonjour', 'ancien salut']);
    const storage = new SqliteStorage({ path: file, synchronous: 'NORMAL' });
    try {
      await storage.migrate();
      assert.deepEqual(await find(storage, 'ancien'), ['ancien salut', 'ancien bonjour']);
      await storage.transaction(async (tx) => {
        await tx.messaging.insertMessage(message('new3', 3, 'nouveau bonjour'));
        await tx.messaging.updateMessage('old2', 'ancien au revoir', 2000, null, [], null);
      });
      assert.deepEqual(await find(storage, 'bonjour'), ['nouveau bonjour', 'ancien bonjour']);
      assert.deepEqual(await find(storage, 'salut'), [], 'an old message edited leaves its old words');
      assert.deepEqual(await find(storage, 'revoir'), ['ancien au revoir']);
    } finally {
      await storage.close();
      tmp.cleanup();
    }
  });

  it("indexes a message given the rowid of a deleted one (SQLite reuses the newest rows' rowids)", async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'reuse.db');
    const storage = new SqliteStorage({ path: file, synchronous: 'NORMAL' });
    const raw = new Database(file);
    try {
      await storage.migrate();
      raw.exec(`INSERT INTO users (id, username, display_name, display_name_folded, password_hash, created_at)
                VALUES ('u1', 'ana', 'Ana', 'ana', 'h', 1)`);
      raw.exec(`INSERT INTO conversations (id, kind, title, direct_key, created_by, created_at, last_activity_at, last_seq)
                VALUES ('c1', 'group', 'G', NULL, 'u1', 1, 1, 0)`);
      raw.exec(`INSERT INTO members (conversation_id, user_id, role, delivered_seq, read_seq, joined_at)
                VALUES ('c1', 'u1', 'admin', 0, 0, 1)`);
      await storage.transaction(async (tx) => {
        for (const [i, text] of ['un chat', 'deux chats', 'trois chats'].entries()) {
          await tx.messaging.insertMessage(message(`m${i + 1}`, i + 1, text));
        }
      });
      const rowid = (id: string) =>
        (raw.prepare('SELECT rowid FROM messages WHERE id = ?').get(id) as { rowid: number }).rowid;
      const gone = [rowid('m2'), rowid('m3')];
      // The two newest rows deleted (not something the server does today: a retention job might).
      raw.exec("DELETE FROM messages WHERE id = 'm2'");
      raw.exec("DELETE FROM messages WHERE id = 'm3'");
      assert.deepEqual(await find(storage, 'chat'), ['un chat']);
      await storage.transaction(async (tx) => {
        await tx.messaging.insertMessage(message('m4', 4, 'quatre chats'));
        await tx.messaging.insertMessage(message('m5', 5, 'cinq chats'));
      });
      assert.deepEqual([rowid('m4'), rowid('m5')], gone, 'the rowids came back');
      assert.deepEqual(await find(storage, 'chats'), ['cinq chats', 'quatre chats']);
    } finally {
      raw.close();
      await storage.close();
      tmp.cleanup();
    }
  });
});
