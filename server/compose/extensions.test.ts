/**
 * Compose extensions over HTTP, against a real Comptoir and a real content app on 127.0.0.1: the owner's
 * alone to set (the icon fetched once, re-encoded, served by Comptoir), every refusal with its id and
 * nothing stored; people list the content apps and turn them on or off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { ComposeAppsResponse, ComposeExtensionResponse } from '../../protocol/compose.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import { composeApp, contentAppEnv, startContentApp, type TestContentApp } from '../../test/helpers/content-app.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';

describe('compose extensions', () => {
  let s: TestServer;
  let app: TestContentApp;
  let dev: Person;
  let ana: Person;

  before(async () => {
    s = await startServer(contentAppEnv);
    app = await startContentApp();
    dev = await signUp(s.url);
    ana = await signUp(s.url);
  });
  after(async () => {
    await app.close();
    await s.close();
  });

  const body = (over: Record<string, unknown> = {}) => ({
    name: 'GIF Box',
    iconUrl: app.iconUrl,
    kinds: ['gif', 'audio'],
    queryUrl: app.queryUrl,
    ...over,
  });

  it('is set by the app’s owner: the icon fetched once, re-encoded, served by Comptoir', async () => {
    const made = await dev.http.post<{ app: { id: string } }>('/api/apps', { name: 'Gifs' });
    const appId = made.body.app.id;
    assert.deepEqual((await dev.http.get(`/api/apps/${appId}/compose-extension`)).body, { extension: null });
    const fetchedBefore = app.fetched.filter((p) => p === '/icon.png').length;
    const set = await dev.http.put<ComposeExtensionResponse>(`/api/apps/${appId}/compose-extension`, body());
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const e = set.body.extension;
    assert.ok(e);
    assert.equal(e.name, 'GIF Box');
    assert.deepEqual(e.kinds, ['gif', 'audio']);
    assert.equal(e.queryUrl, app.queryUrl);
    assert.equal(e.iconUrl, app.iconUrl);
    assert.match(e.icon, new RegExp(`^/api/compose-apps/${appId}/icon\\?v=\\d+$`));
    assert.equal(app.fetched.filter((p) => p === '/icon.png').length, fetchedBefore + 1);
    assert.deepEqual((await dev.http.get(`/api/apps/${appId}/compose-extension`)).body, { extension: e });

    // Anyone signed in sees the icon: Comptoir's copy, a 128 px WebP; the app is not asked again.
    const icon = await fetch(s.url + e.icon, { headers: { cookie: ana.http.cookie ?? '' } });
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('content-type'), 'image/webp');
    assert.equal(icon.headers.get('x-content-type-options'), 'nosniff');
    assert.match(icon.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.match(icon.headers.get('cache-control') ?? '', /immutable/);
    const meta = await sharp(Buffer.from(await icon.arrayBuffer())).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 128, 128]);
    assert.equal(app.fetched.filter((p) => p === '/icon.png').length, fetchedBefore + 1);
    assert.equal((await fetch(s.url + e.icon)).status, 401, 'signed in only');

    // The owner alone: anyone else is told the app does not exist.
    assert.equal((await ana.http.put(`/api/apps/${appId}/compose-extension`, body())).status, 404);
    assert.equal((await ana.http.get(`/api/apps/${appId}/compose-extension`)).status, 404);
    const gone = await ana.http.delete<{ error: { id: string } }>(`/api/apps/${appId}/compose-extension`);
    assert.equal(gone.body.error.id, 'app_not_found');
    assert.equal((await dev.http.put('/api/apps/nope/compose-extension', body())).status, 404);
  });

  it('refuses a bad declaration naming its fields, and an icon that is no image — storing nothing', async () => {
    const { appId } = await composeApp(dev, app, 'Before');
    const bad = await dev.http.put<{ error: { id: string; details: { fields: Record<string, string> } } }>(
      `/api/apps/${appId}/compose-extension`,
      body({ name: 'x'.repeat(31), iconUrl: 'ftp://x/y.png', kinds: [], queryUrl: 'https://u:p@x.example/q' }),
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.id, 'bad_request');
    assert.deepEqual(Object.keys(bad.body.error.details.fields).sort(), ['iconUrl', 'kinds', 'name', 'queryUrl']);
    const twice = await dev.http.put<{ error: { id: string } }>(
      `/api/apps/${appId}/compose-extension`,
      body({ kinds: ['gif', 'gif'] }),
    );
    assert.equal(twice.body.error.id, 'bad_request');

    app.files.set('/page.png', { type: 'image/png', bytes: Buffer.from('<html>not an image</html>') });
    const cases: [string, Record<string, unknown>][] = [
      [`${app.origin}/missing.png`, { reason: 'status', status: 404 }],
      [`${app.origin}/page.png`, { reason: 'not_image' }],
      ['http://10.1.2.3/icon.png', { reason: 'address', kind: 'private' }],
      ['http://127.0.0.1:1/icon.png', { reason: 'unreachable' }],
    ];
    for (const [iconUrl, details] of cases) {
      const r = await dev.http.put<{ error: { id: string; details: Record<string, unknown> } }>(
        `/api/apps/${appId}/compose-extension`,
        body({ name: 'After', iconUrl }),
      );
      assert.equal(r.status, 400, iconUrl);
      assert.equal(r.body.error.id, 'app_icon_failed');
      for (const [k, v] of Object.entries(details)) assert.equal(r.body.error.details[k], v, `${iconUrl}: ${k}`);
    }
    const kept = await dev.http.get<ComposeExtensionResponse>(`/api/apps/${appId}/compose-extension`);
    assert.equal(kept.body.extension?.name, 'Before', 'nothing stored');
  });

  it('lists the content apps to people, who turn them on and off; removing one takes it from every drawer', async () => {
    const { appId } = await composeApp(dev, app, 'Zz Sounds', ['audio']);
    const mine = async (p: Person) =>
      (await p.http.get<ComposeAppsResponse>('/api/compose-apps')).body.apps.find((a) => a.appId === appId);
    assert.deepEqual(await mine(ana), {
      appId,
      name: 'Zz Sounds',
      icon: (await mine(ana))?.icon,
      kinds: ['audio'],
      enabled: false,
    });
    const on = await ana.http.put<{ app: { enabled: boolean } }>(`/api/compose-apps/${appId}/enabled`);
    assert.equal(on.status, 200);
    assert.equal(on.body.app.enabled, true);
    assert.equal((await ana.http.put(`/api/compose-apps/${appId}/enabled`)).status, 200, 'again: nothing changes');
    assert.equal((await mine(ana))?.enabled, true);
    assert.equal((await mine(dev))?.enabled, false, 'for ana only');
    const off = await ana.http.delete<{ app: { enabled: boolean } }>(`/api/compose-apps/${appId}/enabled`);
    assert.equal(off.body.app.enabled, false);
    assert.equal((await mine(ana))?.enabled, false);

    const plain = await dev.http.post<{ app: { id: string } }>('/api/apps', { name: 'No extension' });
    for (const id of [plain.body.app.id, 'nope']) {
      const r = await ana.http.put<{ error: { id: string } }>(`/api/compose-apps/${id}/enabled`);
      assert.equal(r.status, 404);
      assert.equal(r.body.error.id, 'app_not_found', 'an app without an extension is no content app');
    }

    await ana.http.put(`/api/compose-apps/${appId}/enabled`);
    assert.equal((await dev.http.delete(`/api/apps/${appId}/compose-extension`)).status, 204);
    assert.equal(await mine(ana), undefined);
    const back = await dev.http.put(`/api/apps/${appId}/compose-extension`, body({ name: 'Back' }));
    assert.equal(back.status, 200);
    assert.equal((await mine(ana))?.enabled, false, 'set again, it must be turned on again');
  });
});
