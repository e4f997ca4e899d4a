import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AppResponse, AppSecretResponse, AppsResponse } from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { hashPageToken } from './service.ts';

type Err = { error: { id: string; message: string; details?: Record<string, unknown> } };

for (const backend of backends) {
  describe(`developer apps (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    /** Pages each person may connect apps to (the pages domain's answer, as a plain object). */
    const pagesOf = new Map<string, Set<string>>();
    const create = (p: Person, body: unknown) => p.http.post<AppSecretResponse & Err>('/api/apps', body);

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(
        backend,
        { RATE_APPS_PER_HOUR: '6' },
        { apps: { pageAccess: { canConnect: async (userId, pageId) => pagesOf.get(userId)?.has(pageId) === true } } },
      );
      [ana, ben] = [await signUp(s.url), await signUp(s.url)];
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('creates an app, shows its secret once, stores it sealed, and lists the owner’s apps only', async (t) => {
      if (skip) return t.skip(skip);
      const r = await create(ana, { name: '  Café bot  ' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(Object.keys(r.body).sort(), ['app', 'secret']);
      assert.deepEqual(Object.keys(r.body.app).sort(), ['createdAt', 'id', 'name']);
      assert.equal(r.body.app.name, 'Café bot', 'trimmed');
      assert.match(r.body.app.id, /^[0-9a-z]{26}$/);
      assert.ok(!Number.isNaN(Date.parse(r.body.app.createdAt)));
      assert.match(r.body.secret, /^[0-9a-f]{64}$/, '32 random bytes');
      // At rest: sealed, not the secret, not a hash of it; the server reads it back.
      const row = await s.comptoir.storage.reader.apps.appById(r.body.app.id);
      assert.ok(row);
      assert.match(row.sealedSecret, /^v1\./);
      assert.ok(!row.sealedSecret.includes(r.body.secret));
      assert.equal(await s.comptoir.apps.secretOf(r.body.app.id), r.body.secret);
      // Shown once: no read answers it again.
      const got = await ana.http.get<AppResponse>(`/api/apps/${r.body.app.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, { app: r.body.app, webhook: null, pages: [] });
      assert.ok(!JSON.stringify(got.body).includes(r.body.secret));
      const second = await create(ana, { name: 'Second' });
      const mine = await ana.http.get<AppsResponse>('/api/apps');
      assert.deepEqual(
        mine.body.apps.map((a) => a.id),
        [r.body.app.id, second.body.app.id],
        'oldest first',
      );
      assert.ok(!JSON.stringify(mine.body).includes(r.body.secret));
      assert.deepEqual((await ben.http.get<AppsResponse>('/api/apps')).body, { apps: [] }, 'ben sees none of them');
    });

    it('refuses every bad name, and unknown fields', async (t) => {
      if (skip) return t.skip(skip);
      const before = (await ana.http.get<AppsResponse>('/api/apps')).body.apps.length;
      const bad: unknown[] = [
        {},
        { name: '' },
        { name: '   ' },
        { name: 'x'.repeat(81) },
        { name: 42 },
        { name: null },
        { name: ['bot'] },
        { name: 'nul\u0000' },
        { name: 'ok', extra: 1 },
        [],
        '"bot"', // a JSON string (the client sends strings as they are)
      ];
      for (const body of bad) {
        const r = await create(ana, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error.id, 'bad_request', JSON.stringify(body));
      }
      assert.equal((await create(ana, '{"name":')).body.error.id, 'invalid_json');
      assert.equal((await create(ana, { name: 'x'.repeat(80) })).status, 201, '80 characters is fine');
      assert.equal((await ana.http.get<AppsResponse>('/api/apps')).body.apps.length, before + 1);
      const anon = await fetch(`${s.url}/api/apps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"x"}',
      });
      assert.equal(anon.status, 401);
    });

    it('limits how many apps one account creates per hour', async (t) => {
      if (skip) return t.skip(skip);
      const cat = await signUp(s.url);
      for (let i = 0; i < 6; i++) assert.equal((await create(cat, { name: `bot ${i}` })).status, 201);
      const refused = await create(cat, { name: 'one too many' });
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.id, 'rate_limited');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      assert.equal((await cat.http.get<AppsResponse>('/api/apps')).body.apps.length, 6);
      assert.equal((await create(await signUp(s.url), { name: 'someone else' })).status, 201, 'per account');
    });

    it('replaces the secret: the new one shown once, the old one stops working at once', async (t) => {
      if (skip) return t.skip(skip);
      const made = await create(ana, { name: 'Rotating' });
      const id = made.body.app.id;
      const proof = (secret: string, token: string) => createHmac('sha256', secret).update(token).digest('hex');
      assert.ok(await s.comptoir.apps.checkProof(id, 'cpt_token', proof(made.body.secret, 'cpt_token')));
      const r = await ana.http.post<AppSecretResponse>(`/api/apps/${id}/secret`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.app, made.body.app);
      assert.match(r.body.secret, /^[0-9a-f]{64}$/);
      assert.notEqual(r.body.secret, made.body.secret);
      assert.equal(await s.comptoir.apps.secretOf(id), r.body.secret);
      assert.ok(!(await s.comptoir.apps.checkProof(id, 'cpt_token', proof(made.body.secret, 'cpt_token'))), 'old');
      assert.ok(await s.comptoir.apps.checkProof(id, 'cpt_token', proof(r.body.secret, 'cpt_token')), 'new');
      assert.ok(
        !(await s.comptoir.apps.checkProof(id, 'other', proof(r.body.secret, 'cpt_token'))),
        'bound to the token',
      );
      assert.ok(!(await s.comptoir.apps.checkProof(id, 'cpt_token', 'not hex')));
      assert.ok(!(await s.comptoir.apps.checkProof(id, 'cpt_token', '')));
      assert.ok((await s.comptoir.storage.reader.apps.appById(id))?.secretRotatedAt);
    });

    it('answers app_not_found for another person’s app, exactly as for one that does not exist', async (t) => {
      if (skip) return t.skip(skip);
      const mine = await create(ana, { name: 'Private' });
      const id = mine.body.app.id;
      const sealedBefore = (await s.comptoir.storage.reader.apps.appById(id))?.sealedSecret;
      for (const target of [id, '01jzzzzzzzzzzzzzzzzzzzzzzz']) {
        const answers = [
          await ben.http.get<Err>(`/api/apps/${target}`),
          await ben.http.post<Err>(`/api/apps/${target}/secret`),
          await ben.http.put<Err>(`/api/apps/${target}/webhook`, {
            url: 'ftp://not even valid',
            verifyToken: 't',
            fields: ['messages'],
          }),
          await ben.http.delete<Err>(`/api/apps/${target}/webhook`),
        ];
        for (const a of answers) {
          assert.equal(a.status, 404, `${target} ${JSON.stringify(a.body)}`);
          assert.deepEqual(a.body, { error: { id: 'app_not_found', message: 'No such app' } });
        }
      }
      assert.equal((await s.comptoir.storage.reader.apps.appById(id))?.sealedSecret, sealedBefore, 'not rotated');
      await assert.rejects(s.comptoir.apps.connect(ben.user.id, id, 'page-1'), /No such app/);
      assert.equal((await ana.http.get<Err>('/api/apps/%00')).body.error.id, 'app_not_found');
      assert.equal((await ana.http.get<Err>(`/api/apps/${'x'.repeat(65)}`)).body.error.id, 'bad_request');
    });

    it('connects an app to a page with a token stored as its hash; a new one replaces it; revocation', async (t) => {
      if (skip) return t.skip(skip);
      const dan = await signUp(s.url);
      const app = (await create(dan, { name: 'Shop bot' })).body.app;
      const other = (await create(dan, { name: 'Other bot' })).body.app;
      pagesOf.set(dan.user.id, new Set(['page-shop', 'page-news']));
      const { apps } = s.comptoir;
      await assert.rejects(apps.connect(dan.user.id, app.id, 'page-not-mine'), /No such page/);
      await assert.rejects(apps.connect(ben.user.id, app.id, 'page-shop'), /No such app/, 'not ben’s app');
      const first = await apps.connect(dan.user.id, app.id, 'page-shop');
      assert.match(first.token, /^cpt_[A-Za-z0-9_-]{43}$/, '256 random bits');
      const stored = await s.comptoir.storage.reader.apps.pageTokenByHash(hashPageToken(first.token));
      assert.deepEqual(stored, first.pageToken);
      assert.match(stored?.tokenHash ?? '', /^[0-9a-f]{64}$/);
      assert.ok(!JSON.stringify(stored).includes(first.token.slice(4)), 'the token itself is not stored');
      const grant = await apps.pageTokenByHash(hashPageToken(first.token));
      assert.deepEqual([grant?.app.id, grant?.pageId, grant?.tokenId], [app.id, 'page-shop', first.pageToken.id]);
      const news = await apps.connect(dan.user.id, app.id, 'page-news');
      const otherShop = await apps.connect(dan.user.id, other.id, 'page-shop');
      const second = await apps.connect(dan.user.id, app.id, 'page-shop');
      assert.equal(await apps.pageTokenByHash(hashPageToken(first.token)), null, 'replaced: revoked at once');
      assert.equal((await apps.pageTokenByHash(hashPageToken(second.token)))?.pageId, 'page-shop');
      assert.ok(await apps.pageTokenByHash(hashPageToken(news.token)), 'another page untouched');
      assert.ok(await apps.pageTokenByHash(hashPageToken(otherShop.token)), 'another app untouched');
      assert.equal(await apps.revokePageToken(ben.user.id, app.id, 'page-shop').catch((e) => e.id), 'app_not_found');
      assert.equal(await apps.revokePageToken(dan.user.id, app.id, 'page-shop'), true);
      assert.equal(await apps.revokePageToken(dan.user.id, app.id, 'page-shop'), false, 'nothing left to revoke');
      assert.equal(await apps.pageTokenByHash(hashPageToken(second.token)), null);
      assert.equal(await apps.pageTokenByHash(hashPageToken('cpt_made_up')), null);
      for (const page of ['', 'x'.repeat(65), 'nul\u0000'])
        await assert.rejects(apps.connect(dan.user.id, app.id, page), /No such page/, JSON.stringify(page));
    });

    it('revokes nothing, and answers 204, for a page id no page can have (a NUL in it: PostgreSQL refuses it)', async (t) => {
      if (skip) return t.skip(skip);
      const app = (await create(ana, { name: 'Nul bot' })).body.app;
      const r = await ana.http.delete<Err>(`/api/apps/${app.id}/pages/nul%00page`);
      assert.equal(r.status, 204, JSON.stringify(r.body));
      assert.equal(await s.comptoir.apps.revokePageToken(ana.user.id, app.id, 'nul\u0000'), false);
    });

    it('shows the pages an app is connected to, until their token is revoked; the tokens never', async (t) => {
      if (skip) return t.skip(skip);
      const eve = await signUp(s.url);
      const app = (await create(eve, { name: 'Listed bot' })).body.app;
      const other = (await create(eve, { name: 'Other' })).body.app;
      pagesOf.set(eve.user.id, new Set(['page-a', 'page-b']));
      const { apps } = s.comptoir;
      const detail = async (id = app.id) => (await eve.http.get<AppResponse>(`/api/apps/${id}`)).body;
      assert.deepEqual((await detail()).pages, []);
      const a = await apps.connect(eve.user.id, app.id, 'page-a');
      const b = await apps.connect(eve.user.id, app.id, 'page-b');
      await apps.connect(eve.user.id, other.id, 'page-a');
      /** The pages as listed: oldest connection first (the order of two made in one millisecond is the ids'). */
      const listed = async (id = app.id) => {
        const pages = (await detail(id)).pages;
        const times = pages.map((p) => Date.parse(p.connectedAt));
        assert.deepEqual(
          times,
          [...times].sort((x, y) => x - y),
          'oldest connection first',
        );
        return pages.map((p) => [p.pageId, p.connectedAt]).sort();
      };
      const iso = (ms: number) => new Date(ms).toISOString();
      assert.deepEqual(await listed(), [
        ['page-a', iso(a.pageToken.createdAt)],
        ['page-b', iso(b.pageToken.createdAt)],
      ]);
      assert.ok(!JSON.stringify(await detail()).includes(a.token.slice(4)), 'no token in the answer');
      // A new token for page-a: still one entry for it, as of the new token.
      const a2 = await apps.connect(eve.user.id, app.id, 'page-a');
      assert.deepEqual(await listed(), [
        ['page-a', iso(a2.pageToken.createdAt)],
        ['page-b', iso(b.pageToken.createdAt)],
      ]);
      assert.equal((await eve.http.delete(`/api/apps/${app.id}/pages/page-b`)).status, 204);
      assert.deepEqual(
        (await detail()).pages.map((p) => p.pageId),
        ['page-a'],
      );
      assert.deepEqual(
        (await detail(other.id)).pages.map((p) => p.pageId),
        ['page-a'],
        'another app’s connections are its own',
      );
    });
  });
}
