/**
 * Catch-up over the wire: a second hello while one runs, a removed member coming back with an old cursor,
 * a cursor older than what the log keeps, edits and deletes over the socket, and the hello budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerFrame } from '../../protocol/frames.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

for (const backend of backends) {
  describe(`catch-up over the wire (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let eve: Person;
    const sockets: SocketClient[] = [];
    const live = async (p: Person, cursor: number | null = null) => {
      const c = await SocketClient.live(s.wsUrl, p, cursor);
      sockets.push(c);
      return c;
    };
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '2000', RATE_FRAMES_PER_SECOND: '200' });
      [ana, ben, eve] = [await signUp(s.url), await signUp(s.url), await signUp(s.url)];
    });
    after(async () => {
      if (skip) return;
      for (const c of sockets) c.close();
      await s.close();
    });

    it('a second hello during a catch-up starts it over: one ready, everything after it in order, once', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const a = await live(ana);
      const start = (await ben.http.get<{ cursor: number }>('/api/conversations')).body.cursor;
      for (let i = 0; i < 1200; i++) {
        a.send({ type: 'send', conversationId: conv.id, clientId: `bulk-${i}-xxxxxxxx`, text: `bulk ${i}` });
      }
      await a.sendMessage(conv.id, 'last of the backlog');
      const b = await SocketClient.connect(s.wsUrl, ben.http.cookie);
      sockets.push(b);
      b.send({ type: 'hello', cursor: start }); // a catch-up of 1,200 events, a page at a time…
      await b.next((f) => f.type === 'event'); // …under way (its first page has arrived)…
      const restart = b.frames.length;
      b.send({ type: 'hello', cursor: start }); // …started over from the same cursor
      await b.next((f) => f.type === 'ready', 20_000);
      await b.next(
        (f) =>
          f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === 'last of the backlog',
      );
      assert.equal(b.frames.filter((f) => f.type === 'ready').length, 1, 'the first catch-up stopped without ready');
      // The second catch-up sends everything after its cursor, in order, once (the first one's pages, sent
      // before the restart, may repeat some of it: the client skips what it has, by pos).
      const readyAt = b.frames.findIndex((f) => f.type === 'ready');
      const second = b.frames.slice(restart, readyAt).flatMap((f) => (f.type === 'event' ? [f.pos] : []));
      // Where the positions start again from the cursor is where the second catch-up begins.
      let restartAt = 0;
      for (let k = 1; k < second.length; k++) if ((second[k] as number) < (second[k - 1] as number)) restartAt = k;
      const fromSecond = second.slice(restartAt);
      assert.deepEqual(
        fromSecond,
        [...new Set(fromSecond)].sort((x, y) => x - y),
        'in order, once',
      );
      const texts = new Set(
        b.frames.flatMap((f) =>
          f.type === 'event' && f.event.type === 'message.created' ? [f.event.message.text] : [],
        ),
      );
      for (let i = 0; i < 1200; i++) assert.ok(texts.has(`bulk ${i}`), `bulk ${i}`);
      // Live afterwards, once.
      await a.sendMessage(conv.id, 'and now live');
      await b.next(
        (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === 'and now live',
      );
      const after = b.frames.slice(readyAt + 1).flatMap((f) => (f.type === 'event' ? [f.pos] : []));
      assert.deepEqual(
        after,
        [...new Set(after)].sort((x, y) => x - y),
        'live events once, in order',
      );
    });

    it('a removed member resuming from an old cursor gets what they saw, the removal, then nothing', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Resume', [ben, eve]);
      const a = await live(ana);
      const e1 = await live(eve);
      await a.sendMessage(group.id, 'while eve is here');
      const seen = await e1.next<EventFrame>(
        (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === 'while eve is here',
      );
      e1.close();
      await e1.waitClose();
      await a.sendMessage(group.id, 'eve is away');
      assert.equal((await ana.http.delete(`/api/conversations/${group.id}/members/${eve.user.id}`)).status, 204);
      await a.sendMessage(group.id, 'after eve left');
      const e2 = await live(eve, seen.pos);
      const b = await live(ben);
      await barrier(a, group.id, b); // everything before the marker has been fanned out
      const texts = e2.frames.flatMap((f) =>
        f.type === 'event' && f.event.type === 'message.created' ? [f.event.message.text] : [],
      );
      assert.deepEqual(texts, ['eve is away'], 'what happened while she was a member');
      assert.ok(e2.events('member.removed').length === 1, 'her removal');
      assert.ok(!JSON.stringify(e2.frames).includes('after eve left'), 'nothing after it');
      assert.ok(!JSON.stringify(e2.frames).includes('barrier'), 'not even the marker');
    });

    it('edits and deletes over the socket: the author gets an ack in the event’s place, others the event', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const a = await live(ana);
      const b = await live(ben);
      const { message } = await a.sendMessage(conv.id, 'first draft');
      a.send({ type: 'edit', ref: 'e1', messageId: message.id, text: 'final text' });
      const edited = await a.next((f) => f.type === 'ack' && f.ref === 'e1');
      assert.ok(edited.type === 'ack' && edited.message?.text === 'final text' && typeof edited.pos === 'number');
      await b.next((f) => f.type === 'event' && f.event.type === 'message.edited');
      a.send({ type: 'edit', ref: 'e2', messageId: message.id, text: 'final text' });
      const same = await a.next((f) => f.type === 'ack' && f.ref === 'e2');
      assert.equal(same.type === 'ack' && same.pos, undefined, 'an edit that changes nothing has no pos');
      b.send({ type: 'edit', ref: 'e3', messageId: message.id, text: 'not mine' });
      assert.equal(
        ((await b.next((f) => f.type === 'error' && f.ref === 'e3')) as Extract<ServerFrame, { type: 'error' }>).error
          .id,
        'not_author',
      );
      a.send({ type: 'delete', ref: 'd1', messageId: message.id });
      const deleted = await a.next((f) => f.type === 'ack' && f.ref === 'd1');
      assert.ok(deleted.type === 'ack' && deleted.message?.text === null && deleted.message.deletedAt !== null);
      await b.next((f) => f.type === 'event' && f.event.type === 'message.deleted');
      a.send({ type: 'delete', ref: 'd2', messageId: message.id });
      assert.equal(
        ((await a.next((f) => f.type === 'error' && f.ref === 'd2')) as Extract<ServerFrame, { type: 'error' }>).error
          .id,
        'message_deleted',
      );
      assert.equal(
        a.frames.filter((f) => f.type === 'event' && 'message' in f.event && f.event.message.id === message.id).length,
        0,
        'the author’s socket got acks, not the events too',
      );
    });

    it('gives hello a budget of its own: past it, refused with an error frame, the socket stays', async (t) => {
      if (skip) return t.skip(skip);
      const c = await SocketClient.connect(s.wsUrl, ana.http.cookie);
      sockets.push(c);
      for (let i = 0; i < 10; i++) c.send({ type: 'hello', ref: `h${i}`, cursor: 0 });
      const refused = await c.next((f) => f.type === 'error' && f.error.id === 'rate_limited');
      assert.ok(refused.type === 'error' && refused.ref?.startsWith('h'));
      c.send({ type: 'ping', ref: 'still here' });
      await c.next((f) => f.type === 'pong' && f.ref === 'still here');
      assert.equal(c.closed, null);
    });
  });

  describe(`event log retention (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { EVENT_RETENTION_DAYS: '1' });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('resets a device away for longer than the log keeps; its list and history are still there', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const ben = await signUp(s.url);
      const old = (await ben.http.get<{ cursor: number }>('/api/conversations')).body.cursor;
      const conv = await startDirect(ana, ben);
      const a = await SocketClient.live(s.wsUrl, ana);
      await a.sendMessage(conv.id, 'said two days ago');
      await a.sendMessage(conv.id, 'and again');
      const retention = s.comptoir.retention;
      assert.ok(retention);
      assert.ok((await retention.run(Date.now() + 2 * 24 * 3600_000)) > 0, 'two days later, the log is trimmed');
      const b = await SocketClient.connect(s.wsUrl, ben.http.cookie);
      b.send({ type: 'hello', cursor: old });
      const reset = await b.next((f) => f.type === 'reset');
      assert.equal(reset.type === 'reset' && reset.reason, 'cursor_expired');
      const feed = await ben.http.get<{ error: { id: string } }>(`/api/events?after=${old}`);
      assert.deepEqual([feed.status, feed.body.error.id], [410, 'cursor_expired']);
      // What the app does on reset: reload the list, hello with its cursor.
      const list = await ben.http.get<{ cursor: number; conversations: { lastMessage: { text: string } | null }[] }>(
        '/api/conversations',
      );
      assert.equal(list.body.conversations[0]?.lastMessage?.text, 'and again', 'messages outlive the log');
      const history = await ben.http.get<{ messages: unknown[] }>(`/api/conversations/${conv.id}/messages`);
      assert.equal(history.body.messages.length, 2);
      b.send({ type: 'hello', cursor: list.body.cursor });
      await b.next((f) => f.type === 'ready');
      await a.sendMessage(conv.id, 'today');
      await b.next((f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === 'today');
      a.close();
      b.close();
    });
  });
}
