import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventsResponse, MessagesResponse } from '../../protocol/api.ts';
import type { ActivityView, MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { createGroup, type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

let n = 0;
const cid = () => `act-${Date.now().toString(36)}-${++n}`;

/** A group's activity lines (issue 9, defect 11): stored with the change, carried by history pages and events. */
for (const backend of backends) {
  describe(`group activity lines (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let cat: Person;
    let dan: Person;
    const send = async (p: Person, conversationId: string, text: string) =>
      (
        await p.http.post<{ message: MessageView }>(`/api/conversations/${conversationId}/messages`, {
          clientId: cid(),
          text,
        })
      ).body.message;
    const page = async (p: Person, conversationId: string, query = '') => {
      const r = await p.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    const line = (a: ActivityView) => [a.kind, a.afterSeq, a.actorId, a.targetId, a.title, a.history];

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GROUPS_PER_HOUR: '100', RATE_MEMBER_ADDS_PER_HOUR: '600' });
      [ana, ben, cat, dan] = [await signUp(s.url), await signUp(s.url), await signUp(s.url), await signUp(s.url)];
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('puts each change of a group after the message it followed, and pages carry each line once', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Trip', [ben]);
      const m1 = await send(ana, group.id, 'one');
      assert.equal((await ana.http.patch(`/api/conversations/${group.id}`, { title: 'Summer trip' })).status, 200);
      await send(ben, group.id, 'two');
      assert.equal(
        (await ben.http.post(`/api/conversations/${group.id}/members`, { userIds: [cat.user.id] })).status,
        200,
      );
      await send(cat, group.id, 'three');
      assert.equal((await ana.http.delete(`/api/conversations/${group.id}/members/${ben.user.id}`)).status, 204);
      assert.equal(
        (await ana.http.patch(`/api/conversations/${group.id}`, { title: 'Summer', history: 'full' })).status,
        200,
      );
      // Ana, the only admin, leaves: Cat is made admin.
      assert.equal((await ana.http.delete(`/api/conversations/${group.id}/members/${ana.user.id}`)).status, 204);

      const all = await page(cat, group.id);
      assert.deepEqual(all.activity.map(line), [
        ['created', 0, ana.user.id, null, 'Trip', null],
        ['renamed', m1.seq, ana.user.id, null, 'Summer trip', null],
        ['added', 2, ben.user.id, cat.user.id, null, null],
        ['removed', 3, ana.user.id, ben.user.id, null, null],
        ['renamed', 3, ana.user.id, null, 'Summer', null],
        ['history', 3, ana.user.id, null, null, 'full'],
        ['left', 3, ana.user.id, ana.user.id, null, null],
        ['admin', 3, ana.user.id, cat.user.id, null, null],
      ]);
      // The people they name are in the page, members or not.
      assert.deepEqual(all.users.map((u) => u.id).sort(), [ana.user.id, ben.user.id, cat.user.id].sort());
      // Pages of one message: every line in exactly one page.
      const seen: string[] = [];
      let before: number | undefined;
      for (;;) {
        const p = await page(cat, group.id, `?limit=1${before ? `&before=${before}` : ''}`);
        seen.push(...p.activity.map((a) => a.id));
        for (const a of p.activity) {
          for (const u of [a.actorId, a.targetId].filter((x) => x !== null)) {
            assert.ok(
              p.users.some((x) => x.id === u),
              'each page names its people',
            );
          }
        }
        if (!p.hasMore) break;
        before = p.messages[0]?.seq;
      }
      assert.deepEqual(seen.sort(), all.activity.map((a) => a.id).sort());
      // The event log carries the same lines (live and in catch-up).
      const events = await cat.http.get<EventsResponse>('/api/events?after=0');
      const logged = events.body.events.flatMap((e) =>
        'activity' in e.event && e.event.conversationId === group.id ? (e.event.activity ?? []) : [],
      );
      assert.ok(logged.length > 0);
      for (const a of logged) assert.ok(all.activity.some((x) => x.id === a.id && x.afterSeq === a.afterSeq));
    });

    it('shows a newcomer the lines from their joining on under history "joined", all of them under "full"', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Joined only', [ben]);
      await send(ana, group.id, 'before cat');
      await ana.http.patch(`/api/conversations/${group.id}`, { title: 'Renamed before cat' });
      assert.equal(
        (await ana.http.post(`/api/conversations/${group.id}/members`, { userIds: [cat.user.id] })).status,
        200,
      );
      assert.equal(
        (await ana.http.post(`/api/conversations/${group.id}/members`, { userIds: [dan.user.id] })).status,
        200,
      );
      await send(ben, group.id, 'after cat');
      const cats = await page(cat, group.id);
      assert.deepEqual(
        cats.activity.map((a) => [a.kind, a.targetId]),
        [
          ['added', cat.user.id],
          ['added', dan.user.id],
        ],
        'not the group’s creation, nor its renaming before she came',
      );
      assert.deepEqual(
        cats.messages.map((m) => m.text),
        ['after cat'],
      );
      const bens = await page(ben, group.id);
      assert.equal(bens.activity.length, 4, 'a member from the start sees every line');
      await ana.http.patch(`/api/conversations/${group.id}`, { history: 'full' });
      assert.equal((await page(cat, group.id)).activity.length, 5, 'full history: everything');
      // Someone who is not a member reads nothing.
      const outsider = await signUp(s.url);
      const refused = await outsider.http.get<{ error: { id: string } }>(`/api/conversations/${group.id}/messages`);
      assert.equal(refused.status, 404);
    });

    it('sends the lines with the events, to members already there and to newcomers', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Live', [ben]);
      const a = await SocketClient.live(s.wsUrl, ana);
      const c = await SocketClient.live(s.wsUrl, cat);
      await ana.http.post(`/api/conversations/${group.id}/members`, { userIds: [cat.user.id] });
      const added = await a.next((f) => f.type === 'event' && f.event.type === 'member.added');
      const joined = await c.next((f) => f.type === 'event' && f.event.type === 'conversation.joined');
      assert.ok(added.type === 'event' && added.event.type === 'member.added');
      assert.ok(joined.type === 'event' && joined.event.type === 'conversation.joined');
      const [line1] = added.event.activity ?? [];
      assert.deepEqual(line1 && [line1.kind, line1.actorId, line1.targetId], ['added', ana.user.id, cat.user.id]);
      assert.deepEqual(
        joined.event.activity?.map((x) => x.id),
        [line1?.id],
        'the newcomer gets the line of their joining',
      );
      await ana.http.patch(`/api/conversations/${group.id}`, { title: 'Live, renamed' });
      const renamed = await c.next((f) => f.type === 'event' && f.event.type === 'conversation.updated');
      assert.ok(renamed.type === 'event' && renamed.event.type === 'conversation.updated');
      assert.deepEqual(
        renamed.event.activity?.map((x) => [x.kind, x.title]),
        [['renamed', 'Live, renamed']],
      );
      // Direct conversations have no lines.
      const direct = await ana.http.post<{ conversation: { id: string } }>('/api/conversations/direct', {
        userId: dan.user.id,
      });
      await send(ana, direct.body.conversation.id, 'hi');
      assert.deepEqual((await page(ana, direct.body.conversation.id)).activity, []);
      a.close();
      c.close();
    });
  });
}
