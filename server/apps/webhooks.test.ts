import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type {
  AppResponse,
  AppSecretResponse,
  PageAppsResponse,
  PageResponse,
  WebhookResponse,
} from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import { type Receiver, startReceiver } from '../../test/helpers/receiver.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { systemResolve } from '../lib/outbound.ts';

type Err = { error: { id: string; message: string; details?: Record<string, unknown> } };
const TIMEOUT_MS = 600;

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

for (const backend of backends) {
  describe(`webhook settings and the subscribe handshake (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let rx: Receiver;
    let ana: Person;
    let appId: string;
    const put = (body: unknown, id = appId, who = ana) =>
      who.http.put<WebhookResponse & Err>(`/api/apps/${id}/webhook`, body);
    const current = async () => (await ana.http.get<AppResponse>(`/api/apps/${appId}`)).body.webhook;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      rx = await startReceiver();
      // Loopback allowed (the receiver runs here); every other private range still refused.
      s = await serverOn(
        backend,
        { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32', RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000' },
        { apps: { webhookTimeoutMs: TIMEOUT_MS } },
      );
      ana = await signUp(s.url);
      appId = (await ana.http.post<AppSecretResponse>('/api/apps', { name: 'Hooked' })).body.app.id;
    });
    after(async () => {
      if (skip) return;
      await s.close();
      await rx.close();
    });

    it('stores a webhook once its callback answered the handshake, and replaces it', async (t) => {
      if (skip) return t.skip(skip);
      rx.requests.length = 0;
      const url = `${rx.url('echo', 'my token & more')}?keep=this%20one`;
      const r = await put({
        url,
        verifyToken: 'my token & more',
        fields: ['messages', 'messaging_postbacks', 'messages'],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(Object.keys(r.body.webhook).sort(), ['fields', 'url', 'verified', 'verifiedAt']);
      assert.equal(r.body.webhook.url, url);
      assert.deepEqual(r.body.webhook.fields, ['messages', 'messaging_postbacks'], 'repeated fields count once');
      assert.equal(r.body.webhook.verified, true);
      assert.ok(!Number.isNaN(Date.parse(r.body.webhook.verifiedAt ?? '')));
      // What the callback received: the developer's query kept as it was, then hub.*.
      assert.equal(rx.requests.length, 1);
      const q = rx.requests[0]?.query as URLSearchParams;
      assert.equal(q.get('keep'), 'this one');
      assert.equal(q.get('hub.mode'), 'subscribe');
      assert.equal(q.get('hub.verify_token'), 'my token & more');
      assert.match(q.get('hub.challenge') ?? '', /^\d{10}$/);
      assert.deepEqual(await current(), r.body.webhook);
      const stored = await s.comptoir.storage.reader.apps.webhookOf(appId);
      assert.equal(stored?.verifyToken, 'my token & more');

      const again = await put({ url: rx.url('echo', 'another'), verifyToken: 'another', fields: ['standby'] });
      assert.equal(again.status, 200);
      assert.deepEqual((await current())?.fields, ['standby'], 'the previous setting replaced');
      assert.notEqual(rx.requests[1]?.query.get('hub.challenge'), q.get('hub.challenge'), 'a new challenge each time');
    });

    it('stores nothing when the handshake fails, and says why', async (t) => {
      if (skip) return t.skip(skip);
      const before = await current();
      assert.ok(before);
      const port = await closedPort();
      const cases: [string, string, Record<string, unknown>][] = [
        [rx.url('wrong'), 'wrong challenge', { reason: 'challenge' }],
        [rx.url('newline'), 'the challenge and a newline', { reason: 'challenge' }],
        [rx.url('error'), '500', { reason: 'status', status: 500 }],
        [rx.url('echo', 'the token it expects'), 'a wrong verify token (403)', { reason: 'status', status: 403 }],
        [rx.url('redirect'), 'a redirect, not followed', { reason: 'status', status: 302 }],
        [rx.url('silent'), 'no answer', { reason: 'timeout', timeoutMs: TIMEOUT_MS }],
        [`http://127.0.0.1:${port}/hook`, 'connection refused', { reason: 'connection', code: 'ECONNREFUSED' }],
        ['http://nowhere.invalid/hook', 'a host that does not resolve', { reason: 'dns', code: 'ENOTFOUND' }],
      ];
      for (const [url, what, details] of cases) {
        rx.requests.length = 0;
        const started = Date.now();
        const r = await put({ url, verifyToken: 'the-verify-token', fields: ['messages'] });
        assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.id, 'webhook_verification_failed', what);
        assert.deepEqual(r.body.error.details, details, what);
        assert.ok(r.body.error.message.length > 20, what);
        assert.ok(Date.now() - started < TIMEOUT_MS + 2000, `${what}: within the deadline`);
        assert.deepEqual(await current(), before, `${what}: nothing stored`);
      }
      assert.ok(!rx.requests.some((r) => r.path.startsWith('/elsewhere')), 'the redirect was not followed');
    });

    it('refuses bad input, field by field, without calling anyone', async (t) => {
      if (skip) return t.skip(skip);
      const before = await current();
      rx.requests.length = 0;
      const good = { url: rx.url('echo'), verifyToken: 'the-verify-token', fields: ['messages'] };
      const cases: [unknown, string, RegExp?][] = [
        [{ ...good, url: undefined }, 'bad_request'],
        [{ ...good, url: 42 }, 'bad_request'],
        [{ ...good, url: '' }, 'bad_request'],
        [{ ...good, url: `${rx.origin}/${'x'.repeat(2048)}` }, 'bad_request'],
        [{ ...good, url: 'javascript:alert(1)' }, 'invalid_webhook_url', /http: or https:/],
        [{ ...good, url: 'ftp://127.0.0.1/hook' }, 'invalid_webhook_url', /not ftp:/],
        [{ ...good, url: 'file:///etc/passwd' }, 'invalid_webhook_url'],
        [{ ...good, url: 'data:text/plain,hi' }, 'invalid_webhook_url'],
        [
          { ...good, url: `http://user:secret@${rx.origin.slice(7)}/echo` },
          'invalid_webhook_url',
          /user name or password/,
        ],
        [{ ...good, url: `http://user@${rx.origin.slice(7)}/echo` }, 'invalid_webhook_url'],
        [{ ...good, url: 'not a url' }, 'invalid_webhook_url', /not a URL/],
        [{ ...good, url: '/relative/path' }, 'invalid_webhook_url'],
        [{ ...good, verifyToken: undefined }, 'bad_request'],
        [{ ...good, verifyToken: '' }, 'bad_request'],
        [{ ...good, verifyToken: 'x'.repeat(257) }, 'bad_request'],
        [{ ...good, verifyToken: 7 }, 'bad_request'],
        [{ ...good, verifyToken: 'nul\u0000' }, 'bad_request'],
        [{ ...good, fields: undefined }, 'bad_request'],
        [{ ...good, fields: [] }, 'bad_request', /at least one/],
        [{ ...good, fields: 'messages' }, 'bad_request'],
        [{ ...good, fields: [1] }, 'bad_request'],
        [{ ...good, fields: ['messages', 'feed'] }, 'bad_request', /unknown field "feed"/],
        [{ ...good, fields: ['MESSAGES'] }, 'bad_request', /unknown field "MESSAGES"/],
        [{ ...good, extra: true }, 'bad_request'],
        [[good], 'bad_request'],
      ];
      for (const [body, id, message] of cases) {
        const r = await put(body);
        const what = JSON.stringify(body).slice(0, 120);
        assert.equal(r.body.error?.id, id, what);
        assert.equal(r.status, 400, what);
        if (message) assert.match(r.body.error.message, message, what);
      }
      assert.equal(rx.requests.length, 0, 'no handshake for refused input');
      assert.deepEqual(await current(), before);
      const unknown = await put({ ...good, fields: ['messages', 'feed'] });
      assert.deepEqual(unknown.body.error.details, { fields: { 'fields.1': 'unknown field "feed"' } });
      assert.equal(
        (await put({ ...good, url: `${rx.origin}/echo/${'x'.repeat(2000)}` })).body.error.id,
        'webhook_verification_failed',
        '2,048 characters is fine',
      );
    });

    it('refuses private addresses the operator did not allow, before any request', async (t) => {
      if (skip) return t.skip(skip);
      for (const url of [
        'http://10.0.0.1/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/',
        'http://127.0.0.2/',
      ]) {
        const r = await put({ url, verifyToken: 't', fields: ['messages'] });
        assert.equal(r.status, 400, url);
        assert.equal(r.body.error.id, 'webhook_address_forbidden', url);
      }
    });

    it("shows a page's admins its apps and their webhooks' state — only them, and never a secret, a token or more of the URL than its origin", async (t) => {
      if (skip) return t.skip(skip);
      // Pia runs the page; Ana, made admin too, connects her two apps to it; Pia owns neither.
      const [pia, ed, stranger] = [await signUp(s.url), await signUp(s.url), await signUp(s.url)];
      const page = await pia.http.post<PageResponse>('/api/pages', {
        name: 'Fromagerie',
        username: `fromagerie${process.pid}${Math.floor(Math.random() * 1e5)}`,
      });
      assert.equal(page.status, 201);
      const pageId = page.body.page.id;
      for (const [who, role] of [
        [ana, 'admin'],
        [ed, 'agent'],
      ] as const) {
        const added = await pia.http.post(`/api/pages/${pageId}/members`, { username: who.user.username, role });
        assert.equal(added.status, 200);
      }
      const hooked = await ana.http.post<AppSecretResponse>('/api/apps', { name: 'Cheese bot' });
      const quiet = await ana.http.post<AppSecretResponse>('/api/apps', { name: 'Quiet bot' });
      const [hookedId, quietId] = [hooked.body.app.id, quiet.body.app.id];
      for (const id of [hookedId, quietId]) {
        assert.equal((await ana.http.post(`/api/apps/${id}/pages/${pageId}`)).status, 201);
      }
      const url = `${rx.url('echo', 'the cheese token')}?key=bot-own-secret`;
      const set = await put({ url, verifyToken: 'the cheese token', fields: ['messages', 'message_reads'] }, hookedId);
      assert.equal(set.status, 200, JSON.stringify(set.body));

      const path = `/api/pages/${pageId}/apps`;
      const r = await pia.http.get<PageAppsResponse>(path);
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.apps.map((a) => [a.name, a.owner?.username, a.webhook.status]),
        [
          ['Cheese bot', ana.user.username, 'active'],
          ['Quiet bot', ana.user.username, 'none'],
        ],
        'oldest connection first',
      );
      const [cheese, none] = r.body.apps;
      assert.deepEqual(cheese?.webhook, {
        status: 'active',
        origin: rx.origin,
        fields: ['messages', 'message_reads'],
        disabledAt: null,
        disabledReason: null,
        failingSince: null,
      });
      assert.deepEqual(none?.webhook, {
        status: 'none',
        origin: null,
        fields: [],
        disabledAt: null,
        disabledReason: null,
        failingSince: null,
      });
      const text = JSON.stringify(r.body);
      for (const hidden of [
        hooked.body.secret,
        quiet.body.secret,
        'the cheese token',
        'the%20cheese%20token',
        'bot-own-secret',
        '/echo/',
      ]) {
        assert.ok(!text.includes(hidden), `${hidden} is not shown`);
      }
      assert.deepEqual(Object.keys(cheese ?? {}).sort(), ['connectedAt', 'id', 'name', 'owner', 'webhook']);

      // Disabled by the dispatcher after failing: since when, why, and since when it was failing.
      const failing = Date.now() - 9 * 3_600_000;
      await s.comptoir.committer.run(async ({ tx, now }) => {
        const w = await tx.apps.webhookOf(hookedId);
        assert.ok(w);
        await tx.apps.upsertWebhook({ ...w, disabledAt: now, disabledReason: 'Deliveries failed for 9 h' });
        await tx.webhooks.setFailingSince(hookedId, failing);
      });
      const disabled = (await pia.http.get<PageAppsResponse>(path)).body.apps[0]?.webhook;
      assert.equal(disabled?.status, 'disabled');
      assert.equal(disabled?.disabledReason, 'Deliveries failed for 9 h');
      assert.ok(disabled?.disabledAt && Date.parse(disabled.disabledAt) >= failing);
      assert.equal(disabled?.failingSince, new Date(failing).toISOString());
      assert.equal(disabled?.origin, rx.origin);

      // An agent, a stranger, a page that does not exist: refused as the page's other admin routes refuse.
      const refused = async (who: Person, p: string, status: number, id: string) => {
        const answer = await who.http.get<Err>(p);
        assert.equal(answer.status, status, `${id}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.id, id);
        assert.ok(!JSON.stringify(answer.body).includes('Cheese bot'));
      };
      await refused(ed, path, 403, 'not_page_admin');
      await refused(stranger, path, 403, 'not_page_member');
      await refused(stranger, '/api/pages/no-such-page/apps', 404, 'page_not_found');
      // The app's owner sees it as one of the page's admins; a revoked app is no longer listed.
      assert.equal((await ana.http.delete(`/api/apps/${quietId}/pages/${pageId}`)).status, 204);
      const after = await ana.http.get<PageAppsResponse>(path);
      assert.deepEqual(
        after.body.apps.map((a) => a.id),
        [hookedId],
      );
    });

    it('removes the webhook (nothing to remove is fine)', async (t) => {
      if (skip) return t.skip(skip);
      assert.equal(
        (await put({ url: rx.url('echo'), verifyToken: 'the-verify-token', fields: ['messages'] })).status,
        200,
      );
      assert.equal((await ana.http.delete(`/api/apps/${appId}/webhook`)).status, 204);
      assert.equal(await current(), null);
      assert.equal((await ana.http.delete(`/api/apps/${appId}/webhook`)).status, 204);
      assert.equal(await s.comptoir.storage.reader.apps.webhookOf(appId), null);
    });
  });
}

describe('webhook addresses without WEBHOOK_ALLOW_PRIVATE', () => {
  let s: TestServer;
  let rx: Receiver;
  let ana: Person;
  let appId: string;
  before(async () => {
    rx = await startReceiver();
    s = await startServer(
      { RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '20' },
      {
        apps: {
          // intranet.test resolves to a private address, mixed.test to a public and a private one.
          resolve: async (host) =>
            host === 'intranet.test'
              ? [{ address: '10.1.2.3', family: 4 }]
              : host === 'mixed.test'
                ? [
                    { address: '93.184.216.34', family: 4 },
                    { address: 'fd00::5', family: 6 },
                  ]
                : host === 'mapped.test'
                  ? [{ address: '::ffff:127.0.0.1', family: 6 }]
                  : systemResolve(host),
        },
      },
    );
    ana = await signUp(s.url);
    appId = (await ana.http.post<AppSecretResponse>('/api/apps', { name: 'Careful' })).body.app.id;
  });
  after(async () => {
    await s.close();
    await rx.close();
  });

  it('refuses loopback, private, link-local… hosts, as literals and by name, and calls nobody', async () => {
    const port = new URL(rx.origin).port;
    const cases: [string, string][] = [
      [rx.url('echo'), 'loopback'],
      [`http://localhost:${port}/echo/t`, 'loopback'],
      [`http://[::1]:${port}/`, 'loopback'],
      [`http://[::ffff:127.0.0.1]:${port}/`, 'loopback'],
      [`http://2130706433:${port}/`, 'loopback'],
      ['http://0.0.0.0/', 'unspecified'],
      ['http://10.0.0.1/', 'private'],
      ['http://172.16.5.4/', 'private'],
      ['http://192.168.1.1/', 'private'],
      ['http://100.64.0.1/', 'private'],
      ['http://[fc00::1]/', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://224.0.0.1/', 'multicast'],
      ['http://255.255.255.255/', 'broadcast'],
      ['https://intranet.test/hook', 'private'],
      ['https://mixed.test/hook', 'private'],
      ['https://mapped.test/hook', 'loopback'],
    ];
    for (const [url, kind] of cases) {
      const r = await ana.http.put<Err>(`/api/apps/${appId}/webhook`, { url, verifyToken: 't', fields: ['messages'] });
      assert.equal(r.status, 400, url);
      assert.equal(r.body.error.id, 'webhook_address_forbidden', url);
      assert.deepEqual(r.body.error.details, { kind }, url);
    }
    assert.equal(rx.requests.length, 0);
    assert.equal(await s.comptoir.storage.reader.apps.webhookOf(appId), null);
  });

  it('limits the handshakes one account has the server make', async () => {
    const ben = await signUp(s.url);
    const id = (await ben.http.post<AppSecretResponse>('/api/apps', { name: 'Busy' })).body.app.id;
    const attempt = () =>
      ben.http.put<Err>(`/api/apps/${id}/webhook`, { url: 'http://10.9.9.9/', verifyToken: 't', fields: ['messages'] });
    for (let i = 0; i < 20; i++) assert.equal((await attempt()).body.error.id, 'webhook_address_forbidden');
    const refused = await attempt();
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.id, 'rate_limited');
  });
});
