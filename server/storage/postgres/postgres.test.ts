import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, POSTGRES_URL, postgresSkip } from '../../../test/helpers/postgres.ts';
import type { UserRecord } from '../../accounts/store.ts';
import { storageContract } from '../contract.ts';
import { loadMigrations } from '../migrations.ts';
import { CommitOutcomeUnknown } from '../types.ts';
import { PostgresStorage, WRITER_RENEWED_AFTER } from './index.ts';

storageContract(
  'postgres',
  async () => {
    const db = await createTestDatabase();
    const open = () => PostgresStorage.connect(db.url);
    return { storage: await open(), reopen: open, cleanup: db.drop };
  },
  { skip: postgresSkip },
);

describe('postgres backend', () => {
  let skip: string | false = false;
  let db: { url: string; drop: () => Promise<void> };
  let admin: pg.Client;
  const opened: PostgresStorage[] = [];
  let n = 0;
  const user = (over: Partial<UserRecord> = {}): UserRecord => {
    const id = `pgu${++n}`;
    return {
      id,
      username: `pg_${id}`,
      displayName: `Pg ${id}`,
      kind: 'person',
      passwordHash: 'h',
      createdAt: 1_700_000_000_000 + n,
      ...over,
    };
  };
  const open = async () => {
    const s = await PostgresStorage.connect(db.url);
    opened.push(s);
    return s;
  };

  /** Kills this database's connections with that application_name, and waits until they are gone. */
  const kill = async (applicationName: 'comptoir-writer' | 'comptoir-reader') => {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
      [new URL(db.url).pathname.slice(1), applicationName],
    );
    assert.ok(rows.length > 0, `a ${applicationName} connection to kill`);
    for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    for (;;) {
      const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [
        rows.map((r) => r.pid),
      ]);
      if (left.rowCount === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50)); // let the client read the end of its socket
  };

  before(async () => {
    skip = await postgresSkip();
    if (skip) return;
    db = await createTestDatabase();
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
  });
  after(async () => {
    if (skip) return;
    for (const s of opened) await s.close().catch(() => {});
    await admin.end();
    await db.drop();
  });

  it('migrates from two processes at once on a fresh database', async (t) => {
    if (skip) return t.skip(skip);
    const [a, b] = await Promise.all([open(), open()]);
    await Promise.all([a.migrate(), b.migrate()]);
    await Promise.all([a.migrate(), b.migrate()]);
    // schema_migrations lives in the test database, not in the admin's.
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    const applied = await check.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    await check.end();
    assert.deepEqual(
      applied.rows.map((r) => r.version),
      loadMigrations('postgres').map((m) => m.version),
    );
    const u = user();
    await a.transaction((tx) => tx.accounts.insertUser(u));
    assert.deepEqual(await b.reader.accounts.userById(u.id), u);
  });

  it('gives positions in commit order across two writing processes: a reader following the log never skips a late row', async (t) => {
    if (skip) return t.skip(skip);
    const [a, b] = await Promise.all([open(), open()]);
    const event = (payload: string) => ({ conversationId: null, userId: 'someone', type: 'x', payload, createdAt: 1 });
    const start = await a.reader.events.headPosition();
    // A takes its position, then stays open; B appends meanwhile and commits as soon as it may.
    let releaseA = () => {};
    const held = new Promise<void>((r) => {
      releaseA = r;
    });
    let tookA = () => {};
    const took = new Promise<void>((r) => {
      tookA = r;
    });
    const first = a.transaction(async (tx) => {
      const pos = await tx.events.appendEvent(event('"a"'));
      tookA();
      await held;
      return pos;
    });
    await took;
    let bDone = false;
    const second = b
      .transaction((tx) => tx.events.appendEvent(event('"b"')))
      .then((pos) => {
        bDone = true;
        return pos;
      });
    // A consumer following the log while A is open: B must not be visible (nor committed) before A.
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(bDone, false, 'B waits for the sequencer while A holds it');
    const head = await a.reader.events.headPosition();
    assert.deepEqual(await a.reader.events.eventsAfter(start, 10, head), [], 'nothing committed yet');
    releaseA();
    const [posA, posB] = await Promise.all([first, second]);
    assert.ok(posB > posA, `B (${posB}) after A (${posA}): pos order is commit order`);
    const all = await b.reader.events.eventsAfter(start, 10, await b.reader.events.headPosition());
    assert.deepEqual(
      all.map((e) => e.payload),
      ['"a"', '"b"'],
    );
  });

  it("renews the writer's connection every WRITER_RENEWED_AFTER transactions, between two of them", async (t) => {
    if (skip) return t.skip(skip);
    const writers = async () =>
      (
        await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'comptoir-writer'",
          [new URL(db.url).pathname.slice(1)],
        )
      ).rows.map((r) => r.pid);
    const others = new Set(await writers()); // the writers of this suite's other storages
    const s = await open();
    const mine = async () => (await writers()).filter((pid) => !others.has(pid));
    await s.transaction((tx) => tx.accounts.userById('nobody'));
    const [first] = await mine();
    assert.ok(first, 'a writer connection');
    for (let i = 2; i < WRITER_RENEWED_AFTER; i++) await s.transaction((tx) => tx.accounts.userById('nobody'));
    assert.deepEqual(await mine(), [first], 'the same connection until then');
    // The last transaction on it commits, then the connection ends; the next one runs on a new one.
    const u = user();
    await s.transaction((tx) => tx.accounts.insertUser(u));
    assert.equal((await s.transaction((tx) => tx.accounts.userById(u.id)))?.id, u.id);
    const deadline = Date.now() + 5000;
    for (;;) {
      const now = await mine();
      if (!now.includes(first)) {
        assert.equal(now.length, 1, 'one writer connection');
        break;
      }
      assert.ok(Date.now() < deadline, 'the first connection has ended');
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  it('parses BIGINT to numbers on its own connections only', async (t) => {
    if (skip) return t.skip(skip);
    const s = await open();
    const u = user({ createdAt: Date.now() });
    await s.transaction((tx) => tx.accounts.insertUser(u));
    const back = await s.reader.accounts.userById(u.id);
    assert.equal(typeof back?.createdAt, 'number');
    assert.deepEqual(back, u);
    assert.equal(typeof (await s.reader.events.headPosition()), 'number');
    assert.equal(pg.types.getTypeParser(20, 'text')('12'), '12', "pg's global parser is untouched");
  });

  it('survives the writer connection being killed in a transaction, then reconnects', async (t) => {
    if (skip) return t.skip(skip);
    const s = await open();
    const a = user();
    const b = user();
    const c = user();
    await s.transaction((tx) => tx.accounts.insertUser(user())); // the writer is connected and has worked
    await assert.rejects(
      s.transaction(async (tx) => {
        await tx.accounts.insertUser(a);
        await kill('comptoir-writer');
        await tx.accounts.insertUser(b);
      }),
    );
    await s.transaction((tx) => tx.accounts.insertUser(c));
    assert.equal(await s.reader.accounts.userById(a.id), null, 'the killed transaction left nothing');
    assert.equal(await s.reader.accounts.userById(b.id), null);
    assert.deepEqual(await s.reader.accounts.userById(c.id), c);
  });

  it('survives the writer connection being killed while idle, and the next transaction succeeds', async (t) => {
    if (skip) return t.skip(skip);
    const errors: string[] = [];
    const s = await PostgresStorage.connect(db.url, { onConnectionError: (_e, which) => errors.push(which) });
    opened.push(s);
    await kill('comptoir-writer'); // an unhandled 'error' event here would end the test process
    const u = user();
    await s.transaction((tx) => tx.accounts.insertUser(u));
    assert.deepEqual(await s.reader.accounts.userById(u.id), u);
    assert.deepEqual(errors, ['writer'], 'the error was reported, once');
  });

  it('survives reader connections being killed', async (t) => {
    if (skip) return t.skip(skip);
    const s = await open();
    const u = user();
    await s.transaction((tx) => tx.accounts.insertUser(u));
    await Promise.all([
      s.reader.accounts.userById(u.id),
      s.reader.messaging.conversationList(u.id),
      s.reader.events.headPosition(),
    ]);
    await kill('comptoir-reader');
    assert.deepEqual(await s.reader.accounts.userById(u.id), u);
    assert.deepEqual((await s.reader.messaging.conversationList(u.id)).items, []);
  });

  it('survives a reader connection being killed in the middle of the conversation list', async (t) => {
    if (skip) return t.skip(skip);
    const s = await open();
    const u = user();
    await s.transaction((tx) => tx.accounts.insertUser(u));
    // Hold the list's first query on a lock, kill its connection there, then let go.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
    const list = s.reader.messaging.conversationList(u.id);
    list.catch(() => {}); // awaited below
    for (;;) {
      const waiting = await admin.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = 'comptoir-reader' AND wait_event_type = 'Lock'`,
      );
      if (waiting.rowCount) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await kill('comptoir-reader');
    await assert.rejects(list);
    await locker.query('ROLLBACK');
    await locker.end();
    assert.deepEqual((await s.reader.messaging.conversationList(u.id)).items, []);
  });

  it('does not commit a transaction whose failed statement a job swallowed', async (t) => {
    if (skip) return t.skip(skip);
    const s = await open();
    const a = user();
    const taken = user();
    await s.transaction((tx) => tx.accounts.insertUser(taken));
    await assert.rejects(
      s.transaction(async (tx) => {
        await tx.accounts.insertUser(a);
        await tx.accounts.insertUser({ ...user(), username: taken.username }).catch(() => {}); // swallowed
      }),
    );
    assert.equal(await s.reader.accounts.userById(a.id), null);
  });

  it('answers "not found" for keys holding U+0000, which PostgreSQL text cannot store', async (t) => {
    if (skip) return t.skip(skip);
    const s = await open();
    assert.equal(await s.reader.accounts.userByUsername('ab\u0000c'), null);
    assert.equal(await s.reader.accounts.userById('x\u0000'), null);
    assert.equal(await s.reader.messaging.conversationById('x\u0000'), null);
    assert.equal(await s.reader.messaging.messageById('x\u0000'), null);
    assert.deepEqual(await s.reader.accounts.usersByIds(['x\u0000']), []);
    assert.deepEqual(await s.reader.accounts.searchUsers('a\u0000', 10, 'x'), []);
  });
});

describe('postgres COMMIT without an answer', () => {
  let skip: string | false = false;
  let db: { url: string; drop: () => Promise<void> };
  before(async () => {
    skip = await postgresSkip();
    if (!skip) db = await createTestDatabase();
  });
  after(async () => {
    if (!skip) await db.drop();
  });

  it('is told apart from a refused COMMIT (CommitOutcomeUnknown), and the next transaction reconnects', async (t) => {
    if (skip) return t.skip(skip);
    const s = await PostgresStorage.connect(db.url);
    try {
      await s.migrate();
      const mk = (id: string): UserRecord => ({
        id,
        username: id,
        displayName: id,
        kind: 'person',
        passwordHash: 'h',
        createdAt: 1,
      });
      await s.transaction((tx) => tx.accounts.insertUser(mk('first')));
      // The connection drops right after COMMIT is sent: the answer never comes.
      const writer = (s as unknown as { writer: pg.Client }).writer;
      const query = writer.query.bind(writer) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
      (writer as unknown as { query: typeof query }).query = (text: string, values?: unknown[]) => {
        const answer = query(text, values);
        if (text === 'COMMIT')
          (writer as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        return answer;
      };
      await assert.rejects(
        s.transaction((tx) => tx.accounts.insertUser(mk('unknown'))),
        (e: Error) => e instanceof CommitOutcomeUnknown,
      );
      await s.transaction((tx) => tx.accounts.insertUser(mk('after')));
      assert.ok(await s.reader.accounts.userById('after'), 'a new connection serves the next transaction');
    } finally {
      await s.close();
    }
  });
});
