import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { BlobStore } from '../types.ts';

/**
 * The blob store contract: the local store (local.test.ts) and the S3 one against a real S3-speaking
 * server (s3.test.ts) run this same suite. Objects go in whole or not at all, are read whole or by range,
 * and a failing source leaves nothing behind.
 */
export function blobStoreContract(
  name: string,
  open: () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>,
) {
  describe(`blob store contract: ${name}`, () => {
    let store: BlobStore;
    let cleanup: () => Promise<void> = async () => {};
    let n = 0;
    const key = () => `k${process.pid}x${randomBytes(6).toString('hex')}${++n}`;
    const meta = (size: number) => ({ contentType: 'application/octet-stream', size });

    before(async () => {
      ({ store, cleanup } = await open());
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it('stores a multi-MB stream and reads it back whole, byte for byte', async () => {
      const k = key();
      const size = 12 * 1024 * 1024 + 12345; // several S3 parts and a short last one
      const source = chunks(size, 64 * 1024);
      await store.put(k, source.stream, meta(size));
      assert.deepEqual(await store.stat(k), { size });
      const got = await store.get(k);
      assert.ok(got);
      assert.equal(got.size, size);
      const read = await digest(got.body);
      assert.equal(read.bytes, size);
      assert.equal(read.sha256, source.sha256());
    });

    it('reads ranges: the first byte, the last byte, the middle', async () => {
      const k = key();
      const bytes = randomBytes(300_000);
      await store.put(k, Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), meta(bytes.length));
      const read = async (start: number, end: number) => {
        const got = await store.get(k, { start, end });
        assert.ok(got);
        assert.equal(got.size, bytes.length, 'the size is the whole object’s');
        return Buffer.concat(await got.body.toArray());
      };
      // Buffers compared with equals(): a failing deepEqual of 300 kB would print (and diff) all of it.
      const same = (a: Buffer, b: Buffer) => assert.ok(a.equals(b), `${a.length} bytes read, ${b.length} expected`);
      same(await read(0, 0), bytes.subarray(0, 1));
      same(await read(bytes.length - 1, bytes.length - 1), bytes.subarray(bytes.length - 1));
      same(await read(123_456, 234_567), bytes.subarray(123_456, 234_568));
      same(await read(0, bytes.length - 1), bytes);
    });

    it('stores an empty object', async () => {
      const k = key();
      await store.put(k, Readable.from([]), meta(0));
      assert.deepEqual(await store.stat(k), { size: 0 });
      const got = await store.get(k);
      assert.ok(got);
      assert.equal((await got.body.toArray()).length, 0);
    });

    it('deletes; an absent key reads as null and deletes without error', async () => {
      const k = key();
      await store.put(k, Readable.from([Buffer.from('hello')]), meta(5));
      await store.delete(k);
      assert.equal(await store.get(k), null);
      assert.equal(await store.get(k, { start: 0, end: 0 }), null);
      assert.equal(await store.stat(k), null);
      await store.delete(k);
      assert.equal(await store.stat(key()), null, 'never written');
      assert.equal(await store.get(key()), null);
    });

    it('leaves no object when the source fails mid-way (within the first part, and after several)', async () => {
      for (const failAt of [300_000, 11 * 1024 * 1024]) {
        const k = key();
        const source = chunks(failAt + 5_000_000, 64 * 1024, failAt);
        await assert.rejects(store.put(k, source.stream, meta(failAt + 5_000_000)), /source failed/);
        assert.equal(await store.stat(k), null, `failed at ${failAt}`);
        assert.equal(await store.get(k), null);
      }
    });

    it('refuses a source shorter or longer than the size it was given, and keeps nothing', async () => {
      for (const [given, actual] of [
        [10, 5],
        [5, 10],
      ] as const) {
        const k = key();
        await assert.rejects(store.put(k, Readable.from([randomBytes(actual)]), meta(given)), /bytes written/);
        assert.equal(await store.stat(k), null);
      }
    });

    it('never shows a key half-written: absent while the upload runs, whole once it resolved', async () => {
      const k = key();
      const first = randomBytes(6 * 1024 * 1024);
      const last = randomBytes(1000);
      const body = new PassThrough();
      const put = store.put(k, body, meta(first.length + last.length));
      body.write(first);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await store.stat(k), null, 'not visible before the end');
      assert.equal(await store.get(k), null);
      body.end(last);
      await put;
      const got = await store.get(k);
      assert.ok(got);
      assert.ok(Buffer.concat(await got.body.toArray()).equals(Buffer.concat([first, last])));
    });

    it('refuses keys that are not the service’s own (paths, empty, odd characters)', async () => {
      for (const bad of ['../../etc/passwd', '', 'a/b/cdefghij', 'short', 'x'.repeat(200), 'key with space']) {
        await assert.rejects(store.put(bad, Readable.from([Buffer.from('x')]), meta(1)), /not a media blob key/);
        await assert.rejects(store.get(bad), /not a media blob key/);
      }
    });
  });
}

/** `size` pseudo-random bytes in chunks of `chunk`, as a stream, failing once `failAt` bytes were given. */
function chunks(size: number, chunk: number, failAt?: number) {
  const hash = createHash('sha256');
  const block = randomBytes(chunk);
  let sent = 0;
  const stream = new Readable({
    read() {
      if (failAt !== undefined && sent >= failAt) {
        this.destroy(new Error('source failed'));
        return;
      }
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, size - sent);
      // Each chunk differs (its offset written in), so a part stored twice or out of order shows.
      const piece = Buffer.from(block.subarray(0, n));
      if (n >= 4) piece.writeUInt32BE(sent >>> 0, 0);
      hash.update(piece);
      sent += n;
      this.push(piece);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function digest(body: Readable): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const c of body) {
    hash.update(c as Buffer);
    bytes += (c as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
