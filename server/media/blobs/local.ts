import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, ByteRange } from '../types.ts';
import { checkKey } from './keys.ts';

/** Half-written objects of a process that died are removed when the store opens, once this old. */
const STALE_PART_MS = 60 * 60 * 1000;

/**
 * Media on local disk (the default), under `MEDIA_DIR`: an object is a file at `ab/cd/<key>`, where `abcd`
 * starts the SHA-256 of its key, so that no directory grows past a few thousand entries. A put streams to a
 * file in `.parts/` (the same file system), which is flushed to disk and then renamed into place: a crash
 * at any moment leaves either no object under the key or the whole of it, never a part. An upload that
 * already waits in a file of the same file system (the pipeline's temporary file) is flushed and renamed
 * into place (adopt): its bytes are written once.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  private readonly parts: string;

  constructor(private readonly dir: string) {
    this.parts = path.join(dir, '.parts');
    fs.mkdirSync(this.parts, { recursive: true, mode: 0o700 });
    const now = Date.now();
    for (const name of fs.readdirSync(this.parts)) {
      const file = path.join(this.parts, name);
      try {
        if (now - fs.statSync(file).mtimeMs > STALE_PART_MS) fs.rmSync(file, { force: true });
      } catch {
        // gone meanwhile
      }
    }
  }

  /** Where `key` lives. */
  pathOf(key: string): string {
    const h = createHash('sha256').update(checkKey(key)).digest('hex');
    return path.join(this.dir, h.slice(0, 2), h.slice(2, 4), key);
  }

  async put(key: string, body: Readable, meta: { contentType: string; size: number }): Promise<void> {
    const final = this.pathOf(key);
    const part = path.join(this.parts, `${key}.${randomBytes(6).toString('hex')}`);
    let written = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        done(null, chunk);
      },
    });
    try {
      // flush: the file's data reaches the disk (fsync) before it is closed, hence before the rename.
      await pipeline(body, count, fs.createWriteStream(part, { flags: 'wx', mode: 0o600, flush: true }));
      if (written !== meta.size) throw new Error(`media blob ${key}: ${written} bytes written, ${meta.size} expected`);
      await fs.promises.mkdir(path.dirname(final), { recursive: true });
      await fs.promises.rename(part, final);
      await syncDirectory(path.dirname(final));
    } finally {
      await fs.promises.rm(part, { force: true });
    }
  }

  async adopt(key: string, file: string, meta: { contentType: string; size: number }): Promise<void> {
    const { size } = await fs.promises.stat(file);
    if (size !== meta.size) throw new Error(`media blob ${key}: ${size} bytes in the file, ${meta.size} expected`);
    const final = this.pathOf(key);
    // The file's data reaches the disk before the rename makes it the object, as put's part file does.
    const handle = await fs.promises.open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    try {
      await fs.promises.rename(file, final);
    } catch (e) {
      // Another file system (MEDIA_DIR elsewhere than DATA_DIR): copied through put, then the file removed.
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      await this.put(key, fs.createReadStream(file), meta);
      await fs.promises.rm(file, { force: true });
      return;
    }
    await syncDirectory(path.dirname(final));
  }

  async get(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.pathOf(key), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      const { size } = await handle.stat();
      if (range && (range.start < 0 || range.end < range.start || range.end >= size))
        throw new RangeError(`media blob ${key}: range ${range.start}-${range.end} outside ${size} bytes`);
      // The stream owns the handle from here (it closes it at its end, or when destroyed).
      const body = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      return { body, size };
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await fs.promises.stat(this.pathOf(key))).size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}
}

/** The rename itself is durable once the directory is synced (where the file system can sync one). */
async function syncDirectory(dir: string) {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems cannot sync a directory; the file itself was synced.
  } finally {
    await handle?.close();
  }
}
