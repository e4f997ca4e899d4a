import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { tempDir } from '../../test/helpers/tmp.ts';
import { AppError } from '../errors.ts';
import { animation, chunked, flac, mp3, oggOpus, stillImage, wav } from './fixtures.ts';
import { ingest } from './pipeline.ts';
import type { Ingested } from './types.ts';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'media');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the media pipeline: the main path', () => {
  let tmp: { dir: string; cleanup: () => void };
  let tmpDir = '';
  const ingested: Ingested[] = [];
  before(() => {
    tmp = tempDir('comptoir-pipeline-');
    tmpDir = path.join(tmp.dir, 'uploads'); // created by the pipeline
  });
  afterEach(async () => {
    for (const i of ingested.splice(0)) await i.dispose();
    assert.deepEqual(fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : [], [], 'dispose() leaves nothing');
  });
  after(() => tmp.cleanup());
  const run = async (bytes: Uint8Array, name?: string | null) => {
    const result = await ingest(chunked(bytes), { tmpDir, name, declaredLength: bytes.length });
    ingested.push(result);
    return result;
  };

  it('re-encodes a PNG, measures it, and makes a WebP thumbnail', async () => {
    const png = await stillImage('png', 1200, 600);
    const r = await run(png, 'holiday.png');
    assert.equal(r.kind, 'image');
    assert.equal(r.mime, 'image/png');
    assert.equal(r.name, 'holiday.png');
    assert.deepEqual([r.width, r.height], [1200, 600]);
    const stored = fs.readFileSync(r.path);
    assert.equal(r.size, stored.length);
    assert.equal(r.sha256, sha256(stored));
    assert.equal((await sharp(stored).metadata()).format, 'png');
    assert.ok(r.thumbnail);
    assert.equal(r.thumbnail.mime, 'image/webp');
    assert.deepEqual([r.thumbnail.width, r.thumbnail.height], [480, 240]);
    const thumb = await sharp(r.thumbnail.path).metadata();
    assert.deepEqual([thumb.format, thumb.width, thumb.height], ['webp', 480, 240]);
    assert.equal(r.thumbnail.size, fs.statSync(r.thumbnail.path).size);
    assert.equal(r.durationMs, null);
  });

  it('keeps an animated GIF animated, its height a frame’s', async () => {
    const gif = await animation('gif', 64, 48, 5);
    const r = await run(gif, 'dance.gif');
    assert.deepEqual([r.kind, r.mime, r.name, r.width, r.height], ['image', 'image/gif', 'dance.gif', 64, 48]);
    const meta = await sharp(r.path).metadata();
    assert.equal(meta.pages, 5);
    assert.deepEqual(meta.delay, [100, 100, 100, 100, 100]);
    assert.ok(r.thumbnail);
    assert.equal((await sharp(r.thumbnail.path).metadata()).pages, undefined, 'the thumbnail is one frame');
  });

  it('takes audio by its bytes: WAV, MP3, Ogg Opus, FLAC, with their duration', async () => {
    const cases = [
      { bytes: wav(1500), mime: 'audio/wav', name: 'a.wav', ms: 1500 },
      { bytes: mp3(40), mime: 'audio/mpeg', name: 'a.mp3', ms: 1045 },
      { bytes: oggOpus(2000), mime: 'audio/ogg', name: 'a.opus', ms: 2000 },
      { bytes: flac(3000), mime: 'audio/flac', name: 'a.flac', ms: 3000 },
    ];
    for (const c of cases) {
      const r = await run(c.bytes, 'a');
      assert.deepEqual([r.kind, r.mime, r.name], ['audio', c.mime, c.name], c.mime);
      assert.ok(r.durationMs !== null && Math.abs(r.durationMs - c.ms) < 60, `${c.mime}: ${r.durationMs} ms`);
      assert.deepEqual([r.width, r.height, r.thumbnail], [null, null, null]);
      assert.equal(r.sha256, sha256(c.bytes));
      assert.equal(r.size, c.bytes.length);
    }
  });

  it('re-encodes a photo without its EXIF, upright, and names it by its type', async () => {
    const exif = { IFD0: { Make: 'Acme' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } };
    const jpeg = await stillImage('jpeg', 300, 200, { orientation: 6, exif });
    const r = await run(jpeg, 'C:\\DCIM\\IMG_0001.JPEG');
    assert.deepEqual([r.kind, r.mime, r.name, r.width, r.height], ['image', 'image/jpeg', 'IMG_0001.jpg', 200, 300]);
    const meta = await sharp(r.path).metadata();
    assert.deepEqual([meta.exif, meta.orientation], [undefined, undefined]);
    assert.notEqual(r.sha256, sha256(jpeg), 'the stored bytes are the re-encoded ones');
    const png = await run(await stillImage('png', 10, 10), 'photo.jpg');
    assert.deepEqual([png.mime, png.name], ['image/png', 'photo.png'], 'same kind: the extension corrected');
    const webp = await run(await stillImage('webp', 10, 10), null);
    assert.deepEqual([webp.mime, webp.name], ['image/webp', 'image.webp']);
  });

  it('tells video from audio by the container’s tracks: recorded WebM and MP4', async () => {
    const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
    const voice = await run(fixture('voice.webm'), null);
    assert.deepEqual([voice.kind, voice.mime, voice.name], ['audio', 'audio/webm', 'audio.webm']);
    assert.ok(voice.durationMs !== null && voice.durationMs > 500 && voice.durationMs < 1500, `${voice.durationMs}`);
    assert.deepEqual([voice.width, voice.height, voice.thumbnail], [null, null, null]);
    const m4a = await run(fixture('voice.m4a'), 'memo.mp4');
    assert.deepEqual([m4a.kind, m4a.mime, m4a.name], ['audio', 'audio/mp4', 'memo.m4a']);
    const webm = await run(fixture('clip.webm'), 'clip.webm');
    assert.deepEqual(
      [webm.kind, webm.mime, webm.name, webm.width, webm.height],
      ['video', 'video/webm', 'clip.webm', 160, 120],
    );
    assert.ok(webm.durationMs !== null && Math.abs(webm.durationMs - 1000) < 200);
    const mp4 = await run(fixture('clip.mp4'), 'clip.MOV');
    assert.deepEqual(
      [mp4.kind, mp4.mime, mp4.name, mp4.width, mp4.height],
      ['video', 'video/mp4', 'clip.mp4', 160, 120],
    );
    assert.equal(mp4.sha256, sha256(fixture('clip.mp4')), 'video bytes are stored as sent');
  });

  it('stores a damaged video as sent, unmeasured: audio and video are not decoded', async () => {
    const clip = fs.readFileSync(path.join(FIXTURES, 'clip.webm'));
    const damaged = Buffer.concat([clip.subarray(0, 200), Buffer.alloc(300, 0xff)]);
    const r = await run(damaged, 'clip.webm');
    assert.deepEqual([r.kind, r.mime], ['video', 'video/webm']);
    assert.equal(r.size, damaged.length);
  });

  it('keeps anything else as a file, bytes untouched, under its given name', async () => {
    const text = Buffer.from('hello, world\n');
    const r = await run(text, 'notes.txt');
    assert.deepEqual([r.kind, r.mime, r.name, r.size], ['file', 'application/octet-stream', 'notes.txt', 13]);
    assert.deepEqual(fs.readFileSync(r.path), text);
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');
    const p = await run(pdf, null);
    assert.deepEqual([p.kind, p.mime, p.name], ['file', 'application/pdf', 'file']);
  });

  it('refuses a file over every limit from its declared length, before reading it', async () => {
    let read = false;
    const body = new Readable({
      read() {
        read = true;
        this.push(null);
      },
    });
    await assert.rejects(ingest(body, { tmpDir, declaredLength: 101 * 1024 * 1024 }), (e) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.id, 'media_too_large');
      return true;
    });
    assert.equal(read, false);
  });
});
