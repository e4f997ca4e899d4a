import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PresenceResponse, SettingsResponse } from '../../protocol/api.ts';
import type { Signal } from '../../protocol/events.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { createGroup, HttpClient, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { until } from '../../test/helpers/until.ts';

type PresenceSignal = Extract<Signal, { type: 'presence' }>;
const GRACE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const presenceOf =
  (userId: string, state?: PresenceSignal['state']) =>
  (f: ServerFrame): boolean =>
    f.type === 'signal' &&
    f.signal.type === 'presence' &&
    f.signal.userId === userId &&
    (state === undefined || f.signal.state === state);
const presenceSignals = (c: SocketClient, from = 0) =>
  c.frames.slice(from).flatMap((f) => (f.type === 'signal' && f.signal.type === 'presence' ? [f.signal] : []));

for (const backend of backends) {
  describe(`presence (${backend.name})`, () => {
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let cat: Person;
    let dan: Person;
    const sockets: SocketClient[] = [];
    let anaSocket: SocketClient;
    let benSocket: SocketClient;
    const live = async (p: Person) => {
      const c = await SocketClient.live(s.wsUrl, p);
      sockets.push(c);
      return c;
    };
    const ask = async (viewer: Person, ...people: Person[]) => {
      const r = await viewer.http.get<PresenceResponse>(
        `/api/presence?userIds=${people.map((p) => encodeURIComponent(p.user.id)).join(',')}`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return Object.fromEntries(r.body.presence.map((p) => [p.userId, p]));
    };
    const lastSeenStored = async (p: Person) =>
      (await s.comptoir.storage.reader.presence.presenceOf([p.user.id]))[0]?.lastSeenAt ?? null;

    let skip: string | false = false;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, {}, { presence: { graceMs: GRACE_MS } });
      [ana, ben, cat, dan] = await Promise.all([signUp(s.url), signUp(s.url), signUp(s.url), signUp(s.url)]);
      // ana and ben share a one-to-one conversation; cat shares a group with ana only; dan left ben's group.
      await startDirect(ana, ben);
      await createGroup(ana, 'ana and cat', [cat]);
      const g = await createGroup(ben, 'ben and dan', [dan]);
      assert.equal((await dan.http.delete(`/api/conversations/${g.id}/members/${dan.user.id}`)).status, 204);
    });
    after(async () => {
      if (skip) return;
      for (const c of sockets) c.close();
      await s.close();
    });

    it('ben opening the app is sent live to ana, who shares a conversation with him — not to cat nor dan', async (t) => {
      if (skip) return t.skip(skip);
      const c = await live(cat);
      const d = await live(dan);
      const a = await live(ana);
      await c.next(presenceOf(ana.user.id, 'online'));
      assert.equal((await ask(ana, ben))[ben.user.id]?.state, 'offline');
      assert.equal((await ask(ana, ben))[ben.user.id]?.lastSeenAt, null, 'never seen');
      anaSocket = a;
      const b = await live(ben);
      benSocket = b;
      const online = await a.next(presenceOf(ben.user.id, 'online'));
      assert.deepEqual(online, {
        type: 'signal',
        signal: { type: 'presence', userId: ben.user.id, state: 'online', lastSeenAt: null },
      });
      // The signal went to its whole audience in one pass; give the others' sockets time to receive a stray one.
      await sleep(150);
      assert.deepEqual(
        presenceSignals(c).filter((x) => x.userId === ben.user.id),
        [],
        'cat shares nothing with ben',
      );
      assert.deepEqual(
        presenceSignals(d).filter((x) => x.userId === ben.user.id),
        [],
        'dan left ben’s group',
      );
      assert.equal(presenceSignals(b).length, 0, 'nobody of ben’s is online but ana, and ana came before');
      // ana's own coming online reached cat (they share a group), and not dan.
      assert.ok(!presenceSignals(d).some((x) => x.userId === ana.user.id));

      const seen = await ask(ana, ben, cat, dan);
      assert.deepEqual(seen[ben.user.id], { userId: ben.user.id, state: 'online', lastSeenAt: null });
      assert.equal(seen[cat.user.id]?.state, 'online');
      assert.equal(seen[dan.user.id], undefined, 'a stranger is left out');
      assert.deepEqual(Object.keys(await ask(cat, ben)), [], 'cat learns nothing of ben');
      assert.deepEqual(Object.keys(await ask(dan, ben)), [], 'nor does a former member');
    });

    it('a reload within the grace does not flap; the last socket closing is "last seen" after the grace', async (t) => {
      if (skip) return t.skip(skip);
      const a = anaSocket;
      const second = await live(ben);
      const from = a.frames.length;
      // A reload: every socket of ben's closes, a new one opens at once.
      benSocket.close();
      second.close();
      const again = await live(ben);
      await sleep(GRACE_MS * 2);
      assert.deepEqual(
        presenceSignals(a, from).filter((x) => x.userId === ben.user.id),
        [],
        'no offline/online pair for a reload',
      );
      assert.equal((await ask(ana, ben))[ben.user.id]?.state, 'online');

      const closedAt = Date.now();
      again.close();
      const offline = await a.next(presenceOf(ben.user.id, 'offline'), 5000, from);
      assert.ok(offline.type === 'signal' && offline.signal.type === 'presence');
      const at = Date.parse(offline.signal.lastSeenAt ?? '');
      assert.ok(
        at - closedAt >= GRACE_MS - 50 && at <= Date.now(),
        `last seen ${offline.signal.lastSeenAt}, after the grace`,
      );
      assert.deepEqual(await ask(ana, ben), {
        [ben.user.id]: { userId: ben.user.id, state: 'offline', lastSeenAt: offline.signal.lastSeenAt },
      });
      await until('last seen written', async () => (await lastSeenStored(ben)) === at, 5000);
    });

    it('ben turning presence off hides it from ana at once, and ana from him; on again, both see', async (t) => {
      if (skip) return t.skip(skip);
      const a = anaSocket;
      const b = await live(ben);
      await a.next(presenceOf(ben.user.id, 'online'), 5000, a.frames.length - 1);
      assert.deepEqual((await ben.http.get<SettingsResponse>('/api/me/settings')).body, {
        settings: { showPresence: true },
      });
      const from = a.frames.length;
      const off = await ben.http.patch<SettingsResponse>('/api/me/settings', { showPresence: false });
      assert.equal(off.status, 200);
      assert.deepEqual(off.body, { settings: { showPresence: false } });
      await a.next(presenceOf(ben.user.id, 'hidden'), 5000, from);
      assert.deepEqual(await ask(ana, ben), {
        [ben.user.id]: { userId: ben.user.id, state: 'hidden', lastSeenAt: null },
      });
      assert.deepEqual(await ask(ben, ana), {
        [ana.user.id]: { userId: ana.user.id, state: 'hidden', lastSeenAt: null },
      });
      assert.deepEqual((await ben.http.get<SettingsResponse>('/api/me/settings')).body.settings, {
        showPresence: false,
      });

      // While it is off: ben going and coming is told to nobody, and ana's changes are not sent to ben.
      const bFrom = b.frames.length;
      const a2 = await live(ana);
      a2.close();
      b.close();
      const b2 = await live(ben);
      await sleep(GRACE_MS * 3);
      assert.deepEqual(
        presenceSignals(a, from + 1).filter((x) => x.userId === ben.user.id),
        [],
      );
      assert.deepEqual(presenceSignals(b, bFrom), []);
      assert.deepEqual(presenceSignals(b2), []);

      const on = await ben.http.patch<SettingsResponse>('/api/me/settings', { showPresence: true });
      assert.deepEqual(on.body, { settings: { showPresence: true } });
      await a.next(presenceOf(ben.user.id, 'online'), 5000, from + 1);
      assert.equal((await ask(ben, ana))[ana.user.id]?.state, 'online');
      // Setting the same value again changes nothing and tells nobody.
      const same = a.frames.length;
      assert.equal((await ben.http.patch('/api/me/settings', { showPresence: true })).status, 200);
      await sleep(150);
      assert.deepEqual(presenceSignals(a, same), []);
    });

    it('refuses bad input, and answers nothing signed out', async (t) => {
      if (skip) return t.skip(skip);
      for (const body of [{}, { showPresence: 'yes' }, { showPresence: null }, { showPresence: true, extra: 1 }, []]) {
        const r = await ben.http.patch<{ error: { id: string } }>('/api/me/settings', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error.id, 'bad_request');
      }
      assert.equal((await ben.http.get<SettingsResponse>('/api/me/settings')).body.settings.showPresence, true);
      const many = Array.from({ length: 201 }, (_, i) => `u${i}`).join(',');
      for (const q of ['', '?userIds=', '?userIds=a,,b', `?userIds=${many}`, '?userIds=a&userIds=b', '?who=a'])
        assert.equal((await ana.http.get(`/api/presence${q}`)).status, 400, q);
      assert.deepEqual((await ana.http.get<PresenceResponse>('/api/presence?userIds=nobody,x%00y')).body, {
        presence: [],
      });
      const anon = new HttpClient(s.url);
      assert.equal((await anon.get('/api/presence?userIds=a')).status, 401);
      assert.equal((await anon.get('/api/me/settings')).status, 401);
      assert.equal((await anon.patch('/api/me/settings', { showPresence: false })).status, 401);
    });

    it('a socket acting as a page makes nobody online; the heartbeat marks who is online as seen', async (t) => {
      if (skip) return t.skip(skip);
      const eve = await signUp(s.url);
      await startDirect(eve, ana);
      const page = await eve.http.post<{ page: { id: string } }>('/api/pages', {
        name: 'Eve’s shop',
        username: `eveshop${process.pid}${Date.now() % 100000}`,
      });
      assert.equal(page.status, 201, JSON.stringify(page.body));
      const from = anaSocket.frames.length;
      const asPage = await SocketClient.connect(
        `${s.wsUrl}?page=${encodeURIComponent(page.body.page.id)}`,
        eve.http.cookie,
      );
      sockets.push(asPage);
      asPage.send({ type: 'hello', cursor: null });
      await asPage.next((f) => f.type === 'ready');
      await sleep(150);
      assert.deepEqual(presenceSignals(anaSocket, from), [], 'acting as her page, eve is not online');
      assert.equal((await ask(ana, eve))[eve.user.id]?.state, 'offline');
      const own = await live(eve);
      await anaSocket.next(presenceOf(eve.user.id, 'online'), 5000, from);
      const before = Date.now();
      s.comptoir.presence.beat();
      await until('the heartbeat marked eve as seen', async () => ((await lastSeenStored(eve)) ?? 0) >= before, 5000);
      assert.equal((await ask(ana, eve))[eve.user.id]?.state, 'online', 'still online');
      own.close();
    });
  });
}
