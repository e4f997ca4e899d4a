import type { MediaRef } from '../../protocol/content.ts';
import type {
  AnswerRequestBody,
  ContactSupportBody,
  ContactSupportResponse,
  CreateRequestBody,
  OrderRequestMessageView,
  OrderRequestResponse,
  ReplyRequestBody,
  RequestPolicy,
  RequestPolicyResponse,
} from '../../protocol/order-requests.ts';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { type Answer, fingerprintOf, idempotentIn, type OrderCall } from '../commerce/idempotency.ts';
import type { OrderRequestEvent, OrderRequests } from '../commerce/requests.ts';
import type { CommerceService } from '../commerce/service.ts';
import type { OrderRecord, OrderRequestRecord } from '../commerce/store.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import type { MessagesService } from '../messaging/messages.ts';
import type { PagesService } from '../pages/service.ts';
import type { HandoverService } from '../platform/handover.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import { announceOrderIn } from './orders.ts';

/**
 * A return's photos, as media claims a message's (a port: app.ts wires media's `claim`): the customer's
 * uploads bound to the order's thread, in the request's job.
 */
export interface RequestPhotos {
  claimIn(
    uow: UnitOfWork,
    input: { ids: readonly string[]; ownerId: string; conversationId: string },
  ): Promise<MediaRef[]>;
}

/**
 * Customers' requests on their orders, in the order's thread, each way read top to bottom and each ONE job
 * of the committer (a refused step leaves nothing written: no request, no message, no event):
 * - the customer asks (a change, a cancellation, a return) → the order, theirs only (commerce) → the
 *   request checked against the page's policy and stored (commerce) → the customer's message in the thread
 *   (messaging: the inbox and the apps' `messages` follow from it) → with automatic approval, the page
 *   accepts and applies it at once and says so in the thread → `order_requests` for the page's apps (the
 *   request as it now is) → the order, one version up, to both members (`order.updated`: the card shows
 *   the request in place);
 * - the customer replies to the page's question (needs_info → requested) or withdraws the request;
 * - the page answers (Orders API with its token, or a member in the inbox): accepted (a change or a
 *   cancellation applied in the same job, a return once the order is marked returned), rejected, or a
 *   question; the page's message in the thread; `order.updated`;
 * - "Contact support": the customer's message, and the thread passed to the page's inbox (the handover
 *   protocol: a bot that owned it gets `take_thread_control`).
 */
export class OrderRequestFlows {
  constructor(
    private readonly committer: Committer,
    private readonly commerce: CommerceService,
    private readonly requests: OrderRequests,
    private readonly pages: PagesService,
    private readonly messages: MessagesService,
    private readonly handover: HandoverService,
    private readonly photos: RequestPhotos,
  ) {}

  async ask(userId: string, orderId: string, body: CreateRequestBody): Promise<OrderRequestResponse> {
    return this.committer.run(async (uow) => {
      const order = await this.requests.customersOrderIn(uow, userId, orderId);
      const photos = await this.photosIn(uow, order, body);
      const asked = await this.requests.askIn(uow, order, body, photos);
      let request = asked.request;
      await this.customerSaysIn(uow, order, request, askText(order, request));
      if (!asked.automatic) {
        await this.notifyAppsIn(uow, order, request, 'requested');
        return this.settleIn(uow, order, request);
      }
      request = await this.requests.moveIn(uow, request, 'accepted', 'page', null);
      if (request.kind !== 'return') request = await this.requests.moveIn(uow, request, 'applied', 'page', null);
      const change =
        request.kind === 'return'
          ? await this.commerce.touchIn(uow, order)
          : await this.requests.applyIn(uow, order, request, undefined);
      await this.pageSaysIn(uow, order, request, null, null);
      // The apps hear of it as it now is: accepted, or applied already, by the page's policy.
      await this.notifyAppsIn(uow, order, request, 'requested');
      await announceOrderIn(uow, this.commerce, change);
      return { request: this.commerce.presentRequest(request), order: change.view };
    });
  }

  async reply(userId: string, orderId: string, requestId: string, body: ReplyRequestBody) {
    return this.committer.run(async (uow) => {
      const order = await this.requests.customersOrderIn(uow, userId, orderId);
      const before = await this.requests.requestIn(uow, order, requestId);
      const request = await this.requests.moveIn(uow, before, 'requested', 'customer', body.text);
      await this.customerSaysIn(uow, order, request, body.text);
      await this.notifyAppsIn(uow, order, request, 'replied');
      return this.settleIn(uow, order, request);
    });
  }

  async withdraw(userId: string, orderId: string, requestId: string) {
    return this.committer.run(async (uow) => {
      const order = await this.requests.customersOrderIn(uow, userId, orderId);
      const before = await this.requests.requestIn(uow, order, requestId);
      const request = await this.requests.moveIn(uow, before, 'withdrawn', 'customer', null);
      await this.customerSaysIn(uow, order, request, `I withdraw my request to ${what(order, request)}`);
      await this.notifyAppsIn(uow, order, request, 'withdrawn');
      return this.settleIn(uow, order, request);
    });
  }

  /** The page's answer through the Orders API: its token's page, its Idempotency-Key. */
  async answer(
    call: OrderCall,
    number: string,
    requestId: string,
    body: AnswerRequestBody,
  ): Promise<Answer<OrderRequestResponse> & { replayed: boolean }> {
    return this.committer.run((uow) =>
      idempotentIn(
        uow,
        call.pageId,
        call.idempotencyKey,
        () => fingerprintOf(`answer ${number} ${requestId}`, body),
        async () => ({ status: 200, body: await this.answerIn(uow, call.pageId, number, requestId, body, null) }),
      ),
    );
  }

  /** The same answer by one of the page's people, in its inbox; anyone else learns nothing (order_not_found). */
  async answerAsMember(
    userId: string,
    pageId: string,
    number: string,
    requestId: string,
    body: AnswerRequestBody,
  ): Promise<OrderRequestResponse> {
    await this.memberOf(userId, pageId);
    return this.committer.run(async (uow) => {
      // Again in the job: someone removed from the page since the check above answers nothing.
      await this.memberIn(uow, userId, pageId);
      return this.answerIn(uow, pageId, number, requestId, body, userId);
    });
  }

  /** "Contact support": the customer's message, and the thread handed to the page's inbox. */
  async support(userId: string, orderId: string, body: ContactSupportBody): Promise<ContactSupportResponse> {
    return this.committer.run(async (uow) => {
      const order = await this.requests.customersOrderIn(uow, userId, orderId);
      const sent = await this.messages.sendIn(uow, userId, {
        conversationId: order.conversationId,
        clientId: `support-${newId(uow.now)}`,
        freshClientId: true,
        text: body.text ? body.text : `I need help with order ${order.number}`,
      });
      const metadata = JSON.stringify({ contact_support: { order_number: order.number } });
      await this.handover.takeIn(uow, order.pageId, userId, PAGE_INBOX_APP_ID, metadata);
      return { message: sent.message };
    });
  }

  async policy(pageId: string): Promise<RequestPolicyResponse> {
    return { policy: await this.requests.policy(pageId) };
  }

  async setPolicy(pageId: string, policy: RequestPolicy): Promise<RequestPolicyResponse> {
    return { policy: await this.committer.run((uow) => this.requests.setPolicyIn(uow, pageId, policy)) };
  }

  /** The page's policy, for its people (the inbox's settings). */
  async policyForMember(userId: string, pageId: string): Promise<RequestPolicyResponse> {
    await this.pages.actAs(userId, pageId);
    return this.policy(pageId);
  }

  /** An admin of the page sets its policy. */
  async setPolicyAsAdmin(userId: string, pageId: string, policy: RequestPolicy): Promise<RequestPolicyResponse> {
    await this.pages.requirePage(pageId);
    return {
      policy: await this.committer.run(async (uow) => {
        await this.pages.requireRoleIn(uow, pageId, userId, 'admin');
        return this.requests.setPolicyIn(uow, pageId, policy);
      }),
    };
  }

  private async answerIn(
    uow: UnitOfWork,
    pageId: string,
    number: string,
    requestId: string,
    body: AnswerRequestBody,
    actorId: string | null,
  ): Promise<OrderRequestResponse> {
    const order = await this.commerce.requireIn(uow, pageId, number);
    let request = await this.requests.requestIn(uow, order, requestId);
    this.requests.checkAnswer(request, body);
    const message = body.message ? body.message : null;
    const to = body.decision === 'accept' ? 'accepted' : body.decision === 'reject' ? 'rejected' : 'needs_info';
    request = await this.requests.moveIn(uow, request, to, 'page', message);
    let change = null;
    if (to === 'accepted' && request.kind !== 'return') {
      request = await this.requests.moveIn(uow, request, 'applied', 'page', null);
      change = await this.requests.applyIn(uow, order, request, body.prices);
    } else change = await this.commerce.touchIn(uow, order);
    await this.pageSaysIn(uow, order, request, message, actorId);
    await announceOrderIn(uow, this.commerce, change);
    return { request: this.commerce.presentRequest(request), order: change.view };
  }

  /**
   * A return's photos: the customer's own uploads (`media_not_found` for any other id, as for a message's),
   * claimed into the order's thread — where the customer and the page's people read them — images only.
   */
  private async photosIn(uow: UnitOfWork, order: OrderRecord, body: CreateRequestBody): Promise<MediaRef[]> {
    const ids = body.kind === 'return' ? (body.photoIds ?? []) : [];
    if (ids.length === 0) return [];
    const refs = await this.photos.claimIn(uow, {
      ids,
      ownerId: order.customerId,
      conversationId: order.conversationId,
    });
    const notImage = refs.findIndex((r) => r.kind !== 'image');
    if (notImage >= 0)
      throw new AppError('bad_request', `Invalid request: photoIds.${notImage}: not an image`, {
        field: `photoIds.${notImage}`,
        fields: { [`photoIds.${notImage}`]: 'not an image' },
      });
    return refs;
  }

  /** What a customer's step leaves the order: one version up, to both members. */
  private async settleIn(uow: UnitOfWork, order: OrderRecord, request: OrderRequestRecord) {
    const change = await this.commerce.touchIn(uow, order);
    await announceOrderIn(uow, this.commerce, change);
    return { request: this.commerce.presentRequest(request), order: change.view };
  }

  /** One of the page's people, or the same 404 as an unknown order. */
  private async memberOf(userId: string, pageId: string) {
    try {
      await this.pages.actAs(userId, pageId);
    } catch (err) {
      if (err instanceof AppError) throw new AppError('order_not_found');
      throw err;
    }
  }

  private async memberIn(uow: UnitOfWork, userId: string, pageId: string) {
    try {
      await this.pages.requireRoleIn(uow, pageId, userId, 'agent');
    } catch (err) {
      if (err instanceof AppError) throw new AppError('order_not_found');
      throw err;
    }
  }

  private async customerSaysIn(uow: UnitOfWork, order: OrderRecord, request: OrderRequestRecord, text: string) {
    await this.messages.sendIn(uow, order.customerId, {
      conversationId: order.conversationId,
      clientId: `request-${request.id}-${request.history.length}`,
      freshClientId: true,
      text,
      content: { orderRequest: messageOf(request) },
    });
  }

  /**
   * The page's word on the request, as the page (a member of its inbox acting for it, if one did) — none to
   * a customer who blocked the page: the answer still changes the order and its card.
   */
  private async pageSaysIn(
    uow: UnitOfWork,
    order: OrderRecord,
    request: OrderRequestRecord,
    message: string | null,
    actorId: string | null,
  ) {
    // A customer who blocked the page gets no message from it; the card still shows the answer.
    if ((await uow.tx.optins.standing(order.pageId, order.customerId)).blockedAt !== null) return;
    await this.messages.sendIn(uow, order.pageId, {
      conversationId: order.conversationId,
      clientId: `request-${request.id}-${request.history.length}`,
      freshClientId: true,
      text: decisionText(order, request, message),
      content: { orderRequest: messageOf(request) },
      ...(actorId ? { actorId } : {}),
    });
  }

  /** For the page's apps (webhooks/scoped-events.ts): `order_requests`, or a postback. */
  private async notifyAppsIn(
    uow: UnitOfWork,
    order: OrderRecord,
    request: OrderRequestRecord,
    action: OrderRequestEvent['action'],
  ) {
    const event: OrderRequestEvent = {
      type: 'platform.order_request',
      pageId: order.pageId,
      psid: order.data.psid,
      action,
      orderNumber: order.number,
      request: this.commerce.presentRequest(request),
      at: uow.now,
    };
    await uow.emit({ event, scope: { scope: `page:${order.pageId}` }, audience: [] });
  }
}

const messageOf = (r: OrderRequestRecord): OrderRequestMessageView => ({
  orderId: r.orderId,
  requestId: r.id,
  kind: r.kind,
  state: r.state,
});

const reasonWords: Record<string, string> = {
  damaged: 'it arrived damaged',
  wrong_item: 'it is not the item I ordered',
  not_as_described: 'it is not as described',
  no_longer_needed: 'I no longer need it',
  other: 'another reason',
};

/** What the request asks, in words: "cancel order 1042". */
function what(order: OrderRecord, r: OrderRequestRecord): string {
  if (r.kind === 'cancel') return `cancel order ${order.number}`;
  if (r.kind === 'return') return `return order ${order.number}`;
  const parts = [
    ...(r.change?.items ? ['the items'] : []),
    ...(r.change?.shippingAddress ? ['the delivery address'] : []),
  ];
  return `change ${parts.join(' and ')} of order ${order.number}`;
}

/** The customer's message asking: "Please change the delivery address of order 1042". */
function askText(order: OrderRecord, r: OrderRequestRecord): string {
  const because = r.kind === 'return' && r.reason ? ` (${reasonWords[r.reason] ?? r.reason})` : '';
  return `Please ${what(order, r)}${because}${r.note ? `: ${r.note}` : ''}`;
}

/** The page's message with its decision, and its own words after. */
function decisionText(order: OrderRecord, r: OrderRequestRecord, message: string | null): string {
  const after = message ? ` ${message}` : '';
  const asked = `your request to ${what(order, r)}`;
  switch (r.state) {
    case 'applied':
      return r.kind === 'cancel'
        ? `Order ${order.number} is cancelled, as you asked.${after}`
        : `Order ${order.number} is changed, as you asked.${after}`;
    case 'accepted':
      return `We accept ${asked}.${after}`;
    case 'rejected':
      return `We cannot accept ${asked}.${after}`;
    default:
      return `About ${asked}:${after}`;
  }
}
