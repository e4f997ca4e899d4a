import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type MediaKind, mediaLimits } from '../../protocol/media.ts';
import { AppError } from '../errors.ts';
import { HEAD_BYTES, type Sniffed, sniffHead } from './sniff.ts';

/**
 * The first step of the pipeline: an upload's bytes streamed to a temporary file (never held whole in
 * memory; the disk's pace is the sender's), hashed and counted as they pass, and cut off as soon as they
 * pass the size limit — every kind's largest until the first bytes tell the kind, that kind's after.
 */

/** The largest limit of any kind: what applies before the kind is known. */
export const LARGEST = Math.max(...Object.values(mediaLimits.bytes));

export const tooLarge = (kind?: MediaKind) =>
  new AppError(
    'media_too_large',
    kind
      ? `The file is larger than ${mediaLimits.bytes[kind] / (1024 * 1024)} MB, the limit for ${kind === 'file' ? 'files' : `${kind} files`}`
      : `The file is larger than ${LARGEST / (1024 * 1024)} MB, the largest upload allowed`,
  );

/** A new file name in `tmpDir` (created when missing, readable by this user only), unguessable. */
export async function tempPath(tmpDir: string, suffix: string): Promise<string> {
  await fs.promises.mkdir(tmpDir, { recursive: true, mode: 0o700 });
  return path.join(tmpDir, `upload-${randomBytes(16).toString('hex')}${suffix}`);
}

/** Removes temporary files; absent ones are no error. */
export async function removeAll(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => fs.promises.rm(p, { force: true })));
}

export interface Received {
  path: string;
  size: number;
  /** Hex. */
  sha256: string;
  /** What the first bytes told (the whole file's type is sniffed again from the file). */
  head: Sniffed;
}

/**
 * Hashes and counts what passes; keeps the first HEAD_BYTES to sniff them; fails with `media_too_large`
 * once the count passes the limit in force.
 */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  head: Sniffed | null = null;
  private headChunks: Buffer[] = [];
  private headSize = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    const limit = this.head ? mediaLimits.bytes[this.head.kind] : LARGEST;
    if (this.size > limit) {
      callback(tooLarge(this.head?.kind));
      return;
    }
    this.hash.update(chunk);
    if (this.head || this.headSize >= HEAD_BYTES) {
      callback(null, chunk);
      return;
    }
    this.headChunks.push(chunk);
    this.headSize += chunk.length;
    if (this.headSize < HEAD_BYTES) {
      callback(null, chunk);
      return;
    }
    this.sniff().then(() => {
      const kind = (this.head as Sniffed).kind;
      callback(this.size > mediaLimits.bytes[kind] ? tooLarge(kind) : null, chunk);
    }, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.head) callback();
    else this.sniff().then(() => callback(), callback);
  }

  private async sniff(): Promise<void> {
    const head = Buffer.concat(this.headChunks).subarray(0, HEAD_BYTES);
    this.headChunks = [];
    this.head = await sniffHead(head);
  }
}

/**
 * Streams `body` into a new temporary file. On any failure — the limit passed, the signal aborted, the body
 * failing — the body is destroyed, the file removed, and the error thrown.
 */
export async function receive(body: Readable, o: { tmpDir: string; signal?: AbortSignal }): Promise<Received> {
  const file = await tempPath(o.tmpDir, '');
  const meter = new Meter();
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  try {
    await pipeline(body, meter, out, { signal: o.signal });
  } catch (e) {
    body.destroy();
    // A file still being opened would appear after its removal: wait until it is closed.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await removeAll([file]);
    throw e;
  }
  return { path: file, size: meter.size, sha256: meter.hash.digest('hex'), head: meter.head as Sniffed };
}
