/**
 * The walbatch VFS (native/walbatch.c, walbatch.ts): a transaction's WAL frames written in one write at
 * its commit, in the file before the commit is visible to anyone — another connection, another thread,
 * another process using SQLite's own VFS — and nothing of a transaction that was not committed when its
 * process died.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { SqliteStorage } from './index.ts';
import { loadWalBatch, walBatchLibrary, walBatchStats } from './walbatch.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Whether this machine has a C compiler: `npm install` then built the VFS, and it must be loaded. Under
 * CI=true nothing is skipped: no compiler fails there.
 */
function hasCompiler(): boolean {
  if (process.env.CI === 'true') return true;
  try {
    execFileSync(process.env.CC || 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What a child process printed, and how it ended. */
function finished(
  child: ChildProcess,
): Promise<{ out: string; err: string; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr?.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ out, err, code, signal }));
  });
}

/** Runs a module in a new Node process from the repository (better-sqlite3 resolves); its stdout. */
async function node(
  code: string,
  args: string[] = [],
  flags: string[] = [],
): Promise<{ out: string; code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', code, ...args], { cwd: root });
  const { out, err, code: exit, signal } = await finished(child);
  if (exit !== 0 && signal === null) throw new Error(`child exited ${exit}: ${err}`);
  return { out, code: exit, signal };
}

/**
 * How a child process (argv: the database file, the VFS's build) starts: the VFS loaded as its default,
 * the database in WAL mode without automatic checkpoints, a table `t (id, v)` and `insert` into it.
 */
const childOpens = `import Database from 'better-sqlite3';
  const m = new Database(':memory:');
  m.loadExtension(process.argv[2], 'sqlite3_walbatch_init');
  m.close();
  const db = new Database(process.argv[1]);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');`;

/**
 * A database of this process in WAL mode, never checkpointed by SQLite itself (its WAL is what these
 * tests look at), with a table `t (id, v)`, or the columns given.
 */
function walTable(file: string, pragmas: string[] = [], columns = 'id INTEGER PRIMARY KEY, v TEXT NOT NULL') {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  for (const p of pragmas) db.pragma(p);
  db.exec(`CREATE TABLE t (${columns})`);
  return db;
}

/** What a process with SQLite's own VFS (no walbatch) reads from the file. */
async function readWithOwnVfs(file: string): Promise<{ n: number; bytes: number; integrity: string }> {
  const { out } = await node(
    `import Database from 'better-sqlite3';
     const db = new Database(process.argv[1], { readonly: true });
     const r = db.prepare('SELECT count(*) AS n, coalesce(sum(length(v)), 0) AS bytes FROM t').get();
     const integrity = db.pragma('integrity_check', { simple: true });
     process.stdout.write(JSON.stringify({ ...r, integrity }));`,
    [file],
  );
  return JSON.parse(out) as { n: number; bytes: number; integrity: string };
}

describe('the walbatch VFS', () => {
  it('is built and is the default VFS of a process that opened a SQLite store', (t) => {
    if (!hasCompiler()) return t.skip('no C compiler: npm install did not build it');
    const { dir, cleanup } = tempDir();
    const storage = new SqliteStorage({ path: path.join(dir, 'a.db'), synchronous: 'NORMAL' });
    try {
      assert.equal(storage.walBatch, 'on', `expected ${walBatchLibrary()}`);
      // Any connection opened after it writes its WAL through it.
      const db = new Database(path.join(dir, 'b.db'));
      db.pragma('journal_mode = WAL');
      const before = walBatchStats(db);
      db.exec('CREATE TABLE t (v TEXT)');
      const after = walBatchStats(db);
      db.close();
      assert.ok(before && after && after.kept > before.kept && after.flushes > before.flushes);
    } finally {
      storage.close();
      cleanup();
    }
  });

  it('writes a commit of many pages in one write, and another process reads it at once', async (t) => {
    if (!hasCompiler()) return t.skip('no C compiler: npm install did not build it');
    assert.equal(loadWalBatch(), 'on');
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'one-write.db');
    const db = walTable(file, ['synchronous = NORMAL']);
    try {
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      const before = walBatchStats(db);
      assert.ok(before);
      // 300 rows of 3 kB: about 300 pages, each a frame of two writes without the VFS.
      db.transaction(() => {
        for (let i = 0; i < 300; i++) insert.run(String(i % 10).repeat(3000));
      })();
      const after = walBatchStats(db);
      assert.ok(after);
      assert.ok(after.kept - before.kept >= 600, `frames kept: ${after.kept - before.kept}`);
      assert.equal(after.flushes - before.flushes, 1, 'the commit is one write');
      assert.equal(after.direct, before.direct);
      // Another process, on SQLite's own VFS, reads the WAL file: the frames are there.
      assert.deepEqual(await readWithOwnVfs(file), { n: 300, bytes: 900_000, integrity: 'ok' });
      // And so on, commit after commit (each after the last a new reader sees it whole).
      for (let round = 1; round <= 3; round++) {
        db.transaction(() => {
          for (let i = 0; i < 50; i++) insert.run('x'.repeat(1000 * round));
        })();
        const seen = await readWithOwnVfs(file);
        assert.equal(seen.n, 300 + 50 * round);
      }
    } finally {
      db.close();
      cleanup();
    }
  });

  it('keeps what a killed process committed, and nothing of the transaction it was in', async (t) => {
    if (!hasCompiler()) return t.skip('no C compiler: npm install did not build it');
    assert.equal(loadWalBatch(), 'on');
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'killed.db');
    try {
      // The child commits 20 transactions, then starts one so large that SQLite spills its pages into
      // the WAL before the commit (a small page cache): frames the VFS keeps in memory, or writes, but
      // never makes visible. It says so, and waits to be killed.
      const child = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `${childOpens}
           db.pragma('cache_size = 20');
           for (let i = 0; i < 20; i++) db.transaction(() => { for (let j = 0; j < 25; j++) insert.run('c'.repeat(2000)); })();
           db.exec('BEGIN');
           for (let j = 0; j < 2000; j++) insert.run('u'.repeat(2000));
           const stats = JSON.parse(db.prepare('SELECT walbatch_stats() AS s').get().s);
           process.stdout.write('spilled ' + JSON.stringify(stats) + '\\n');
           setInterval(() => {}, 1000);`,
          file,
          walBatchLibrary(),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c;
          if (out.includes('\n')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      assert.match(line, /^spilled /);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // A new process (SQLite's own VFS) recovers the WAL: the 20 commits, not one row of the last.
      assert.deepEqual(await readWithOwnVfs(file), { n: 500, bytes: 1_000_000, integrity: 'ok' });
    } finally {
      cleanup();
    }
  });

  it("drops the frames of a transaction rolled back, so another writer's frames are never overwritten", async (t) => {
    if (!hasCompiler()) return t.skip('no C compiler: npm install did not build it');
    assert.equal(loadWalBatch(), 'on');
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'rolled-back.db');
    const a = new Database(file);
    const b = new Database(file);
    try {
      a.pragma('journal_mode = WAL');
      a.pragma('wal_autocheckpoint = 0');
      b.pragma('wal_autocheckpoint = 0');
      a.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
      // The WAL empty: undoing A's transaction then reads nothing from it (which would write what A kept).
      a.pragma('wal_checkpoint(TRUNCATE)');
      // A's transaction spills pages into the WAL before its end (a small cache): frames the VFS keeps.
      a.pragma('cache_size = 10');
      const insertA = a.prepare('INSERT INTO t (v) VALUES (?)');
      a.exec('BEGIN');
      for (let i = 0; i < 300; i++) insertA.run('a'.repeat(2000));
      const kept = walBatchStats(a);
      assert.ok(kept && kept.pending > 0, 'A keeps frames of its transaction');
      a.exec('ROLLBACK');
      const after = walBatchStats(a);
      assert.ok(after);
      assert.equal(after.pending, 0, 'dropped as the transaction ends');
      assert.equal(after.dropped, kept.dropped + 1);
      // B, another connection, then writes where those frames would have gone, and commits.
      const insertB = b.prepare('INSERT INTO t (v) VALUES (?)');
      b.transaction(() => {
        for (let i = 0; i < 100; i++) insertB.run('b'.repeat(2000));
      })();
      // A reads (and writes) again: nothing it kept of the rolled-back transaction reaches the file.
      assert.equal((a.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 100);
      insertA.run('a2');
      assert.deepEqual(await readWithOwnVfs(file), { n: 101, bytes: 200_002, integrity: 'ok' });
    } finally {
      a.close();
      b.close();
      cleanup();
    }
  });

  it("refuses a commit past the process's file-size limit with SQLITE_FULL at the write, and goes on", async (t) => {
    if (!hasCompiler()) return t.skip('no C compiler: npm install did not build it');
    if (process.platform !== 'linux') return t.skip('the limit is checked where fallocate allocates ahead (Linux)');
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'limited.db');
    try {
      // A process limited to 8 MiB files (`ulimit -f`, as systemd's LimitFSIZE; Node ignores SIGXFSZ, so a
      // write past it fails with EFBIG): the WAL grows commit by commit until a write would pass the limit.
      // Without the check, fallocate(KEEP_SIZE) allocates past the limit, the write at the barrier fails
      // and the process aborts; with it, the commit that needed the space fails, like a full disk.
      const code = `${childOpens}
        const count = () => db.prepare('SELECT count(*) AS n FROM t').get().n;
        let commits = 0, error = null;
        for (; commits < 10000; commits++) {
          try { db.transaction(() => { for (let j = 0; j < 10; j++) insert.run('w'.repeat(3000)); })(); }
          catch (e) { error = e.code; break; }
        }
        const atLimit = count();
        // The WAL checkpointed and started over: the next commit has room again.
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.transaction(() => { for (let j = 0; j < 10; j++) insert.run('x'.repeat(3000)); })();
        const stats = JSON.parse(db.prepare('SELECT walbatch_stats() AS s').get().s);
        process.stdout.write(JSON.stringify({ commits, error, atLimit, after: count(), direct: stats.direct,
          integrity: db.pragma('integrity_check', { simple: true }) }));`;
      const child = spawn(
        'bash',
        [
          '-c',
          'ulimit -f 8192 && exec "$0" --input-type=module -e "$1" "$2" "$3"',
          process.execPath,
          code,
          file,
          walBatchLibrary(),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const result = await finished(child);
      assert.equal(result.signal, null, `the process died (${result.signal}): ${result.err}`);
      assert.equal(result.code, 0, result.err);
      const seen = JSON.parse(result.out) as {
        commits: number;
        error: string | null;
        atLimit: number;
        after: number;
        direct: number;
        integrity: string;
      };
      assert.equal(seen.error, 'SQLITE_FULL');
      assert.ok(seen.commits > 50, `commits before the limit: ${seen.commits}`);
      assert.equal(seen.atLimit, seen.commits * 10, 'every acknowledged commit, nothing of the refused one');
      assert.equal(seen.after, seen.atLimit + 10);
      assert.equal(seen.direct, 0, 'the frames were kept and written in one write throughout');
      assert.equal(seen.integrity, 'ok');
      const read = await readWithOwnVfs(file);
      assert.equal(read.n, seen.after);
      assert.equal(read.integrity, 'ok');
    } finally {
      cleanup();
    }
  });

  it("keeps SQLite's page cache from walking all its pages at every commit after a page split", async (t) => {
    if (!hasCompiler()) return t.skip('no C compiler: npm install did not build it');
    assert.equal(loadWalBatch(), 'on');
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'parked.db');
    // Random keys in an index: its pages split all over, and balance_nonroot swaps their numbers.
    const db = walTable(file, ['cache_size = -65536'], 'id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL');
    try {
      db.exec('CREATE INDEX t_k ON t (k)');
      const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
      let seed = 1;
      const key = () => {
        seed = (seed * 48271) % 2147483647;
        return `k${seed.toString(36)}${(seed * 7).toString(36)}`;
      };
      const rows = (n: number) =>
        db.transaction(() => {
          for (let i = 0; i < n; i++) insert.run(key(), 'v'.repeat(40));
        });
      rows(20_000)();
      const before = walBatchStats(db);
      for (let c = 0; c < 100; c++) rows(30)();
      const after = walBatchStats(db);
      assert.ok(before && after);
      if (process.platform === 'linux' && process.arch === 'x64') {
        // better-sqlite3's prebuilt module for this platform: its symbols are there, the fix is on.
        assert.equal(after.cacheFix, 1, 'the page cache is patched');
        assert.ok(after.parked > before.parked, `pages parked during splits: ${after.parked - before.parked}`);
      }
      // A transaction that split pages and grew the file, rolled back: the cache drops its pages past the
      // end as before (they are under the largest key it keeps), and nothing of it remains.
      const n = (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
      db.exec('BEGIN');
      for (let i = 0; i < 5000; i++) insert.run(key(), 'w'.repeat(400));
      db.exec('ROLLBACK');
      assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, n);
      rows(500)();
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const read = await readWithOwnVfs(file);
      assert.equal(read.n, n + 500);
      assert.equal(read.integrity, 'ok');
    } finally {
      db.close();
      cleanup();
    }
  });

  it('is off when SQLITE_WAL_BATCH=off: SQLite writes the WAL itself', async (t) => {
    if (!hasCompiler()) return t.skip('no C compiler: npm install did not build it');
    const { dir, cleanup } = tempDir();
    try {
      // A process of its own: once loaded, the VFS is the default of the process that loaded it.
      const run = (setting: string) =>
        node(
          `import { loadConfig } from './server/config.ts';
           import { openStorage } from './server/storage/index.ts';
           import Database from 'better-sqlite3';
           const config = loadConfig({ DATA_DIR: process.argv[1], SQLITE_WAL_BATCH: process.argv[2] || undefined });
           const storage = await openStorage(config.database);
           const db = new Database(process.argv[1] + '/probe.db');
           let vfs = 'walbatch';
           try { db.prepare('SELECT walbatch_stats()').get(); } catch { vfs = 'own'; }
           db.close();
           await storage.close();
           process.stdout.write(JSON.stringify({ walBatch: storage.walBatch, vfs, pageCacheFix: storage.pageCacheFix }));`,
          [dir, setting],
          ['--import', 'tsx'],
        );
      // Off: the extension is never loaded (its function, walbatch_stats, does not exist), and SQLite's page
      // cache is as SQLite made it. On: both, the fix where better-sqlite3's prebuilt module is the one here.
      const prebuilt = process.platform === 'linux' && process.arch === 'x64';
      assert.deepEqual(JSON.parse((await run('off')).out), { walBatch: 'off', vfs: 'own', pageCacheFix: false });
      const on = JSON.parse((await run('')).out) as { walBatch: string; vfs: string; pageCacheFix: boolean };
      assert.deepEqual({ walBatch: on.walBatch, vfs: on.vfs }, { walBatch: 'on', vfs: 'walbatch' });
      if (prebuilt) assert.equal(on.pageCacheFix, true, 'the start line says pageCacheFix: true');
    } finally {
      cleanup();
    }
  });
});
