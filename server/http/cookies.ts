import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The session cookie: a random token, only its SHA-256 stored (accounts/sessions.ts). */
export const SESSION_COOKIE = 'comptoir_session';
/** The device cookie: set where someone signed in, so that others' failed guesses never slow it down. */
export const DEVICE_COOKIE = 'comptoir_device';
const DEVICE_MAX_AGE_S = 400 * 24 * 3600; // the most browsers keep a cookie

export interface CookiePolicy {
  /** Secure when the public origin is https (or the request came over https). */
  secure: (req: FastifyRequest) => boolean;
}

/**
 * Under https the cookies take the `__Host-` prefix: a browser then accepts them only Secure, from this
 * very host, for path `/` — a sibling subdomain cannot set or shadow them.
 */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

/** The value of one of our cookies in a request's cookies, under the name the scheme gives it. */
export function readCookie(
  cookies: Record<string, string | undefined>,
  base: string,
  secure: boolean,
): string | undefined {
  return cookies[cookieName(base, secure)];
}

function options(secure: boolean, maxAge: number) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', maxAge };
}

/** Sets the session cookie for as long as the session lasts (`expiresAt`, ms since the epoch). */
export function setSessionCookie(
  reply: FastifyReply,
  req: FastifyRequest,
  token: string,
  expiresAt: number,
  policy: CookiePolicy,
) {
  const secure = policy.secure(req);
  const maxAge = Math.max(1, Math.floor((expiresAt - Date.now()) / 1000));
  reply.setCookie(cookieName(SESSION_COOKIE, secure), token, options(secure, maxAge));
}

export function clearSessionCookie(reply: FastifyReply, req: FastifyRequest, policy: CookiePolicy) {
  const secure = policy.secure(req);
  reply.clearCookie(cookieName(SESSION_COOKIE, secure), { ...options(secure, 0), maxAge: undefined });
}

export function setDeviceCookie(reply: FastifyReply, req: FastifyRequest, token: string, policy: CookiePolicy) {
  const secure = policy.secure(req);
  reply.setCookie(cookieName(DEVICE_COOKIE, secure), token, options(secure, DEVICE_MAX_AGE_S));
}

/** Clears the device cookie (its device was forgotten: the account was deleted). */
export function clearDeviceCookie(reply: FastifyReply, req: FastifyRequest, policy: CookiePolicy) {
  const secure = policy.secure(req);
  reply.clearCookie(cookieName(DEVICE_COOKIE, secure), { ...options(secure, 0), maxAge: undefined });
}
