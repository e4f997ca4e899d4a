/**
 * A disk that fills under the embedded SQLite store, for real: the server process runs with a file-size
 * limit (`ulimit -f`, as systemd's LimitFSIZE sets one), so its WAL reaches the end of its space at a known
 * size. Writes past it are answered `storage_unavailable` (503); the server keeps running and serving what
 * it stored; every acknowledged message is there after a restart with room, and nothing of a refused one.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { MessageView } from '../../protocol/views.ts';
import { history, signIn, signUp, startDirect } from '../helpers/client.ts';
import { type ServerProcess, spawnServer } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';

type Err = { error: { id: string } };

const env = (dataDir: string, extra: Record<string, string>) => ({
  ...extra,
  DATA_DIR: dataDir,
  RATE_MESSAGES_BURST: '100000',
  RATE_MESSAGES_PER_SECOND: '100000',
  RATE_REQUESTS_PER_MINUTE: '100000',
  RATE_SIGNUPS_PER_HOUR: '1000',
});

// The WAL written in one write per commit (walbatch: the limit checked as it allocates ahead), and by
// SQLite itself (its writes fail with EFBIG).
for (const extra of [{}, { SQLITE_WAL_BATCH: 'off' }] as Record<string, string>[]) {
  describe(`a full disk under SQLite (the process at its file-size limit${extra.SQLITE_WAL_BATCH ? ', SQLITE_WAL_BATCH=off' : ''})`, {
    timeout: 120_000,
  }, () => {
    const tmp = tempDir();
    let server: ServerProcess | null = null;
    after(async () => {
      server?.child.kill('SIGKILL');
      await server?.exited;
      tmp.cleanup();
    });

    it('refuses writes with storage_unavailable, keeps running, and loses nothing acknowledged', async () => {
      // 24 MiB per file: the WAL (which the checkpointer starts over only at 256 MiB) reaches it first.
      server = await spawnServer(env(tmp.dir, extra), [], { fileSizeLimitKiB: 24 * 1024 });
      const ana = await signUp(server.url);
      const ben = await signUp(server.url);
      const conversationId = (await startDirect(ana, ben)).id;
      const acknowledged: string[] = [];
      let refused: { status: number; id: string; clientId: string; text: string } | null = null;
      for (let i = 0; i < 20_000 && refused === null; i++) {
        const clientId = `disk-fill-${i}`;
        const text = `${i} ${'·'.repeat(3900)}`;
        const r = await ana.http.post<Err | { message: MessageView }>(`/api/conversations/${conversationId}/messages`, {
          clientId,
          text,
        });
        if (r.status === 201) acknowledged.push(clientId);
        else refused = { status: r.status, id: 'error' in r.body ? r.body.error.id : '', clientId, text };
      }
      assert.ok(refused, 'the disk filled');
      assert.deepEqual([refused.status, refused.id], [503, 'storage_unavailable']);
      assert.ok(acknowledged.length > 100, `messages stored before the disk filled: ${acknowledged.length}`);

      // Still running: it answers, serves what it stored, and refuses the next write the same way.
      assert.equal(server.child.exitCode, null);
      assert.equal(server.child.signalCode, null);
      assert.equal((await ana.http.get('/healthz')).status, 200);
      const seen = await history(ben, conversationId);
      assert.deepEqual(
        seen.map((m) => m.clientId),
        acknowledged,
      );
      // The same message again needs the same room (a shorter one might still fit under the limit).
      const again = await ana.http.post<Err>(`/api/conversations/${conversationId}/messages`, {
        clientId: refused.clientId,
        text: refused.text,
      });
      assert.deepEqual([again.status, again.body.error.id], [503, 'storage_unavailable']);

      // Restarted with room: every acknowledged message, once; the refused one was never stored.
      server.child.kill('SIGTERM');
      await server.exited;
      server = await spawnServer(env(tmp.dir, extra));
      const benAgain = await signIn(server.url, ben);
      assert.deepEqual(
        (await history(benAgain, conversationId)).map((m) => m.clientId),
        acknowledged,
      );
      const anaAgain = await signIn(server.url, ana);
      const stored = await anaAgain.http.post<{ message: MessageView }>(
        `/api/conversations/${conversationId}/messages`,
        {
          clientId: refused.clientId,
          text: refused.text,
        },
      );
      assert.equal(stored.status, 201, 'new: the refused attempt stored nothing');
    });
  });
}
