import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { commerceLimits } from '../../protocol/commerce.ts';
import { AppError } from '../errors.ts';
import { addressKey } from '../lib/address.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Answer, OrderCall } from './idempotency.ts';
import { withPhotoLinks } from './presenter.ts';

/**
 * A merchant's call of the Orders API and its neighbours (requests, the panel's shared answers): the page
 * of its token within its app and page's rate, its Idempotency-Key, and how an answer kept under a key is
 * sent again.
 */

/** What the Orders API asks of apps (app.ts wires apps/service.ts): the page an active page access token is for. */
export type PageTokens = (token: string) => Promise<{ appId: string; pageId: string } | null>;

const idempotencyKey = z
  .string()
  .min(1)
  .max(commerceLimits.idempotencyKey)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** A request's Idempotency-Key header (null: none); a malformed one is a bad_request naming it. */
export function idempotencyKeyOf(req: FastifyRequest): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  const r = idempotencyKey.safeParse(raw);
  if (!r.success)
    throw new AppError('bad_request', `Idempotency-Key: ${r.error.issues[0]?.message ?? 'invalid'}`, {
      fields: { 'Idempotency-Key': r.error.issues[0]?.message ?? 'invalid' },
    });
  return r.data;
}

export interface OrdersApiRates {
  /** Calls per second per app and page (a burst of ten seconds' worth): the Graph API's rate. */
  callsPerSecond: number;
  /** Refused tokens per minute per address (guessing). */
  refusalsPerMinute: number;
}

/**
 * The page of a call's token (`Authorization: Bearer`, or `?access_token=`, as the Graph API takes it),
 * within its app and page's rate, and its Idempotency-Key.
 */
export function pageCall(tokens: PageTokens, rates: OrdersApiRates) {
  const calls = new RateLimiter(rates.callsPerSecond * 10, 10_000);
  const refusals = new RateLimiter(rates.refusalsPerMinute, 60_000);
  const limited = (wait: number) => new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
  return async (req: FastifyRequest): Promise<OrderCall> => {
    const address = addressKey(req.ip);
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const query = req.query as Record<string, unknown>;
    const token = typeof query.access_token === 'string' ? query.access_token : bearer;
    const grant = token && token.length <= 512 ? await tokens(token) : null;
    if (!grant) {
      const wait = refusals.take(address);
      throw wait > 0 ? limited(wait) : new AppError('invalid_token');
    }
    const wait = calls.take(`${grant.appId}\u0000${grant.pageId}`);
    if (wait > 0) throw limited(wait);
    return { pageId: grant.pageId, idempotencyKey: idempotencyKeyOf(req) };
  };
}

/** A photo's link for the merchant's server that made the call (app.ts: media's signed link, on its origin). */
export type PhotoLinks = (req: FastifyRequest, id: string, variant: 'original' | 'thumbnail') => string;

/** What a merchant's call is answered: its requests' photos as signed links (presenter.ts withPhotoLinks). */
export const forMerchant = <T>(req: FastifyRequest, links: PhotoLinks, body: T): T =>
  withPhotoLinks(body, (id, variant) => links(req, id, variant));

export const send = <T>(reply: FastifyReply, answer: Answer<T> & { replayed: boolean }) => {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(answer.status).send(answer.body);
};

/** Sends a merchant's call its answer, its requests' photos linked for its server. */
export const sendToMerchant = <T>(
  req: FastifyRequest,
  reply: FastifyReply,
  links: PhotoLinks,
  answer: Answer<T> & { replayed: boolean },
) => send(reply, { ...answer, body: forMerchant(req, links, answer.body) });

/** The query a merchant's call may carry: the token, nothing else. */
export const tokenQuery = z.strictObject({ access_token: z.string().max(512).optional() });
