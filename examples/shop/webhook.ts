/**
 * Comptoir's webhook, as the shop receives it (docs/PLATFORM.md, "Set and verify a webhook" and "Webhook
 * deliveries"): the subscribe handshake (`GET ?hub.mode=subscribe&hub.verify_token&hub.challenge`, answered
 * with the challenge) and signed `POST`s — `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the exact bytes
 * received, keyed with the app secret>`, checked before anything is read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The challenge to answer with, or null when the handshake is not for us (wrong mode or token). */
export function handshake(query: URLSearchParams, verifyToken: string): string | null {
  if (query.get('hub.mode') !== 'subscribe') return null;
  if (query.get('hub.verify_token') !== verifyToken) return null;
  return query.get('hub.challenge');
}

/** Whether `header` is the SHA-256 signature of `body` with `secret` (constant time). */
export function signatureValid(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface OptinEvent {
  userRef: string;
  ref: string | null;
  at: string;
}

/** The `messaging_optins` events of a delivery for this page (the others are ignored). */
export function optinsOf(payload: unknown, pageId: string): OptinEvent[] {
  const out: OptinEvent[] = [];
  const body = payload as {
    object?: string;
    entry?: { id?: string; messaging?: { timestamp?: number; optin?: { ref?: string; user_ref?: string } }[] }[];
  };
  if (body?.object !== 'page' || !Array.isArray(body.entry)) return out;
  for (const entry of body.entry) {
    if (entry?.id !== pageId || !Array.isArray(entry.messaging)) continue;
    for (const e of entry.messaging) {
      const userRef = e?.optin?.user_ref;
      if (typeof userRef !== 'string') continue;
      out.push({
        userRef,
        ref: typeof e.optin?.ref === 'string' ? e.optin.ref : null,
        at: new Date(typeof e.timestamp === 'number' ? e.timestamp : Date.now()).toISOString(),
      });
    }
  }
  return out;
}
