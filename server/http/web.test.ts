import assert from 'node:assert/strict';
import fs from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
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

/** GET with any headers, Host included (fetch does not let a test write Host). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on('error', reject);
  });
}

/** The headers of a refused socket upgrade (no session cookie: 401). */
function refusedUpgrade(wsUrl: string, headers: Record<string, string> = {}): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.headers);
    });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('error', reject);
  });
}

const connectSrc = (csp: string | string[] | undefined) =>
  String(csp ?? '')
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('connect-src'));

describe('security headers', () => {
  const dist = tempDir();
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const s = await startServer({ WEB_DIST: dist.dir, ...env });
    servers.push(s);
    return s;
  };
  before(() => {
    fs.writeFileSync(path.join(dist.dir, 'index.html'), '<!doctype html><title>Comptoir</title>');
    fs.mkdirSync(path.join(dist.dir, 'assets'));
    fs.writeFileSync(path.join(dist.dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  });
  after(async () => {
    for (const s of servers) await s.close();
    dist.cleanup();
  });
  // Pages, assets, JSON answers, errors (404, 401) and the health check.
  const paths = ['/', '/c/x', '/assets/app-abc123.js', '/healthz', '/api/nope', '/api/me'];

  it('under plain http: no HSTS, and sockets only to this server', async () => {
    const s = await start();
    const host = new URL(s.url).host;
    for (const p of paths) {
      const r = await get(s.url + p);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
      assert.equal(r.headers['strict-transport-security'], undefined, p);
    }
    assert.equal((await refusedUpgrade(s.wsUrl))['strict-transport-security'], undefined);
    assert.equal(
      connectSrc((await get(`${s.url}/`)).headers['content-security-policy']),
      `connect-src 'self' ws://${host}`,
    );
    // Without PUBLIC_ORIGIN the request's host is the server's.
    const named = await get(`${s.url}/`, { host: 'chat.example.test:8080' });
    assert.equal(
      connectSrc(named.headers['content-security-policy']),
      "connect-src 'self' ws://chat.example.test:8080",
    );
    // A Host that is not a host name adds nothing to the policy.
    for (const bad of ['x; script-src *', 'a b', "x' 'unsafe-inline"]) {
      const r = await get(`${s.url}/`, { host: bad });
      assert.equal(connectSrc(r.headers['content-security-policy']), "connect-src 'self'", bad);
      assert.match(String(r.headers['content-security-policy']), /script-src 'self';/);
    }
  });

  it('with an https PUBLIC_ORIGIN: HSTS on every response, sockets only to wss://<public host>', async () => {
    const s = await start({ PUBLIC_ORIGIN: 'https://chat.example.test' });
    for (const p of paths) {
      const r = await get(s.url + p);
      assert.equal(r.headers['strict-transport-security'], 'max-age=31536000', p);
    }
    const refused = await fetch(`${s.url}/api/me`, {
      method: 'PATCH',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('strict-transport-security'), 'max-age=31536000');
    assert.equal((await refusedUpgrade(s.wsUrl))['strict-transport-security'], 'max-age=31536000');
    const csp = (await get(`${s.url}/`, { host: 'elsewhere.example' })).headers['content-security-policy'];
    assert.equal(connectSrc(csp), "connect-src 'self' wss://chat.example.test");
  });

  it('with an http PUBLIC_ORIGIN: no HSTS, sockets to ws://<public host>', async () => {
    const s = await start({ PUBLIC_ORIGIN: 'http://chat.example.test:8080' });
    const r = await get(`${s.url}/`);
    assert.equal(r.headers['strict-transport-security'], undefined);
    assert.equal(connectSrc(r.headers['content-security-policy']), "connect-src 'self' ws://chat.example.test:8080");
  });

  it('behind a trusted proxy that says https: HSTS and wss://; the same header from a client is ignored', async () => {
    const proxied = await start({ TRUST_PROXY: '127.0.0.1' });
    const host = new URL(proxied.url).host;
    for (const p of paths) {
      const r = await get(proxied.url + p, { 'x-forwarded-proto': 'https' });
      assert.equal(r.headers['strict-transport-security'], 'max-age=31536000', p);
    }
    const page = await get(`${proxied.url}/`, { 'x-forwarded-proto': 'https' });
    assert.equal(connectSrc(page.headers['content-security-policy']), `connect-src 'self' wss://${host}`);
    const named = await get(`${proxied.url}/`, {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'chat.example.test',
    });
    assert.equal(connectSrc(named.headers['content-security-policy']), "connect-src 'self' wss://chat.example.test");
    assert.equal(
      (await refusedUpgrade(proxied.wsUrl, { 'x-forwarded-proto': 'https' }))['strict-transport-security'],
      'max-age=31536000',
    );
    const plain = await get(`${proxied.url}/`);
    assert.equal(plain.headers['strict-transport-security'], undefined);

    const direct = await start();
    const spoofed = await get(`${direct.url}/`, { 'x-forwarded-proto': 'https' });
    assert.equal(spoofed.headers['strict-transport-security'], undefined);
    assert.equal(
      connectSrc(spoofed.headers['content-security-policy']),
      `connect-src 'self' ws://${new URL(direct.url).host}`,
    );
  });
});
