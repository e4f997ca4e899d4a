/**
 * What is read back is what is on disk: a batch committed but not yet durable (SQLITE_SYNCHRONOUS=FULL,
 * its fdatasync under way) is neither acknowledged nor served to anyone — not by catch-up, not by
 * GET /api/events, not as the list's cursor — until it is durable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventsResponse } from '../../protocol/api.ts';
import { type Person, SocketClient, signUp, startDirect } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('reads under SQLITE_SYNCHRONOUS=FULL', () => {
  let s: TestServer;
  let ana: Person;
  let ben: Person;
  before(async () => {
    s = await startServer({ SQLITE_SYNCHRONOUS: 'FULL' });
    [ana, ben] = [await signUp(s.url), await signUp(s.url)];
  });
  after(() => s.close());

  it('serve the log up to what is durable, never a batch still being synced', async () => {
    const conv = await startDirect(ana, ben);
    const cursor = (await ben.http.get<{ cursor: number }>('/api/conversations')).body.cursor;
    const storage = s.comptoir.storage;
    const real = storage.durable.bind(storage);
    let release = () => {};
    let held = 0;
    storage.durable = () =>
      real().then(() => {
        held++;
        return new Promise<void>((r) => {
          release = r;
        });
      });
    try {
      const sending = ana.http.post(`/api/conversations/${conv.id}/messages`, {
        clientId: 'held-back-1',
        text: 'not yet',
      });
      while (held === 0) await new Promise((r) => setTimeout(r, 5)); // committed, its sync under way
      const feed = await ben.http.get<EventsResponse>(`/api/events?after=${cursor}`);
      assert.equal(feed.status, 200);
      assert.deepEqual(feed.body.events, [], 'not over HTTP');
      assert.equal(feed.body.cursor, cursor);
      const list = await ben.http.get<{ cursor: number }>('/api/conversations');
      assert.equal(list.body.cursor, cursor, 'not as the list cursor');
      const sock = await SocketClient.live(s.wsUrl, ben, cursor);
      assert.equal(sock.events().length, 0, 'not in a catch-up');
      release();
      assert.equal((await sending).status, 201);
      await sock.next((f) => f.type === 'event' && f.event.type === 'message.created', 5000);
      sock.close();
    } finally {
      storage.durable = real;
      release();
    }
  });
});
