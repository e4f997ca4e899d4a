import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type {
  CancelOrderBody,
  CreateOrderBody,
  CreateShipmentBody,
  OrderResponse,
  OrderView,
  RefundBody,
  RefundResponse,
  ShipmentResponse,
  TrackingEventBody,
  UpdateOrderBody,
} from '../../protocol/commerce.ts';
import {
  cancelOrderBody,
  commerceLimits,
  createOrderBody,
  createShipmentBody,
  orderParams,
  refundBody,
  shipmentParams,
  trackingEventBody,
  updateOrderBody,
} from '../../protocol/commerce.ts';
import { idParams } from '../../protocol/schemas.ts';
import { AppError } from '../errors.ts';
import { authOf, parse } from '../http/validate.ts';
import { addressKey } from '../lib/address.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import { orderRequestRoutes, type RequestsApi } from './requests-routes.ts';
import type { Answer, OrderCall } from './service.ts';

type Answered<T> = Promise<Answer<T> & { replayed: boolean }>;

/** What the routes call: the orders flow (flows/orders.ts), which puts each change in its thread. */
export interface OrdersApi {
  create(call: OrderCall, body: CreateOrderBody): Answered<OrderResponse>;
  get(pageId: string, number: string): Promise<OrderView>;
  update(call: OrderCall, number: string, body: UpdateOrderBody): Answered<OrderResponse>;
  cancel(call: OrderCall, number: string, body: CancelOrderBody): Answered<OrderResponse>;
  ship(call: OrderCall, number: string, body: CreateShipmentBody): Answered<ShipmentResponse>;
  track(call: OrderCall, number: string, shipmentId: string, body: TrackingEventBody): Answered<ShipmentResponse>;
  refund(call: OrderCall, number: string, body: RefundBody): Answered<RefundResponse>;
  viewFor(userId: string, orderId: string): Promise<OrderView>;
}

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
function pageCall(tokens: PageTokens, rates: OrdersApiRates) {
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

export const send = <T>(reply: FastifyReply, answer: Answer<T> & { replayed: boolean }) => {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(answer.status).send(answer.body);
};

/** The query a merchant's call may carry: the token, nothing else. */
export const tokenQuery = z.strictObject({ access_token: z.string().max(512).optional() });

/**
 * The Orders API (docs/COMMERCE.md): a merchant's server, with a page access token, creates and changes
 * the page's orders, addressed by their number (the merchant's own key, unique per page). Thin: the
 * token's page, the body checked, one call of the flow, its answer.
 */
export function commerceRoutes(
  app: FastifyInstance,
  flows: OrdersApi,
  tokens: PageTokens,
  rates: OrdersApiRates,
  requests: RequestsApi,
) {
  // No session: a page access token, limited per app and page rather than per address.
  const open = { config: { auth: false, perAddress: false } };
  const pageOf = pageCall(tokens, rates);

  app.post('/api/commerce/orders', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    return send(reply, await flows.create(call, parse(createOrderBody, req.body)));
  });

  app.get('/api/commerce/orders/:number', open, async (req) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return { order: await flows.get(call.pageId, number) };
  });

  app.patch('/api/commerce/orders/:number', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return send(reply, await flows.update(call, number, parse(updateOrderBody, req.body)));
  });

  app.post('/api/commerce/orders/:number/cancel', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return send(reply, await flows.cancel(call, number, parse(cancelOrderBody, req.body)));
  });

  app.post('/api/commerce/orders/:number/shipments', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return send(reply, await flows.ship(call, number, parse(createShipmentBody, req.body)));
  });

  app.post('/api/commerce/orders/:number/shipments/:shipmentId/events', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number, shipmentId } = parse(shipmentParams, req.params);
    return send(reply, await flows.track(call, number, shipmentId, parse(trackingEventBody, req.body)));
  });

  app.post('/api/commerce/orders/:number/refunds', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return send(reply, await flows.refund(call, number, parse(refundBody, req.body)));
  });

  // The order as a person sees it in a thread (its customer, or the people who run its page): a card
  // shown from history asks for the order as it now is.
  app.get('/api/orders/:id', async (req) => {
    const { id } = parse(idParams, req.params);
    return { order: await flows.viewFor(authOf(req).user.id, id) };
  });

  // Customers' requests on orders: the same token, rate and Idempotency-Key for the page's answers.
  orderRequestRoutes(app, requests, pageOf);
}
