import type { OrderResponse } from '../../../protocol/commerce.ts';
import type {
  ContactSupportBody,
  ContactSupportResponse,
  CreateRequestBody,
  OrderRequestResponse,
  ReplyRequestBody,
} from '../../../protocol/order-requests.ts';
import { request } from './http.ts';

/**
 * The customer's side of an order in their thread (server/commerce/routes.ts): the order as it now is, the
 * requests they make on it (change, cancel, return), their answer to the merchant's question, their
 * withdrawal, and "Contact support" (the thread goes to the page's inbox). Signed in with the session. A
 * request's answer carries its order as it now is: the card shows it at once (its order.updated follows).
 */
const enc = encodeURIComponent;
const base = (orderId: string) => `/api/orders/${enc(orderId)}`;
const one = (orderId: string, requestId: string) => `${base(orderId)}/requests/${enc(requestId)}`;

export const ordersApi = {
  order: (orderId: string) => request<OrderResponse>('GET', base(orderId)),
  createRequest: (orderId: string, body: CreateRequestBody) =>
    request<OrderRequestResponse>('POST', `${base(orderId)}/requests`, body),
  reply: (orderId: string, requestId: string, body: ReplyRequestBody) =>
    request<OrderRequestResponse>('POST', `${one(orderId, requestId)}/reply`, body),
  withdraw: (orderId: string, requestId: string) =>
    request<OrderRequestResponse>('POST', `${one(orderId, requestId)}/withdraw`, {}),
  contactSupport: (orderId: string, body: ContactSupportBody) =>
    request<ContactSupportResponse>('POST', `${base(orderId)}/support`, body),
};
