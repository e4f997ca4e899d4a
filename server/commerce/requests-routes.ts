import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { orderNumber } from '../../protocol/commerce.ts';
import {
  type AnswerRequestBody,
  answerRequestBody,
  type ContactSupportBody,
  type ContactSupportResponse,
  type CreateRequestBody,
  contactSupportBody,
  createRequestBody,
  type OrderRequestResponse,
  type ReplyRequestBody,
  type RequestPolicy,
  type RequestPolicyResponse,
  replyRequestBody,
  requestPolicyBody,
} from '../../protocol/order-requests.ts';
import { idParams } from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import { type PhotoLinks, sendToMerchant, tokenQuery } from './calls.ts';
import type { Answer, OrderCall } from './idempotency.ts';

/** What the routes call: the requests flow (flows/order-requests.ts), which puts each step in the thread. */
export interface RequestsApi {
  ask(userId: string, orderId: string, body: CreateRequestBody): Promise<OrderRequestResponse>;
  reply(userId: string, orderId: string, requestId: string, body: ReplyRequestBody): Promise<OrderRequestResponse>;
  withdraw(userId: string, orderId: string, requestId: string): Promise<OrderRequestResponse>;
  support(userId: string, orderId: string, body: ContactSupportBody): Promise<ContactSupportResponse>;
  answer(
    call: OrderCall,
    number: string,
    requestId: string,
    body: AnswerRequestBody,
  ): Promise<Answer<OrderRequestResponse> & { replayed: boolean }>;
  answerAsMember(
    userId: string,
    pageId: string,
    number: string,
    requestId: string,
    body: AnswerRequestBody,
  ): Promise<OrderRequestResponse>;
  policy(pageId: string): Promise<RequestPolicyResponse>;
  setPolicy(pageId: string, policy: RequestPolicy): Promise<RequestPolicyResponse>;
  policyForMember(userId: string, pageId: string): Promise<RequestPolicyResponse>;
  setPolicyAsAdmin(userId: string, pageId: string, policy: RequestPolicy): Promise<RequestPolicyResponse>;
}

const requestId = z.string().min(1).max(64);
/** A withdrawal says nothing more. */
export const withdrawRequestBody = z.strictObject({});
const customerParams = z.strictObject({ id: idParams.shape.id, requestId });
const answerParams = z.strictObject({ number: orderNumber, requestId });
const memberParams = z.strictObject({ id: idParams.shape.id, number: orderNumber, requestId });

/**
 * Customers' requests on their orders (docs/COMMERCE.md, "Customer requests"). Thin: who calls (the
 * customer's session, the page's token, a page member's session), the body checked, one call of the flow.
 */
export function orderRequestRoutes(
  app: FastifyInstance,
  flows: RequestsApi,
  pageOf: (req: FastifyRequest) => Promise<OrderCall>,
  links: PhotoLinks,
) {
  const open = { config: { auth: false, perAddress: false } };
  const me = (req: FastifyRequest) => authOf(req).user.id;

  // The customer, signed in: only on their own orders (anyone else: order_not_found).
  app.post('/api/orders/:id/requests', async (req, reply) => {
    const { id } = parse(idParams, req.params);
    return reply.status(201).send(await flows.ask(me(req), id, parse(createRequestBody, req.body)));
  });

  app.post('/api/orders/:id/requests/:requestId/reply', async (req) => {
    const p = parse(customerParams, req.params);
    return flows.reply(me(req), p.id, p.requestId, parse(replyRequestBody, req.body));
  });

  app.post('/api/orders/:id/requests/:requestId/withdraw', async (req) => {
    const p = parse(customerParams, req.params);
    parse(withdrawRequestBody, req.body);
    return flows.withdraw(me(req), p.id, p.requestId);
  });

  app.post('/api/orders/:id/support', async (req) => {
    const { id } = parse(idParams, req.params);
    return flows.support(me(req), id, parse(contactSupportBody, req.body));
  });

  // The page's server, with its page access token.
  app.post('/api/commerce/orders/:number/requests/:requestId/answer', open, async (req, reply) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    const p = parse(answerParams, req.params);
    return sendToMerchant(
      req,
      reply,
      links,
      await flows.answer(call, p.number, p.requestId, parse(answerRequestBody, req.body)),
    );
  });

  app.get('/api/commerce/policy', open, async (req) => {
    parse(tokenQuery, req.query);
    return flows.policy((await pageOf(req)).pageId);
  });

  app.put('/api/commerce/policy', open, async (req) => {
    parse(tokenQuery, req.query);
    const call = await pageOf(req);
    return flows.setPolicy(call.pageId, parse(requestPolicyBody, req.body));
  });

  // The page's people, in the business inbox: any member answers; its admins set the policy.
  app.post('/api/pages/:id/orders/:number/requests/:requestId/answer', async (req) => {
    const p = parse(memberParams, req.params);
    return flows.answerAsMember(me(req), p.id, p.number, p.requestId, parse(answerRequestBody, req.body));
  });

  app.get('/api/pages/:id/commerce-policy', async (req) => {
    const { id } = parse(idParams, req.params);
    return flows.policyForMember(me(req), id);
  });

  app.put('/api/pages/:id/commerce-policy', async (req) => {
    const { id } = parse(idParams, req.params);
    return flows.setPolicyAsAdmin(me(req), id, parse(requestPolicyBody, req.body));
  });
}
