import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventsResponse, MessagesResponse } from '../../protocol/api.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import type { ConversationView, MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, createGroup, type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { newId } from '../lib/ids.ts';

type Err = { error: { id: string; message: string; details?: Record<string, unknown> } };
let n = 0;
const cid = () => `grp-${Date.now().toString(36)}-${++n}`;

for (const backend of backends) {
  describe(`group rules (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let carol: Person;
    const send = async (p: Person, conversationId: string, text: string, replyToId?: string) =>
      p.http.post<{ message: MessageView } & Err>(`/api/conversations/${conversationId}/messages`, {
        clientId: cid(),
        text,
        ...(replyToId ? { replyToId } : {}),
      });
    const history = async (p: Person, conversationId: string) =>
      (
        await p.http.get<{ messages: MessageView[] }>(`/api/conversations/${conversationId}/messages`)
      ).body.messages.map((m) => m.text);
    const listed = async (p: Person, conversationId: string) =>
      (await p.http.get<{ conversations: ConversationView[] }>('/api/conversations')).body.conversations.find(
        (c) => c.id === conversationId,
      );

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GROUPS_PER_HOUR: '5', RATE_MEMBER_ADDS_PER_HOUR: '600' });
      [ana, ben, carol] = [await signUp(s.url), await signUp(s.url), await signUp(s.url)];
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('writes one snapshot for a group of 256, and refuses the 257th member', async (t) => {
      if (skip) return t.skip(skip);
      // 255 other people, stored directly (signing them up would hash 255 passwords).
      const others = Array.from({ length: 255 }, (_, i) => ({
        id: newId(),
        username: `crowd${backend.name}${i}_${Date.now() % 100000}`,
        displayName: `Someone with a long enough display name ${i}`,
        kind: 'person' as const,
        passwordHash: 'x',
        createdAt: Date.now(),
      }));
      await s.comptoir.committer.run(async ({ tx }) => {
        for (const u of others) await tx.accounts.insertUser(u);
      });
      const head = await s.comptoir.storage.reader.events.headPosition();
      const r = await ana.http.post<{ conversation: ConversationView }>('/api/conversations/group', {
        title: 'Everyone',
        memberIds: others.map((u) => u.id),
      });
      assert.equal(r.status, 201);
      assert.equal(r.body.conversation.members.length, 256);
      const feed = await ana.http.get<EventsResponse>(`/api/events?after=${head}`);
      const joined = feed.body.events.filter((e) => e.event.type === 'conversation.joined');
      assert.equal(joined.length, 1, 'one snapshot');
      assert.equal((await s.comptoir.storage.reader.events.headPosition()) - head, 1, 'one event in the log');
      const bytes = JSON.stringify(feed.body.events).length;
      assert.ok(bytes < 256 * 250, `the log grew by ${bytes} bytes, linear in the members`);
      // Every member's catch-up starts with it.
      const crowd = others[0] as { id: string };
      const seen = await s.comptoir.storage.reader.events.eventsFor(crowd.id, head, 10, head + 1);
      assert.deepEqual(
        seen.events.map((e) => e.type),
        ['conversation.joined'],
      );
      const full = await ana.http.post<Err>(`/api/conversations/${r.body.conversation.id}/members`, {
        userIds: [ben.user.id],
      });
      assert.deepEqual([full.status, full.body.error.id], [409, 'member_limit']);
      const tooMany = await ana.http.post<Err>('/api/conversations/group', {
        title: 'Too many',
        memberIds: [...others.map((u) => u.id), ben.user.id],
      });
      assert.deepEqual([tooMany.status, tooMany.body.error.id], [400, 'bad_request'], 'over the schema');
      assert.ok(tooMany.body.error.details?.fields);
    });

    it('shows newcomers what follows their joining, unless an admin opens the history', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Since joining', [ben]);
      const early = (await send(ana, group.id, 'before carol came')).body.message;
      const added = await ana.http.post<{ conversation: ConversationView }>(`/api/conversations/${group.id}/members`, {
        userIds: [carol.user.id],
      });
      assert.equal(added.status, 200);
      assert.equal(added.body.conversation.history, 'joined');
      assert.deepEqual(await history(carol, group.id), []);
      assert.equal((await listed(carol, group.id))?.lastMessage, null, 'not even as a preview');
      const reply = await send(carol, group.id, 'quoting what I cannot see', early.id);
      assert.deepEqual([reply.status, reply.body.error.id], [404, 'message_not_found']);
      await send(ana, group.id, 'after carol came');
      assert.deepEqual(await history(carol, group.id), ['after carol came']);
      assert.equal((await listed(carol, group.id))?.lastMessage?.text, 'after carol came');
      // The socket replay from 0 agrees with HTTP.
      const replay = await SocketClient.connect(s.wsUrl, carol.http.cookie);
      replay.send({ type: 'hello', cursor: 0 });
      await replay.next((f: ServerFrame) => f.type === 'ready');
      assert.ok(!JSON.stringify(replay.frames).includes('before carol came'));
      replay.close();
      // Ben, there from the start, sees everything; only an admin may open the history.
      assert.deepEqual(await history(ben, group.id), ['before carol came', 'after carol came']);
      const refused = await ben.http.patch<Err>(`/api/conversations/${group.id}`, { history: 'full' });
      assert.deepEqual([refused.status, refused.body.error.id], [403, 'not_admin']);
      const opened = await ana.http.patch<{ conversation: ConversationView }>(`/api/conversations/${group.id}`, {
        history: 'full',
      });
      assert.equal(opened.body.conversation.history, 'full');
      assert.deepEqual(await history(carol, group.id), ['before carol came', 'after carol came']);
      assert.equal((await send(carol, group.id, 'now I can quote it', early.id)).status, 201);
      const bad = await ana.http.patch<Err>(`/api/conversations/${group.id}`, { history: 'everything' });
      assert.equal(bad.status, 400);
      const empty = await ana.http.patch<Err>(`/api/conversations/${group.id}`, {});
      assert.equal(empty.status, 400);
    });

    it('does not show newcomers the edits and deletions of messages from before they joined', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Old secrets', [ben]);
      const old = (await send(ana, group.id, 'SECRET BEFORE JOINING')).body.message;
      const other = (await send(ana, group.id, 'another old one')).body.message;
      assert.equal(
        (await ana.http.post(`/api/conversations/${group.id}/members`, { userIds: [carol.user.id] })).status,
        200,
      );
      const cursor = (await carol.http.get<{ cursor: number }>('/api/conversations')).body.cursor;
      const c = await SocketClient.live(s.wsUrl, carol);
      const b = await SocketClient.live(s.wsUrl, ben);
      const a = await SocketClient.live(s.wsUrl, ana);
      assert.equal((await ana.http.patch(`/api/messages/${old.id}`, { text: 'SECRET EDITED AFTERWARDS' })).status, 200);
      assert.equal((await ana.http.delete(`/api/messages/${other.id}`)).status, 200);
      await b.next((f) => f.type === 'event' && f.event.type === 'message.deleted');
      await barrier(a, group.id, c); // what Carol was meant to get before the marker has arrived
      const everything = async () => {
        const feed = await carol.http.get(`/api/events?after=${cursor}`);
        const replay = await SocketClient.connect(s.wsUrl, carol.http.cookie);
        replay.send({ type: 'hello', cursor });
        await replay.next((f: ServerFrame) => f.type === 'ready');
        replay.close();
        return JSON.stringify([c.frames, feed.body, replay.frames]);
      };
      const seen = await everything();
      assert.ok(!seen.includes('SECRET'), 'neither live, nor over HTTP, nor replayed');
      assert.ok(!seen.includes(old.id) && !seen.includes(other.id), 'not even their ids');
      assert.ok(JSON.stringify(b.frames).includes('SECRET EDITED AFTERWARDS'), 'Ben, there before, sees the edit');
      // Once an admin opens the history, she reads the message as it now is.
      await ana.http.patch(`/api/conversations/${group.id}`, { history: 'full' });
      assert.ok((await history(carol, group.id)).includes('SECRET EDITED AFTERWARDS'));
      for (const x of [a, b, c]) x.close();
    });

    it('lets only admins add back someone an admin removed; anyone may add back who left', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Removal', [ben, carol]);
      assert.equal((await ana.http.delete(`/api/conversations/${group.id}/members/${carol.user.id}`)).status, 204);
      const sneaked = await ben.http.post<Err>(`/api/conversations/${group.id}/members`, { userIds: [carol.user.id] });
      assert.deepEqual([sneaked.status, sneaked.body.error.id], [403, 'not_admin']);
      assert.equal(
        (await ana.http.post(`/api/conversations/${group.id}/members`, { userIds: [carol.user.id] })).status,
        200,
      );
      assert.equal((await carol.http.delete(`/api/conversations/${group.id}/members/${carol.user.id}`)).status, 204);
      assert.equal(
        (await ben.http.post(`/api/conversations/${group.id}/members`, { userIds: [carol.user.id] })).status,
        200,
        'she left on her own: any member may add her back',
      );
    });

    it('names in history pages the people who wrote or are quoted, members or not', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Who signs', [ben, carol]);
      const carols = (await send(carol, group.id, 'carol, before leaving')).body.message;
      await send(ana, group.id, 'quoting carol', carols.id);
      assert.equal((await carol.http.delete(`/api/conversations/${group.id}/members/${carol.user.id}`)).status, 204);
      const page = await ben.http.get<MessagesResponse>(`/api/conversations/${group.id}/messages`);
      assert.equal(page.status, 200);
      const names = Object.fromEntries(page.body.users.map((u) => [u.id, u.displayName]));
      assert.deepEqual(names, { [ana.user.id]: ana.user.displayName, [carol.user.id]: carol.user.displayName });
      // A page with one message names its sender only; an older page names its own.
      const latest = await ben.http.get<MessagesResponse>(`/api/conversations/${group.id}/messages?limit=1`);
      assert.deepEqual(
        latest.body.users.map((u) => u.id).sort(),
        [ana.user.id, carol.user.id].sort(),
        'the quoted sender too',
      );
      const older = await ben.http.get<MessagesResponse>(`/api/conversations/${group.id}/messages?before=2`);
      assert.deepEqual(
        older.body.users.map((u) => u.id).sort(),
        [carol.user.id, ana.user.id].sort(),
        'its sender, and who created the group (its first activity line)',
      );
    });

    it('keeps the receipts of who left or was removed, for what they saw, and shows newcomers none', async (t) => {
      if (skip) return t.skip(skip);
      const [dan, eve] = [await signUp(s.url), await signUp(s.url)];
      const group = await createGroup(dan, 'Receipts stay', [ben, carol]);
      const seq = (await send(dan, group.id, 'read by everyone')).body.message.seq;
      for (const p of [ben, carol]) {
        assert.equal((await p.http.post(`/api/conversations/${group.id}/receipts`, { readSeq: seq })).status, 204);
      }
      assert.equal((await dan.http.delete(`/api/conversations/${group.id}/members/${ben.user.id}`)).status, 204);
      assert.equal((await carol.http.delete(`/api/conversations/${group.id}/members/${carol.user.id}`)).status, 204);
      const former = (c: ConversationView | undefined) =>
        c?.formerMembers.map((f) => [f.user.displayName, f.deliveredSeq, f.readSeq]);
      const expected = [
        [ben.user.displayName, seq, seq],
        [carol.user.displayName, seq, seq],
      ];
      assert.deepEqual(former(await listed(dan, group.id)), expected, 'in the list');
      const one = await dan.http.get<{ conversation: ConversationView }>(`/api/conversations/${group.id}`);
      assert.deepEqual(former(one.body.conversation), expected, 'in the conversation');
      assert.deepEqual(
        one.body.conversation.members.map((m) => m.user.id),
        [dan.user.id],
      );
      // Eve, added under history 'joined', sees nothing from before: not who read it either.
      const a = await SocketClient.live(s.wsUrl, dan);
      assert.equal(
        (await dan.http.post(`/api/conversations/${group.id}/members`, { userIds: [eve.user.id] })).status,
        200,
      );
      const snapshot = await a.next((f) => f.type === 'event' && f.event.type === 'conversation.joined');
      assert.ok(snapshot.type === 'event' && snapshot.event.type === 'conversation.joined');
      assert.deepEqual(former(snapshot.event.conversation), [], 'the snapshot newcomers get');
      assert.deepEqual(former(await listed(eve, group.id)), []);
      assert.deepEqual(former(await listed(dan, group.id)), expected, 'Dan still knows');
      // Ben added back is a member again, not a former one.
      await dan.http.post(`/api/conversations/${group.id}/members`, { userIds: [ben.user.id] });
      assert.deepEqual(former(await listed(dan, group.id)), [expected[1]]);
      a.close();
    });

    it('limits the groups and additions one account can make', async (t) => {
      if (skip) return t.skip(skip);
      const busy = await signUp(s.url);
      let refused: { status: number; body: Err } | null = null;
      for (let i = 0; i < 6 && !refused; i++) {
        const r = await busy.http.post<Err>('/api/conversations/group', { title: `g${i}`, memberIds: [ana.user.id] });
        if (r.status !== 201) refused = r;
      }
      assert.ok(refused, 'refused within six');
      assert.deepEqual([refused.status, refused.body.error.id], [429, 'rate_limited']);
      assert.ok(typeof refused.body.error.details?.retryAfter === 'number');
    });
  });
}
