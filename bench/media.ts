/**
 * `npm run bench:media` — uploads through HTTP on this machine (issue 8): the pipeline and the blob store
 * under load, and the server's memory while large files stream through it.
 *
 * One Comptoir in a child process (SQLite, the local blob store, the default MEDIA_IMAGE_CONCURRENCY),
 * people signed up over HTTP. Each of ROUNDS rounds:
 *   1. images: IMAGES uploads of a 1 MB JPEG (re-encoded and thumbnailed by the server), IMAGE_CLIENTS
 *      at once (each its own account); counted: uploads answered 201 per second. Baseline, in a child
 *      process: sharp doing the same work on the same image (decode, re-encode, thumbnail) at the server's
 *      image concurrency — the ratio says what HTTP, the pipeline's checks and storage add.
 *   2. files: FILES uploads of a FILE_MB MB file (random bytes), one at a time; counted: MB/s. Baseline, in a
 *      child process: a stream copy of the same file to disk, flushed.
 *   3. memory: CLIENTS clients upload FILE_MB MB each at once; the server's RSS is sampled from /proc every
 *      50 ms: its growth over the RSS before the phase (target: < 200 MB — streams, not buffers).
 * Prints a table of the rounds and their medians, then one line `RESULT {json}`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_IMAGES (24), BENCH_IMAGE_CLIENTS (4), BENCH_FILES (3), BENCH_FILE_MB
 * (50), BENCH_CLIENTS (20). A default run takes about a minute.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { benchDataDir, type Proc, root, rssKb, settleDisk, startComptoir, stop } from './lib/processes.ts';
import { signUpMany } from './lib/seed.ts';
import { shopServerEnv } from './lib/shops.ts';
import { median, round, table } from './lib/stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IMAGES = Number(process.env.BENCH_IMAGES ?? 24);
const IMAGE_CLIENTS = Number(process.env.BENCH_IMAGE_CLIENTS ?? 4);
const FILES = Number(process.env.BENCH_FILES ?? 3);
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 50);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
/** What the server does by default on this machine (config.ts: half the cores, at least one). */
const IMAGE_CONCURRENCY = Math.max(1, Math.floor(os.availableParallelism() / 2));

const dataDir = benchDataDir('comptoir-bench-media-');
const run = promisify(execFile);

/** A JPEG of about 1 MB: noise does not compress, so its size follows its pixels. */
async function megabyteJpeg(): Promise<Buffer> {
  let side = 900;
  for (;;) {
    const raw = randomBytes(side * side * 3);
    const jpeg = await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
      .jpeg({ quality: 80 })
      .toBuffer();
    if (jpeg.length >= 1_000_000 || side > 4000) return jpeg;
    side = Math.ceil(side * Math.sqrt(1_050_000 / jpeg.length));
  }
}

/** POSTs a file to /api/media as one person, streamed from disk; resolves with the status. */
function uploadFile(port: number, cookie: string, file: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/media?name=upload',
        method: 'POST',
        headers: { cookie, 'content-type': 'application/octet-stream', 'content-length': size },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    fs.createReadStream(file).pipe(req);
  });
}

async function baseline(args: string[]): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/media-baseline.ts', ...args], {
    cwd: root,
  });
  return Number(stdout.trim().split(' ')[1]);
}

interface Round {
  imagesPerS: number;
  sharpPerS: number;
  fileMbPerS: number;
  copyMbPerS: number;
  rssBeforeMb: number;
  rssPeakMb: number;
}

async function main() {
  const image = path.join(dataDir, 'image.jpg');
  fs.writeFileSync(image, await megabyteJpeg());
  const big = path.join(dataDir, 'big.bin');
  const out = fs.openSync(big, 'w');
  for (let i = 0; i < FILE_MB; i++) fs.writeSync(out, randomBytes(1024 * 1024));
  fs.closeSync(out);
  const imageSize = fs.statSync(image).size;
  const bigSize = fs.statSync(big).size;
  const server: Proc = await startComptoir({
    ...shopServerEnv,
    DATA_DIR: path.join(dataDir, 'server'),
    RATE_UPLOADS_PER_MINUTE: '1000000',
  });
  const pid = server.child.pid as number;
  try {
    const people = await signUpMany(`http://127.0.0.1:${server.port}`, Math.max(IMAGE_CLIENTS, CLIENTS, 1), 'media');
    const cookies = people.map((p) => p.http.cookie as string);
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // 1. images
      let next = 0;
      let failed = 0;
      let started = performance.now();
      await Promise.all(
        cookies.slice(0, IMAGE_CLIENTS).map(async (cookie) => {
          while (next++ < IMAGES) if ((await uploadFile(server.port, cookie, image, imageSize)) !== 201) failed++;
        }),
      );
      const imagesPerS = (IMAGES - failed) / ((performance.now() - started) / 1000);
      const sharpPerS = await baseline(['sharp', image, String(IMAGES), String(IMAGE_CONCURRENCY)]);
      settleDisk();
      // 2. files
      started = performance.now();
      for (let i = 0; i < FILES; i++) {
        const status = await uploadFile(server.port, cookies[0] as string, big, bigSize);
        if (status !== 201) throw new Error(`a ${FILE_MB} MB upload answered ${status}`);
      }
      const fileMbPerS = (FILES * bigSize) / 1024 / 1024 / ((performance.now() - started) / 1000);
      const copyMbPerS = await baseline(['copy', big, dataDir]);
      settleDisk();
      // 3. memory
      const rssBeforeMb = rssKb(pid) / 1024;
      let rssPeakMb = rssBeforeMb;
      const sampler = setInterval(() => {
        rssPeakMb = Math.max(rssPeakMb, rssKb(pid) / 1024);
      }, 50);
      const statuses = await Promise.all(
        cookies.slice(0, CLIENTS).map((cookie) => uploadFile(server.port, cookie, big, bigSize)),
      );
      clearInterval(sampler);
      rssPeakMb = Math.max(rssPeakMb, rssKb(pid) / 1024);
      const refused = statuses.filter((s) => s !== 201).length;
      if (refused > 0) throw new Error(`${refused} of the ${CLIENTS} concurrent uploads were refused`);
      settleDisk();
      rounds.push({ imagesPerS, sharpPerS, fileMbPerS, copyMbPerS, rssBeforeMb, rssPeakMb });
      process.stderr.write(`round ${r + 1}/${ROUNDS} done\n`);
    }
    report(rounds);
  } finally {
    await stop(server);
  }
}

function report(rounds: Round[]) {
  const med = (f: (x: Round) => number) => median(rounds.map(f));
  const growth = (x: Round) => x.rssPeakMb - x.rssBeforeMb;
  const row = (label: string, f: (x: Round) => number, target = '', digits = 1) => [
    label,
    ...rounds.map((x) => round(f(x), digits)),
    round(med(f), digits),
    target,
  ];
  const rows = [
    ['', ...rounds.map((_, i) => `round ${i + 1}`), 'median', 'target'],
    row(`1 MB images uploaded/s (HTTP, ${IMAGE_CLIENTS} at once)`, (x) => x.imagesPerS),
    row(`baseline: sharp alone, images/s (${IMAGE_CONCURRENCY} at once)`, (x) => x.sharpPerS),
    row('ratio upload / sharp', (x) => x.imagesPerS / x.sharpPerS, '', 2),
    row(`${FILE_MB} MB files uploaded, MB/s`, (x) => x.fileMbPerS),
    row('baseline: stream copy to disk, MB/s', (x) => x.copyMbPerS),
    row('ratio upload / copy', (x) => x.fileMbPerS / x.copyMbPerS, '', 2),
    row('server RSS before the concurrent uploads, MB', (x) => x.rssBeforeMb),
    row(`server RSS peak, ${CLIENTS} × ${FILE_MB} MB at once, MB`, (x) => x.rssPeakMb),
    row('RSS growth, MB', growth, '< 200'),
  ];
  process.stdout.write(
    `\n${os.cpus().length} cores, Node ${process.version}, SQLite, local blob store, image concurrency ${IMAGE_CONCURRENCY}\n${table(rows)}\n\n`,
  );
  process.stdout.write(
    `RESULT ${JSON.stringify({
      image_uploads_per_s: round(med((x) => x.imagesPerS)),
      file_mb_per_s: round(
        med((x) => x.fileMbPerS),
        1,
      ),
      rss_growth_mb: round(med(growth), 1),
      image_ratio_to_sharp: round(med((x) => x.imagesPerS / x.sharpPerS)),
      file_ratio_to_copy: round(med((x) => x.fileMbPerS / x.copyMbPerS)),
      rounds: ROUNDS,
    })}\n`,
  );
}

try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
}
process.exit();
