import type { FastifyInstance } from 'fastify';
import type { SessionsService } from '../accounts/sessions.ts';
import { AppError } from '../errors.ts';
import { addressKey } from '../lib/address.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import { type CookiePolicy, readCookie, SESSION_COOKIE, setSessionCookie } from './cookies.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The origin this server is reached at: the configured one, or the one the request names. */
export function ownOrigin(req: { protocol: string; host: string }, publicOrigin: string | null): string {
  return publicOrigin ?? `${req.protocol}://${req.host}`;
}

/** A browser request from another origin may not change anything (nor open a socket). */
export function originAllowed(origin: string | undefined, own: string): boolean {
  return origin === undefined || origin === own;
}

export interface GuardOptions {
  sessions: SessionsService;
  publicOrigin: string | null;
  cookie: CookiePolicy;
  requestsPerMinute: number;
}

/**
 * Hooks every request passes: origin check on writes, a per-address rate limit, authentication (deny by
 * default: a route opts out with `config: { auth: false }`), then a per-account rate limit.
 */
export function registerGuards(app: FastifyInstance, o: GuardOptions) {
  const perAddress = new RateLimiter(o.requestsPerMinute, 60_000);
  const perAccount = new RateLimiter(o.requestsPerMinute, 60_000);
  const refuse = (wait: number) => new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });

  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (req, reply) => {
    if (UNSAFE.has(req.method) && !originAllowed(req.headers.origin, ownOrigin(req, o.publicOrigin))) {
      throw new AppError('forbidden_origin');
    }
    const isApi = req.url.startsWith('/api/');
    if (isApi && req.routeOptions.config.perAddress !== false) {
      const wait = perAddress.take(addressKey(req.ip));
      if (wait > 0) throw refuse(wait);
    }
    if (req.routeOptions.config.auth === false || !req.routeOptions.url) return;
    const token = readCookie(req.cookies, SESSION_COOKIE, o.cookie.secure(req));
    const auth = await o.sessions.authenticate(token);
    req.auth = { user: auth.user, session: auth.session };
    if (auth.renewed && token) setSessionCookie(reply, req, token, auth.session.expiresAt, o.cookie);
    const wait = perAccount.take(auth.user.id);
    if (wait > 0) throw refuse(wait);
  });
}
