import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DomainEvent } from '../../protocol/events.ts';
import type { ConversationView, MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { createGroup, type Person, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type Err = { error: { id: string; message: string; details?: Record<string, unknown> } };
let n = 0;
const cid = () => `client-${Date.now().toString(36)}-${++n}`;

for (const backend of backends) {
  describe(`messaging over HTTP (${backend.name})`, () => {
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let eve: Person;

    const send = async (p: Person, conversationId: string, text: string, extra: Record<string, unknown> = {}) => {
      const r = await p.http.post<{ message: MessageView } & Err>(`/api/conversations/${conversationId}/messages`, {
        clientId: cid(),
        text,
        ...extra,
      });
      return r;
    };
    const list = async (p: Person) =>
      (await p.http.get<{ cursor: number; conversations: ConversationView[] }>('/api/conversations')).body;

    let skip: string | false = false;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '500' });
      ana = await signUp(s.url);
      ben = await signUp(s.url);
      eve = await signUp(s.url);
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    it('starts one one-to-one conversation per pair', async (t) => {
      if (skip) return t.skip(skip);
      const first = await ana.http.post<{ conversation: ConversationView }>('/api/conversations/direct', {
        userId: ben.user.id,
      });
      assert.equal(first.status, 201);
      const again = await ben.http.post<{ conversation: ConversationView }>('/api/conversations/direct', {
        userId: ana.user.id,
      });
      assert.equal(again.status, 200);
      assert.equal(again.body.conversation.id, first.body.conversation.id);
      assert.equal(first.body.conversation.kind, 'direct');
      assert.deepEqual(first.body.conversation.members.map((m) => m.user.id).sort(), [ana.user.id, ben.user.id].sort());
      const self = await ana.http.post<Err>('/api/conversations/direct', { userId: ana.user.id });
      assert.equal(self.status, 400);
      const nobody = await ana.http.post<Err>('/api/conversations/direct', { userId: 'nobody' });
      assert.equal(nobody.status, 404);
      assert.equal(nobody.body.error.id, 'user_not_found');
    });

    it('sends, pages history backwards, edits, deletes and replies', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, eve);
      const sent: MessageView[] = [];
      for (let i = 1; i <= 120; i++) {
        const r = await send(i % 2 ? ana : eve, conv.id, `message ${i}`);
        assert.equal(r.status, 201);
        sent.push(r.body.message);
      }
      assert.deepEqual(
        sent.map((m) => m.seq),
        Array.from({ length: 120 }, (_, i) => i + 1),
        'seq without gaps',
      );
      const page1 = (
        await ana.http.get<{ messages: MessageView[]; hasMore: boolean }>(
          `/api/conversations/${conv.id}/messages?limit=50`,
        )
      ).body;
      assert.deepEqual([page1.messages[0]?.seq, page1.messages.at(-1)?.seq, page1.hasMore], [71, 120, true]);
      const page2 = (
        await ana.http.get<{ messages: MessageView[]; hasMore: boolean }>(
          `/api/conversations/${conv.id}/messages?before=71&limit=50`,
        )
      ).body;
      assert.deepEqual([page2.messages[0]?.seq, page2.messages.at(-1)?.seq, page2.hasMore], [21, 70, true]);
      const page3 = (
        await ana.http.get<{ messages: MessageView[]; hasMore: boolean }>(
          `/api/conversations/${conv.id}/messages?before=21&limit=50`,
        )
      ).body;
      assert.deepEqual([page3.messages.length, page3.hasMore], [20, false]);

      const mine = sent[0] as MessageView;
      const theirs = sent[1] as MessageView;
      const edited = await ana.http.patch<{ message: MessageView } & Err>(`/api/messages/${mine.id}`, {
        text: '  fixed  ',
      });
      assert.equal(edited.status, 200);
      assert.equal(edited.body.message.text, 'fixed');
      assert.ok(edited.body.message.editedAt);
      const notMine = await ana.http.patch<Err>(`/api/messages/${theirs.id}`, { text: 'hijack' });
      assert.deepEqual([notMine.status, notMine.body.error.id], [403, 'not_author']);
      const notMineDelete = await ana.http.delete<Err>(`/api/messages/${theirs.id}`);
      assert.deepEqual([notMineDelete.status, notMineDelete.body.error.id], [403, 'not_author']);

      const reply = await send(eve, conv.id, 'answering', { replyToId: mine.id });
      assert.equal(reply.body.message.replyTo?.id, mine.id);
      assert.equal(reply.body.message.replyTo?.text, 'fixed');

      const deleted = await ana.http.delete<{ message: MessageView }>(`/api/messages/${mine.id}`);
      assert.equal(deleted.body.message.text, null);
      assert.ok(deleted.body.message.deletedAt);
      const again = await ana.http.patch<Err>(`/api/messages/${mine.id}`, { text: 'back' });
      assert.deepEqual([again.status, again.body.error.id], [409, 'message_deleted']);
      const history = (
        await eve.http.get<{ messages: MessageView[] }>(`/api/conversations/${conv.id}/messages?limit=1`)
      ).body;
      assert.equal(history.messages[0]?.replyTo?.deleted, true, 'a quote of a deleted message shows it deleted');
      assert.equal(history.messages[0]?.replyTo?.text, null);

      const foreignReply = await send(ana, conv.id, 'x', { replyToId: 'not-a-message' });
      assert.deepEqual([foreignReply.status, foreignReply.body.error.id], [404, 'message_not_found']);
    });

    it('returns the original message for a retried client id, and refuses reusing it elsewhere', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const other = await startDirect(ana, eve);
      const clientId = cid();
      const first = await send(ana, conv.id, 'only once', { clientId });
      const retry = await send(ana, conv.id, 'only once', { clientId });
      assert.equal(first.status, 201);
      assert.equal(retry.status, 200);
      assert.equal(retry.body.message.id, first.body.message.id);
      const elsewhere = await send(ana, other.id, 'elsewhere', { clientId });
      assert.deepEqual([elsewhere.status, elsewhere.body.error.id], [409, 'client_id_conflict']);
      // Another person may use the same client id: ids are per sender.
      assert.equal((await send(ben, conv.id, 'mine too', { clientId })).status, 201);
    });

    it('refuses over-long, empty and malformed messages, and keeps what was stored', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ben, eve);
      const kept = await send(ben, conv.id, 'kept');
      const long = await send(ben, conv.id, 'x'.repeat(4001));
      assert.deepEqual([long.status, long.body.error.id], [400, 'message_too_long']);
      const exactlyMax = await send(ben, conv.id, 'y'.repeat(4000));
      assert.equal(exactlyMax.status, 201);
      const blank = await send(ben, conv.id, '   \n\t ');
      assert.deepEqual([blank.status, blank.body.error.id], [400, 'message_empty']);
      const noClientId = await ben.http.post<Err>(`/api/conversations/${conv.id}/messages`, { text: 'hi' });
      assert.deepEqual([noClientId.status, noClientId.body.error.id], [400, 'bad_request']);
      assert.ok(noClientId.body.error.details?.fields);
      const extra = await ben.http.post<Err>(`/api/conversations/${conv.id}/messages`, {
        clientId: cid(),
        text: 'hi',
        admin: true,
      });
      assert.equal(extra.status, 400);
      const history = (await ben.http.get<{ messages: MessageView[] }>(`/api/conversations/${conv.id}/messages`)).body;
      assert.deepEqual(
        history.messages.map((m) => m.id),
        [kept.body.message.id, exactlyMax.body.message.id],
      );
    });

    it('shows a conversation only to its members', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      await send(ana, conv.id, 'private');
      for (const [path, method] of [
        [`/api/conversations/${conv.id}`, 'GET'],
        [`/api/conversations/${conv.id}/messages`, 'GET'],
        [`/api/conversations/${conv.id}/messages`, 'POST'],
        [`/api/conversations/${conv.id}/receipts`, 'POST'],
        [`/api/conversations/${conv.id}/members`, 'POST'],
      ] as const) {
        const body =
          method === 'POST'
            ? path.endsWith('messages')
              ? { clientId: cid(), text: 'hi' }
              : path.endsWith('members')
                ? { userIds: [eve.user.id] }
                : { readSeq: 1 }
            : undefined;
        const r = await eve.http.request<Err>(method, path, body);
        assert.deepEqual([r.status, r.body.error.id], [404, 'conversation_not_found'], `${method} ${path}`);
      }
      const unknown = await eve.http.get<Err>('/api/conversations/does-not-exist/messages');
      assert.deepEqual([unknown.status, unknown.body.error.id], [404, 'conversation_not_found']);
      const history = (await ana.http.get<{ messages: MessageView[] }>(`/api/conversations/${conv.id}/messages`)).body;
      const msg = history.messages[0] as MessageView;
      const edit = await eve.http.patch<Err>(`/api/messages/${msg.id}`, { text: 'mine now' });
      assert.deepEqual([edit.status, edit.body.error.id], [404, 'message_not_found']);
      assert.ok(!(await list(eve)).conversations.some((c) => c.id === conv.id));
      const feed = (await eve.http.get<{ events: { event: DomainEvent }[] }>('/api/events?after=0')).body;
      assert.ok(!feed.events.some((e) => 'conversationId' in e.event && e.event.conversationId === conv.id));
    });

    it('runs groups: rename by admins, add, remove, leave, admin hand-over, former members refused', async (t) => {
      if (skip) return t.skip(skip);
      const dan = await signUp(s.url);
      const group = await createGroup(ana, 'Trip', [ben, eve]);
      assert.equal(group.kind, 'group');
      assert.equal(group.title, 'Trip');
      assert.equal(group.members.find((m) => m.user.id === ana.user.id)?.role, 'admin');
      const renameByMember = await ben.http.patch<Err>(`/api/conversations/${group.id}`, { title: 'Mine' });
      assert.deepEqual([renameByMember.status, renameByMember.body.error.id], [403, 'not_admin']);
      const renamed = await ana.http.patch<{ conversation: ConversationView }>(`/api/conversations/${group.id}`, {
        title: 'Trip 2027',
      });
      assert.equal(renamed.body.conversation.title, 'Trip 2027');
      const added = await ben.http.post<{ conversation: ConversationView }>(`/api/conversations/${group.id}/members`, {
        userIds: [dan.user.id],
      });
      assert.equal(added.body.conversation.members.length, 4);
      const removeByMember = await ben.http.delete<Err>(`/api/conversations/${group.id}/members/${eve.user.id}`);
      assert.deepEqual([removeByMember.status, removeByMember.body.error.id], [403, 'not_admin']);
      assert.equal((await ana.http.delete(`/api/conversations/${group.id}/members/${eve.user.id}`)).status, 204);
      const asFormer = await send(eve, group.id, 'still here?');
      assert.deepEqual([asFormer.status, asFormer.body.error.id], [403, 'not_member']);
      const readFormer = await eve.http.get<Err>(`/api/conversations/${group.id}/messages`);
      assert.deepEqual([readFormer.status, readFormer.body.error.id], [403, 'not_member']);
      // The only admin leaves: the longest-standing member becomes admin.
      assert.equal((await ana.http.delete(`/api/conversations/${group.id}/members/${ana.user.id}`)).status, 204);
      const after = (await ben.http.get<{ conversation: ConversationView }>(`/api/conversations/${group.id}`)).body
        .conversation;
      assert.deepEqual(
        after.members.map((m) => [m.user.id, m.role]).sort(),
        [
          [ben.user.id, 'admin'],
          [dan.user.id, 'member'],
        ].sort(),
      );
      const direct = await startDirect(ana, ben);
      const leaveDirect = await ana.http.delete<Err>(`/api/conversations/${direct.id}/members/${ana.user.id}`);
      assert.equal(leaveDirect.status, 400);
      const missing = await ana.http.post<Err>('/api/conversations/group', { title: 'x', memberIds: ['nobody'] });
      assert.deepEqual([missing.status, missing.body.error.id], [404, 'user_not_found']);
      const noTitle = await ana.http.post<Err>('/api/conversations/group', { title: '   ', memberIds: [] });
      assert.equal(noTitle.status, 400);
    });

    it('keeps receipts as watermarks that only move forward, and counts unread', async (t) => {
      if (skip) return t.skip(skip);
      const fay = await signUp(s.url);
      const gus = await signUp(s.url);
      const conv = await startDirect(fay, gus);
      for (let i = 0; i < 5; i++) await send(fay, conv.id, `m${i}`);
      let gusView = (await list(gus)).conversations.find((c) => c.id === conv.id) as ConversationView;
      assert.equal(gusView.unread, 5);
      assert.equal(gusView.lastMessage?.text, 'm4');
      assert.equal((await gus.http.post(`/api/conversations/${conv.id}/receipts`, { readSeq: 3 })).status, 204);
      assert.equal(
        (await gus.http.post(`/api/conversations/${conv.id}/receipts`, { readSeq: 1, deliveredSeq: 2 })).status,
        204,
      );
      gusView = (await list(gus)).conversations.find((c) => c.id === conv.id) as ConversationView;
      assert.equal(gusView.unread, 2);
      const me = gusView.members.find((m) => m.user.id === gus.user.id);
      assert.deepEqual([me?.readSeq, me?.deliveredSeq], [3, 3], 'read implies delivered; nothing moves back');
      await gus.http.post(`/api/conversations/${conv.id}/receipts`, { readSeq: 99 });
      gusView = (await list(gus)).conversations.find((c) => c.id === conv.id) as ConversationView;
      assert.equal(gusView.members.find((m) => m.user.id === gus.user.id)?.readSeq, 5, 'clamped to the last message');
      assert.equal(gusView.unread, 0);
      const empty = await gus.http.post<Err>(`/api/conversations/${conv.id}/receipts`, {});
      assert.equal(empty.status, 400);
      // Sending implies having read: the sender's watermark follows their message.
      await send(gus, conv.id, 'reply');
      const fayView = (await list(fay)).conversations.find((c) => c.id === conv.id) as ConversationView;
      assert.equal(fayView.members.find((m) => m.user.id === gus.user.id)?.readSeq, 6);
      assert.equal(fayView.unread, 1);
    });

    it('orders the list by last activity and serves the event feed after a cursor', async (t) => {
      if (skip) return t.skip(skip);
      const hal = await signUp(s.url);
      const a = await startDirect(hal, ana);
      const b = await startDirect(hal, ben);
      const { cursor } = await list(hal);
      await send(ana, a.id, 'newer');
      assert.deepEqual(
        (await list(hal)).conversations.map((c) => c.id),
        [a.id, b.id],
      );
      await send(ben, b.id, 'newest');
      const after = await list(hal);
      assert.deepEqual(
        after.conversations.map((c) => c.id),
        [b.id, a.id],
      );
      const feed = (
        await hal.http.get<{ events: { pos: number; event: DomainEvent }[]; cursor: number; hasMore: boolean }>(
          `/api/events?after=${cursor}`,
        )
      ).body;
      // Ana and Ben each meet Hal's conversation with its first message, which they write: each joins it then.
      assert.deepEqual(
        feed.events.map((e) => e.event.type),
        ['conversation.joined', 'message.created', 'conversation.joined', 'message.created'],
      );
      assert.equal(feed.cursor, after.cursor);
      assert.equal(feed.hasMore, false);
      const bad = await hal.http.get<Err>('/api/events?after=-1');
      assert.equal(bad.status, 400);
    });
  });
}
