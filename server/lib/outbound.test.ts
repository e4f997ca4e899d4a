import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseAllowance } from './ip.ts';
import { get, getStream, OutboundError, type Resolve, request, resolveTarget } from './outbound.ts';

const failure = (e: unknown) => (e instanceof OutboundError ? e.failure : e);
const loopbackOnly = parseAllowance('127.0.0.1');

describe('outbound requests', () => {
  let server: http.Server;
  let port = 0;
  let hits: string[] = [];
  /** Connections that have answered a request. */
  const served = new WeakSet<Socket>();
  before(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.headers.host} ${req.url}`);
      if (req.url === '/silent') return; // never answers
      if (req.url === '/stall') return res.writeHead(200).write('part'); // the headers and a part, then nothing
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` });
        return res.end();
      }
      if (req.url === '/big') return res.end('x'.repeat(100_000));
      // Closed unanswered on a connection kept alive from an earlier request (its idle timer fired as it came).
      if (req.url === '/drop-reused' && served.has(req.socket)) return req.socket.destroy();
      if (req.url === '/drop') return req.socket.destroy();
      res.on('finish', () => served.add(req.socket));
      res.end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const at = (path: string, host = '127.0.0.1') => new URL(`http://${host}:${port}${path}`);

  it('refuses hosts that are, or resolve to, addresses the operator did not allow', async () => {
    const refused = async (url: string, resolve?: Resolve, allowance = parseAllowance('false')) =>
      failure(await resolveTarget(new URL(url), allowance, { timeoutMs: 1000, resolve }).catch((e) => e));
    assert.deepEqual(await refused('http://127.0.0.1/'), { reason: 'address', kind: 'loopback' });
    assert.deepEqual(await refused('http://[::1]/'), { reason: 'address', kind: 'loopback' });
    assert.deepEqual(await refused('http://[::ffff:127.0.0.1]/'), { reason: 'address', kind: 'loopback' });
    assert.deepEqual(await refused('http://2130706433/'), { reason: 'address', kind: 'loopback' }, 'decimal IPv4');
    assert.deepEqual(await refused('http://0x7f.1/'), { reason: 'address', kind: 'loopback' }, 'hex IPv4');
    assert.deepEqual(await refused('http://0.0.0.0/'), { reason: 'address', kind: 'unspecified' });
    assert.deepEqual(await refused('http://169.254.169.254/'), { reason: 'address', kind: 'link-local' });
    assert.deepEqual(await refused('http://localhost/'), { reason: 'address', kind: 'loopback' }, '/etc/hosts');
    const to =
      (...addresses: string[]): Resolve =>
      async () =>
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    assert.deepEqual(await refused('http://intranet.example/', to('10.1.2.3')), { reason: 'address', kind: 'private' });
    assert.deepEqual(await refused('https://x.example/', to('93.184.216.34', '192.168.0.1')), {
      reason: 'address',
      kind: 'private',
    });
    assert.deepEqual(await refused('https://x.example/', to('::ffff:10.0.0.1')), {
      reason: 'address',
      kind: 'private',
    });
    assert.deepEqual(await refused('https://x.example/', to('fd00::1')), { reason: 'address', kind: 'private' });
    assert.deepEqual(await refused('https://x.example/', to()), { reason: 'dns', code: 'ENODATA' });
    assert.deepEqual(await refused('http://nowhere.invalid/'), { reason: 'dns', code: 'ENOTFOUND' });
    const slow: Resolve = () => new Promise(() => {});
    assert.deepEqual(
      failure(
        await resolveTarget(new URL('http://slow.example/'), 'none', { timeoutMs: 50, resolve: slow }).catch((e) => e),
      ),
      { reason: 'timeout', timeoutMs: 50 },
    );
    const ok = await resolveTarget(new URL('https://x.example/'), 'none', {
      timeoutMs: 1000,
      resolve: to('93.184.216.34'),
    });
    assert.deepEqual(ok.addresses, [{ address: '93.184.216.34', family: 4 }]);
    const allowed = await resolveTarget(at('/'), loopbackOnly, { timeoutMs: 1000 });
    assert.deepEqual(allowed.addresses, [{ address: '127.0.0.1', family: 4 }]);
    assert.deepEqual(await refused('http://[::1]/', undefined, loopbackOnly), { reason: 'address', kind: 'loopback' });
  });

  it('connects to the address it checked, whatever the name resolves to later (no DNS rebinding)', async () => {
    hits = [];
    let answers = 0;
    // The first answer is allowed; a second lookup would get the metadata service.
    const rebinding: Resolve = async () => [{ address: answers++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    const target = await resolveTarget(at('/hi', 'rebind.example'), loopbackOnly, {
      timeoutMs: 1000,
      resolve: rebinding,
    });
    const a = await get(target, { timeoutMs: 2000, maxBytes: 100 });
    assert.equal(a.status, 200);
    assert.equal(a.body.toString(), 'hello');
    assert.equal(answers, 1, 'resolved once');
    assert.deepEqual(
      hits,
      [`rebind.example:${port} /hi`],
      'the Host header names the host; the socket went to the checked address',
    );
  });

  it('answers the status and a bounded body; follows no redirect', async () => {
    const target = await resolveTarget(at('/'), loopbackOnly, { timeoutMs: 1000 });
    const redirect = await get(target, { timeoutMs: 2000, maxBytes: 100, url: at('/redirect') });
    assert.equal(redirect.status, 302);
    hits = [];
    const big = await get(target, { timeoutMs: 2000, maxBytes: 10, url: at('/big') });
    assert.deepEqual([big.status, big.body.toString(), big.truncated], [200, 'xxxxxxxxxx', true]);
    assert.throws(
      () => get(target, { timeoutMs: 100, maxBytes: 10, url: new URL('http://other.example/') }),
      /not the target/,
    );
  });

  it('gives up after the deadline, and reports a refused connection', async () => {
    const target = await resolveTarget(at('/'), loopbackOnly, { timeoutMs: 1000 });
    const started = Date.now();
    const silent = await get(target, { timeoutMs: 200, maxBytes: 10, url: at('/silent') }).catch((e) => e);
    assert.deepEqual(failure(silent), { reason: 'timeout', timeoutMs: 200 });
    assert.ok(Date.now() - started < 2000);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nobody = await resolveTarget(new URL(`http://127.0.0.1:${closedPort}/`), loopbackOnly, { timeoutMs: 1000 });
    assert.deepEqual(failure(await get(nobody, { timeoutMs: 2000, maxBytes: 10 }).catch((e) => e)), {
      reason: 'connection',
      code: 'ECONNREFUSED',
    });
  });

  it('streams a body (getStream): answered at the headers, the deadline still covering the body', async () => {
    const target = await resolveTarget(at('/'), loopbackOnly, { timeoutMs: 1000 });
    const big = await getStream(target, { timeoutMs: 2000, url: at('/big') });
    assert.equal(big.status, 200);
    assert.equal(Buffer.concat(await big.body.toArray()).length, 100_000, 'the whole body, unbounded');
    const redirect = await getStream(target, { timeoutMs: 2000, url: at('/redirect') });
    assert.equal(redirect.status, 302, 'no redirect followed');
    assert.equal(redirect.headers.location, `http://127.0.0.1:${port}/elsewhere`);
    redirect.body.destroy();
    const stalled = await getStream(target, { timeoutMs: 200, url: at('/stall') });
    assert.equal(stalled.status, 200);
    assert.deepEqual(failure(await stalled.body.toArray().catch((e) => e)), { reason: 'timeout', timeoutMs: 200 });
    assert.deepEqual(failure(await getStream(target, { timeoutMs: 200, url: at('/silent') }).catch((e) => e)), {
      reason: 'timeout',
      timeoutMs: 200,
    });
    const dropped = await getStream(target, { timeoutMs: 2000, url: at('/drop') }).catch((e) => e);
    assert.deepEqual(failure(dropped), { reason: 'connection', code: 'ECONNRESET' });
    assert.throws(() => getStream(target, { timeoutMs: 100, url: new URL('http://other.example/') }), /not the target/);
  });

  it('tells a failure on a kept-alive connection before any answer (the endpoint may have closed it as idle)', async () => {
    const target = await resolveTarget(at('/'), loopbackOnly, { timeoutMs: 1000 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (path: string) =>
      request(target, { method: 'POST', body: Buffer.from('{}'), timeoutMs: 2000, maxBytes: 10, url: at(path), agent });
    try {
      assert.equal((await post('/')).status, 200);
      assert.deepEqual(failure(await post('/drop-reused').catch((e) => e)), {
        reason: 'connection',
        code: 'ECONNRESET',
        reusedSocket: true,
      });
      // On a fresh connection, the same failure is the endpoint's own.
      assert.deepEqual(failure(await post('/drop').catch((e) => e)), { reason: 'connection', code: 'ECONNRESET' });
      assert.deepEqual(
        failure(await get(target, { timeoutMs: 2000, maxBytes: 10, url: at('/drop') }).catch((e) => e)),
        {
          reason: 'connection',
          code: 'ECONNRESET',
        },
      );
    } finally {
      agent.destroy();
    }
  });
});
