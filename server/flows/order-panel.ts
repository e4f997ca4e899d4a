import type {
  CancelOrderBody,
  OrderResponse,
  OrdersResponse,
  RefundBody,
  RefundResponse,
  ShipmentResponse,
} from '../../protocol/commerce.ts';
import { panelOrdersLimit } from '../../protocol/commerce.ts';
import type { Answer } from '../commerce/idempotency.ts';
import type { OrderPanelApi } from '../commerce/panel-routes.ts';
import type { CommerceService } from '../commerce/service.ts';
import { AppError } from '../errors.ts';
import { threadOf } from '../inbox/policy.ts';
import type { UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { OrderFlows } from './orders.ts';

/** How many conversations an order or tracking number search adds to the inbox's list, at most. */
const SEARCH_LIMIT = 100;

/**
 * The business inbox's order panel, across domains, each way read top to bottom:
 * - the panel of a conversation → the person runs the page (pages) → the conversation is one of the
 *   page's threads, and its customer (inbox) → the customer's orders with the page (commerce), newest first;
 * - an agent cancels, refunds or resends tracking → the person runs the page, checked in the job → the
 *   orders flow (flows/orders.ts), as the Orders API does it: the order, the page's message in the thread,
 *   `order.updated`;
 * - the inbox's search (`InboxService.searchExtensions`) → the page's conversations whose order number or
 *   tracking number is the query or begins with it, case aside (commerce).
 * Someone who does not run the page — an agent of another page — learns nothing: the answer of an unknown
 * order (or conversation, for the list).
 */
export class OrderPanel implements OrderPanelApi {
  constructor(
    private readonly storage: Storage,
    private readonly commerce: CommerceService,
    private readonly orders: OrderFlows,
  ) {}

  async list(userId: string, pageId: string, conversationId: string): Promise<OrdersResponse> {
    const r = this.storage.reader;
    if (!(await r.pages.pageMember(pageId, userId))) throw new AppError('conversation_not_found');
    const thread = await threadOf(r, pageId, conversationId, Date.now());
    const records = await r.commerce.ordersOfCustomer(pageId, thread.personId, panelOrdersLimit);
    return { orders: await Promise.all(records.map((o) => this.commerce.view(o))) };
  }

  cancel(
    userId: string,
    pageId: string,
    number: string,
    body: CancelOrderBody,
    key: string | null,
  ): Promise<Answer<OrderResponse> & { replayed: boolean }> {
    return this.orders.cancel({ pageId, idempotencyKey: key }, number, body, this.member(pageId, userId));
  }

  refund(
    userId: string,
    pageId: string,
    number: string,
    body: RefundBody,
    key: string | null,
  ): Promise<Answer<RefundResponse> & { replayed: boolean }> {
    return this.orders.refund({ pageId, idempotencyKey: key }, number, body, this.member(pageId, userId));
  }

  resend(userId: string, pageId: string, number: string, shipmentId: string): Promise<ShipmentResponse> {
    return this.orders.resend(pageId, number, shipmentId, this.member(pageId, userId));
  }

  /**
   * The inbox's search extension: the page's conversations by an order's number or a shipment's tracking
   * number, the whole of it or its beginning, case aside (ASCII letters).
   */
  async search(pageId: string, query: string): Promise<string[]> {
    const folded = query.trim().replace(/[A-Z]+/g, (m) => m.toLowerCase());
    if (folded === '') return [];
    return this.storage.reader.commerce.conversationsByOrderSearch(pageId, folded, SEARCH_LIMIT);
  }

  /** Checked first in the job: the person runs the page; anyone else gets an unknown order's answer. */
  private member(pageId: string, userId: string) {
    return async (uow: UnitOfWork) => {
      if (!(await uow.tx.pages.pageMember(pageId, userId)))
        throw new AppError('order_not_found', 'No such order for this page', { field: 'number' });
    };
  }
}
