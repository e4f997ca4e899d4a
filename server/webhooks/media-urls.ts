import type { MediaVariant } from '../media/types.ts';

/**
 * Media in webhook events (docs/PLATFORM.md, "Webhook events"): a bot fetches an attachment by an absolute
 * signed URL, with no session (media's `signedUrl`). The URL is made at each POST, never when the event is
 * recorded: a delivery retried hours later (WEBHOOK_RETRY_HOURS) or replayed from the log still carries a
 * live link, valid MEDIA_URL_TTL_SECONDS from the POST. What is recorded names the media by id only.
 */

/** The key an attachment's payload holds its media id under, as recorded (events.ts); never sent. */
export const MEDIA_ID = 'media_id';

/** Signs a link to a media file (media's `signedUrl`). */
export type SignMedia = (id: string, variant: MediaVariant, origin: string) => string;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class WebhookMediaUrls {
  /**
   * Where this server listens, once it does (app.ts sets it): the origin of the links when PUBLIC_ORIGIN is
   * not set — right for a bot on the same machine or network; PUBLIC_ORIGIN is what bots elsewhere need.
   */
  listening: () => string | null = () => null;

  constructor(
    private readonly sign: SignMedia,
    private readonly publicOrigin: string | null,
  ) {}

  /** The origin the links are made on. */
  origin(): string {
    return this.publicOrigin ?? this.listening() ?? 'http://localhost';
  }

  /**
   * A recorded event as it is sent: each attachment's `{media_id}` payload becomes `{url}` (messages and
   * echoes), an order request's photos get signed `url` and `thumbnailUrl` (`order_requests`). Anything
   * else is left as it is; the recorded event is not changed.
   */
  present(event: unknown): unknown {
    if (!isObject(event)) return event;
    const origin = this.origin();
    let out = event;
    const message = event.message;
    if (isObject(message) && Array.isArray(message.attachments)) {
      const attachments = message.attachments.map((a: unknown) => {
        if (!isObject(a) || !isObject(a.payload) || typeof a.payload[MEDIA_ID] !== 'string') return a;
        return { ...a, payload: { url: this.sign(a.payload[MEDIA_ID], 'original', origin) } };
      });
      out = { ...out, message: { ...message, attachments } };
    }
    const request = isObject(event.order_request) ? event.order_request.request : undefined;
    if (isObject(request) && Array.isArray(request.photos)) {
      const photos = request.photos.map((p: unknown) => {
        if (!isObject(p) || typeof p.id !== 'string') return p;
        return {
          ...p,
          url: this.sign(p.id, 'original', origin),
          thumbnailUrl: p.thumbnailUrl === null ? null : this.sign(p.id, 'thumbnail', origin),
        };
      });
      out = { ...out, order_request: { ...(out.order_request as Json), request: { ...request, photos } } };
    }
    return out;
  }
}

/** `http://127.0.0.1:3000` from a listening server's address (`[::1]` for IPv6), or null before it listens. */
export function listeningOrigin(address: string | { address: string; port: number } | null): string | null {
  if (address === null || typeof address === 'string') return null;
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? 'localhost'
      : address.address.includes(':')
        ? `[${address.address}]`
        : address.address;
  return `http://${host}:${address.port}`;
}
