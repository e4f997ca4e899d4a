/**
 * How the GIF Box knows a query comes from Comptoir (docs/PLATFORM.md, "Content apps"): the POST carries
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the exact bytes received, keyed with the app secret>`,
 * checked in constant time before the body is read as JSON.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signatureValid(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
