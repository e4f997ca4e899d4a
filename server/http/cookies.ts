import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'comptoir_session';

export interface CookiePolicy {
  /** Secure when the public origin is https (or the request came over https). */
  secure: (req: FastifyRequest) => boolean;
  maxAgeSeconds: number;
}

export function setSessionCookie(reply: FastifyReply, req: FastifyRequest, token: string, policy: CookiePolicy) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure(req),
    path: '/',
    maxAge: policy.maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, req: FastifyRequest, policy: CookiePolicy) {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: policy.secure(req), path: '/' });
}
