import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventsResponse } from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

/**
 * The log holds every consumer's events; people's clients are sent the people's only (protocol/events.ts).
 * An event made for another consumer (the webhook dispatcher), even in a conversation's scope and with an
 * audience, never reaches a socket live, in a catch-up, or in GET /api/events — while the consumer that
 * follows the whole log reads it.
 */
for (const backend of backends) {
  describe(`a person's feed of the log (${backend.name})`, () => {
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend);
      ana = await signUp(s.url);
      ben = await signUp(s.url);
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    it("sends people's clients only the people's events: not live, not replayed, not over HTTP", async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      // Ben meets the conversation with its first message (docs/PROTOCOL.md): written before the test starts.
      await ana.http.post(`/api/conversations/${conv.id}/messages`, { clientId: `feed-${Date.now()}`, text: 'hi' });
      const start = await s.comptoir.feed.head();
      const anaSocket = await SocketClient.live(s.wsUrl, ana, start);
      const benSocket = await SocketClient.live(s.wsUrl, ben, start);
      const platformPos = await s.comptoir.committer.run((uow) =>
        uow.emit({
          event: { type: 'platform.test', conversationId: conv.id, note: 'for a webhook' },
          scope: { conversationId: conv.id },
          audience: [ana.user.id, ben.user.id],
        }),
      );
      await barrier(anaSocket, conv.id, benSocket);
      const types = (c: SocketClient) => c.events().map((f) => (f.type === 'event' ? f.event.type : f.type));
      assert.deepEqual(types(benSocket), ['message.created'], 'live: the message only');

      const replayed = await SocketClient.live(s.wsUrl, ben, start);
      await replayed.next((f) => f.type === 'event' && f.event.type === 'message.created');
      assert.deepEqual(types(replayed), ['message.created'], 'replayed: the message only');

      const polled = await ben.http.request<EventsResponse>('GET', `/api/events?after=${start}`);
      assert.equal(polled.status, 200);
      const body = polled.body;
      assert.deepEqual(
        body.events.map((e) => e.event.type),
        ['message.created'],
        'over HTTP: the message only',
      );
      assert.ok(body.cursor > platformPos, 'the cursor moves past the event it did not show');

      const all = await s.comptoir.storage.reader.events.eventsAfter(start, 10, await s.comptoir.feed.head());
      assert.deepEqual(
        all.map((e) => e.type),
        ['platform.test', 'message.created'],
        'a consumer following the log reads both',
      );
      for (const c of [anaSocket, benSocket, replayed]) c.close();
    });
  });
}
