import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  BlockResponse,
  BlocksResponse,
  EventsResponse,
  PageResponse,
  PresenceResponse,
} from '../../protocol/api.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import type { ConversationView, MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type Err = { error: { id: string; message: string } };
type EventFrame = Extract<ServerFrame, { type: 'event' }>;
let n = 0;
const cid = () => `block-${process.pid}-${++n}`;
const isEvent = (type: string) => (f: ServerFrame) => f.type === 'event' && f.event.type === type;

for (const backend of backends) {
  describe(`blocking a person (${backend.name})`, () => {
    let s: TestServer;
    const sockets: SocketClient[] = [];
    const live = async (p: Person, cursor: number | null = null) => {
      const c = await SocketClient.live(s.wsUrl, p, cursor);
      sockets.push(c);
      return c;
    };
    const send = (p: Person, conversationId: string, text: string) =>
      p.http.post<{ message: MessageView } & Err>(`/api/conversations/${conversationId}/messages`, {
        clientId: cid(),
        text,
      });
    const block = (p: Person, userId: string) => p.http.post<BlockResponse & Err>('/api/blocks', { userId });
    const unblock = (p: Person, userId: string) => p.http.delete<Err>(`/api/blocks/${encodeURIComponent(userId)}`);
    const blocksOf = async (p: Person) => (await p.http.get<BlocksResponse>('/api/blocks')).body.blocks;
    const history = async (p: Person, conversationId: string) =>
      (await p.http.get<{ messages: MessageView[] }>(`/api/conversations/${conversationId}/messages`)).body.messages;
    const feed = async (p: Person, after = 0) =>
      (await p.http.get<EventsResponse>(`/api/events?after=${after}&limit=200`)).body.events;
    const list = async (p: Person) =>
      (await p.http.get<{ conversations: ConversationView[] }>('/api/conversations')).body.conversations;

    let skip: string | false = false;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend);
    });
    after(async () => {
      if (skip) return;
      for (const c of sockets) c.close();
      await s.close();
    });

    it('blocks, lists latest first, blocks again without change, unblocks; refuses bad input', async (t) => {
      if (skip) return t.skip(skip);
      const [ana, ben, cy] = [await signUp(s.url), await signUp(s.url), await signUp(s.url)];
      const first = await block(ana, ben.user.id);
      assert.equal(first.status, 200);
      assert.equal(first.body.block.user.id, ben.user.id);
      assert.equal(first.body.block.user.displayName, ben.user.displayName);
      await block(ana, cy.user.id);
      const again = await block(ana, ben.user.id);
      assert.equal(again.body.block.at, first.body.block.at, 'the earlier block is answered');
      assert.deepEqual(
        (await blocksOf(ana)).map((b) => b.user.id),
        [cy.user.id, ben.user.id],
      );
      assert.deepEqual(await blocksOf(ben), [], 'the blocked person lists nothing');

      const self = await block(ana, ana.user.id);
      assert.equal(self.status, 400);
      assert.equal(self.body.error.id, 'cannot_block_self');
      assert.equal((await unblock(ana, ana.user.id)).body.error.id, 'cannot_block_self');
      const nobody = await block(ana, 'nobody');
      assert.equal(nobody.status, 404);
      assert.equal(nobody.body.error.id, 'user_not_found');
      for (const body of [
        {},
        { userId: '' },
        { userId: 7 },
        { userId: ben.user.id, extra: 1 },
        { userId: 'x'.repeat(65) },
      ]) {
        const r = await ana.http.post<Err>('/api/blocks', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error.id, 'bad_request');
      }
      const anonymous = await fetch(`${s.url}/api/blocks`);
      assert.equal(anonymous.status, 401);

      assert.equal((await unblock(ana, ben.user.id)).status, 204);
      assert.equal((await unblock(ana, ben.user.id)).status, 204, 'not blocked: nothing happens');
      assert.equal((await unblock(ana, 'nobody')).status, 204);
      assert.deepEqual(
        (await blocksOf(ana)).map((b) => b.user.id),
        [cy.user.id],
      );
    });

    it('refuses to block a page here: it is blocked from its conversation', async (t) => {
      if (skip) return t.skip(skip);
      const [owner, ana] = [await signUp(s.url), await signUp(s.url)];
      const page = await owner.http.post<PageResponse>('/api/pages', {
        name: 'Shop',
        username: `shop${process.pid}b${++n}`,
      });
      const r = await block(ana, page.body.page.id);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.id, 'cannot_block_page');
      assert.match(r.body.error.message, /consent/);
      assert.deepEqual(await blocksOf(ana), []);
    });

    it('the blocked person can neither start a conversation nor write; the blocker cannot write either; unblocking undoes it', async (t) => {
      if (skip) return t.skip(skip);
      const [ana, ben, cy] = [await signUp(s.url), await signUp(s.url), await signUp(s.url)];
      const conv = await startDirect(ben, ana);
      assert.equal((await send(ben, conv.id, 'hello Ana')).status, 201);
      const a = await live(ana);
      const b = await live(ben);
      await block(ana, ben.user.id);
      await block(ana, cy.user.id);

      // Ben, over HTTP and over his socket: refused, nothing stored, nothing sent to Ana.
      const http = await send(ben, conv.id, 'are you there?');
      assert.equal(http.status, 403);
      assert.equal(http.body.error.id, 'blocked');
      const ref = cid();
      b.send({ type: 'send', ref, conversationId: conv.id, clientId: ref, text: 'still there?' });
      const refused = await b.next((f) => f.type === 'error' && f.ref === ref);
      assert.equal(refused.type === 'error' && refused.error.id, 'blocked');
      assert.deepEqual(
        (await history(ben, conv.id)).map((m) => m.text),
        ['hello Ana'],
        'nothing stored',
      );
      // Starting: neither his existing conversation with her nor (for Cy) a new one.
      const again = await ben.http.post<Err>('/api/conversations/direct', { userId: ana.user.id });
      assert.equal(again.status, 403);
      assert.equal(again.body.error.id, 'blocked');
      const fresh = await cy.http.post<Err>('/api/conversations/direct', { userId: ana.user.id });
      assert.equal(fresh.status, 403);
      assert.equal(fresh.body.error.id, 'blocked');
      assert.deepEqual(await list(cy), [], 'nothing created');

      // Ana opens her conversation with Ben (to unblock him there) but cannot write to him.
      const opened = await ana.http.post<{ conversation: ConversationView }>('/api/conversations/direct', {
        userId: ben.user.id,
      });
      assert.equal(opened.status, 200);
      const mine = await send(ana, conv.id, 'sorry');
      assert.equal(mine.status, 403);
      assert.equal(mine.body.error.id, 'you_blocked_user');
      // Both blocking: the sender is told about their own block first.
      await block(ben, ana.user.id);
      assert.equal((await send(ben, conv.id, 'x')).body.error.id, 'you_blocked_user');
      await unblock(ben, ana.user.id);

      // Nothing of it reached Ana's socket.
      await unblock(ana, ben.user.id);
      const ok = await send(ben, conv.id, 'hello again');
      assert.equal(ok.status, 201);
      await a.next(
        (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === 'hello again',
      );
      const texts = a
        .events('message.created')
        .map((f) => (f.event.type === 'message.created' ? f.event.message.text : ''));
      assert.deepEqual(texts, ['hello again']);
      assert.equal((await send(ana, conv.id, 'welcome back')).status, 201);
      assert.equal((await ben.http.post('/api/conversations/direct', { userId: ana.user.id })).status, 200);
    });

    it('does not affect groups', async (t) => {
      if (skip) return t.skip(skip);
      const [ana, ben] = [await signUp(s.url), await signUp(s.url)];
      const group = await createGroup(ana, 'Club', [ben]);
      await block(ana, ben.user.id);
      assert.equal((await send(ben, group.id, 'in the group')).status, 201);
      assert.equal((await send(ana, group.id, 'me too')).status, 201);
    });

    it('tells the blocker’s devices (live and in catch-up), never the blocked person', async (t) => {
      if (skip) return t.skip(skip);
      const [ana, ben] = [await signUp(s.url), await signUp(s.url)];
      const conv = await startDirect(ana, ben);
      await send(ana, conv.id, 'hi');
      const a2 = await live(ana);
      const b = await live(ben);
      const made = (await block(ana, ben.user.id)).body.block;
      const seen = await a2.next<EventFrame>(isEvent('block.updated'));
      assert.deepEqual(seen.event, { type: 'block.updated', conversationId: null, userId: ben.user.id, block: made });
      await unblock(ana, ben.user.id);
      const gone = await a2.next<EventFrame>(
        (f) => f.type === 'event' && f.event.type === 'block.updated' && f.event.block === null,
      );
      assert.equal(gone.event.type === 'block.updated' && gone.event.userId, ben.user.id);
      // Ben: a barrier message from Ana, after which any event meant for him would have arrived.
      const a = await live(ana);
      await barrier(a, conv.id, b);
      assert.deepEqual(b.events('block.updated'), []);
      // Catch-up: Ana's feed replays both, Ben's neither.
      const anaFeed = (await feed(ana)).filter((e) => e.event.type === 'block.updated');
      assert.deepEqual(
        anaFeed.map((e) => e.event.type === 'block.updated' && e.event.block !== null),
        [true, false],
      );
      assert.deepEqual(
        (await feed(ben)).filter((e) => e.event.type === 'block.updated'),
        [],
      );
    });

    it('stops typing signals between them, in their conversation and in groups', async (t) => {
      if (skip) return t.skip(skip);
      const [ana, ben, cy] = [await signUp(s.url), await signUp(s.url), await signUp(s.url)];
      const conv = await startDirect(ana, ben);
      await send(ana, conv.id, 'hi');
      const group = await createGroup(ana, 'Trio', [ben, cy]);
      const a = await live(ana);
      const b = await live(ben);
      const c = await live(cy);
      await block(ana, ben.user.id);
      b.send({ type: 'typing', conversationId: conv.id, typing: true });
      b.send({ type: 'typing', conversationId: group.id, typing: true });
      a.send({ type: 'typing', conversationId: group.id, typing: true });
      // Cy sees both typing in the group; Ana and Ben see nothing of each other.
      await c.next((f) => f.type === 'signal' && f.signal.type === 'typing' && f.signal.userId === ben.user.id);
      await c.next((f) => f.type === 'signal' && f.signal.type === 'typing' && f.signal.userId === ana.user.id);
      const cs = await live(cy);
      await barrier(cs, group.id, a);
      await barrier(cs, group.id, b);
      assert.deepEqual(
        a.frames.filter((f) => f.type === 'signal' && f.signal.type === 'typing'),
        [],
      );
      assert.deepEqual(
        b.frames.filter((f) => f.type === 'signal' && f.signal.type === 'typing'),
        [],
      );
      // Nor whether the other is online: each is `hidden` to the other, live and when asked.
      const presenceOf = async (p: Person, of: Person) =>
        (await p.http.get<PresenceResponse>(`/api/presence?userIds=${of.user.id}`)).body.presence[0]?.state;
      assert.equal(await presenceOf(ana, ben), 'hidden');
      assert.equal(await presenceOf(ben, ana), 'hidden');
      assert.equal(await presenceOf(cy, ben), 'online', 'the others still see it');
      await unblock(ana, ben.user.id);
      assert.equal(await presenceOf(ana, ben), 'online');
      b.send({ type: 'typing', conversationId: conv.id, typing: true });
      await a.next((f) => f.type === 'signal' && f.signal.type === 'typing' && f.signal.userId === ben.user.id);
    });

    it('defect 10: a conversation opened without writing reaches the other person with its first message only', async (t) => {
      if (skip) return t.skip(skip);
      const [ana, ben] = [await signUp(s.url), await signUp(s.url)];
      const b = await live(ben);
      const { cursor } = (await ben.http.get<{ cursor: number }>('/api/conversations')).body;
      const conv = await startDirect(ana, ben);
      assert.deepEqual(
        (await list(ana)).map((c) => c.id),
        [conv.id],
        'listed for its opener',
      );
      assert.deepEqual(await list(ben), [], 'not in the other person’s list');
      assert.deepEqual(
        (await feed(ben, cursor)).filter((e) => e.event.conversationId === conv.id),
        [],
        'nor in their catch-up',
      );
      // A barrier through another conversation: whatever was meant for Ben has reached him by then.
      const other = await signUp(s.url);
      const side = await startDirect(other, ben);
      const o = await live(other);
      await barrier(o, side.id, b);
      assert.deepEqual(
        b.frames.filter((f) => f.type === 'event' && f.event.conversationId === conv.id),
        [],
        'nor on their socket',
      );

      const a = await live(ana);
      await a.sendMessage(conv.id, 'first words');
      const joined = await b.next<EventFrame>(
        (f) => f.type === 'event' && f.event.type === 'conversation.joined' && f.event.conversationId === conv.id,
      );
      assert.equal(joined.event.type === 'conversation.joined' && joined.event.userIds.join(), ben.user.id);
      const created = await b.next<EventFrame>(
        (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.conversationId === conv.id,
      );
      assert.ok(joined.pos < created.pos, 'the conversation before its message');
      const mine = (await list(ben)).find((c) => c.id === conv.id);
      assert.equal(mine?.lastMessage?.text, 'first words');
      assert.equal(mine?.unread, 1);
      const replay = (await feed(ben, cursor)).filter((e) => e.event.conversationId === conv.id);
      assert.deepEqual(
        replay.map((e) => e.event.type),
        ['conversation.joined', 'message.created'],
        'catch-up from before: once each, from the first message on',
      );
      // Ana's own devices met it when she opened it, then Ben joining it.
      const anaReplay = (await feed(ana)).flatMap((e) =>
        e.event.type === 'conversation.joined' && e.event.conversationId === conv.id ? [e.event.userIds] : [],
      );
      assert.deepEqual(anaReplay, [[ana.user.id], [ben.user.id]]);
      // Ben answers; his reply reaches Ana as any message.
      assert.equal((await send(ben, conv.id, 'hello')).status, 201);
    });

    it('defect 10: a conversation with a page is its people’s at once', async (t) => {
      if (skip) return t.skip(skip);
      const [owner, ana] = [await signUp(s.url), await signUp(s.url)];
      const page = await owner.http.post<PageResponse>('/api/pages', {
        name: 'Shop',
        username: `shop${process.pid}c${++n}`,
      });
      const opened = await ana.http.post<{ conversation: ConversationView }>(
        `/api/pages/${page.body.page.id}/conversation`,
      );
      assert.ok(opened.status === 200 || opened.status === 201);
      const inbox = await owner.http.get<{ conversations: ConversationView[] }>(
        `/api/pages/${page.body.page.id}/conversations`,
      );
      assert.deepEqual(
        inbox.body.conversations.map((c) => c.id),
        [opened.body.conversation.id],
      );
    });
  });
}
