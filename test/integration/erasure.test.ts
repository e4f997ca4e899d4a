/**
 * Deletion that erases: after an edit and a delete for everyone, the old text is nowhere a member can read
 * it — not in the HTTP API, not in the event log over HTTP or a socket replay from cursor 0, not in the
 * quotes of replies — and, on SQLite, not in the database file once checkpointed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ServerFrame } from '../../protocol/frames.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../helpers/backends.ts';
import { type Person, SocketClient, signUp, startDirect } from '../helpers/client.ts';
import type { TestServer } from '../helpers/server.ts';

const SECRETS = ['original secret alpha', 'second secret bravo', 'deleted secret charlie'];

for (const backend of backends) {
  describe(`erasure (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_CATCHUP_EVENTS_PER_SECOND: '1000000' });
      ana = await signUp(s.url);
      ben = await signUp(s.url);
    });
    after(async () => {
      if (!skip) await s.close();
    });

    /** Every answer a member can get, as one string. */
    async function everything(p: Person, conversationId: string): Promise<string> {
      const parts: unknown[] = [];
      for (const path of [
        '/api/conversations',
        `/api/conversations/${conversationId}`,
        `/api/conversations/${conversationId}/messages?limit=100`,
        '/api/events?after=0&limit=1000',
      ]) {
        const r = await p.http.get(path);
        assert.equal(r.status, 200, path);
        parts.push(r.body);
      }
      const replay = await SocketClient.connect(s.wsUrl, p.http.cookie);
      replay.send({ type: 'hello', cursor: 0 });
      await replay.next((f: ServerFrame) => f.type === 'ready');
      parts.push(replay.frames);
      replay.close();
      return JSON.stringify(parts);
    }

    it('leaves no trace of edited or deleted text in any API or any replay', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const send = async (p: Person, text: string, replyToId?: string) => {
        const r = await p.http.post<{ message: MessageView }>(`/api/conversations/${conv.id}/messages`, {
          clientId: `c${Math.random().toString(36).slice(2, 12)}`,
          text,
          ...(replyToId ? { replyToId } : {}),
        });
        assert.equal(r.status, 201);
        return r.body.message;
      };
      const first = await send(ana, SECRETS[0] as string);
      const reply = await send(ben, 'quoting it', first.id);
      assert.equal(reply.replyTo?.text, SECRETS[0], 'the reply quotes it at first');
      const before = await everything(ben, conv.id);
      assert.ok(before.includes(SECRETS[0] as string), 'the check can see the text while it is there');

      assert.equal((await ana.http.patch(`/api/messages/${first.id}`, { text: 'now it says this' })).status, 200);
      const second = await send(ana, SECRETS[1] as string);
      await send(ben, 'quoting the second', second.id);
      assert.equal((await ana.http.patch(`/api/messages/${second.id}`, { text: SECRETS[2] })).status, 200);
      assert.equal((await ana.http.delete(`/api/messages/${second.id}`)).status, 200);

      for (const p of [ana, ben]) {
        const seen = await everything(p, conv.id);
        for (const secret of SECRETS) assert.ok(!seen.includes(secret), `"${secret}" is gone for ${p.user.username}`);
        assert.ok(seen.includes('now it says this'), 'the edited text is what remains');
      }
      // The replies' quotes say what their messages now are.
      const history = await ben.http.get<{ messages: MessageView[] }>(`/api/conversations/${conv.id}/messages`);
      const quotes = history.body.messages.flatMap((m) => (m.replyTo ? [m.replyTo] : []));
      assert.deepEqual(
        quotes.map((q) => [q.text, q.deleted]),
        [
          ['now it says this', false],
          [null, true],
        ],
      );

      if (backend.name === 'sqlite' && s.config.database.kind === 'sqlite') {
        // Once checkpointed, not even the database file holds it (secure_delete overwrites freed space).
        const file = s.config.database.path;
        const db = new Database(file);
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        const bytes = fs.readFileSync(file);
        for (const secret of SECRETS) assert.equal(bytes.indexOf(secret), -1, `"${secret}" is not in the file`);
      }
    });
  });
}
