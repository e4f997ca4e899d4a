import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { mediaLimits } from '../../protocol/media.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { AppError } from '../errors.ts';
import { animation, gifDeclaring, pngDeclaring, stillImage } from './fixtures.ts';
import { measure, reencode, thumbnail } from './images.ts';

const GPS_IFD_POINTER_LE = Buffer.from([0x25, 0x88]); // EXIF tag 0x8825, little-endian (libvips writes "II")

const fails = (id: string) => (e: unknown) => {
  assert.ok(e instanceof AppError, String(e));
  assert.equal(e.id, id);
  return true;
};

describe('images', () => {
  let tmp: { dir: string; cleanup: () => void };
  let n = 0;
  /** Writes `bytes` to a new file and answers its path. */
  const file = (bytes: Uint8Array) => {
    const p = path.join(tmp.dir, `in-${n++}`);
    fs.writeFileSync(p, bytes);
    return p;
  };
  const out = (ext: string) => path.join(tmp.dir, `out-${n++}.${ext}`);
  before(() => {
    tmp = tempDir('comptoir-images-');
  });
  after(() => tmp.cleanup());

  it('strips EXIF (camera, GPS) and applies the orientation before', async () => {
    const exif = {
      IFD0: { Make: 'Acme', Model: 'Phone X' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 7/1' },
    };
    const jpeg = await stillImage('jpeg', 200, 100, { orientation: 6, exif });
    const before = await sharp(jpeg).metadata();
    assert.ok(before.exif?.includes(GPS_IFD_POINTER_LE), 'the input has a GPS block');
    assert.ok(before.exif?.includes('Acme'));
    assert.equal(before.orientation, 6);
    const src = file(jpeg);
    const dest = out('jpg');
    const r = await reencode(src, dest, 'jpeg', await measure(src));
    assert.deepEqual([r.width, r.height], [100, 200], 'turned upright (orientation 6: a quarter turn)');
    const after = await sharp(dest).metadata();
    assert.deepEqual([after.format, after.width, after.height], ['jpeg', 100, 200]);
    assert.equal(after.exif, undefined, 'no EXIF at all');
    assert.equal(after.orientation, undefined);
    assert.equal(after.xmp, undefined);
    assert.equal(after.iptc, undefined);
    assert.ok(!fs.readFileSync(dest).includes('Acme'), 'no trace of the camera in the bytes');
  });

  it('converts colours to sRGB and drops the ICC profile', async () => {
    const p3 = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#f00' } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    assert.ok((await sharp(p3).metadata()).icc);
    const src = file(p3);
    const dest = out('png');
    await reencode(src, dest, 'png', await measure(src));
    const meta = await sharp(dest).metadata();
    assert.deepEqual([meta.icc, meta.space], [undefined, 'srgb']);
  });

  it('re-encodes each format in itself, an animation kept animated', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'gif'] as const) {
      const src = file(await stillImage(format, 90, 60));
      const dest = out(format);
      const r = await reencode(src, dest, format, await measure(src));
      assert.deepEqual([r.width, r.height, r.size], [90, 60, fs.statSync(dest).size]);
      assert.equal((await sharp(dest).metadata()).format, format);
    }
    for (const format of ['gif', 'webp'] as const) {
      const src = file(await animation(format, 40, 30, 4));
      const measured = await measure(src);
      assert.deepEqual(measured, { width: 40, height: 30, frames: 4 });
      const dest = out(format);
      const r = await reencode(src, dest, format, measured);
      assert.deepEqual([r.width, r.height], [40, 30], `${format}: a frame's size`);
      const meta = await sharp(dest).metadata();
      assert.deepEqual([meta.format, meta.pages, meta.loop], [format, 4, 0]);
      assert.deepEqual(meta.delay, [100, 100, 100, 100]);
    }
  });

  it('makes a WebP thumbnail of the first frame, never enlarged', async () => {
    const wide = file(await stillImage('png', 1600, 900));
    const t = await thumbnail(wide, out('webp'));
    assert.deepEqual([t.mime, t.width, t.height], ['image/webp', mediaLimits.thumbnailSide, 270]);
    const small = file(await stillImage('png', 50, 80));
    const s = await thumbnail(small, out('webp'));
    assert.deepEqual([s.width, s.height], [50, 80]);
    const dest = out('webp');
    const a = await thumbnail(file(await animation('gif', 40, 30, 3)), dest);
    assert.deepEqual([a.width, a.height], [40, 30]);
    const meta = await sharp(dest).metadata();
    assert.deepEqual([meta.format, meta.pages], ['webp', undefined]);
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    // A few hundred bytes declaring 100000×100000 pixels (40 GB decoded).
    const bomb = await pngDeclaring(100_000, 100_000);
    assert.ok(bomb.length < 200);
    await assert.rejects(measure(file(bomb)), fails('media_too_many_pixels'));
    // Sides within the limit, too many pixels all the same (8000×7000 = 56 MP).
    await assert.rejects(measure(file(await pngDeclaring(8000, 7000))), fails('media_too_many_pixels'));
    // One side too long.
    await assert.rejects(
      measure(file(await pngDeclaring(mediaLimits.imageSide + 1, 10))),
      fails('media_too_many_pixels'),
    );
    assert.deepEqual(await measure(file(await pngDeclaring(mediaLimits.imageSide, 10))), {
      width: mediaLimits.imageSide,
      height: 10,
      frames: 1,
    });
  });

  it('refuses a GIF with a huge canvas or too many frames', async () => {
    const gif = await gifDeclaring(60_000, 60_000);
    assert.ok(gif.length < 1000);
    await assert.rejects(measure(file(gif)), fails('media_too_many_pixels'));
    await assert.rejects(measure(file(await gifDeclaring(6000, 6000))), fails('media_too_many_pixels'), '2 × 36 MP');
    const frames = await animation('gif', 2, 2, mediaLimits.imageFrames + 1);
    await assert.rejects(measure(file(frames)), (e) => {
      assert.ok(e instanceof AppError && e.id === 'media_too_many_pixels');
      assert.match(e.message, /1001 frames/);
      return true;
    });
  });

  it('refuses a bomb that slips past the header with the decoder’s own pixel limit', async () => {
    // As if measured small: libvips still stops at mediaLimits.imagePixels.
    const src = file(await pngDeclaring(8000, 7000));
    await assert.rejects(
      reencode(src, out('png'), 'png', { width: 1, height: 1, frames: 1 }),
      fails('media_too_many_pixels'),
    );
  });

  it('refuses a truncated or corrupt image as media_corrupt', async () => {
    const jpeg = await stillImage('jpeg', 400, 300);
    const half = file(jpeg.subarray(0, jpeg.length >> 1));
    const measured = await measure(half); // the header is intact
    await assert.rejects(reencode(half, out('jpg'), 'jpeg', measured), fails('media_corrupt'));
    const png = await stillImage('png', 40, 30);
    const noise = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256));
    await assert.rejects(measure(file(Buffer.concat([png.subarray(0, 8), noise]))), fails('media_corrupt'));
    const cutPng = file(png.subarray(0, png.length - 30));
    await assert.rejects(
      measure(cutPng).then((m) => reencode(cutPng, out('png'), 'png', m)),
      fails('media_corrupt'),
    );
    await assert.rejects(measure(file(Buffer.alloc(0))), fails('media_corrupt'));
  });
});
