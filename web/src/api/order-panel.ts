import type {
  CancelOrderBody,
  OrderResponse,
  OrdersResponse,
  RefundBody,
  RefundResponse,
  ShipmentResponse,
} from '../../../protocol/commerce.ts';
import type { AnswerRequestBody, OrderRequestResponse } from '../../../protocol/order-requests.ts';
import { request } from './http.ts';

/**
 * The business inbox's order panel (server/commerce/panel-routes.ts): `/api/pages/:id/orders…`, for the
 * people who run the page. A refund and a cancellation carry an Idempotency-Key made once per attempt, so
 * that a retried click never refunds twice.
 */
const enc = encodeURIComponent;
const order = (pageId: string, number: string) => `/api/pages/${enc(pageId)}/orders/${enc(number)}`;
const keyed = (key: string) => ({ headers: { 'Idempotency-Key': key } });

export const orderPanelApi = {
  /** The conversation's customer's orders with the page, newest first. */
  ofConversation: (pageId: string, conversationId: string) =>
    request<OrdersResponse>('GET', `/api/pages/${enc(pageId)}/orders?conversationId=${enc(conversationId)}`),
  cancel: (pageId: string, number: string, body: CancelOrderBody, key: string) =>
    request<OrderResponse>('POST', `${order(pageId, number)}/cancel`, body, keyed(key)),
  refund: (pageId: string, number: string, body: RefundBody, key: string) =>
    request<RefundResponse>('POST', `${order(pageId, number)}/refunds`, body, keyed(key)),
  resendTracking: (pageId: string, number: string, shipmentId: string) =>
    request<ShipmentResponse>('POST', `${order(pageId, number)}/shipments/${enc(shipmentId)}/resend`, {}),
  /** The merchant's answer to a customer's request (accept, reject, ask for information). */
  answerRequest: (pageId: string, number: string, requestId: string, body: AnswerRequestBody) =>
    request<OrderRequestResponse>('POST', `${order(pageId, number)}/requests/${enc(requestId)}/answer`, body),
};
