import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import WebSocket from 'ws';
import type { SessionsResponse } from '../../protocol/api.ts';
import { HttpClient, type Person, signUp } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { clientOrigin, parseTrustProxy, type TrustProxy, trustFunction } from './proxy.ts';

type Err = { error: { id: string } };

/** A plain HTTP request from a chosen local address (127.0.0.2 is "elsewhere": not the trusted 127.0.0.1). */
function request(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: unknown; localAddress?: string },
): Promise<{ status: number; body: unknown; cookie: string | null }> {
  return new Promise((resolve, reject) => {
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = http.request(
      url,
      {
        method: o.method ?? 'GET',
        localAddress: o.localAddress ?? '127.0.0.1',
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...o.headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c;
        });
        res.on('end', () => {
          const cookie = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('comptoir_session='));
          resolve({
            status: res.statusCode ?? 0,
            body: text ? JSON.parse(text) : null,
            cookie: cookie?.split(';')[0] ?? null,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

let n = 0;
const newUser = () => ({
  username: `px${process.pid % 10000}_${++n}_${Math.floor(Math.random() * 1e5)}`,
  password: 'correct horse battery',
});

/** Signs up through `headers` (from `localAddress`) and answers the address the server recorded. */
async function signUpAddress(s: TestServer, headers: Record<string, string>, localAddress?: string) {
  const r = await request(`${s.url}/api/auth/signup`, {
    method: 'POST',
    body: newUser(),
    headers,
    ...(localAddress ? { localAddress } : {}),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const client = new HttpClient(s.url);
  client.cookie = r.cookie;
  const sessions = await client.get<SessionsResponse>('/api/sessions');
  return sessions.body.sessions[0]?.ip;
}

/** The session cookie under both names: under https (here, forwarded) it is read as `__Host-comptoir_session`. */
function tlsCookie(cookie: string | null): string {
  const session = /comptoir_session=[^;]*/.exec(cookie ?? '')?.[0] ?? '';
  return `${cookie ?? ''}; __Host-${session}`;
}

/** The close code of a socket the server opened and closed at once (1013: too many connections). */
async function closedAtOnce(opening: Promise<WebSocket>): Promise<number> {
  const ws = await opening;
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function connect(
  url: string,
  cookie: string | null,
  headers: Record<string, string>,
  localAddress = '127.0.0.1',
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { ...(cookie ? { cookie } : {}), ...headers }, localAddress });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once('error', reject);
  });
}

describe('TRUST_PROXY configuration', () => {
  it('takes false, a hop count, or proxy addresses and CIDR ranges (IPv4 and IPv6)', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    for (const v of ['false', '0', 'no']) assert.equal(parseTrustProxy(v), false, v);
    assert.equal(parseTrustProxy('1'), 1);
    assert.equal(parseTrustProxy('2'), 2);
    assert.deepEqual(parseTrustProxy('loopback'), ['loopback']);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,fd00::/8' }).trustProxy, [
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['proxy.example', 'localhost', '10.0.0.0/33', '10.0.0.1,', '300.1.1.1', 'fd00::/129']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), ConfigError, bad);
    }
  });

  it('refuses TRUST_PROXY=true, saying why and what to set instead', () => {
    for (const v of ['true', 'TRUE', 'yes']) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: v }),
        (e: Error) =>
          e instanceof ConfigError &&
          /TRUST_PROXY=true is refused/.test(e.message) &&
          /X-Forwarded-For, which the client writes/.test(e.message) &&
          /TRUST_PROXY=1/.test(e.message),
      );
    }
    const dir = tempDir();
    try {
      const r = spawnSync(process.execPath, [path.join(import.meta.dirname, '../../cli/bin.mjs'), 'migrate'], {
        env: { ...process.env, DATA_DIR: dir.dir, TRUST_PROXY: 'true', LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /TRUST_PROXY=true is refused/);
    } finally {
      dir.cleanup();
    }
  });

  it('trusts by hop count or by the proxies addresses, including IPv4-mapped IPv6 peers', () => {
    const hop = trustFunction(1);
    assert.ok(hop);
    assert.ok(hop('203.0.113.1', 0) && !hop('203.0.113.1', 1));
    const list = trustFunction(['10.0.0.0/8', '::1']);
    assert.ok(list);
    assert.ok(list('10.1.2.3', 0) && list('::ffff:10.1.2.3', 0) && list('::1', 3));
    assert.ok(!list('11.0.0.1', 0) && !list('127.0.0.1', 0) && !list('not-an-ip', 0));
    assert.equal(trustFunction(false), false);
  });
});

describe('one resolution for HTTP and the socket upgrade', () => {
  it("clientOrigin() answers Fastify's req.ip, req.protocol and req.host for the same trust setting", async () => {
    const trusts: TrustProxy[] = [false, 1, 2, ['127.0.0.1'], ['10.0.0.0/8', '127.0.0.1'], ['10.0.0.0/8']];
    const headerSets: Record<string, string>[] = [
      {},
      { 'x-forwarded-for': '198.51.100.7' },
      { 'x-forwarded-for': 'spoofed, 198.51.100.7', 'x-forwarded-proto': 'http, https' },
      { 'x-forwarded-for': '1.1.1.1, 10.0.0.9, 10.0.0.8', 'x-forwarded-proto': 'https' },
      { 'x-forwarded-host': 'evil.example, chat.example.org', 'x-forwarded-proto': 'https' },
    ];
    for (const trust of trusts) {
      const fn = trustFunction(trust);
      const app = Fastify({ trustProxy: fn });
      app.get('/', async (req) => ({
        fastify: { ip: req.ip, protocol: req.protocol, host: req.host },
        ours: clientOrigin(req.raw, fn),
      }));
      for (const remoteAddress of ['127.0.0.1', '10.0.0.1', '203.0.113.5']) {
        for (const headers of headerSets) {
          const r = await app.inject({ url: '/', remoteAddress, headers: { host: 'localhost:3000', ...headers } });
          const { fastify, ours } = r.json() as Record<string, unknown>;
          assert.deepEqual(ours, fastify, JSON.stringify({ trust, remoteAddress, headers }));
        }
      }
      await app.close();
    }
  });

  it('a hop count reaches Fastify as a trust function (Fastify 5.12 reads a bare number as "trust nobody")', async () => {
    const app = Fastify({ trustProxy: trustFunction(1) });
    app.get('/', async (req) => req.ip);
    const r = await app.inject({
      url: '/',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    assert.equal(r.body, '198.51.100.7');
    await app.close();
  });
});

describe('TRUST_PROXY=1: one proxy in front', () => {
  let s: TestServer;
  let p: Person;
  before(async () => {
    s = await startServer({ TRUST_PROXY: '1', RATE_SIGNUPS_PER_HOUR: '3', MAX_SOCKETS_PER_ADDRESS: '2' });
    p = await signUp(s.url);
  });
  after(() => s.close());

  it('counts sign-ups by the address the proxy appended, not by the entries the client wrote', async () => {
    // The client writes a fresh leftmost entry each time; the proxy (127.0.0.1 here) appends the real one.
    for (let i = 0; i < 3; i++) {
      assert.equal(await signUpAddress(s, { 'x-forwarded-for': `10.9.9.${i}, 203.0.113.7` }), '203.0.113.7');
    }
    const blocked = await request(`${s.url}/api/auth/signup`, {
      method: 'POST',
      body: newUser(),
      headers: { 'x-forwarded-for': '10.9.9.200, 203.0.113.7' },
    });
    assert.deepEqual([blocked.status, (blocked.body as Err).error.id], [429, 'rate_limited']);
    // Another client behind the same proxy has its own allowance.
    assert.equal(await signUpAddress(s, { 'x-forwarded-for': '203.0.113.7, 203.0.113.8' }), '203.0.113.8');
  });

  it('counts sockets per address by the same address', async () => {
    const open: WebSocket[] = [];
    try {
      for (const spoof of ['10.1.1.1', '10.1.1.2']) {
        open.push(await connect(s.wsUrl, p.http.cookie, { 'x-forwarded-for': `${spoof}, 203.0.113.9` }));
      }
      assert.equal(
        await closedAtOnce(connect(s.wsUrl, p.http.cookie, { 'x-forwarded-for': '10.1.1.3, 203.0.113.9' })),
        1013,
      );
      open.push(await connect(s.wsUrl, p.http.cookie, { 'x-forwarded-for': '203.0.113.9, 203.0.113.10' }));
    } finally {
      for (const ws of open) ws.close();
    }
  });

  it('takes the forwarded protocol for the origin check on writes and on sockets alike', async () => {
    const headers = { 'x-forwarded-proto': 'https', origin: s.url.replace('http:', 'https:') };
    const tls = new HttpClient(s.url);
    tls.cookie = tlsCookie(p.http.cookie);
    const write = await tls.request('PATCH', '/api/me', { displayName: 'Behind TLS' }, headers);
    assert.equal(write.status, 200);
    const ws = await connect(s.wsUrl, tlsCookie(p.http.cookie), headers);
    ws.close();
    const plain = await p.http.request<Err>('PATCH', '/api/me', { displayName: 'x' }, { origin: headers.origin });
    assert.equal(plain.status, 403);
    await assert.rejects(connect(s.wsUrl, p.http.cookie, { origin: headers.origin }), { status: 403 });
  });
});

describe('TRUST_PROXY as a list of proxy addresses', () => {
  let s: TestServer;
  let p: Person;
  before(async () => {
    s = await startServer({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1', MAX_SOCKETS_PER_ADDRESS: '2' });
    p = await signUp(s.url);
  });
  after(() => s.close());

  it('believes X-Forwarded-For from a listed proxy only', async () => {
    assert.equal(await signUpAddress(s, { 'x-forwarded-for': '198.51.100.1' }), '198.51.100.1');
    // A chain of listed proxies is walked back to the first address outside the list.
    assert.equal(
      await signUpAddress(s, { 'x-forwarded-for': '10.0.0.5, 198.51.100.3, 10.0.0.4' }),
      '198.51.100.3',
      'the first unlisted hop',
    );
    // 127.0.0.2 is not listed: what it writes is ignored.
    assert.equal(await signUpAddress(s, { 'x-forwarded-for': '198.51.100.2' }, '127.0.0.2'), '127.0.0.2');
  });

  it('applies the same rule to sockets: a peer outside the list is counted as itself', async () => {
    const open: WebSocket[] = [];
    try {
      for (const spoof of ['198.51.100.20', '198.51.100.21']) {
        open.push(await connect(s.wsUrl, p.http.cookie, { 'x-forwarded-for': spoof }, '127.0.0.2'));
      }
      assert.equal(
        await closedAtOnce(connect(s.wsUrl, p.http.cookie, { 'x-forwarded-for': '198.51.100.22' }, '127.0.0.2')),
        1013,
      );
      // Through the listed proxy, the forwarded address counts.
      open.push(await connect(s.wsUrl, p.http.cookie, { 'x-forwarded-for': '198.51.100.22' }));
    } finally {
      for (const ws of open) ws.close();
    }
  });

  it('ignores X-Forwarded-Proto from a peer outside the list, for writes and sockets', async () => {
    const headers = { 'x-forwarded-proto': 'https', origin: s.url.replace('http:', 'https:') };
    const tls = new HttpClient(s.url);
    tls.cookie = tlsCookie(p.http.cookie);
    const viaProxy = await tls.request('PATCH', '/api/me', { displayName: 'Via proxy' }, headers);
    assert.equal(viaProxy.status, 200);
    const direct = await request(`${s.url}/api/me`, {
      method: 'PATCH',
      body: { displayName: 'Direct' },
      headers: { ...headers, cookie: p.http.cookie ?? '' },
      localAddress: '127.0.0.2',
    });
    assert.equal(direct.status, 403);
    await assert.rejects(connect(s.wsUrl, p.http.cookie, headers, '127.0.0.2'), { status: 403 });
    (await connect(s.wsUrl, tlsCookie(p.http.cookie), headers)).close();
  });
});
