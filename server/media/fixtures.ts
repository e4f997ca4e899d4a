import { Readable } from 'node:stream';
import sharp from 'sharp';

/**
 * Media made on the spot for the pipeline's tests and for scripts/media-fixtures.ts: images drawn with
 * sharp, audio containers written byte by byte (silence, in a real container a player accepts). Not
 * imported by the server.
 */

/** A still image in `format`, a gradient-free block of colour with a contrasting square (so re-encoding has something to keep). */
export async function stillImage(
  format: 'png' | 'jpeg' | 'webp' | 'gif',
  width: number,
  height: number,
  options: { exif?: Record<string, Record<string, string>>; orientation?: number } = {},
): Promise<Buffer> {
  const square = await sharp({
    create: { width: Math.max(1, width >> 2), height: Math.max(1, height >> 2), channels: 3, background: '#f00' },
  })
    .png()
    .toBuffer();
  let image = sharp({ create: { width, height, channels: 3, background: '#2a6' } }).composite([
    { input: square, left: 0, top: 0 },
  ]);
  if (options.exif || options.orientation) {
    image = image.withMetadata({ orientation: options.orientation }).withExif(options.exif ?? {});
  }
  return image.toFormat(format).toBuffer();
}

/** An animated GIF or WebP of `frames` frames of `width`×`height`, 100 ms each, looping. */
export async function animation(
  format: 'gif' | 'webp',
  width: number,
  height: number,
  frames: number,
): Promise<Buffer> {
  const pages = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({ create: { width, height, channels: 3, background: { r: (i * 70) % 256, g: 80, b: 160 } } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(pages, { join: { animated: true } })
    .toFormat(format, { delay: Array<number>(frames).fill(100), loop: 0 })
    .toBuffer();
}

/** A PNG whose header declares `width`×`height` (a decompression bomb when large) with one tiny, valid-looking IDAT. */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const small = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const out = Buffer.from(small);
  // The IHDR chunk: 8 bytes of signature, 4 of length, 4 of type, then width and height (big-endian).
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/**
 * An animated GIF (2 frames of 8×8) whose logical screen and first frame declare `width`×`height`: libvips
 * sizes a GIF by its frames, so both are set.
 */
export async function gifDeclaring(width: number, height: number): Promise<Buffer> {
  const gif = Buffer.from(await animation('gif', 8, 8, 2));
  gif.writeUInt16LE(width, 6);
  gif.writeUInt16LE(height, 8);
  // After the 13-byte header, the global colour table (when flagged), then extensions (0x21, in sub-blocks)
  // up to the first image descriptor (0x2C: left, top, width, height).
  let i = 13;
  const flags = gif[10] as number;
  if (flags & 0x80) i += 3 * 2 ** ((flags & 7) + 1);
  while (gif[i] === 0x21) {
    i += 2;
    while (gif[i] !== 0) i += (gif[i] as number) + 1;
    i++;
  }
  if (gif[i] !== 0x2c) throw new Error('no image descriptor where expected');
  gif.writeUInt16LE(width, i + 5);
  gif.writeUInt16LE(height, i + 7);
  return gif;
}

/** PCM WAV, mono 16-bit at 8 kHz, `ms` of silence. */
export function wav(ms: number): Buffer {
  const rate = 8000;
  const samples = Math.round((rate * ms) / 1000);
  const data = samples * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // channels
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28); // bytes per second
  b.writeUInt16LE(2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  return b;
}

/** MPEG-1 Layer III at 128 kbit/s, 44.1 kHz, stereo: `frames` silent frames of 1152 samples (26.1 ms each). */
export function mp3(frames: number): Buffer {
  const frameBytes = Math.floor((144 * 128_000) / 44_100); // 417, no padding
  const frame = Buffer.alloc(frameBytes);
  frame.set([0xff, 0xfb, 0x90, 0x00]);
  return Buffer.concat(Array<Buffer>(frames).fill(frame));
}

/** FLAC: a STREAMINFO block declaring `ms` of mono 16-bit audio at 44.1 kHz (and no frames: enough for a container). */
export function flac(ms: number): Buffer {
  const rate = 44_100;
  const total = BigInt(Math.round((rate * ms) / 1000));
  const info = Buffer.alloc(34);
  info.writeUInt16BE(4096, 0); // min block size
  info.writeUInt16BE(4096, 2); // max block size
  // bytes 4–9: min and max frame size, unknown (0)
  // 20 bits sample rate, 3 bits channels − 1, 5 bits bits per sample − 1, 36 bits total samples.
  const packed = (BigInt(rate) << 44n) | (0n << 41n) | (15n << 36n) | total;
  info.writeBigUInt64BE(packed, 10);
  const header = Buffer.from([0x80, 0, 0, 34]); // last block, STREAMINFO, length 34
  return Buffer.concat([Buffer.from('fLaC', 'ascii'), header, info]);
}

/** Ogg Opus, mono: `ms` of 20 ms silent packets, in a real Ogg stream (pages with their CRC). */
export function oggOpus(ms: number): Buffer {
  const preSkip = 312;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // channels
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(48_000, 12); // input sample rate
  const vendor = Buffer.from('comptoir', 'ascii');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'ascii');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  const packets = Math.max(1, Math.round(ms / 20));
  const silence = Buffer.from([0xf8, 0xff, 0xfe]); // TOC: CELT fullband 20 ms, mono, one frame
  const pages: Buffer[] = [oggPage(0x02, 0n, 0, [head]), oggPage(0x00, 0n, 1, [tags])];
  let sequence = 2;
  for (let done = 0; done < packets; ) {
    const n = Math.min(200, packets - done);
    done += n;
    const granule = BigInt(preSkip + done * 960);
    pages.push(oggPage(done === packets ? 0x04 : 0x00, granule, sequence++, Array<Buffer>(n).fill(silence)));
  }
  return Buffer.concat(pages);
}

function oggPage(flags: number, granule: bigint, sequence: number, packets: Buffer[]): Buffer {
  const segments: number[] = [];
  for (const p of packets) {
    for (let left = p.length; ; left -= 255) {
      segments.push(Math.min(left, 255));
      if (left < 255) break;
    }
  }
  const header = Buffer.alloc(27 + segments.length);
  header.write('OggS', 0, 'ascii');
  header.writeUInt8(0, 4); // version
  header.writeUInt8(flags, 5);
  header.writeBigUInt64LE(granule, 6);
  header.writeUInt32LE(0x636f6d70, 14); // stream serial
  header.writeUInt32LE(sequence, 18);
  header.writeUInt8(segments.length, 26);
  header.set(segments, 27);
  const page = Buffer.concat([header, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0. */
function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

/** PNG's CRC-32 (the zlib one: reflected polynomial 0xEDB88320). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A readable of `bytes` in chunks of `chunk` bytes (as a socket would deliver them). */
export function chunked(bytes: Uint8Array, chunk = 16 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield Buffer.from(bytes.subarray(i, i + chunk));
    })(),
  );
}
