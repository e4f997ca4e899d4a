import type { UpdateOrderBody } from '../../protocol/commerce.ts';
import type { MediaRef } from '../../protocol/content.ts';
import type {
  AnswerRequestBody,
  CreateRequestBody,
  OrderRequestView,
  RequestPolicy,
  RequestState,
  RequestStepView,
} from '../../protocol/order-requests.ts';
import { defaultRequestPolicy } from '../../protocol/order-requests.ts';
import { AppError } from '../errors.ts';
import type { ConsumerEvent } from '../events/store.ts';
import { newId } from '../lib/ids.ts';
import type { UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { canonical } from './idempotency.ts';
import { expectedTotal } from './policy.ts';
import {
  automatic,
  changedItems,
  checkAllowed,
  checkCanOpen,
  checkRequestMove,
  checkSteps,
  deliveredAt,
  type RequestContext,
  returnItems,
} from './requests-policy.ts';
import { addressOf, type CommerceService, type OrderChange } from './service.ts';
import type { OrderAggregate, OrderRecord, OrderRequestRecord } from './store.ts';

/**
 * What the log records when a customer asks, replies or withdraws (scope `page:<pageId>`), for the webhook
 * planner only (webhooks/scoped-events.ts): `order_requests` to the page's apps that take it, a postback
 * to those that take only `messaging_postbacks`.
 */
export interface OrderRequestEvent extends ConsumerEvent {
  type: 'platform.order_request';
  pageId: string;
  psid: string;
  action: 'requested' | 'replied' | 'withdrawn';
  orderNumber: string;
  request: OrderRequestView;
  at: number;
}

/**
 * Customers' requests on orders: the steps a flow runs in its job (flows/order-requests.ts), each checking
 * first (requests-policy.ts) and writing after; applying an accepted change or cancellation to the order
 * through the order's own steps (service.ts), so its totals, state machine and timeline hold.
 */
export class OrderRequests {
  constructor(
    private readonly storage: Storage,
    private readonly commerce: CommerceService,
  ) {}

  /** The page's request policy (its defaults when it set none). */
  async policy(pageId: string): Promise<RequestPolicy> {
    return (await this.storage.reader.commerce.requestPolicy(pageId)) ?? defaultRequestPolicy;
  }

  async setPolicyIn(uow: UnitOfWork, pageId: string, policy: RequestPolicy): Promise<RequestPolicy> {
    await uow.tx.commerce.putRequestPolicy(pageId, policy, uow.now);
    return policy;
  }

  /** The order, for its customer only: anyone else learns nothing of it (order_not_found). */
  async customersOrderIn(uow: UnitOfWork, userId: string, orderId: string): Promise<OrderRecord> {
    const order = await uow.tx.commerce.orderById(orderId);
    if (!order || order.customerId !== userId) throw new AppError('order_not_found');
    return order;
  }

  /** A request of this order: request_not_found otherwise. */
  async requestIn(uow: UnitOfWork, order: OrderRecord, requestId: string): Promise<OrderRequestRecord> {
    const found = (await uow.tx.commerce.requestsOf(order.id)).find((r) => r.id === requestId);
    if (!found)
      throw new AppError('request_not_found', `No request ${requestId} on order ${order.number}`, {
        field: 'requestId',
      });
    return found;
  }

  /**
   * The customer asks: the page's policy, the order's state and its requests allow it (else the rule is
   * named), what it asks holds (items of the order, a return within what was delivered); then it is stored,
   * requested. Answers it, and whether the page accepts such requests at once.
   */
  async askIn(
    uow: UnitOfWork,
    order: OrderRecord,
    body: CreateRequestBody,
    /** A return's photos, already claimed into the order's thread (flows/order-requests.ts). */
    photos: MediaRef[] = [],
  ): Promise<{ request: OrderRequestRecord; automatic: boolean }> {
    const aggregate = await uow.tx.commerce.aggregate(order);
    const ctx = contextOf(aggregate, uow.now);
    checkCanOpen(aggregate.policy, ctx);
    checkAllowed(aggregate.policy, body, ctx);
    let items: OrderRequestRecord['items'] = null;
    if (body.kind === 'change' && body.change.items) changedItems(order.data.items, body.change.items);
    if (body.kind === 'change' && body.change.shippingAddress && !body.change.items) {
      const current = order.data.shippingAddress;
      if (current && canonical(addressOf(body.change.shippingAddress)) === canonical(current))
        throw new AppError(
          'bad_request',
          'Invalid request: change.shippingAddress: this is the order’s address already',
          {
            field: 'change.shippingAddress',
            fields: { 'change.shippingAddress': 'this is the order’s address already' },
          },
        );
    }
    if (body.kind === 'return')
      items = returnItems(
        aggregate.shipments.filter((s) => s.status === 'delivered').flatMap((s) => s.items),
        body.items,
      );
    const note = body.note ? body.note : null;
    const request: OrderRequestRecord = {
      id: newId(uow.now),
      orderId: order.id,
      kind: body.kind,
      state: 'requested',
      change: body.kind === 'change' ? body.change : null,
      reason: body.kind === 'return' ? body.reason : null,
      items,
      note,
      photos,
      history: [{ at: uow.now, by: 'customer', state: 'requested', text: note }],
      createdAt: uow.now,
      updatedAt: uow.now,
    };
    await uow.tx.commerce.insertRequest(request);
    return { request, automatic: automatic(aggregate.policy, body) };
  }

  /** Moves a request (the state machine of requests-policy.ts), with a step in its history. */
  async moveIn(
    uow: UnitOfWork,
    request: OrderRequestRecord,
    to: RequestState,
    by: RequestStepView['by'],
    text: string | null,
  ): Promise<OrderRequestRecord> {
    checkRequestMove(request.state, to);
    // Room is kept for the page's last answer and its application.
    if (to === 'needs_info' || to === 'requested') checkSteps(request.history.length + 2);
    const next: OrderRequestRecord = {
      ...request,
      state: to,
      history: [...request.history, { at: uow.now, by, state: to, text }],
      updatedAt: uow.now,
    };
    await uow.tx.commerce.updateRequest(next);
    return next;
  }

  /** Throws bad_request when an answer sets prices it cannot: only accepting a change of items does. */
  checkAnswer(request: OrderRequestRecord, body: AnswerRequestBody): void {
    if (body.prices === undefined) return;
    if (body.decision !== 'accept' || request.kind !== 'change' || !request.change?.items)
      throw new AppError('bad_request', 'Invalid request: prices: set only when accepting a change of items', {
        field: 'prices',
        fields: { prices: 'set only when accepting a change of items' },
      });
  }

  /**
   * An accepted change or cancellation, applied to the order by its own steps: the cancellation as the
   * Orders API's; the change of items with the answer's prices, or the same adjustments, taxes and shipping
   * cost and the total they make; the address. Written after the request's moves, so the view shows them.
   */
  async applyIn(
    uow: UnitOfWork,
    order: OrderRecord,
    request: OrderRequestRecord,
    prices: AnswerRequestBody['prices'] | undefined,
  ): Promise<OrderChange> {
    if (request.kind === 'cancel')
      return this.closeOpenIn(
        uow,
        await this.commerce.cancelIn(uow, order.pageId, order.number, 'cancelled at the customer’s request'),
        'cancelled',
      );
    const change = request.change;
    if (request.kind !== 'change' || !change) throw new AppError('internal', `a ${request.kind} is not applied here`);
    const update: UpdateOrderBody = {};
    if (change.items) {
      const d = order.data;
      const items = changedItems(d.items, change.items);
      const adjustments = prices?.adjustments ?? d.adjustments;
      const taxes = prices?.taxes ?? d.taxes;
      const shippingCost = prices?.shippingCost ?? d.shippingCost;
      const total = prices?.total ?? expectedTotal({ items, adjustments, taxes, shippingCost });
      if (total < 0)
        throw new AppError(
          'totals_mismatch',
          `total: the new items make a negative total (${total}) with these adjustments; set prices`,
          { field: 'prices.total', given: total },
        );
      Object.assign(update, {
        items: items.map((i) => ({
          title: i.title,
          quantity: i.quantity,
          unitPrice: i.unitPrice,
          ...(i.subtitle !== null ? { subtitle: i.subtitle } : {}),
          ...(i.imageUrl !== null ? { imageUrl: i.imageUrl } : {}),
        })),
        adjustments,
        taxes,
        shippingCost,
        total,
      });
    }
    if (change.shippingAddress) update.shippingAddress = change.shippingAddress;
    return this.closeStaleIn(uow, await this.commerce.updateIn(uow, order.pageId, order.number, update));
  }

  /**
   * The order's items changed (OrderChange.itemsChanged): its open requests to change items named them by
   * their place in the list the customer saw, which may now name another item; they are closed, rejected
   * by the page with the reason, for the customer to ask again on the order as it now is.
   */
  closeStaleIn(uow: UnitOfWork, change: OrderChange): Promise<OrderChange> {
    return change.itemsChanged ? this.closeOpenIn(uow, change, 'items_changed') : Promise.resolve(change);
  }

  /**
   * The merchant's own move made the order's open requests moot (requested, or waiting for the customer's
   * information): its cancellation applies an open request to cancel and closes the others; a shipment
   * closes open changes and cancellations (a return is asked once delivered). Each is closed by the page,
   * rejected with the reason in its history. Answers the change with the requests as they now are.
   */
  async closeOpenIn(
    uow: UnitOfWork,
    change: OrderChange,
    because: 'cancelled' | 'shipped' | 'items_changed',
  ): Promise<OrderChange> {
    const { order } = change.aggregate;
    const requests: OrderRequestRecord[] = [];
    let closed = false;
    for (const r of change.aggregate.requests) {
      const moot = because !== 'items_changed' || (r.kind === 'change' && r.change?.items !== undefined);
      if ((r.state !== 'requested' && r.state !== 'needs_info') || !moot) {
        requests.push(r);
        continue;
      }
      const applied = because === 'cancelled' && r.kind === 'cancel';
      const text = applied
        ? null
        : because === 'cancelled'
          ? 'The order was cancelled.'
          : because === 'items_changed'
            ? 'The order’s items changed since this request: ask again on the order as it now is.'
            : r.kind === 'cancel'
              ? 'The order has shipped: it can no longer be cancelled; a return can be asked once it is delivered.'
              : 'The order has shipped: it can no longer be changed.';
      const steps: OrderRequestRecord['history'] = applied
        ? [
            { at: uow.now, by: 'page', state: 'accepted', text: null },
            { at: uow.now, by: 'page', state: 'applied', text: null },
          ]
        : [{ at: uow.now, by: 'page', state: 'rejected', text }];
      const next: OrderRequestRecord = {
        ...r,
        state: applied ? 'applied' : 'rejected',
        history: [...r.history, ...steps],
        updatedAt: uow.now,
      };
      await uow.tx.commerce.updateRequest(next);
      requests.push(next);
      closed = true;
    }
    if (!closed) return change;
    const aggregate = { ...change.aggregate, order, requests };
    return { ...change, aggregate, view: this.commerce.present(aggregate, uow.now) };
  }

  /** The order became returned: its accepted returns are applied. */
  async applyReturnsIn(uow: UnitOfWork, order: OrderRecord): Promise<void> {
    for (const r of await uow.tx.commerce.requestsOf(order.id))
      if (r.kind === 'return' && r.state === 'accepted') await this.moveIn(uow, r, 'applied', 'page', null);
  }
}

/** What the rules need of an order: its status, when it was delivered, its requests, now. */
export function contextOf(a: OrderAggregate, now: number): RequestContext {
  return { status: a.order.status, deliveredAt: deliveredAt(a.timeline), requests: a.requests, now };
}
