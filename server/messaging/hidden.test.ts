import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventsResponse, MessagesResponse } from '../../protocol/api.ts';
import type { ConversationView, MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type Err = { error: { id: string } };

for (const backend of backends) {
  describe(`delete for me (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    const say = async (p: Person, id: string, text: string) =>
      (
        await p.http.post<{ message: MessageView }>(`/api/conversations/${id}/messages`, {
          clientId: `m${Math.random().toString(36).slice(2, 12)}`,
          text,
        })
      ).body.message;
    const hide = (p: Person, messageId: string) => p.http.post<Err>(`/api/messages/${messageId}/hide`, {});
    const texts = async (p: Person, id: string) =>
      (await p.http.get<MessagesResponse>(`/api/conversations/${id}/messages`)).body.messages.map((m) => m.text);
    const listed = async (p: Person, id: string) =>
      (await p.http.get<{ conversations: ConversationView[] }>('/api/conversations')).body.conversations.find(
        (c) => c.id === id,
      );

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend);
      [ana, ben] = [await signUp(s.url), await signUp(s.url)];
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('hides a message on my devices only: history, last message, unread count; the other person keeps it', async (t) => {
      if (skip) return t.skip(skip);
      const c = await startDirect(ana, ben);
      await say(ben, c.id, 'one');
      const two = await say(ben, c.id, 'two');
      const three = await say(ben, c.id, 'three');
      const head = await s.comptoir.storage.reader.events.headPosition();
      const anaPhone = await SocketClient.live(s.wsUrl, ana);
      const anaLaptop = await SocketClient.live(s.wsUrl, ana);
      const benPhone = await SocketClient.live(s.wsUrl, ben);
      assert.equal((await listed(ana, c.id))?.unread, 3);

      assert.equal((await hide(ana, two.id)).status, 204);
      for (const sock of [anaPhone, anaLaptop]) {
        const f = await sock.next((x) => x.type === 'event' && x.event.type === 'message.hidden');
        assert.deepEqual(f.type === 'event' && f.event, {
          type: 'message.hidden',
          conversationId: c.id,
          messageId: two.id,
          seq: two.seq,
          unread: 2,
        });
      }
      await barrier(anaPhone, c.id, benPhone);
      assert.equal(benPhone.events('message.hidden').length, 0, 'ben learns nothing');
      const seen = await texts(ana, c.id);
      assert.deepEqual(seen.slice(0, 2), ['one', 'three']);
      assert.ok(!seen.includes('two'));
      assert.deepEqual((await texts(ben, c.id)).slice(0, 3), ['one', 'two', 'three'], 'ben still sees it');
      // Nor does her search find it; Ben's does.
      const found = async (p: Person) =>
        (
          await p.http.get<{ results: { message: { id: string } }[] }>(
            `/api/search/messages?q=two&conversationId=${c.id}`,
          )
        ).body.results.map((x) => x.message.id);
      assert.deepEqual(await found(ana), []);
      assert.deepEqual(await found(ben), [two.id]);
      // Hiding the last one: the list shows the one before it.
      const marker = await say(ben, c.id, 'last');
      await hide(ana, marker.id);
      const mine = await listed(ana, c.id);
      assert.notEqual(mine?.lastMessage?.id, marker.id);
      assert.equal((await listed(ben, c.id))?.lastMessage?.id, marker.id);
      const got = await ana.http.get<{ conversation: ConversationView }>(`/api/conversations/${c.id}`);
      assert.equal(got.body.conversation.lastMessage?.id, mine?.lastMessage?.id);
      assert.equal(got.body.conversation.unread, mine?.unread);

      // Again: nothing new, no second event.
      assert.equal((await hide(ana, two.id)).status, 204);
      const feed = await ana.http.get<EventsResponse>(`/api/events?after=${head}`);
      assert.equal(feed.body.events.filter((e) => e.event.type === 'message.hidden').length, 2);
      const benFeed = await ben.http.get<EventsResponse>(`/api/events?after=${head}`);
      assert.equal(benFeed.body.events.filter((e) => e.event.type === 'message.hidden').length, 0);

      // Ben edits and deletes what Ana hid: not sent to her, live or replayed; Ben's own devices get them.
      await ben.http.patch(`/api/messages/${two.id}`, { text: 'two, edited' });
      await ben.http.delete(`/api/messages/${two.id}`);
      await barrier(benPhone, c.id, anaPhone);
      assert.equal(anaPhone.events('message.edited').length, 0);
      assert.equal(anaPhone.events('message.deleted').length, 0);
      const replay = await ana.http.get<EventsResponse>(`/api/events?after=${head}`);
      assert.equal(replay.body.events.filter((e) => e.event.type === 'message.edited').length, 0);
      const benReplay = await ben.http.get<EventsResponse>(`/api/events?after=${head}`);
      assert.equal(benReplay.body.events.filter((e) => e.event.type === 'message.edited').length, 1);
      // Three is hidden on no one; hiding a deleted message works too.
      await ben.http.delete(`/api/messages/${three.id}`);
      assert.equal((await hide(ana, three.id)).status, 204);
      assert.ok(!(await texts(ana, c.id)).includes(null), 'the deleted one hidden too');
      for (const sock of [anaPhone, anaLaptop, benPhone]) sock.close();
    });

    it('works by socket (acknowledged in place of its event), and refuses what one cannot read', async (t) => {
      if (skip) return t.skip(skip);
      const carol = await signUp(s.url);
      const g = await createGroup(ana, 'Hide', [ben]);
      const early = await say(ana, g.id, 'before carol');
      const sock = await SocketClient.live(s.wsUrl, ben);
      sock.send({ type: 'hide', ref: 'h1', messageId: early.id });
      const ack = await sock.next((f) => f.type === 'ack' && f.ref === 'h1');
      assert.ok(ack.type === 'ack' && typeof ack.pos === 'number');
      // One's own message, hidden, then edited anyway (the API allows it): the author's change is acknowledged
      // by its event, live and in the feed.
      const own = await say(ben, g.id, 'mine, hidden');
      const head = await s.comptoir.storage.reader.events.headPosition();
      assert.equal((await hide(ben, own.id)).status, 204);
      sock.send({ type: 'edit', ref: 'e1', messageId: own.id, text: 'mine, edited' });
      const edited = await sock.next((f) => f.type === 'ack' && f.ref === 'e1');
      assert.ok(edited.type === 'ack' && typeof edited.pos === 'number');
      const feed = await ben.http.get<EventsResponse>(`/api/events?after=${head}`);
      assert.ok(feed.body.events.some((e) => e.pos === (edited.type === 'ack' ? edited.pos : -1)));
      sock.send({ type: 'hide', ref: 'h2', messageId: 'nope' });
      const err = await sock.next((f) => f.type === 'error' && f.ref === 'h2');
      assert.equal(err.type === 'error' && err.error.id, 'message_not_found');
      sock.close();

      const stranger = await hide(carol, early.id);
      assert.equal(stranger.status, 404);
      assert.equal(stranger.body.error.id, 'message_not_found');
      assert.equal((await hide(ana, 'no-such-message')).status, 404);
      // A newcomer (history "joined") cannot read what came before them.
      await ana.http.post(`/api/conversations/${g.id}/members`, { userIds: [carol.user.id] });
      const newcomer = await hide(carol, early.id);
      assert.equal(newcomer.status, 404);
      assert.equal(newcomer.body.error.id, 'message_not_found');
      // Someone who left may no longer change anything in it.
      await ben.http.delete(`/api/conversations/${g.id}/members/${ben.user.id}`);
      const later = await say(ana, g.id, 'after ben left');
      const former = await hide(ben, later.id);
      assert.equal(former.status, 403);
      assert.equal(former.body.error.id, 'not_member');
      assert.equal((await ana.http.post(`/api/messages/${later.id}/hide`, { extra: 1 })).status, 400);
    });
  });
}
