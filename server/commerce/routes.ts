import type { FastifyInstance } from 'fastify';
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
  createOrderBody,
  createShipmentBody,
  orderParams,
  refundBody,
  shipmentParams,
  trackingEventBody,
  updateOrderBody,
} from '../../protocol/commerce.ts';
import { idParams } from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import {
  forMerchant,
  type OrdersApiRates,
  type PageTokens,
  type PhotoLinks,
  pageCall,
  sendToMerchant,
  tokenQuery,
} from './calls.ts';
import type { Answer, OrderCall } from './idempotency.ts';
import { orderRequestRoutes, type RequestsApi } from './requests-routes.ts';

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
  /** A request's photos for the merchant's server: signed links (it has no session). */
  links: PhotoLinks,
) {
  // No session: a page access token, limited per app and page rather than per address.
  const open = { config: { auth: false, perAddress: false } };
  const pageOf = pageCall(tokens, rates);

  app.post('/api/commerce/orders', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    return sendToMerchant(req, reply, links, await flows.create(call, parse(createOrderBody, req.body)));
  });

  app.get('/api/commerce/orders/:number', open, async (req) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return forMerchant(req, links, { order: await flows.get(call.pageId, number) });
  });

  app.patch('/api/commerce/orders/:number', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return sendToMerchant(req, reply, links, await flows.update(call, number, parse(updateOrderBody, req.body)));
  });

  app.post('/api/commerce/orders/:number/cancel', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return sendToMerchant(req, reply, links, await flows.cancel(call, number, parse(cancelOrderBody, req.body)));
  });

  app.post('/api/commerce/orders/:number/shipments', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return sendToMerchant(req, reply, links, await flows.ship(call, number, parse(createShipmentBody, req.body)));
  });

  app.post('/api/commerce/orders/:number/shipments/:shipmentId/events', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number, shipmentId } = parse(shipmentParams, req.params);
    return sendToMerchant(
      req,
      reply,
      links,
      await flows.track(call, number, shipmentId, parse(trackingEventBody, req.body)),
    );
  });

  app.post('/api/commerce/orders/:number/refunds', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const { number } = parse(orderParams, req.params);
    return sendToMerchant(req, reply, links, await flows.refund(call, number, parse(refundBody, req.body)));
  });

  // The order as a person sees it in a thread (its customer, or the people who run its page): a card
  // shown from history asks for the order as it now is.
  app.get('/api/orders/:id', async (req) => {
    const { id } = parse(idParams, req.params);
    return { order: await flows.viewFor(authOf(req).user.id, id) };
  });

  // Customers' requests on orders: the same token, rate and Idempotency-Key for the page's answers.
  orderRequestRoutes(app, requests, pageOf, links);
}
