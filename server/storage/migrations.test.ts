/**
 * Data migrations: a database written by an earlier version (schema 0002) is brought up to date, and
 * what that version left in the log — the old text of edited and deleted messages, their quotes, the last
 * message in join snapshots — is erased by 0003.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, postgresSkip } from '../../test/helpers/postgres.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { loadMigrations } from './migrations.ts';
import { PostgresStorage } from './postgres/index.ts';
import { SqliteStorage } from './sqlite/index.ts';
import type { Storage } from './types.ts';

/** Rows as version 0002 wrote them: a message edited then another deleted, a reply quoting each. */
const msg = (id: string, seq: number, text: string, replyTo: { id: string; text: string | null } | null = null) => ({
  id,
  conversationId: 'c1',
  seq,
  senderId: 'u1',
  clientId: `client-${id}`,
  text,
  replyTo: replyTo ? { ...replyTo, senderId: 'u1', deleted: false } : null,
  createdAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
});
const events: [string, string, string | null, string | null][] = [
  // type, payload, conversation_id, user_id
  [
    'message.created',
    JSON.stringify({ type: 'message.created', conversationId: 'c1', message: msg('m1', 1, 'old secret one') }),
    'c1',
    null,
  ],
  [
    'message.created',
    JSON.stringify({
      type: 'message.created',
      conversationId: 'c1',
      message: msg('m2', 2, 'quoting', { id: 'm1', text: 'old secret one' }),
    }),
    'c1',
    null,
  ],
  [
    'message.edited',
    JSON.stringify({ type: 'message.edited', conversationId: 'c1', message: msg('m1', 1, 'new text') }),
    'c1',
    null,
  ],
  [
    'message.created',
    JSON.stringify({ type: 'message.created', conversationId: 'c1', message: msg('m3', 3, 'deleted secret two') }),
    'c1',
    null,
  ],
  [
    'message.created',
    JSON.stringify({
      type: 'message.created',
      conversationId: 'c1',
      message: msg('m4', 4, 'quoting too', { id: 'm3', text: 'deleted secret two' }),
    }),
    'c1',
    null,
  ],
  [
    'message.deleted',
    JSON.stringify({ type: 'message.deleted', conversationId: 'c1', message: { ...msg('m3', 3, ''), text: null } }),
    'c1',
    null,
  ],
  [
    'conversation.joined',
    JSON.stringify({
      type: 'conversation.joined',
      conversationId: 'c1',
      conversation: { id: 'c1', lastMessage: msg('m4', 4, 'quoting too', { id: 'm3', text: 'deleted secret two' }) },
    }),
    null,
    'u1',
  ],
];
const rows = {
  users: [['u1', 'ana', 'Ana', 'ana', 'h', 1]],
  conversations: [['c1', 'group', 'G', null, 'u1', 1, 1, 4]],
  messages: [
    ['m1', 'c1', 1, 'u1', 'client-m1', 'new text', null, 1, 2, null],
    ['m2', 'c1', 2, 'u1', 'client-m2', 'quoting', 'm1', 1, null, null],
    ['m3', 'c1', 3, 'u1', 'client-m3', null, null, 1, null, 3],
    ['m4', 'c1', 4, 'u1', 'client-m4', 'quoting too', 'm3', 1, null, null],
  ],
};

async function check(storage: Storage) {
  await storage.migrate();
  const log = (await storage.reader.events.eventsAt([1, 2, 3, 4, 5, 6, 7])).map((e) => e.payload).join('\n');
  assert.ok(!log.includes('old secret one'), log);
  assert.ok(!log.includes('deleted secret two'), log);
  const m1 = await storage.reader.messaging.messageById('m1');
  const m4 = await storage.reader.messaging.messageById('m4');
  assert.deepEqual(m1?.eventPositions, [1, 3], "a message's own events are found");
  assert.deepEqual(m4?.eventPositions, [5]);
  const quotes = (await storage.reader.events.eventsAt([2, 5])).map(
    (e) => (JSON.parse(e.payload) as { message: { replyTo: unknown } }).message.replyTo,
  );
  assert.deepEqual(
    quotes.map((q) => [(q as { text: string | null }).text, (q as { deleted: boolean }).deleted]),
    [
      ['new text', false],
      [null, true],
    ],
  );
  assert.deepEqual(
    (await storage.reader.messaging.messagesReplyingTo('m1')).map((m) => m.id),
    ['m2'],
  );
}

describe('migration 0003 on a database written by an earlier version', () => {
  it('sqlite', async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'old.db');
    const db = new Database(file);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const m of loadMigrations('sqlite').filter((m) => m.version <= 2)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    const ins = (table: string, r: unknown[]) =>
      db.prepare(`INSERT INTO ${table} VALUES (${r.map(() => '?').join(', ')})`).run(...r);
    for (const r of rows.users) ins('users', r);
    for (const r of rows.conversations) ins('conversations', r);
    for (const r of rows.messages) ins('messages', r);
    for (const [type, payload, c, u] of events)
      db.prepare('INSERT INTO events (conversation_id, user_id, type, payload, created_at) VALUES (?, ?, ?, ?, 1)').run(
        c,
        u,
        type,
        payload,
      );
    db.close();
    const storage = new SqliteStorage({ path: file, synchronous: 'NORMAL' });
    try {
      await check(storage);
    } finally {
      await storage.close();
      tmp.cleanup();
    }
  });

  describe('postgres', () => {
    let skip: string | false = false;
    let database: { url: string; drop: () => Promise<void> };
    before(async () => {
      skip = await postgresSkip();
      if (!skip) database = await createTestDatabase();
    });
    after(async () => {
      if (!skip) await database.drop();
    });
    it('postgres', async (t) => {
      if (skip) return t.skip(skip);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query(
        'CREATE TABLE schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      for (const m of loadMigrations('postgres').filter((m) => m.version <= 2)) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
      }
      const ins = (table: string, r: unknown[]) =>
        client.query(`INSERT INTO ${table} VALUES (${r.map((_, i) => `$${i + 1}`).join(', ')})`, r);
      for (const r of rows.users) await ins('users', r);
      for (const r of rows.conversations) await ins('conversations', r);
      for (const r of rows.messages) await ins('messages', r);
      for (const [type, payload, c, u] of events)
        await client.query(
          'INSERT INTO events (conversation_id, user_id, type, payload, created_at) VALUES ($1, $2, $3, $4, 1)',
          [c, u, type, payload],
        );
      await client.end();
      const storage = await PostgresStorage.connect(database.url);
      try {
        await check(storage);
      } finally {
        await storage.close();
      }
    });
  });
});
