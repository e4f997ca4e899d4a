import type { FastifyInstance } from 'fastify';
import type {
  CancelOrderBody,
  OrderResponse,
  OrdersResponse,
  RefundBody,
  RefundResponse,
  ShipmentResponse,
} from '../../protocol/commerce.ts';
import {
  cancelOrderBody,
  panelOrderParams,
  panelOrdersParams,
  panelOrdersQuery,
  panelShipmentParams,
  refundBody,
} from '../../protocol/commerce.ts';
import { authOf, parse } from '../http/validate.ts';
import { idempotencyKeyOf, send } from './calls.ts';
import type { Answer } from './idempotency.ts';

type Answered<T> = Promise<Answer<T> & { replayed: boolean }>;

/** What the panel's routes call: the order panel's flow (flows/order-panel.ts), which checks the person runs the page. */
export interface OrderPanelApi {
  list(userId: string, pageId: string, conversationId: string): Promise<OrdersResponse>;
  cancel(
    userId: string,
    pageId: string,
    number: string,
    body: CancelOrderBody,
    key: string | null,
  ): Answered<OrderResponse>;
  refund(
    userId: string,
    pageId: string,
    number: string,
    body: RefundBody,
    key: string | null,
  ): Answered<RefundResponse>;
  resend(userId: string, pageId: string, number: string, shipmentId: string): Promise<ShipmentResponse>;
}

/**
 * The business inbox's order panel (docs/INBOX.md): the people who run a page, signed in, see a
 * conversation's customer's orders and cancel, refund or resend tracking — the same changes as the Orders
 * API's, in the same flow. Someone who does not run the page gets what an unknown order gets (404).
 * Thin: validate, call the flow, present. Writes are origin-checked (http/guards.ts); an Idempotency-Key
 * makes a refund or a cancellation safe to retry, as on the Orders API.
 */
export function orderPanelRoutes(app: FastifyInstance, panel: OrderPanelApi) {
  const base = '/api/pages/:id/orders';

  app.get(base, async (req): Promise<OrdersResponse> => {
    const { id: pageId } = parse(panelOrdersParams, req.params);
    const { conversationId } = parse(panelOrdersQuery, req.query);
    return panel.list(authOf(req).user.id, pageId, conversationId);
  });

  app.post(`${base}/:number/cancel`, async (req, reply) => {
    const { id: pageId, number } = parse(panelOrderParams, req.params);
    const body = parse(cancelOrderBody, req.body);
    return send(reply, await panel.cancel(authOf(req).user.id, pageId, number, body, idempotencyKeyOf(req)));
  });

  app.post(`${base}/:number/refunds`, async (req, reply) => {
    const { id: pageId, number } = parse(panelOrderParams, req.params);
    const body = parse(refundBody, req.body);
    return send(reply, await panel.refund(authOf(req).user.id, pageId, number, body, idempotencyKeyOf(req)));
  });

  app.post(`${base}/:number/shipments/:shipmentId/resend`, async (req): Promise<ShipmentResponse> => {
    const { id: pageId, number, shipmentId } = parse(panelShipmentParams, req.params);
    return panel.resend(authOf(req).user.id, pageId, number, shipmentId);
  });
}
