import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { AppError } from '../errors.ts';
import { parseAllowance } from '../lib/ip.ts';
import { stillImage } from './fixtures.ts';
import { ingest } from './pipeline.ts';
import { fetchRemote } from './remote.ts';

const loopbackOnly = parseAllowance('127.0.0.1');

/** Asserts `p` rejects with `media_fetch_failed` whose message matches `reason`. */
async function fetchFails(p: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.id, 'media_fetch_failed');
    assert.match(e.message, reason);
    return true;
  });
}

describe('fetching media by URL', () => {
  let server: http.Server;
  let port = 0;
  let png: Buffer;
  const hits: string[] = [];
  before(async () => {
    png = await stillImage('png', 64, 64);
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      switch (req.url) {
        case '/cat.png':
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
          return res.end(png);
        case '/missing':
          res.writeHead(404);
          return res.end('no');
        case '/hang':
          return; // never answers
        case '/stall': // headers, some of the body, then nothing
          res.writeHead(200, { 'content-type': 'image/png' });
          res.write(png.subarray(0, 100));
          return;
        case '/cut': // promises more than it sends, then closes the connection
          res.writeHead(200, { 'content-length': png.length });
          res.write(png.subarray(0, 100));
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        case '/big': // 2 MB, announced
          res.writeHead(200, { 'content-length': 2 * 1024 * 1024 });
          return res.end(Buffer.alloc(2 * 1024 * 1024));
        case '/endless': {
          // Unannounced, streamed until the client goes away.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(64 * 1024);
          const pump = () => {
            while (res.write(chunk)) {
              if (res.destroyed) return;
            }
            res.once('drain', pump);
          };
          res.on('close', () => res.removeAllListeners('drain'));
          return pump();
        }
        case '/r1':
          res.writeHead(302, { location: '/r2' });
          return res.end();
        case '/r2':
          res.writeHead(301, { location: `http://127.0.0.1:${port}/r3` });
          return res.end();
        case '/r3':
          res.writeHead(307, { location: '/cat.png' });
          return res.end();
        case '/loop':
          res.writeHead(302, { location: '/loop' });
          return res.end();
        case '/to-loopback-2':
          res.writeHead(302, { location: `http://127.0.0.2:${port}/cat.png` });
          return res.end();
        case '/to-file':
          res.writeHead(302, { location: 'file:///etc/passwd' });
          return res.end();
        case '/no-location':
          res.writeHead(302);
          return res.end();
        default:
          res.writeHead(500);
          return res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const at = (p: string, host = '127.0.0.1') => `http://${host}:${port}${p}`;
  const options = { timeoutMs: 2000, maxBytes: 1024 * 1024, allowPrivate: loopbackOnly };
  const bytes = async (body: Readable) => Buffer.concat(await body.toArray());

  it('streams an image with its type and length, through the pipeline', async () => {
    const got = await fetchRemote(at('/cat.png'), options);
    assert.equal(got.contentType, 'image/png');
    assert.equal(got.contentLength, png.length);
    const tmp = tempDir('comptoir-remote-');
    try {
      const r = await ingest(got.body, { tmpDir: path.join(tmp.dir, 'up'), name: 'cat.png' });
      assert.deepEqual([r.kind, r.mime, r.width, r.height], ['image', 'image/png', 64, 64]);
      await r.dispose();
      assert.deepEqual(fs.readdirSync(path.join(tmp.dir, 'up')), []);
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses a URL resolving to a loopback address without the operator’s allowance', async () => {
    hits.length = 0;
    await fetchFails(fetchRemote(at('/cat.png'), { ...options, allowPrivate: undefined }), /loopback address/);
    const toLoopback = async () => [{ address: '127.0.0.1', family: 4 as const }];
    await fetchFails(
      fetchRemote(at('/cat.png', 'cdn.example'), { ...options, allowPrivate: 'none', resolve: toLoopback }),
      /loopback address/,
    );
    await fetchFails(
      fetchRemote(at('/cat.png', '169.254.169.254'), { ...options, allowPrivate: loopbackOnly }),
      /link-local address/,
    );
    assert.deepEqual(hits, [], 'no request reached the server');
  });

  it('refuses what is not an http(s) URL', async () => {
    await fetchFails(fetchRemote('not a url', options), /not a valid URL/);
    await fetchFails(fetchRemote('file:///etc/passwd', options), /only http and https/);
    await fetchFails(fetchRemote('ftp://example.com/a.png', options), /only http and https/);
    await fetchFails(fetchRemote(at('/cat.png').replace('//', '//user:pw@'), options), /user name or password/);
  });

  it('fails on an answer that is not a success', async () => {
    await fetchFails(fetchRemote(at('/missing'), options), /answered 404/);
    await fetchFails(fetchRemote(at('/elsewhere'), options), /answered 500/);
  });

  it('follows up to 3 redirects, each checked', async () => {
    hits.length = 0;
    const got = await fetchRemote(at('/r1'), options);
    assert.deepEqual(await bytes(got.body), png);
    assert.deepEqual(hits, ['/r1', '/r2', '/r3', '/cat.png']);
    await fetchFails(fetchRemote(at('/loop'), options), /more than 3 redirects/);
    hits.length = 0;
    await fetchFails(fetchRemote(at('/to-loopback-2'), options), /loopback address/);
    assert.deepEqual(hits, ['/to-loopback-2'], 'the redirect to a refused address is not followed');
    await fetchFails(fetchRemote(at('/to-file'), options), /only http and https/);
    await fetchFails(fetchRemote(at('/no-location'), options), /without a location/);
  });

  it('gives up at the deadline: no answer, or a body that stalls', async () => {
    const started = Date.now();
    await fetchFails(fetchRemote(at('/hang'), { ...options, timeoutMs: 200 }), /within 0.2 s/);
    assert.ok(Date.now() - started < 1500);
    const stalled = await fetchRemote(at('/stall'), { ...options, timeoutMs: 300 });
    await fetchFails(bytes(stalled.body), /within 0.3 s/);
  });

  it('fails a body cut short by the server', async () => {
    const cut = await fetchRemote(at('/cut'), options);
    await fetchFails(text(cut.body), /connection failed before the end/);
  });

  it('cuts off a body over maxBytes: announced, or found while streaming', async () => {
    await fetchFails(fetchRemote(at('/big'), options), /larger than 1048576 bytes/);
    const endless = await fetchRemote(at('/endless'), options);
    assert.equal(endless.contentLength, null);
    await fetchFails(bytes(endless.body), /larger than 1048576 bytes/);
  });
});
