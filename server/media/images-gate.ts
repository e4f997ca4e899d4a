import fs from 'node:fs';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { AppError } from '../errors.ts';
import { Semaphore } from '../lib/semaphore.ts';
import { LARGEST, receive, removeAll, tooLarge } from './receive.ts';
import { HEAD_BYTES, sniffHead } from './sniff.ts';
import type { Ingest, Ingested } from './types.ts';

/** Images waiting for their turn, past which an upload is refused at once (`rate_limited`). */
const MAX_WAITING = 200;

let sharpConfigured = false;
/**
 * sharp's global state, set once at start: one libvips thread per image (the gate below decides how many
 * run at once), and no cache of decoded images (each upload is seen once; the cache would only hold memory).
 */
export function configureSharp() {
  if (sharpConfigured) return;
  sharpConfigured = true;
  sharp.concurrency(1);
  sharp.cache(false);
}

/**
 * The pipeline behind a gate for images, which take a core each while they are decoded and re-encoded:
 * at most `limit` at once (MEDIA_IMAGE_CONCURRENCY), so that a burst of photos never takes the cores
 * messages need. The first bytes tell an image; its bytes are then received first — outside the gate, at
 * the sender's pace — and only the CPU-heavy part waits its turn, so a slow sender never holds a place.
 * Anything else streams through the pipeline as it comes.
 */
export class ImageGate {
  private readonly semaphore: Semaphore;

  constructor(
    private readonly ingest: Ingest,
    limit: number,
  ) {
    this.semaphore = new Semaphore(
      limit,
      MAX_WAITING,
      () => new AppError('rate_limited', undefined, { retryAfter: 5 }),
    );
  }

  readonly run: Ingest = async (body, options) => {
    // As the pipeline does: refused before a byte is read (here, before the first bytes are awaited).
    if (options.declaredLength != null && options.declaredLength > LARGEST) throw tooLarge();
    const { head, rest } = await peek(body, HEAD_BYTES);
    if ((await sniffHead(head)).kind !== 'image') return this.ingest(rest, options);
    const received = await receive(rest, {
      tmpDir: options.tmpDir,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      return await this.semaphore.run(
        (): Promise<Ingested> =>
          this.ingest(fs.createReadStream(received.path), { ...options, declaredLength: received.size }),
      );
    } finally {
      await removeAll([received.path]);
    }
  };

  /** Images running and waiting (tests, diagnostics). */
  get load() {
    return this.semaphore.load;
  }
}

/**
 * The first `n` bytes of `body` (fewer if it ends first), and a stream of all of it — those bytes, then the
 * rest as it comes. Destroying the stream destroys the body; an error of the body is the stream's.
 */
async function peek(body: Readable, n: number): Promise<{ head: Buffer; rest: Readable }> {
  const it: AsyncIterator<Buffer> = body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all() {
    try {
      if (head.length > 0) yield head;
      while (!ended) {
        const r = await it.next();
        if (r.done) ended = true;
        else yield r.value;
      }
    } finally {
      if (!ended) await it.return?.();
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}
