import { type Readable, Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore, ByteRange } from '../types.ts';
import { checkKey } from './keys.ts';

export interface S3Options {
  bucket: string;
  region: string;
  /** Any S3-compatible server (MinIO, Garage, R2, a test's s3rver); unset: AWS. */
  endpoint: string | null;
  /** Credentials; unset: the SDK's default chain (environment, instance role). */
  accessKeyId: string | null;
  secretAccessKey: string | null;
  /** `endpoint/bucket/key` rather than `bucket.endpoint/key` (most self-hosted servers). */
  forcePathStyle: boolean;
}

/** Parts of a multipart upload: S3's smallest. At most PARTS_IN_FLIGHT of them are held in memory per put. */
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * Media in an S3-compatible bucket. A put streams the body as a multipart upload of unknown length
 * (lib-storage's Upload: a few parts in memory at a time, the upload aborted when the body fails), so an
 * object appears whole when the upload completes or not at all. Reads are GetObject, with a Range when asked.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(o: S3Options) {
    this.bucket = o.bucket;
    this.client = new S3Client({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      forcePathStyle: o.forcePathStyle,
      ...(o.accessKeyId && o.secretAccessKey
        ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } }
        : {}),
      // Checksums only where the API requires them: S3-compatible servers do not all read the SDK's
      // trailing checksums of streamed bodies (they would store the chunk framing as the object).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable, meta: { contentType: string; size: number }): Promise<void> {
    checkKey(key);
    let written = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        done(null, chunk);
      },
    });
    // An error of the source ends the counted stream with it (Upload reads the counted one).
    let failed: Error | null = null;
    body.once('error', (e) => {
      failed = e;
      count.destroy(e);
    });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body.pipe(count), ContentType: meta.contentType },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (e) {
      // The source's failure is the cause, even when aborting the multipart upload failed too (its parts
      // are never an object; a bucket lifecycle rule removes incomplete uploads: docs/MEDIA.md).
      throw failed ?? e;
    }
    if (written !== meta.size) {
      await this.delete(key);
      throw new Error(`media blob ${key}: ${written} bytes written, ${meta.size} expected`);
    }
  }

  async get(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null> {
    checkKey(key);
    try {
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      const answered = r.ContentRange ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.ContentRange) : null;
      const total = answered ? Number(answered[3]) : Number(r.ContentLength);
      if (!Number.isSafeInteger(total)) throw new Error(`media blob ${key}: no size in the answer`);
      const body = r.Body as Readable;
      if (!range) return { body, size: total };
      // Some S3-compatible servers answer more than the range asked (s3rver reads `bytes=0-0` as `0-`):
      // the bytes asked for are cut out of what came.
      const from = answered ? Number(answered[1]) : 0;
      const to = answered ? Number(answered[2]) : total - 1;
      if (from > range.start || to < range.end) {
        body.destroy();
        throw new Error(`media blob ${key}: asked for ${range.start}-${range.end}, answered ${from}-${to}`);
      }
      if (from === range.start && to === range.end) return { body, size: total };
      return { body: cut(body, range.start - from, range.end - range.start + 1), size: total };
    } catch (e) {
      if (isAbsent(e)) return null;
      throw e;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    checkKey(key);
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(r.ContentLength) };
    } catch (e) {
      if (isAbsent(e)) return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** The `length` bytes of `source` after its first `skip`; the rest of the source is not read. */
function cut(source: Readable, skip: number, length: number): Readable {
  let toSkip = skip;
  let left = length;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let c = chunk;
      if (toSkip > 0) {
        const n = Math.min(toSkip, c.length);
        toSkip -= n;
        c = c.subarray(n);
      }
      if (left > 0 && c.length > 0) {
        const piece = c.subarray(0, left);
        left -= piece.length;
        this.push(piece);
      }
      if (left === 0) {
        this.push(null);
        source.unpipe(out);
        source.destroy();
      }
      done();
    },
  });
  source.once('error', (e) => out.destroy(e));
  out.once('close', () => source.destroy());
  return source.pipe(out);
}

const isAbsent = (e: unknown) =>
  e instanceof NoSuchKey ||
  e instanceof NotFound ||
  (e instanceof S3ServiceException && (e.$metadata.httpStatusCode === 404 || e.name === 'NoSuchKey'));
