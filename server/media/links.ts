import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { MediaVariant } from './types.ts';
import { mediaPath } from './views.ts';

/** A signed link's query: when it expires (unix seconds) and its signature (base64url of an HMAC-SHA256). */
export interface LinkSignature {
  expires: number;
  sig: string;
}

/**
 * Signed links to media (docs/MEDIA.md): `/api/media/<id>[/thumbnail]?expires=<unix s>&sig=<b64url>`, read
 * without a session until they expire — for webhooks and apps, which have none. The signature is an
 * HMAC-SHA256 over `id:variant:expires` under a key derived from the server's (SecretBox.derive), so a link
 * opens one variant of one file until its time, and nothing else.
 */
export class MediaLinks {
  constructor(
    private readonly key: Buffer,
    /** How long a link is valid. */
    readonly ttlSeconds: number,
    private readonly publicOrigin: string | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** An absolute signed URL: PUBLIC_ORIGIN when configured, else `origin` (the request's own). */
  url(id: string, variant: MediaVariant, origin: string): string {
    const expires = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const q = new URLSearchParams({ expires: String(expires), sig: this.sign(id, variant, expires) });
    return `${this.publicOrigin ?? origin}${mediaPath(id, variant)}?${q}`;
  }

  /** Throws `media_link_expired` unless the signature is this server's for this id and variant, and not expired. */
  check(id: string, variant: MediaVariant, s: LinkSignature): void {
    if (!Number.isSafeInteger(s.expires) || s.expires * 1000 <= this.now()) throw new AppError('media_link_expired');
    // Compared as written, not decoded: base64url's last character carries two spare bits, and a decoder
    // would take four spellings of one signature (an altered link must not pass).
    const given = Buffer.from(s.sig);
    const expected = Buffer.from(this.sign(id, variant, s.expires));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('media_link_expired');
  }

  private sign(id: string, variant: MediaVariant, expires: number): string {
    return createHmac('sha256', this.key).update(`${id}:${variant}:${expires}`).digest('base64url');
  }
}
