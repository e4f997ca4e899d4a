/**
 * Security headers that depend on the origin people reach the server at (`ownOrigin()` in guards.ts:
 * PUBLIC_ORIGIN, else the request's protocol and host as resolved through trusted proxies).
 */

/** A year; no includeSubDomains or preload: other hosts of the domain are not ours to decide for. */
export const HSTS = 'max-age=31536000';

/** Strict-Transport-Security for a response, or null under plain http (where browsers ignore it anyway). */
export function hstsFor(own: string): string | null {
  return own.startsWith('https://') ? HSTS : null;
}

/** A host, optionally with a port, that may appear in a CSP source: letters, digits, dots, dashes, [IPv6]. */
const safeHost = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The WebSocket origin of this server (`wss://host` under https, `ws://host` under http), or null when
 * the origin is neither or its host is not a plain host name (a Host header is the client's to write).
 */
export function socketOrigin(own: string): string | null {
  const m = /^(https?):\/\/(.*)$/.exec(own);
  if (!m || !safeHost.test(m[2] ?? '')) return null;
  return `${m[1] === 'https' ? 'wss' : 'ws'}://${m[2]}`;
}

/** The app's content security policy: everything from this origin; sockets to this server only. */
export function cspFor(own: string): string {
  const ws = socketOrigin(own);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    ws ? `connect-src 'self' ${ws}` : "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}
