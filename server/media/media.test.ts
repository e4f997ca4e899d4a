import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type Person, signUp } from '../../test/helpers/client.ts';
import { readMedia, streamUpload, upload, uploaded } from '../../test/helpers/media.ts';
import { startS3 } from '../../test/helpers/s3.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { stillImage, wav } from './fixtures.ts';

/** Rows of the media table, read from the test server's SQLite file. */
function mediaRows(s: TestServer): number {
  const db = new Database(path.join(s.dataDir, 'comptoir.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM media').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Files the local blob store holds (parts in progress aside). */
function blobFiles(s: TestServer): string[] {
  const dir = path.join(s.dataDir, 'media');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('.parts') && fs.statSync(path.join(dir, f)).isFile());
}

/** An upload declaring `length` bytes (Content-Length) of which it sends a few: the answer the server gives. */
function declaredUpload(baseUrl: string, who: Person, length: number): Promise<{ status: number; error: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL('/api/media', baseUrl), {
      method: 'POST',
      headers: { cookie: who.http.cookie ?? '', 'content-length': String(length) },
    });
    req.on('response', async (res) => {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error: { id: string } };
      resolve({ status: res.statusCode ?? 0, error: body.error.id });
      req.destroy();
    });
    req.on('error', (e) => reject(e));
    req.write(Buffer.alloc(1024));
  });
}

/** Temporary files of uploads in progress. */
const tmpFiles = (s: TestServer) => {
  const dir = path.join(s.dataDir, 'tmp', 'media');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

describe('media over HTTP', () => {
  let s: TestServer;
  let ana: Person;
  let eve: Person;
  let jpeg: Buffer;
  before(async () => {
    s = await startServer({ RATE_UPLOADS_PER_MINUTE: '1000' });
    [ana, eve] = await Promise.all([signUp(s.url), signUp(s.url)]);
    jpeg = await stillImage('jpeg', 1200, 800, { exif: { IFD0: { Copyright: 'Ana', Artist: 'Ana' } } });
  });
  after(() => s.close());

  it('uploads an image: re-encoded, measured, a thumbnail; its owner reads both', async () => {
    const a = await uploaded(s.url, ana, jpeg, { name: 'holiday.jpg' });
    assert.equal(a.kind, 'image');
    assert.equal(a.mime, 'image/jpeg');
    assert.equal(a.name, 'holiday.jpg');
    assert.deepEqual([a.width, a.height], [1200, 800]);
    assert.equal(a.url, `/api/media/${a.id}`);
    assert.equal(a.thumbnailUrl, `/api/media/${a.id}/thumbnail`);
    const r = await readMedia(s.url, a.url, ana);
    assert.equal(r.status, 200);
    assert.equal(r.bytes.length, a.size);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    assert.equal(r.headers.get('content-length'), String(a.size));
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.match(r.headers.get('etag') ?? '', /^"[0-9a-f]{64}"$/);
    assert.equal(r.headers.get('cache-control'), 'private, max-age=3600, immutable');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('content-security-policy'), "sandbox; default-src 'none'");
    assert.equal(r.headers.get('content-disposition'), 'inline');
    assert.equal(r.bytes.includes(Buffer.from('Copyright')), false, 'no EXIF left');
    const t = await readMedia(s.url, a.thumbnailUrl as string, ana);
    assert.equal(t.status, 200);
    assert.equal(t.headers.get('content-type'), 'image/webp');
    assert.equal(t.bytes.subarray(8, 12).toString('latin1'), 'WEBP');
    assert.notEqual(t.headers.get('etag'), r.headers.get('etag'));
  });

  it('serves ranges: first byte, last byte, middle, open-ended; 416 past the end; several ranges: whole; 304', async () => {
    const a = await uploaded(s.url, ana, jpeg);
    const whole = (await readMedia(s.url, a.url, ana)).bytes;
    const size = whole.length;
    const ranged = async (range: string) => readMedia(s.url, a.url, ana, { range });
    const cases: [string, number, number][] = [
      ['bytes=0-0', 0, 0],
      [`bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
      ['bytes=-1', size - 1, size - 1],
      ['bytes=100-199', 100, 199],
      ['bytes=1000-', 1000, size - 1],
      [`bytes=10-${size + 500}`, 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await ranged(range);
      assert.equal(r.status, 206, range);
      assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/${size}`, range);
      assert.equal(r.headers.get('content-length'), String(end - start + 1), range);
      assert.ok(r.bytes.equals(whole.subarray(start, end + 1)), range);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
      const r = await ranged(range);
      assert.equal(r.status, 416, range);
      assert.equal(r.error, 'range_not_satisfiable');
      assert.equal(r.headers.get('content-range'), `bytes */${size}`);
    }
    for (const range of ['bytes=0-1,5-9', 'items=0-5', 'bytes=abc', 'bytes=9-3']) {
      const r = await ranged(range);
      assert.equal(r.status, 200, range);
      assert.equal(r.bytes.length, size);
    }
    const etag = (await readMedia(s.url, a.url, ana)).headers.get('etag') as string;
    const cached = await readMedia(s.url, a.url, ana, { 'if-none-match': etag });
    assert.equal(cached.status, 304);
    assert.equal(cached.bytes.length, 0);
    assert.equal((await readMedia(s.url, a.url, ana, { 'if-none-match': '"other"' })).status, 200);
    // If-Range with another tag: the whole file, not the range.
    assert.equal((await readMedia(s.url, a.url, ana, { range: 'bytes=0-0', 'if-range': '"old"' })).status, 200);
    assert.equal((await readMedia(s.url, a.url, ana, { range: 'bytes=0-0', 'if-range': etag })).status, 206);
  });

  it('serves a file as a download under its name, never inline', async () => {
    const a = await uploaded(s.url, ana, Buffer.from('<html><script>alert(1)</script></html>'), {
      name: 'notes « été ».txt',
    });
    assert.equal(a.kind, 'file');
    assert.equal(a.thumbnailUrl, null);
    const r = await readMedia(s.url, a.url, ana);
    assert.equal(r.status, 200);
    assert.equal(
      r.headers.get('content-disposition'),
      `attachment; filename="notes _ _t_ _.txt"; filename*=UTF-8''notes%20%C2%AB%20%C3%A9t%C3%A9%20%C2%BB.txt`,
    );
    assert.equal(r.headers.get('content-security-policy'), "sandbox; default-src 'none'");
    assert.equal((await readMedia(s.url, `${a.url}/thumbnail`, ana)).error, 'media_not_found', 'no thumbnail');
  });

  it('answers media_not_found to anyone else, for unknown and garbage ids alike; 401 without a session', async () => {
    const a = await uploaded(s.url, ana, jpeg);
    for (const p of [a.url, a.thumbnailUrl as string]) {
      const r = await readMedia(s.url, p, eve);
      assert.deepEqual([r.status, r.error], [404, 'media_not_found'], 'a stranger');
      assert.deepEqual(
        [(await readMedia(s.url, p, null)).status, (await readMedia(s.url, p, null)).error],
        [401, 'unauthenticated'],
      );
    }
    assert.equal((await readMedia(s.url, '/api/media/01nope', ana)).error, 'media_not_found');
    assert.equal((await readMedia(s.url, `/api/media/${'x'.repeat(65)}`, ana)).error, 'bad_request');
    assert.equal((await readMedia(s.url, '/api/media/a%00b', ana)).status < 500, true);
    assert.equal((await readMedia(s.url, `${a.url}?foo=1`, ana)).error, 'bad_request');
  });

  it('reads by signed link without a session; expired, altered or another file’s link: media_link_expired', async () => {
    const media = s.comptoir.media.service;
    const a = await uploaded(s.url, ana, jpeg);
    const b = await uploaded(s.url, ana, jpeg);
    const link = media.signedUrl(a.id, 'original', s.url);
    assert.match(link, new RegExp(`^${s.url}/api/media/${a.id}\\?expires=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    const r = await readMedia(s.url, link, null);
    assert.equal(r.status, 200);
    assert.equal(r.bytes.length, a.size);
    assert.equal((await readMedia(s.url, link, eve)).status, 200, 'the link is enough, whoever holds it');
    const thumb = media.signedUrl(a.id, 'thumbnail', s.url);
    assert.equal((await readMedia(s.url, thumb, null)).headers.get('content-type'), 'image/webp');
    const q = new URL(link).search;
    const refused = async (p: string) => {
      const x = await readMedia(s.url, p, null);
      assert.deepEqual([x.status, x.error], [403, 'media_link_expired'], p);
    };
    await refused(`/api/media/${b.id}${q}`); // another file
    await refused(`/api/media/${a.id}/thumbnail${q}`); // another variant
    const u = new URL(link);
    const expires = Number(u.searchParams.get('expires'));
    const sig = u.searchParams.get('sig') as string;
    await refused(`/api/media/${a.id}?expires=${expires + 1}&sig=${sig}`); // its time moved
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const other = (c: string) => (c === 'A' ? 'B' : 'A');
    await refused(
      `/api/media/${a.id}?expires=${expires}&sig=${sig.slice(0, 20)}${other(sig[20] as string)}${sig.slice(21)}`,
    );
    // The same bytes spelled another way (the last character's two spare bits): refused too.
    const twin = alphabet[alphabet.indexOf(sig.at(-1) as string) ^ 1];
    await refused(`/api/media/${a.id}?expires=${expires}&sig=${sig.slice(0, -1)}${twin}`);
    await refused(`/api/media/${a.id}?expires=${expires}`);
    await refused(`/api/media/${a.id}?sig=${sig}`);
    await refused(`/api/media/${a.id}?expires=soon&sig=${sig}`);
    // An expired link, signed by this server: its clock moved past it.
    const old = new (media.links.constructor as typeof import('./links.ts').MediaLinks)(
      (media.links as unknown as { key: Buffer }).key,
      60,
      null,
      () => Date.now() - 3600_000,
    ).url(a.id, 'original', s.url);
    await refused(old.slice(s.url.length));
    // A link to a file that is gone: not found, once the signature holds.
    const gone = media.signedUrl('01h0000000000000000000gone', 'original', s.url);
    assert.equal((await readMedia(s.url, gone, null)).error, 'media_not_found');
  });

  it('refuses an upload without a session, from another origin, or declared larger than any limit', async () => {
    const rows = mediaRows(s);
    const anon = await upload(s.url, null, jpeg);
    assert.deepEqual([anon.status, anon.body.error?.id], [401, 'unauthenticated']);
    const foreign = await upload(s.url, ana, jpeg, {}, { origin: 'https://evil.example' });
    assert.deepEqual([foreign.status, foreign.body.error?.id], [403, 'forbidden_origin']);
    const huge = await declaredUpload(s.url, ana, 200 * 1024 * 1024);
    assert.deepEqual([huge.status, huge.error], [413, 'media_too_large']);
    assert.equal(mediaRows(s), rows);
  });

  it('cuts an upload off mid-stream past its kind’s limit: 413, no row, no blob, no temporary file', async () => {
    const rows = mediaRows(s);
    const blobs = blobFiles(s).length;
    const png = await stillImage('png', 64, 64);
    // A PNG's first bytes: the image limit (25 MB) applies; 30 MB are sent, chunked (no Content-Length).
    const r = await streamUpload(s.url, ana, png, 30 * 1024 * 1024);
    assert.equal(r.status, 413);
    assert.equal(r.body.error?.id, 'media_too_large');
    assert.equal(mediaRows(s), rows);
    assert.equal(blobFiles(s).length, blobs);
    assert.deepEqual(tmpFiles(s), []);
    // The server goes on.
    assert.equal((await upload(s.url, ana, jpeg)).status, 201);
  });

  it('takes voice clips: audio only, with a duration and a waveform of bars 0–255', async () => {
    const clip = wav(1500);
    const a = await uploaded(s.url, ana, clip, { voice: '1', durationMs: '1500', waveform: '0,10,255,3' });
    assert.equal(a.kind, 'audio');
    assert.equal(a.voice, true);
    assert.deepEqual(a.waveform, [0, 10, 255, 3]);
    assert.ok(a.durationMs !== null && Math.abs(a.durationMs - 1500) < 50, String(a.durationMs));
    // Recorded in slices (MediaRecorder's timeslice): its tracks cannot be read back, the clip is still audio.
    const sliced = fs.readFileSync(path.join(import.meta.dirname, '../../test/fixtures/media/voice-sliced.webm'));
    const b = await uploaded(s.url, ana, sliced, { voice: '1', durationMs: '1000' });
    assert.deepEqual([b.kind, b.mime, b.voice, b.durationMs], ['audio', 'audio/webm', true, 1000]);
    const rows = mediaRows(s);
    const notAudio = await upload(s.url, ana, jpeg, { voice: '1', durationMs: '1000' });
    assert.deepEqual([notAudio.status, notAudio.body.error?.id], [415, 'media_type_mismatch']);
    const queries: Record<string, string>[] = [
      { voice: '1' },
      { voice: '1', durationMs: '0' },
      { voice: '1', durationMs: String(16 * 60 * 1000) },
      { voice: '1', durationMs: '100', waveform: '1,300' },
      { voice: '1', durationMs: '100', waveform: Array(65).fill('1').join(',') },
      { voice: '1', durationMs: '100', waveform: 'a,b' },
      { durationMs: '100' },
      { voice: 'yes' },
      { name: 'a\u0000b' },
      { other: '1' },
    ];
    for (const q of queries) {
      const r = await upload(s.url, ana, clip, q);
      assert.deepEqual([r.status, r.body.error?.id], [400, 'bad_request'], JSON.stringify(q));
    }
    assert.equal(mediaRows(s), rows, 'nothing kept of a refused upload');
    assert.deepEqual(tmpFiles(s), []);
  });

  it('refuses damaged images and names that contradict the bytes, keeping nothing', async () => {
    const rows = mediaRows(s);
    const blobs = blobFiles(s).length;
    const cut = await upload(s.url, ana, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    assert.deepEqual([cut.status, cut.body.error?.id], [422, 'media_corrupt']);
    const liar = await upload(s.url, ana, jpeg, { name: 'report.pdf' });
    assert.deepEqual([liar.status, liar.body.error?.id], [415, 'media_type_mismatch']);
    assert.equal(mediaRows(s), rows);
    assert.equal(blobFiles(s).length, blobs);
    assert.deepEqual(tmpFiles(s), []);
  });

  it('has at most 4 uploads of one account in flight; the fifth is refused at once', async () => {
    const media = s.comptoir.media.service;
    const bodies = [0, 1, 2, 3].map(() => new PassThrough());
    const running = bodies.map((body) => media.upload({ ownerId: ana.user.id, body }));
    for (const b of bodies) b.write('some bytes');
    await assert.rejects(media.upload({ ownerId: ana.user.id, body: new PassThrough() }), { id: 'rate_limited' });
    for (const b of bodies) b.end();
    const done = await Promise.all(running);
    assert.deepEqual(
      done.map((m) => m.kind),
      ['file', 'file', 'file', 'file'],
    );
    // Once they are done, there is room again.
    const next = media.upload({ ownerId: ana.user.id, body: Readable.from([Buffer.from('more')]) });
    assert.equal((await next).kind, 'file');
  });
});

describe('media by URL', () => {
  let s: TestServer;
  let origin: http.Server;
  let base: string;
  before(async () => {
    s = await startServer({ WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' });
    const jpeg = await stillImage('jpeg', 200, 100);
    origin = http.createServer((req, res) => {
      if (req.url === '/pics/cat.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
      else res.writeHead(404).end('no');
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
  });
  after(async () => {
    await s.close();
    await new Promise((resolve) => origin.close(resolve));
  });

  it('fetches a URL server-side through the same pipeline, named after its path; a failure stores nothing', async () => {
    const ana = await signUp(s.url);
    const media = s.comptoir.media.service;
    const r = await media.uploadFromUrl({ ownerId: ana.user.id, url: `${base}/pics/cat.jpg` });
    assert.deepEqual([r.kind, r.mime, r.name, r.width, r.height], ['image', 'image/jpeg', 'cat.jpg', 200, 100]);
    assert.equal((await readMedia(s.url, `/api/media/${r.id}`, ana)).status, 200);
    const rows = mediaRows(s);
    await assert.rejects(media.uploadFromUrl({ ownerId: ana.user.id, url: `${base}/missing.jpg` }), {
      id: 'media_fetch_failed',
    });
    await assert.rejects(media.uploadFromUrl({ ownerId: ana.user.id, url: 'file:///etc/passwd' }), {
      id: 'media_fetch_failed',
    });
    assert.equal(mediaRows(s), rows);
  });
});

describe('media limits per account', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_UPLOADS_PER_MINUTE: '3' });
  });
  after(() => s.close());

  it('takes RATE_UPLOADS_PER_MINUTE uploads per minute, then 429 with Retry-After', async () => {
    const ana = await signUp(s.url);
    const ben = await signUp(s.url);
    for (let i = 0; i < 3; i++) assert.equal((await upload(s.url, ana, Buffer.from(`file ${i}`))).status, 201);
    const r = await upload(s.url, ana, Buffer.from('one more'));
    assert.deepEqual([r.status, r.body.error?.id], [429, 'rate_limited']);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.equal((await upload(s.url, ben, Buffer.from('mine'))).status, 201, 'another account’s are its own');
  });
});

describe('media in an S3 bucket', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let s: TestServer;
  before(async () => {
    s3 = await startS3();
    s = await startServer(s3.env);
  });
  after(async () => {
    await s.close();
    await s3.close();
  });

  it('uploads into the bucket and reads back, whole and by range', async () => {
    const ana = await signUp(s.url);
    const jpeg = await stillImage('jpeg', 640, 480);
    const a = await uploaded(s.url, ana, jpeg);
    const whole = await readMedia(s.url, a.url, ana);
    assert.equal(whole.status, 200);
    assert.equal(whole.bytes.length, a.size);
    const r = await readMedia(s.url, a.url, ana, { range: 'bytes=0-0' });
    assert.equal(r.status, 206);
    assert.ok(r.bytes.equals(whole.bytes.subarray(0, 1)));
    assert.equal((await readMedia(s.url, a.thumbnailUrl as string, ana)).status, 200);
    assert.equal(blobFiles(s).length, 0, 'nothing on the local disk');
  });
});
