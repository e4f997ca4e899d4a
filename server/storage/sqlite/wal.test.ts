/**
 * The SQLite WAL under a steady stream of writes (checkpoint-worker.mjs, SqliteStorage.begin): it is
 * checkpointed as it grows and started over from the beginning of the file, so that the file stays
 * bounded however much is written without a pause — and nothing written is lost on the way.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { SqliteStorage } from './index.ts';
import { walIndex } from './wal-index.mjs';

const RESTART_BYTES = 4 * 1024 * 1024;
/** What the stream writes: without restarts the WAL file would be at least this large. */
const STREAM_BYTES = 256 * 1024 * 1024;

describe('SQLite WAL under a steady stream of writes', () => {
  it('stays bounded: checkpointed as it grows and started over, every event kept', async () => {
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'wal.db');
    const storage = new SqliteStorage({ path: file, synchronous: 'NORMAL', walRestartBytes: RESTART_BYTES });
    let appended = 0;
    try {
      await storage.migrate();
      const payload = JSON.stringify({ text: 'x'.repeat(3000) });
      let largest = 0;
      let written = 0;
      let pos = 0;
      // The WAL's frame count (mxFrame, in the WAL-index header of the -shm file): it falls when the WAL
      // is started over.
      const header = walIndex(file);
      const frames = () => header.frames() ?? 0;
      let restarts = 0;
      let before = 0;
      // Back to back, never idle: without restarts the WAL would hold every frame written. How soon each
      // restart comes depends on how fast the checkpointer's thread runs beside the stream (a busy machine:
      // later), so the stream goes on past STREAM_BYTES until the WAL has been started over three times.
      const deadline = Date.now() + 60_000;
      while ((written < STREAM_BYTES || restarts < 3) && Date.now() < deadline) {
        pos = await storage.transaction(async (tx) => {
          let last = 0;
          for (let i = 0; i < 20; i++)
            last = await tx.events.appendEvent({
              conversationId: null,
              userId: null,
              scope: 'bench:wal',
              type: 'wal.test',
              payload,
              createdAt: Date.now(),
              messageSeq: null,
            });
          return last;
        });
        // A server's event loop turns between two batches (sockets, timers): so does this one.
        await new Promise((resolve) => setImmediate(resolve));
        written += 20 * payload.length;
        appended += 20;
        largest = Math.max(largest, fs.statSync(`${file}-wal`).size);
        const now = frames();
        if (now < before) restarts++;
        before = now;
      }
      header.close();
      assert.ok(written >= STREAM_BYTES, `the stream wrote ${written} bytes in 60 s`);
      // Started over again and again, the file below what was written — without restarts it holds every
      // frame, more than the payloads themselves (465 MB for these 256 MiB).
      assert.ok(restarts >= 3, `the WAL was started over ${restarts} times in 60 s`);
      assert.ok(largest < written, `WAL file reached ${largest} bytes for ${written} written`);
      assert.equal(pos, appended);
    } finally {
      await storage.close();
    }
    // Reopened from the files alone: every event the stream committed, in a sound database.
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const { n } = db.prepare("SELECT count(*) AS n FROM events WHERE scope = 'bench:wal'").get() as { n: number };
      assert.equal(n, appended);
    } finally {
      db.close();
      cleanup();
    }
  });
});
