/**
 * The baselines of `npm run bench:media`, in a child process of the benchmark (as the server is):
 *   `sharp <image> <count> <concurrency>` — the bare work of the pipeline on an image, with sharp as the
 *     server sets it (one libvips thread per image, no cache): decode, turn upright, re-encode as JPEG
 *     without metadata, a WebP thumbnail of 480 px — `count` times, `concurrency` at once; prints
 *     `images_per_s <n>`.
 *   `copy <file> <dir>` — a stream copy of the file to a new file in `dir`, flushed to disk; prints
 *     `mb_per_s <n>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';

const [mode, a, b, c] = process.argv.slice(2);

async function reencode(input: Buffer, n: number) {
  const out = await sharp(input, { limitInputPixels: 50_000_000 }).rotate().jpeg({ quality: 85 }).toBuffer();
  await sharp(out).resize(480, 480, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer();
  return n;
}

if (mode === 'sharp') {
  sharp.concurrency(1);
  sharp.cache(false);
  const input = fs.readFileSync(a as string);
  const count = Number(b);
  const concurrency = Number(c);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await reencode(input, next++);
    }),
  );
  process.stdout.write(`images_per_s ${(count / ((performance.now() - started) / 1000)).toFixed(2)}\n`);
} else if (mode === 'copy') {
  const dest = path.join(b as string, `copy-${process.pid}`);
  const size = fs.statSync(a as string).size;
  const started = performance.now();
  await pipeline(fs.createReadStream(a as string), fs.createWriteStream(dest, { flush: true }));
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(dest);
  process.stdout.write(`mb_per_s ${(size / 1024 / 1024 / seconds).toFixed(1)}\n`);
} else {
  process.stderr.write('usage: media-baseline.ts sharp <image> <count> <concurrency> | copy <file> <dir>\n');
  process.exit(2);
}
