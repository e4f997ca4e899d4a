import { createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import { Lru } from '../lib/lru.ts';

/**
 * Previews of a content app's results, served through Comptoir (docs/PLATFORM.md, "Content apps"): the
 * searcher's browser never calls the app. Each preview URL an app returned to a person becomes a link
 * `/api/compose-apps/<app>/preview/<token>` for that person only — the token an HMAC of the person, the app
 * and the URL under a key of this process, remembered (bounded LRU) for 15 minutes after the answer was last
 * shown, so a token is no way to make Comptoir fetch anything the app did not return to that person. Opening
 * one fetches the URL (SSRF-safe, `RemoteFetch`, which also cuts the body past 8 MiB and refuses one
 * announced larger), checks the first bytes are an image (GIF, PNG, JPEG, WebP) or a video (MP4, WebM) —
 * whatever the app's Content-Type says — and streams it.
 */

/**
 * The server-side fetch (media/remote.ts's fetchRemote: the host resolved once, no private address, no
 * redirect to one, a deadline, a 2xx answer or `media_fetch_failed` naming why): the body streamed, never
 * buffered whole, and the length the app announced.
 */
export type RemoteFetch = (url: string) => Promise<{ body: Readable; contentLength: number | null }>;

/** A preview as served: its type from its bytes, its bytes streamed. */
export interface Preview {
  mime: string;
  length: number | null;
  body: Readable;
}

const KEEP_MS = 15 * 60_000;

/** The types a preview may be, from its first bytes. */
export function previewType(head: Buffer): string | null {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp') return 'video/mp4';
  if (head.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) return 'video/webm';
  return null;
}

export class Previews {
  private readonly key = randomBytes(32);
  private readonly links: Lru<string, { userId: string; appId: string; url: string; until: number }>;

  constructor(
    private readonly fetch: RemoteFetch,
    private readonly o: { entries: number; clock?: () => number },
  ) {
    this.links = new Lru(o.entries);
  }

  private now() {
    return (this.o.clock ?? Date.now)();
  }

  /** The person's link to a preview URL the app just returned to them. */
  link(userId: string, appId: string, url: string): string {
    const token = createHmac('sha256', this.key).update(`${userId}\n${appId}\n${url}`).digest('base64url').slice(0, 32);
    this.links.set(token, { userId, appId, url, until: this.now() + KEEP_MS });
    return `/api/compose-apps/${encodeURIComponent(appId)}/preview/${token}`;
  }

  /** The preview behind the person's token, fetched now; `not_found` for a token that is not theirs (or expired). */
  async open(userId: string, appId: string, token: string): Promise<Preview> {
    const link = this.links.get(token);
    if (!link || link.userId !== userId || link.appId !== appId || link.until <= this.now())
      throw new AppError('not_found', 'No such preview (or it expired): search again');
    const fetched = await this.fetch(link.url);
    const head = await readHead(fetched.body, 16);
    const mime = previewType(head.bytes);
    if (!mime) {
      head.rest.destroy();
      throw new AppError('app_query_failed', 'The preview is not a GIF, PNG, JPEG, WebP, MP4 or WebM file', {
        reason: 'type',
      });
    }
    return { mime, length: fetched.contentLength, body: head.rest };
  }
}

/** The first `n` bytes of a stream (fewer if it ends first), and the whole stream again, from its start. */
async function readHead(body: Readable, n: number): Promise<{ bytes: Buffer; rest: Readable }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const it = body[Symbol.asyncIterator]();
  while (size < n) {
    const next = await it.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value as Uint8Array);
    chunks.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(chunks);
  async function* replay() {
    if (first.length > 0) yield first;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  const rest = Readable.from(replay(), { objectMode: false });
  rest.on('close', () => {
    void it.return?.();
  });
  return { bytes: first.subarray(0, n), rest };
}
