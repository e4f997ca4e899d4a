import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { mediaLimits } from '../../protocol/media.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { AppError } from '../errors.ts';
import { chunked, gifDeclaring, pngDeclaring, stillImage, wav } from './fixtures.ts';
import { ingest } from './pipeline.ts';

const MB = 1024 * 1024;
const FIXTURES = path.join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'media');

/**
 * `head`, then zeros in 1 MB chunks without end, counting what was pulled; `destroyed` tells whether the
 * pipeline let go of it (destroyed the source) when it gave up.
 */
function endless(head: Uint8Array): { body: Readable; pulled: () => number } {
  let pulled = 0;
  const zeros = Buffer.alloc(MB);
  const body = new Readable({
    read() {
      const chunk = pulled === 0 ? Buffer.concat([head, zeros]) : zeros;
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { body, pulled: () => pulled };
}

const refusedWith = (id: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AppError, String(e));
  assert.equal(e.id, id);
  if (message) assert.match(e.message, message);
  return true;
};

describe('the media pipeline refuses bad input and leaves nothing behind', () => {
  let tmp: { dir: string; cleanup: () => void };
  let tmpDir = '';
  before(() => {
    tmp = tempDir('comptoir-refusals-');
    tmpDir = path.join(tmp.dir, 'uploads');
  });
  afterEach(() => {
    assert.deepEqual(fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : [], [], 'no temporary file left behind');
  });
  after(() => tmp.cleanup());

  it('cuts off an upload over every limit mid-stream, and destroys the source', async () => {
    const { body, pulled } = endless(Buffer.from('not a known type'));
    await assert.rejects(ingest(body, { tmpDir }), refusedWith('media_too_large', /100 MB, the limit for files/));
    assert.ok(body.destroyed, 'the source is destroyed');
    assert.ok(pulled() <= mediaLimits.bytes.file + 4 * MB, `stopped reading at once (${pulled()} bytes pulled)`);
  });

  it('applies the kind’s own limit once the first bytes tell it', async () => {
    const png = endless(await stillImage('png', 16, 16));
    await assert.rejects(ingest(png.body, { tmpDir }), refusedWith('media_too_large', /25 MB, the limit for image/));
    assert.ok(png.pulled() <= mediaLimits.bytes.image + 4 * MB, `${png.pulled()} bytes pulled`);
    const audio = endless(wav(10));
    await assert.rejects(ingest(audio.body, { tmpDir }), refusedWith('media_too_large', /limit for audio/));
    assert.ok(audio.pulled() <= mediaLimits.bytes.audio + 4 * MB);
  });

  it('applies the audio limit to a container found to hold audio only', async () => {
    // A recorded voice clip padded past 25 MB with a Matroska Void element (valid, skipped by readers).
    const voice = fs.readFileSync(path.join(FIXTURES, 'voice.webm'));
    const padding = 26 * MB;
    const voidHeader = Buffer.from([0xec, 0x01, 0, 0, 0, 0, 0, 0, 0]);
    voidHeader.writeUIntBE(padding, 3, 6);
    const padded = Buffer.concat([voice, voidHeader, Buffer.alloc(padding)]);
    await assert.rejects(
      ingest(chunked(padded, MB), { tmpDir, name: 'voice.webm' }),
      refusedWith('media_too_large', /limit for audio/),
    );
  });

  it('refuses a body declared over every limit before reading it', async () => {
    const { body, pulled } = endless(Buffer.alloc(0));
    await assert.rejects(ingest(body, { tmpDir, declaredLength: 100 * MB + 1 }), refusedWith('media_too_large'));
    assert.equal(pulled(), 0);
    body.destroy();
  });

  it('stops when the signal aborts: before reading, or mid-stream', async () => {
    const early = endless(Buffer.alloc(0));
    await assert.rejects(ingest(early.body, { tmpDir, signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(early.pulled(), 0);
    early.body.destroy();
    const controller = new AbortController();
    const slow = new Readable({
      read() {
        setTimeout(() => {
          this.push(Buffer.alloc(64 * 1024));
          controller.abort();
        }, 5);
      },
    });
    await assert.rejects(ingest(slow, { tmpDir, signal: controller.signal }), { name: 'AbortError' });
    assert.ok(slow.destroyed);
  });

  it('fails with the body’s own error when the sender goes away', async () => {
    let n = 0;
    const body = new Readable({
      read() {
        if (n++ < 3) this.push(Buffer.alloc(32 * 1024, 1));
        else this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      },
    });
    await assert.rejects(ingest(body, { tmpDir }), { code: 'ECONNRESET' });
  });

  it('refuses bytes that contradict their name', async () => {
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
    const png = await stillImage('png', 20, 20);
    const jpeg = await stillImage('jpeg', 20, 20);
    const cases: [Uint8Array, string][] = [
      [pdf, 'photo.jpg'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'logo.png'],
      [png, 'song.mp3'],
      [png, 'clip.mp4'],
      [jpeg, 'report.pdf'],
      [jpeg, 'logo.svg'],
      [wav(100), 'photo.gif'],
      [fs.readFileSync(path.join(FIXTURES, 'clip.webm')), 'voice.ogg'],
    ];
    for (const [bytes, name] of cases) {
      await assert.rejects(ingest(chunked(bytes), { tmpDir, name }), refusedWith('media_type_mismatch'), name);
    }
  });

  it('refuses truncated or corrupt images', async () => {
    const jpeg = await stillImage('jpeg', 400, 300);
    await assert.rejects(
      ingest(chunked(jpeg.subarray(0, jpeg.length >> 1)), { tmpDir, name: 'photo.jpg' }),
      refusedWith('media_corrupt'),
    );
    const png = await stillImage('png', 40, 30);
    const noise = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + 7) % 256));
    await assert.rejects(
      ingest(chunked(Buffer.concat([png.subarray(0, 8), noise])), { tmpDir }),
      refusedWith('media_corrupt'),
    );
  });

  it('refuses decompression bombs', async () => {
    await assert.rejects(
      ingest(chunked(await pngDeclaring(100_000, 100_000)), { tmpDir, name: 'tiny.png' }),
      refusedWith('media_too_many_pixels'),
    );
    await assert.rejects(
      ingest(chunked(await gifDeclaring(65_535, 65_535)), { tmpDir, name: 'tiny.gif' }),
      refusedWith('media_too_many_pixels'),
    );
  });
});
