/**
 * When the database fails: requests and socket frames are answered `storage_unavailable` (503 over
 * HTTP), nothing half-written is left, and the server goes on once the database is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../helpers/backends.ts';
import { type Person, SocketClient, signUp, startDirect } from '../helpers/client.ts';
import { POSTGRES_URL } from '../helpers/postgres.ts';
import type { TestServer } from '../helpers/server.ts';

type Err = { error: { id: string } };

for (const backend of backends) {
  describe(`when the database fails (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let conversationId: string;
    /** Makes the database fail, and answers how to make it work again. */
    let breakDatabase: () => Promise<() => Promise<void>>;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend);
      [ana, ben] = [await signUp(s.url), await signUp(s.url)];
      conversationId = (await startDirect(ana, ben)).id;
      if (backend.name === 'sqlite') {
        // The writer connection refuses to write (SQLITE_READONLY), as a read-only or failing disk would.
        const writer = (s.comptoir.storage as unknown as { writer: { pragma(p: string): unknown } }).writer;
        breakDatabase = async () => {
          writer.pragma('query_only = ON');
          return async () => {
            writer.pragma('query_only = OFF');
          };
        };
      } else {
        // The database stops taking connections and drops the ones it has, as during a failover.
        const name = new URL(s.config.database.kind === 'postgres' ? s.config.database.url : '').pathname.slice(1);
        breakDatabase = async () => {
          const admin = new pg.Client({ connectionString: POSTGRES_URL });
          await admin.connect();
          await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
          await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
          return async () => {
            await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
            await admin.end();
          };
        };
      }
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('answers storage_unavailable (503) and error frames, stores nothing half-way, and recovers', async (t) => {
      if (skip) return t.skip(skip);
      const sock = await SocketClient.live(s.wsUrl, ana);
      const before = (await ana.http.get<{ messages: MessageView[] }>(`/api/conversations/${conversationId}/messages`))
        .body.messages.length;
      const repair = await breakDatabase();
      try {
        const http = await ana.http.post<Err>(`/api/conversations/${conversationId}/messages`, {
          clientId: 'while-broken-1',
          text: 'lost?',
        });
        assert.deepEqual([http.status, http.body.error.id], [503, 'storage_unavailable']);
        sock.send({ type: 'send', ref: 'sb', conversationId, clientId: 'while-broken-2', text: 'lost too?' });
        const frame = await sock.next((f) => f.type === 'error' && f.ref === 'sb', 15_000);
        assert.equal(frame.type === 'error' && frame.error.id, 'storage_unavailable');
        if (backend.name === 'postgres') {
          const read = await ana.http.get<Err>('/api/conversations');
          assert.deepEqual([read.status, read.body.error.id], [503, 'storage_unavailable'], 'reads too');
        }
        assert.equal((await ana.http.get('/healthz')).status, 200, 'the server goes on');
      } finally {
        await repair();
      }
      // Back: the same sends succeed, once each; nothing from the failed attempts was kept.
      const retried = await ana.http.post<{ message: MessageView }>(`/api/conversations/${conversationId}/messages`, {
        clientId: 'while-broken-1',
        text: 'lost?',
      });
      assert.equal(retried.status, 201, 'the retry is new: the failed attempt stored nothing');
      await sock.sendMessage(conversationId, 'lost too?', 'while-broken-2');
      const after = (await ana.http.get<{ messages: MessageView[] }>(`/api/conversations/${conversationId}/messages`))
        .body.messages;
      assert.equal(after.length, before + 2);
      sock.close();
    });
  });
}
