import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { probe } from './av.ts';
import { animation, flac, mp3, oggOpus, stillImage, wav } from './fixtures.ts';
import { audioOnly, fromFileType, HEAD_BYTES, sniffFile, sniffHead } from './sniff.ts';

export const FIXTURES = path.join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'media');

describe('sniffing the type from the bytes', () => {
  let tmp: { dir: string; cleanup: () => void };
  let n = 0;
  const file = (bytes: Uint8Array) => {
    const p = path.join(tmp.dir, `f-${n++}`);
    fs.writeFileSync(p, bytes);
    return p;
  };
  before(() => {
    tmp = tempDir('comptoir-sniff-');
  });
  after(() => tmp.cleanup());

  it('names images, audio and video by their magic numbers', async () => {
    const cases: [Uint8Array, string, string, string][] = [
      [await stillImage('jpeg', 8, 8), 'image', 'image/jpeg', 'jpg'],
      [await stillImage('png', 8, 8), 'image', 'image/png', 'png'],
      [await stillImage('webp', 8, 8), 'image', 'image/webp', 'webp'],
      [await animation('gif', 8, 8, 2), 'image', 'image/gif', 'gif'],
      [await animation('webp', 8, 8, 2), 'image', 'image/webp', 'webp'],
      [wav(100), 'audio', 'audio/wav', 'wav'],
      [mp3(4), 'audio', 'audio/mpeg', 'mp3'],
      [oggOpus(100), 'audio', 'audio/ogg', 'opus'],
      [flac(100), 'audio', 'audio/flac', 'flac'],
    ];
    for (const [bytes, kind, mime, ext] of cases) {
      const fromFile = await sniffFile(file(bytes));
      assert.deepEqual([fromFile.kind, fromFile.mime, fromFile.ext], [kind, mime, ext], mime);
      const fromHead = await sniffHead(bytes.subarray(0, HEAD_BYTES));
      assert.equal(fromHead.kind, kind, `${mime} from its first bytes`);
    }
  });

  it('tells recorded WebM and MP4 apart by their tracks (media/av.ts)', async () => {
    const cases: [string, string, string, boolean][] = [
      ['clip.webm', 'video', 'video/webm', true],
      ['clip.mp4', 'video', 'video/mp4', true],
      ['voice.webm', 'audio', 'audio/webm', false], // MediaRecorder's audio/webm;codecs=opus
      ['voice.m4a', 'audio', 'audio/mp4', false], // an MP4 holding audio only
    ];
    for (const [name, kind, mime, hasVideo] of cases) {
      const p = path.join(FIXTURES, name);
      const sniffed = await sniffFile(p);
      assert.equal(sniffed.kind, 'video', `${name}: a container is a video until its tracks say otherwise`);
      assert.ok(sniffed.container);
      const probed = await probe(p);
      assert.equal(probed.hasVideo, hasVideo, name);
      const final = probed.hasVideo === false ? audioOnly(sniffed.container) : sniffed;
      assert.deepEqual([final.kind, final.mime], [kind, mime], name);
      if (hasVideo) assert.deepEqual([probed.width, probed.height], [160, 120], name);
    }
    const webm = await probe(path.join(FIXTURES, 'clip.webm'));
    assert.ok(webm.durationMs !== null && Math.abs(webm.durationMs - 1000) < 200, `${webm.durationMs} ms`);
  });

  it('takes bytes under a PNG signature for a PNG, even when damaged (the image step refuses it)', async () => {
    const png = await stillImage('png', 8, 8);
    const damaged = Buffer.concat([png.subarray(0, 8), Buffer.from(Array.from({ length: 500 }, (_, i) => i % 251))]);
    assert.equal((await sniffFile(file(damaged))).mime, 'image/png');
    assert.equal((await sniffHead(damaged)).mime, 'image/png');
    assert.equal((await sniffFile(file(png.subarray(0, 4)))).kind, 'file', 'half a signature is no PNG');
  });

  it('makes everything else a file; unknown bytes and documents a browser would render are octet-streams', async () => {
    const pdf = await sniffFile(file(Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')));
    assert.deepEqual([pdf.kind, pdf.mime, pdf.ext], ['file', 'application/pdf', 'pdf']);
    const zip = Buffer.alloc(64);
    zip.set([0x50, 0x4b, 0x05, 0x06]); // an empty archive's end record
    assert.equal((await sniffFile(file(zip))).kind, 'file');
    for (const text of [
      'hello\n',
      '<!doctype html><script>alert(1)</script>',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    ]) {
      const s = await sniffFile(file(Buffer.from(text)));
      assert.deepEqual([s.kind, s.mime], ['file', 'application/octet-stream'], text);
    }
    assert.deepEqual(await sniffFile(file(Buffer.alloc(0))), {
      kind: 'file',
      mime: 'application/octet-stream',
      ext: null,
      container: null,
    });
  });

  it('keeps as files the image and video types browsers do not all show', () => {
    const others: [string, string][] = [
      ['heic', 'image/heic'],
      ['avif', 'image/avif'],
      ['tif', 'image/tiff'],
      ['bmp', 'image/bmp'],
      ['mkv', 'video/matroska'],
      ['avi', 'video/vnd.avi'],
      ['ogv', 'video/ogg'],
      ['mp2', 'audio/mpeg'],
    ];
    for (const [ext, mime] of others) {
      assert.deepEqual(fromFileType({ ext, mime }), { kind: 'file', mime, ext, container: null }, ext);
    }
    assert.deepEqual(fromFileType({ ext: 'apng', mime: 'image/apng' }).mime, 'image/png');
    assert.deepEqual(fromFileType({ ext: 'm4v', mime: 'video/x-m4v' }).mime, 'video/mp4');
    assert.deepEqual(fromFileType({ ext: 'mov', mime: 'video/quicktime' }).container, 'mov');
    assert.deepEqual(fromFileType({ ext: 'm4a', mime: 'audio/x-m4a' }).mime, 'audio/mp4');
    assert.deepEqual(fromFileType({ ext: 'xml', mime: 'application/xml' }).mime, 'application/octet-stream');
  });
});
