import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationsResponse, EventsResponse, MessagesResponse } from '../../protocol/api.ts';
import type { DomainEvent } from '../../protocol/events.ts';
import { limits } from '../../protocol/limits.ts';
import { toReactionEmoji } from '../../protocol/reactions.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type Err = { error: { id: string; message: string; details?: Record<string, unknown> } };
type Reaction = Extract<DomainEvent, { type: 'reaction.updated' }>;
let n = 0;
const cid = () => `rx-${Date.now().toString(36)}-${++n}`;

describe('a reaction is one emoji', () => {
  it('takes RGI emoji: ZWJ sequences, skin tones, flags, keycaps', () => {
    for (const e of ['👍', '❤️', '👍🏽', '🏳️‍🌈', '🇫🇷', '👨‍👩‍👧‍👦', '1️⃣', '🫠', '🧑🏿‍🚀']) {
      assert.equal(toReactionEmoji(e), e, e);
    }
  });
  it('takes a symbol typed without its variation selector as its emoji form', () => {
    assert.equal(toReactionEmoji('\u2764'), '\u2764\uFE0F');
  });
  it('refuses text, two emojis, a lone joiner, half a pair, too many bytes', () => {
    const tooLong = '👨‍👩‍👧‍👦'.repeat(2);
    for (const e of ['', 'a', 'ok', '👍👍', '👍 ', '\u200D', '\uD83D', '🇫', '#', '1', ':+1:', tooLong, '\u0000']) {
      assert.equal(toReactionEmoji(e), null, JSON.stringify(e));
    }
    assert.ok(new TextEncoder().encode('👨‍👩‍👧‍👦').length <= limits.reactions.emojiBytes);
  });
});

for (const backend of backends) {
  describe(`reactions (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let carol: Person;
    let eve: Person;

    const send = async (p: Person, conversationId: string, text: string) => {
      const r = await p.http.post<{ message: MessageView }>(`/api/conversations/${conversationId}/messages`, {
        clientId: cid(),
        text,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.message;
    };
    const path = (m: MessageView, emoji: string, conversationId = m.conversationId) =>
      `/api/conversations/${conversationId}/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`;
    const put = (p: Person, m: MessageView, emoji: string, conversationId?: string) =>
      p.http.put<{ message: MessageView } & Err>(path(m, emoji, conversationId));
    const del = (p: Person, m: MessageView, emoji: string) =>
      p.http.delete<{ message: MessageView } & Err>(path(m, emoji));
    const historyOf = async (p: Person, conversationId: string, id: string) => {
      const r = await p.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      return { message: r.body.messages.find((m) => m.id === id), users: r.body.users };
    };
    const head = () => s.comptoir.storage.reader.events.headPosition();
    const rows = async (messageId: string) => s.comptoir.storage.reader.messaging.reactionsOf([messageId]);

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '200' });
      [ana, ben, carol, eve] = [await signUp(s.url), await signUp(s.url), await signUp(s.url), await signUp(s.url)];
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('puts and takes back reactions live, idempotently, ordered, in history and the list', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Reactions', [ben, carol]);
      const m = await send(ana, group.id, 'React to me');
      const anaLive = await SocketClient.live(s.wsUrl, ana);
      const benLive = await SocketClient.live(s.wsUrl, ben);

      const r1 = await put(ben, m, '❤️');
      assert.equal(r1.status, 200);
      assert.deepEqual(r1.body.message.reactions, [{ emoji: '❤️', count: 1, userIds: [ben.user.id] }]);
      const seen = await anaLive.next<{ type: 'event'; pos: number; event: Reaction }>(
        (f) => f.type === 'event' && f.event.type === 'reaction.updated',
      );
      assert.deepEqual(seen.event, {
        type: 'reaction.updated',
        conversationId: group.id,
        messageId: m.id,
        seq: m.seq,
        userId: ben.user.id,
        emoji: '❤️',
        on: true,
      });

      // Twice: nothing new, no event.
      const before = await head();
      const again = await put(ben, m, '❤️');
      assert.equal(again.status, 200);
      assert.equal(again.body.message.reactions?.[0]?.count, 1);
      assert.equal(await head(), before, 'no event for a reaction already there');
      const nothing = await del(carol, m, '❤️');
      assert.equal(nothing.status, 200);
      assert.equal(await head(), before, 'no event for taking back what is not there');

      // Over the socket: ack in place of the event; the bare heart is the emoji one.
      const from = anaLive.frames.length;
      anaLive.send({ type: 'react', ref: 'r1', messageId: m.id, emoji: '\u2764', on: true });
      const ack = await anaLive.next((f) => f.type === 'ack' && f.ref === 'r1', 5000, from);
      assert.ok(ack.type === 'ack' && typeof ack.pos === 'number', 'acked with the event position');
      const benSaw = await benLive.next<{ type: 'event'; pos: number; event: Reaction }>(
        (f) => f.type === 'event' && f.event.type === 'reaction.updated' && f.event.userId === ana.user.id,
      );
      assert.equal(benSaw.event.emoji, '❤️');
      anaLive.send({ type: 'react', ref: 'r2', messageId: m.id, emoji: '❤️', on: true });
      const noop = await anaLive.next((f) => (f.type === 'ack' || f.type === 'error') && f.ref === 'r2', 5000, from);
      assert.deepEqual(noop, { type: 'ack', ref: 'r2' }, 'a no-op is acked at once, with no pos');

      // Several emojis per person; order: first emoji first, people in the order they reacted.
      assert.equal((await put(carol, m, '😂')).status, 200);
      assert.equal((await put(carol, m, '❤️')).status, 200);
      const h = await historyOf(ben, group.id, m.id);
      assert.deepEqual(h.message?.reactions, [
        { emoji: '❤️', count: 3, userIds: [ben.user.id, ana.user.id, carol.user.id] },
        { emoji: '😂', count: 1, userIds: [carol.user.id] },
      ]);
      const list = await ben.http.get<ConversationsResponse>('/api/conversations');
      const last = list.body.conversations.find((c) => c.id === group.id)?.lastMessage;
      assert.deepEqual(last?.reactions, h.message?.reactions, 'the list shows the last message with its reactions');
      const one = await ben.http.get<{ conversation: { lastMessage: MessageView } }>(`/api/conversations/${group.id}`);
      assert.deepEqual(one.body.conversation.lastMessage.reactions, h.message?.reactions);

      const off = await del(ben, m, '❤️');
      assert.deepEqual(off.body.message.reactions, [
        { emoji: '❤️', count: 2, userIds: [ana.user.id, carol.user.id] },
        { emoji: '😂', count: 1, userIds: [carol.user.id] },
      ]);
      const benOff = await anaLive.next<{ type: 'event'; pos: number; event: Reaction }>(
        (f) => f.type === 'event' && f.event.type === 'reaction.updated' && !f.event.on,
      );
      assert.equal(benOff.event.userId, ben.user.id);
      anaLive.close();
      benLive.close();
    });

    it('is caught up: GET /api/events and a hello with a cursor replay the changes', async (t) => {
      if (skip) return t.skip(skip);
      const direct = await startDirect(ana, ben);
      const m = await send(ben, direct.id, 'Catch up on this');
      const cursor = await head();
      await put(ana, m, '👍🏽');
      await put(ana, m, '🎉');
      await del(ana, m, '🎉');
      const feed = await ana.http.get<EventsResponse>(`/api/events?after=${cursor}`);
      const changes = feed.body.events
        .map((e) => e.event)
        .filter((e): e is Reaction => e.type === 'reaction.updated')
        .map((e) => [e.emoji, e.on]);
      assert.deepEqual(changes, [
        ['👍🏽', true],
        ['🎉', true],
        ['🎉', false],
      ]);
      const late = await SocketClient.live(s.wsUrl, ben, cursor);
      const replayed = late.events('reaction.updated').map((f) => (f.event as Reaction).emoji);
      assert.deepEqual(replayed, ['👍🏽', '🎉', '🎉']);
      late.close();
    });

    it('reaches only who may read the message: not a stranger, not a newcomer who cannot see it', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Joined history', [ben]);
      const old = await send(ana, group.id, 'Before carol');
      const add = await ana.http.post(`/api/conversations/${group.id}/members`, { userIds: [carol.user.id] });
      assert.equal(add.status, 200);
      const after = await send(ana, group.id, 'After carol');
      const carolLive = await SocketClient.live(s.wsUrl, carol);
      const eveLive = await SocketClient.live(s.wsUrl, eve);
      const anaLive = await SocketClient.live(s.wsUrl, ana);
      const cursor = await head();
      assert.equal((await put(ben, old, '🔥')).status, 200);
      assert.equal((await put(ben, after, '👀')).status, 200);
      await barrier(anaLive, group.id, carolLive);
      const carolSaw = carolLive.events('reaction.updated').map((f) => (f.event as Reaction).messageId);
      assert.deepEqual(carolSaw, [after.id], 'carol does not get the reaction on what came before her');
      assert.equal(eveLive.events('reaction.updated').length, 0, 'a stranger gets nothing');
      const replay = await carol.http.get<EventsResponse>(`/api/events?after=${cursor}`);
      assert.deepEqual(
        replay.body.events.filter((e) => e.event.type === 'reaction.updated').map((e) => (e.event as Reaction).emoji),
        ['👀'],
      );
      // Nor may she react to it.
      const r = await put(carol, old, '👍');
      assert.equal(r.status, 404);
      assert.equal(r.body.error.id, 'message_not_found');
      // The reactor who later left still appears, named, in history.
      await ben.http.delete(`/api/conversations/${group.id}/members/${ben.user.id}`);
      const h = await historyOf(ana, group.id, after.id);
      assert.deepEqual(h.message?.reactions?.[0]?.userIds, [ben.user.id]);
      assert.ok(
        h.users.some((u) => u.id === ben.user.id),
        'who reacted is among the users of the page',
      );
      carolLive.close();
      eveLive.close();
      anaLive.close();
    });

    it('refuses bad input and stores nothing', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Refusals', [ben, carol]);
      const m = await send(ana, group.id, 'Refuse on me');
      const other = await createGroup(eve, 'Elsewhere', []);
      const before = await head();

      for (const emoji of ['a', 'ok', '👍👍', '\u200D', ':+1:', '👨‍👩‍👧‍👦👨‍👩‍👧‍👦']) {
        const r = await put(ben, m, emoji);
        assert.equal(r.status, 400, emoji);
        assert.equal(r.body.error.id, 'bad_request');
        assert.ok('emoji' in ((r.body.error.details?.fields ?? {}) as object), 'names emoji');
      }
      const long = await put(ben, m, '👍'.repeat(40));
      assert.equal(long.status, 400);
      assert.ok('emoji' in ((long.body.error.details?.fields ?? {}) as object));
      // Over the socket too: bad_request naming emoji.
      const live = await SocketClient.live(s.wsUrl, ben);
      live.send({ type: 'react', ref: 'bad', messageId: m.id, emoji: 'x', on: true });
      const err = await live.next((f) => f.type === 'error' && f.ref === 'bad');
      assert.ok(
        err.type === 'error' &&
          err.error.id === 'bad_request' &&
          'emoji' in ((err.error.details?.fields ?? {}) as object),
      );
      live.close();

      // Never in it: the message does not exist for them; another conversation's path neither.
      const stranger = await put(eve, m, '👍');
      assert.equal(stranger.body.error.id, 'message_not_found');
      const wrongPath = await put(ben, m, '👍', other.id);
      assert.equal(wrongPath.body.error.id, 'message_not_found');
      const unknown = await ben.http.put<Err>(
        `/api/conversations/${group.id}/messages/nope/reactions/${encodeURIComponent('👍')}`,
      );
      assert.equal(unknown.body.error.id, 'message_not_found');
      assert.equal(await head(), before, 'no event for a refused reaction');
      assert.deepEqual(await rows(m.id), [], 'nothing stored');

      // Limits: different emojis per person, then per message.
      const mine = ['😀', '😃', '😄', '😁', '😆', '😅', '🤣', '😂', '🙂', '🙃', '😉'];
      for (const e of mine.slice(0, limits.reactions.perPerson)) assert.equal((await put(ben, m, e)).status, 200);
      const overMine = await put(ben, m, mine[limits.reactions.perPerson] as string);
      assert.equal(overMine.status, 409);
      assert.equal(overMine.body.error.id, 'reaction_limit');
      assert.equal(overMine.body.error.details?.per, 'person');
      const more = ['🐶', '🐱', '🐭', '🐹', '🐰', '🦊', '🐻', '🐼', '🐨', '🐯', '🦁'];
      for (const e of more.slice(0, limits.reactions.perMessage - limits.reactions.perPerson)) {
        assert.equal((await put(ana, m, e)).status, 200, e);
      }
      const headAtLimit = await head();
      const overMessage = await put(carol, m, '🐸');
      assert.equal(overMessage.status, 409);
      assert.equal(overMessage.body.error.id, 'reaction_limit');
      assert.equal(overMessage.body.error.details?.per, 'message');
      // An emoji already there can still be added by someone else.
      assert.equal((await put(carol, m, '😀')).status, 200);
      assert.equal((await head()) - headAtLimit, 1);

      // Left: not_member.
      await carol.http.delete(`/api/conversations/${group.id}/members/${carol.user.id}`);
      const gone = await put(carol, m, '👍');
      assert.equal(gone.status, 403);
      assert.equal(gone.body.error.id, 'not_member');

      // Deleting the message for everyone removes its reactions; reacting to it then: message_deleted.
      assert.ok((await rows(m.id)).length > 0);
      const deleted = await ana.http.delete<{ message: MessageView }>(`/api/messages/${m.id}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(await rows(m.id), [], 'no orphans');
      const onDeleted = await put(ben, m, '👍');
      assert.equal(onDeleted.status, 409);
      assert.equal(onDeleted.body.error.id, 'message_deleted');
      const h = await historyOf(ana, group.id, m.id);
      assert.equal(h.message?.reactions, undefined);
    });
  });
}
