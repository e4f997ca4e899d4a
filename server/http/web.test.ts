import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

describe('serving the web app', () => {
  const dist = tempDir();
  let s: TestServer;
  before(async () => {
    fs.writeFileSync(path.join(dist.dir, 'index.html'), '<!doctype html><title>Comptoir</title>');
    fs.mkdirSync(path.join(dist.dir, 'assets'));
    fs.writeFileSync(path.join(dist.dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    s = await startServer({ WEB_DIST: dist.dir });
  });
  after(async () => {
    await s.close();
    dist.cleanup();
  });

  it('serves index.html for the app and for client-side URLs, with a content security policy', async () => {
    for (const url of ['/', '/c/some-conversation']) {
      for (const method of ['GET', 'HEAD']) {
        const r = await fetch(s.url + url, { method });
        assert.equal(r.status, 200, `${method} ${url}`);
        assert.match(r.headers.get('content-type') ?? '', /text\/html/);
        assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self'/);
        assert.equal(r.headers.get('x-frame-options'), 'DENY');
        if (method === 'GET') assert.match(await r.text(), /<title>Comptoir/);
      }
    }
  });

  it('serves hashed assets as immutable', async () => {
    const r = await fetch(`${s.url}/assets/app-abc123.js`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  });

  it('answers unknown API routes and other methods with JSON errors, not the app', async () => {
    const api = await fetch(`${s.url}/api/nope`);
    assert.equal(api.status, 404);
    assert.deepEqual(((await api.json()) as { error: { id: string } }).error.id, 'not_found');
    const post = await fetch(`${s.url}/somewhere`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(post.status, 404);
    const health = await fetch(`${s.url}/healthz`);
    assert.deepEqual(await health.json(), { ok: true });
  });
});
