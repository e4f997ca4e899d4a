import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationSettingsResponse, EventsResponse } from '../../protocol/api.ts';
import { MUTED_FOREVER } from '../../protocol/limits.ts';
import type { ConversationView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { isArchived, presentSettings } from './settings.ts';
import type { SettingsRecord } from './store.ts';

type Err = { error: { id: string } };

describe('the archive rule (Telegram: back with a message, unless it came while muted)', () => {
  const row = (over: Partial<SettingsRecord>): SettingsRecord => ({
    conversationId: 'c',
    userId: 'u',
    mutedUntil: null,
    pinnedAt: null,
    archivedAt: 100,
    archivedSeq: 5,
    ...over,
  });
  it('stays archived until a message comes after it was archived', () => {
    assert.equal(isArchived(row({}), { lastSeq: 5, lastActivityAt: 90 }), true);
    assert.equal(isArchived(row({}), { lastSeq: 6, lastActivityAt: 200 }), false);
    assert.equal(isArchived(null, { lastSeq: 6, lastActivityAt: 200 }), false);
    assert.equal(isArchived(row({ archivedAt: null }), { lastSeq: 5, lastActivityAt: 90 }), false);
  });
  it('a message that came while muted leaves it archived, also once the mute ran out; the next one does not', () => {
    const muted = row({ mutedUntil: 1000 });
    assert.equal(isArchived(muted, { lastSeq: 6, lastActivityAt: 500 }), true, 'came while muted');
    assert.equal(isArchived(muted, { lastSeq: 6, lastActivityAt: 1000 }), true);
    assert.equal(isArchived(muted, { lastSeq: 7, lastActivityAt: 1001 }), false, 'came after the mute');
  });
  it('presents "Always" as MUTED_FOREVER and times as ISO', () => {
    const v = presentSettings(row({ mutedUntil: Date.parse(MUTED_FOREVER), pinnedAt: 0, archivedAt: null }), {
      lastSeq: 1,
      lastActivityAt: 1,
    });
    assert.deepEqual(v, { mutedUntil: MUTED_FOREVER, pinnedAt: '1970-01-01T00:00:00.000Z', archived: false });
  });
});

for (const backend of backends) {
  describe(`mute, pin, archive (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    const settings = (p: Person, id: string, body: unknown) =>
      p.http.patch<ConversationSettingsResponse & Err>(`/api/conversations/${id}/settings`, body);
    const listed = async (p: Person, id: string) =>
      (await p.http.get<{ conversations: ConversationView[] }>('/api/conversations')).body.conversations.find(
        (c) => c.id === id,
      );
    const say = (p: Person, id: string, text: string) =>
      p.http.post(`/api/conversations/${id}/messages`, {
        clientId: `m${Math.random().toString(36).slice(2, 12)}`,
        text,
      });

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend);
      [ana, ben] = [await signUp(s.url), await signUp(s.url)];
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('pins for the person only: their devices hear it live and in catch-up, the other member nothing', async (t) => {
      if (skip) return t.skip(skip);
      const c = await startDirect(ana, ben);
      await say(ana, c.id, 'hello');
      const head = await s.comptoir.storage.reader.events.headPosition();
      const anaPhone = await SocketClient.live(s.wsUrl, ana);
      const anaLaptop = await SocketClient.live(s.wsUrl, ana);
      const benPhone = await SocketClient.live(s.wsUrl, ben);
      const r = await settings(ana, c.id, { pinned: true });
      assert.equal(r.status, 200);
      assert.equal(r.body.settings.archived, false);
      assert.ok(r.body.settings.pinnedAt);
      for (const sock of [anaPhone, anaLaptop]) {
        const f = await sock.next((x) => x.type === 'event' && x.event.type === 'conversation.settings_updated');
        assert.equal(
          f.type === 'event' && f.event.type === 'conversation.settings_updated' && f.event.pinnedAt,
          r.body.settings.pinnedAt,
        );
      }
      await barrier(anaPhone, c.id, benPhone);
      assert.equal(benPhone.events('conversation.settings_updated').length, 0, 'the other member learns nothing');
      assert.equal((await listed(ana, c.id))?.pinnedAt, r.body.settings.pinnedAt);
      assert.equal((await listed(ben, c.id))?.pinnedAt, null);
      const anaFeed = await ana.http.get<EventsResponse>(`/api/events?after=${head}`);
      assert.equal(anaFeed.body.events.filter((e) => e.event.type === 'conversation.settings_updated').length, 1);
      const benFeed = await ben.http.get<EventsResponse>(`/api/events?after=${head}`);
      assert.equal(benFeed.body.events.filter((e) => e.event.type === 'conversation.settings_updated').length, 0);
      // Pinning again changes nothing and tells nobody.
      const again = await settings(ana, c.id, { pinned: true });
      assert.equal(again.body.settings.pinnedAt, r.body.settings.pinnedAt);
      const caught = await SocketClient.live(s.wsUrl, ana, head);
      assert.equal(caught.events('conversation.settings_updated').length, 1, 'replayed once, in catch-up');
      for (const sock of [anaPhone, anaLaptop, benPhone, caught]) sock.close();
      await settings(ana, c.id, { pinned: false });
    });

    it('pins at most 5 conversations (too_many_pinned), counting those one is still in', async (t) => {
      if (skip) return t.skip(skip);
      const carol = await signUp(s.url);
      const groups: ConversationView[] = [];
      for (let i = 0; i < 6; i++) groups.push(await createGroup(carol, `G${i}`, [ana]));
      for (const g of groups.slice(0, 5)) assert.equal((await settings(carol, g.id, { pinned: true })).status, 200);
      const sixth = await settings(carol, (groups[5] as ConversationView).id, { pinned: true });
      assert.equal(sixth.status, 409);
      assert.equal(sixth.body.error.id, 'too_many_pinned');
      assert.equal((await listed(carol, (groups[5] as ConversationView).id))?.pinnedAt, null, 'nothing stored');
      // Leaving one frees its place.
      await carol.http.delete(`/api/conversations/${(groups[0] as ConversationView).id}/members/${carol.user.id}`);
      assert.equal((await settings(carol, (groups[5] as ConversationView).id, { pinned: true })).status, 200);
    });

    it('archives; a new message brings it back unless it is muted; archiving unpins, pinning unarchives', async (t) => {
      if (skip) return t.skip(skip);
      const g = await createGroup(ana, 'Archive me', [ben]);
      await settings(ana, g.id, { pinned: true });
      const archived = await settings(ana, g.id, { archived: true });
      assert.deepEqual(archived.body.settings, { mutedUntil: null, pinnedAt: null, archived: true });
      assert.equal((await listed(ana, g.id))?.archived, true);
      assert.equal((await listed(ben, g.id))?.archived, false, "ben's list is his own");
      await say(ben, g.id, 'are you there?');
      assert.equal((await listed(ana, g.id))?.archived, false, 'back in the main list');
      const got = await ana.http.get<{ conversation: ConversationView }>(`/api/conversations/${g.id}`);
      assert.equal(got.body.conversation.archived, false);

      await settings(ana, g.id, { archived: true, mutedUntil: MUTED_FOREVER });
      assert.equal((await listed(ana, g.id))?.mutedUntil, MUTED_FOREVER);
      await say(ben, g.id, 'still there?');
      assert.equal((await listed(ana, g.id))?.archived, true, 'muted: stays archived');
      // Unmuting afterwards does not bring it back for what came while muted.
      await settings(ana, g.id, { mutedUntil: null });
      assert.equal((await listed(ana, g.id))?.archived, true);
      await say(ben, g.id, 'now?');
      assert.equal((await listed(ana, g.id))?.archived, false);

      await settings(ana, g.id, { archived: true });
      const pinned = await settings(ana, g.id, { pinned: true });
      assert.equal(pinned.body.settings.archived, false);
      assert.ok(pinned.body.settings.pinnedAt);
      await settings(ana, g.id, { pinned: false });
    });

    it('mutes until a time; refuses a time past, a bad body, strangers and former members', async (t) => {
      if (skip) return t.skip(skip);
      const carol = await signUp(s.url);
      const g = await createGroup(ana, 'Mute', [ben]);
      const until = new Date(Date.now() + 8 * 3600_000).toISOString();
      const r = await settings(ana, g.id, { mutedUntil: until });
      assert.equal(r.body.settings.mutedUntil, until);
      assert.equal((await settings(ana, g.id, { mutedUntil: '2001-01-01T00:00:00Z' })).status, 400);
      assert.equal((await settings(ana, g.id, { mutedUntil: 'tomorrow' })).status, 400);
      assert.equal((await settings(ana, g.id, {})).status, 400);
      assert.equal((await settings(ana, g.id, { pinned: true, archived: true })).status, 400);
      assert.equal((await settings(ana, g.id, { muted: true })).status, 400);
      assert.equal((await listed(ana, g.id))?.mutedUntil, until, 'nothing changed by the refusals');
      const stranger = await settings(carol, g.id, { pinned: true });
      assert.equal(stranger.status, 404);
      assert.equal(stranger.body.error.id, 'conversation_not_found');
      await settings(ben, g.id, { pinned: true });
      await ben.http.delete(`/api/conversations/${g.id}/members/${ben.user.id}`);
      const former = await settings(ben, g.id, { archived: true });
      assert.equal(former.status, 403);
      assert.equal(former.body.error.id, 'not_member');
      // Added back, they start afresh: their settings went with their membership.
      await ana.http.post(`/api/conversations/${g.id}/members`, { userIds: [ben.user.id] });
      assert.equal((await listed(ben, g.id))?.pinnedAt, null);
      assert.equal((await settings(ana, g.id, { mutedUntil: null })).body.settings.mutedUntil, null);
    });
  });
}
