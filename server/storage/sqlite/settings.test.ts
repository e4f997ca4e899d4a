/**
 * What the SQLite writer connection runs with: WAL, synchronous NORMAL (or FULL), freed space zeroed,
 * and a page cache of SQLITE_CACHE_MB — SQLite's own 2 MiB made bench:commerce's tracking read a page
 * back from the WAL on most jobs (docs/BENCHMARKS.md).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { loadConfig } from '../../config.ts';
import { openStorage } from '../index.ts';
import { SQLITE_CACHE_MB, SqliteStorage } from './index.ts';

describe('the SQLite writer connection', () => {
  it('runs in WAL mode, zeroes freed space, and keeps a page cache of SQLITE_CACHE_MB', async () => {
    const { dir, cleanup } = tempDir();
    const opened: SqliteStorage[] = [];
    try {
      const byDefault = new SqliteStorage({ path: path.join(dir, 'a.db'), synchronous: 'NORMAL' });
      opened.push(byDefault);
      assert.deepEqual(byDefault.writerSettings(), {
        journalMode: 'wal',
        synchronous: 1,
        cacheSize: -1024 * SQLITE_CACHE_MB,
        secureDelete: 1,
      });
      assert.equal(SQLITE_CACHE_MB, 64);
      const configured = (await openStorage(
        loadConfig({ DATA_DIR: dir, SQLITE_CACHE_MB: '8', SQLITE_SYNCHRONOUS: 'FULL' }).database,
      )) as SqliteStorage;
      opened.push(configured);
      assert.equal(configured.writerSettings().cacheSize, -8 * 1024);
      assert.equal(configured.writerSettings().synchronous, 1, 'FULL is an fdatasync after the commit (WalSync)');
    } finally {
      for (const s of opened) await s.close();
      cleanup();
    }
  });

  it('plans each statement once, without its bound values (QPSG), on the writer and the reader', async (t) => {
    const { dir, cleanup } = tempDir();
    const storage = new SqliteStorage({ path: path.join(dir, 'q.db'), synchronous: 'NORMAL' });
    try {
      // better-sqlite3 clears a statement's bindings after each call; without QPSG, SQLite then planned
      // again, on every call, any statement whose plan weighs a bound value (native/walbatch.c).
      if (storage.walBatch !== 'on') return t.skip(`the walbatch library is not loaded (${storage.walBatch})`);
      assert.deepEqual(storage.plannedOnce(), { writer: true, reader: true });
    } finally {
      await storage.close();
      cleanup();
    }
  });
});
