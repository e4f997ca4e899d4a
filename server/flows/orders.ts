import type {
  CreateOrderBody,
  CreateShipmentBody,
  CustomerRef,
  OrderMessageView,
  OrderResponse,
  OrderTrackedView,
  OrderView,
  RefundBody,
  RefundResponse,
  RefundView,
  ShipmentResponse,
  ShippingUpdateView,
  TrackingEventBody,
  UpdateOrderBody,
} from '../../protocol/commerce.ts';
import type { MessageContent } from '../../protocol/content.ts';
import { exponentOf, toMajorUnits } from '../../protocol/currencies.ts';
import type { MessageView } from '../../protocol/views.ts';
import { type Answer, fingerprintOf, idempotentIn, type OrderCall } from '../commerce/idempotency.ts';
import { orderOfReceipt, type ReceiptTemplate, receiptOf, receiptRefusal } from '../commerce/receipts.ts';
import type { OrderRequests } from '../commerce/requests.ts';
import type { CommerceService, Customer, OrderChange, OrderInput } from '../commerce/service.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import type { ConversationsService } from '../messaging/conversations.ts';
import type { MessagesService } from '../messaging/messages.ts';
import type { PagesService } from '../pages/service.ts';
import type { Standing } from '../platform/optins-store.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { ReadHint } from '../storage/types.ts';

/** An amount for a message's text, in major units with the currency's decimals: "12.50 EUR", "1200 JPY". */
const moneyText = (minor: number, currency: string) =>
  `${toMajorUnits(minor, currency).toFixed(exponentOf(currency))} ${currency}`;

/** What a caller must be, checked first in the job (the inbox's order panel: a member of the page). */
export type Check = (uow: UnitOfWork) => Promise<void>;

const shipmentWords: Record<string, string> = {
  label_created: 'label created',
  in_transit: 'in transit',
  out_for_delivery: 'out for delivery',
  delivered: 'delivered',
  exception: 'delivery exception',
};

/**
 * Commerce in the thread, each way read top to bottom:
 * - a merchant creates an order (Orders API) → the customer by the id the page knows them by (pages) →
 *   their conversation with the page, created if needed (messaging) → the order placed (commerce) → its
 *   receipt card, as the page's message (messaging: the page inbox and the apps' echoes follow from its
 *   event) → `order.updated` to both members;
 * - a shipment or a tracking event → the order moves (commerce) → a shipping update in the same thread
 *   → `order.updated` (a tracking event: its change alone, carried by the update's `message.created`, or
 *   `order.tracked` when no update is posted), so every device changes the card in place;
 * - an update or a cancellation → the order (commerce) → `order.updated`;
 * - an app sends a receipt template (Send API) → the page's order with that number, created or updated
 *   (never a second one) → the receipt, as that order's card → `order.updated`.
 * Each in ONE job: nothing half-written. Post-purchase updates need no messaging window: the page sends
 * them about an order the person placed.
 */
export class OrderFlows {
  constructor(
    private readonly committer: Committer,
    private readonly commerce: CommerceService,
    private readonly pages: PagesService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    /** The person's standing with the page, cached (OptinsService.standingOf), a miss read in the job. */
    private readonly standing: (pageId: string, userId: string, uow: UnitOfWork) => Promise<Standing>,
    private readonly requests: OrderRequests,
  ) {}

  async create(call: OrderCall, body: CreateOrderBody): Promise<Answer<OrderResponse> & { replayed: boolean }> {
    const { customer: ref, ...input } = body;
    // Checked before the job: a wrong currency or total never costs a transaction.
    this.commerce.check(input);
    return this.committer.run(
      (uow) =>
        idempotentIn(
          uow,
          call.pageId,
          call.idempotencyKey,
          () => fingerprintOf('create', body),
          async () => {
            // Every check before the first write (a new thread is one): a refused job leaves nothing behind.
            await this.commerce.requireNumberFreeIn(uow, call.pageId, input.number);
            const customer = await this.customerIn(uow, call.pageId, ref);
            const change = await this.commerce.placeIn(uow, call.pageId, customer, input);
            await this.postIn(uow, change, 'receipt');
            await this.announceIn(uow, change);
            return { status: 201, body: { order: change.view } };
          },
        ),
      { ...orderHint(call.pageId, input.number, 'psid' in ref ? ref.psid : undefined), events: 2 },
    );
  }

  /** A merchant's change; marking the order returned applies the returns the page accepted. */
  async update(call: OrderCall, number: string, body: UpdateOrderBody) {
    return this.change(call, number, `update ${number}`, body, async (uow) => {
      if (body.status === 'returned')
        await this.requests.applyReturnsIn(uow, await this.commerce.requireIn(uow, call.pageId, number));
      // A change of items closes the open requests that named the old ones by their place.
      return this.requests.closeStaleIn(uow, await this.commerce.updateIn(uow, call.pageId, number, body));
    });
  }

  /** `check`: what the caller must be, checked first in the job (the inbox's panel: a member of the page). */
  async cancel(call: OrderCall, number: string, body: { reason?: string | undefined }, check?: Check) {
    return this.change(
      call,
      number,
      `cancel ${number}`,
      body,
      async (uow) =>
        this.requests.closeOpenIn(
          uow,
          await this.commerce.cancelIn(uow, call.pageId, number, body.reason ?? null),
          'cancelled',
        ),
      check,
    );
  }

  /**
   * A refund the merchant recorded → the order (commerce: never more than its total) → the page's message
   * in the thread ("Refund of 12.50 EUR recorded for order 1042"; none once the customer stopped the page's
   * updates) → `order.updated`.
   */
  async refund(
    call: OrderCall,
    number: string,
    body: RefundBody,
    check?: Check,
  ): Promise<Answer<RefundResponse> & { replayed: boolean }> {
    return this.committer.run(
      async (uow) => {
        await check?.(uow);
        return idempotentIn(
          uow,
          call.pageId,
          call.idempotencyKey,
          () => fingerprintOf(`refund ${number}`, body),
          async () => {
            const change = await this.commerce.refundIn(uow, call.pageId, number, body);
            const refund = change.view.refunds.find((r) => r.id === change.refund.id);
            if (!refund) throw new AppError('internal', 'the refund is not in its order');
            if (await this.updatesWantedIn(uow, change)) await this.postIn(uow, change, 'refund', { refund });
            await this.announceIn(uow, change);
            return { status: 201, body: { order: change.view, refund } };
          },
        );
      },
      orderHint(call.pageId, number),
    );
  }

  /**
   * "Resend tracking": the shipment's current shipping update posted again in the thread (a customer who
   * lost it, or asks where their parcel is): its last tracking event, or the shipment itself before any.
   * The order does not change (no new version, no event of its own). Refused once the customer stopped the
   * page's updates, or blocked it: the agent is told, nothing is posted.
   */
  async resend(pageId: string, number: string, shipmentId: string, check?: Check): Promise<ShipmentResponse> {
    return this.committer.run(
      async (uow) => {
        await check?.(uow);
        const change = await this.commerce.shipmentIn(uow, pageId, number, shipmentId);
        const { customerId } = change.aggregate.order;
        const standing = await uow.tx.optins.standing(pageId, customerId);
        if (standing.blockedAt !== null) throw new AppError('page_blocked', undefined, { field: 'customer' });
        if (standing.updatesStoppedAt !== null) throw new AppError('updates_stopped', undefined, { field: 'customer' });
        const last = change.aggregate.timeline.findLast((t) => t.kind === 'tracking' && t.shipmentId === shipmentId);
        if (last) await this.postIn(uow, change, 'tracking', { seen: last });
        else await this.postIn(uow, change, 'shipment');
        return this.withShipment(change);
      },
      orderHint(pageId, number),
    );
  }

  async ship(
    call: OrderCall,
    number: string,
    body: CreateShipmentBody,
  ): Promise<Answer<ShipmentResponse> & { replayed: boolean }> {
    return this.committer.run(
      (uow) =>
        idempotentIn(
          uow,
          call.pageId,
          call.idempotencyKey,
          () => fingerprintOf(`ship ${number}`, body),
          async () => {
            const change = await this.requests.closeOpenIn(
              uow,
              await this.commerce.shipIn(uow, call.pageId, number, body),
              'shipped',
            );
            if (await this.updatesWantedIn(uow, change)) await this.postIn(uow, change, 'shipment');
            await this.announceIn(uow, change);
            return { status: 201, body: this.withShipment(change) };
          },
        ),
      orderHint(call.pageId, number),
    );
  }

  async track(
    call: OrderCall,
    number: string,
    shipmentId: string,
    body: TrackingEventBody,
  ): Promise<Answer<ShipmentResponse> & { replayed: boolean }> {
    return this.committer.run(
      (uow) =>
        idempotentIn(
          uow,
          call.pageId,
          call.idempotencyKey,
          () => fingerprintOf(`track ${number} ${shipmentId}`, body),
          async () => {
            const change = await this.commerce.trackIn(uow, call.pageId, number, shipmentId, body);
            // The shipping update's message.created carries the order's change: one event for both.
            const posted = await this.updatesWantedIn(uow, change);
            if (posted)
              await this.postIn(uow, change, 'tracking', {
                seen: {
                  place: body.place ?? null,
                  description: body.description ?? null,
                  at: change.aggregate.timeline.findLast((t) => t.kind === 'tracking')?.at ?? uow.now,
                },
                orderChange: change.tracked,
              });
            await this.announceIn(uow, change, posted);
            return { status: 201, body: this.withShipment(change) };
          },
        ),
      orderHint(call.pageId, number),
    );
  }

  get(pageId: string, number: string): Promise<OrderView> {
    return this.commerce.get(pageId, number);
  }

  /**
   * An order as a person sees it in a thread: its customer, or one of the people who run its page (the
   * inbox). Anyone else learns nothing of it (order_not_found).
   */
  async viewFor(userId: string, orderId: string): Promise<OrderView> {
    const order = await this.commerce.byId(orderId);
    if (!order) throw new AppError('order_not_found');
    if (order.customerId !== userId) {
      try {
        await this.pages.actAs(userId, order.pageId);
      } catch {
        throw new AppError('order_not_found');
      }
    }
    return this.commerce.view(order);
  }

  /**
   * A receipt template read as the page's order and checked (amounts, currency, totals): what `receipt`
   * checks first, and what the Send API checks before it writes anything for a receipt (the thread and PSID
   * a first send to a user_ref opens), so that a refused receipt leaves nothing behind. Refused naming the
   * template's field, its amounts as the template sent them (commerce/receipts.ts).
   */
  checkReceipt(template: ReceiptTemplate): OrderInput {
    const input = orderOfReceipt(template);
    try {
      this.commerce.check(input);
    } catch (e) {
      throw receiptRefusal(e, input);
    }
    return input;
  }

  /**
   * A receipt that would open the person's thread with the page (a first send to a user_ref), checked
   * before the thread and the PSID are made: as checkReceipt, and its number is not another person's order
   * (they have no thread with the page yet, so no order of theirs has it) — refused as the job would refuse
   * it, order_number_taken naming order_number.
   */
  async checkFirstReceipt(template: ReceiptTemplate, pageId: string, personId: string): Promise<void> {
    const input = this.checkReceipt(template);
    const owner = await this.commerce.numberOwner(pageId, input.number);
    if (owner !== null && owner !== personId)
      throw receiptRefusal(
        new AppError('order_number_taken', `number: order ${input.number} is another person’s`, { field: 'number' }),
        input,
      );
  }

  /**
   * A receipt template an app sends through the Send API, in the thread it resolved: the page's order with
   * that number, created or brought up to date (one order per number, whatever the number of receipts),
   * then the receipt as that order's card.
   */
  async receipt(
    pageId: string,
    thread: { userId: string; conversationId: string; psid: string },
    content: MessageContent & { attachment: { type: 'template'; template: ReceiptTemplate } },
    text: string,
  ): Promise<MessageView> {
    const input = this.checkReceipt(content.attachment.template);
    return this.committer
      .run(async (uow) => {
        const customer: Customer = { ...thread };
        // Other items than before close the open requests that named the old ones by their place.
        const change = await this.requests.closeStaleIn(
          uow,
          await this.commerce.receiptIn(uow, pageId, customer, input),
        );
        const order: OrderMessageView = {
          orderId: change.view.id,
          kind: 'receipt',
          shipmentId: null,
          status: null,
          snapshot: change.view,
          update: null,
        };
        const sent = await this.messages.sendIn(uow, pageId, {
          conversationId: thread.conversationId,
          clientId: `graph-${newId()}`,
          freshClientId: true,
          text,
          content: { ...content, order },
        });
        if (change.changed) await this.announceIn(uow, change);
        return sent.message;
      })
      .catch((e: unknown) => {
        // The order's refusals in the job (another person's number, an order shipped), as the receipt's.
        throw receiptRefusal(e, input);
      });
  }

  private change(
    call: OrderCall,
    number: string,
    operation: string,
    body: unknown,
    work: (uow: UnitOfWork) => Promise<OrderChange>,
    /** Checked before the idempotency key is even looked up: a replay answers only who may ask. */
    check?: Check,
  ): Promise<Answer<OrderResponse> & { replayed: boolean }> {
    return this.committer.run(
      async (uow) => {
        await check?.(uow);
        return idempotentIn(
          uow,
          call.pageId,
          call.idempotencyKey,
          () => fingerprintOf(operation, body),
          async () => {
            const change = await work(uow);
            await this.announceIn(uow, change);
            return { status: 200, body: { order: change.view } };
          },
        );
      },
      orderHint(call.pageId, number),
    );
  }

  /**
   * The person a PSID of this page names (never another page's), or who opted in at the page's checkout
   * with this user_ref (their PSID made now if the page did not know them yet), and their thread with the
   * page. A person who stopped the page's updates, or blocked it, gets no new order from it.
   */
  private async customerIn(uow: UnitOfWork, pageId: string, ref: CustomerRef): Promise<Customer> {
    let userId: string | null;
    if ('psid' in ref) {
      userId = await uow.tx.pages.userByPsid(pageId, ref.psid);
      if (!userId)
        throw new AppError('customer_not_found', `customer.psid: nobody has the id ${ref.psid} for this page`, {
          field: 'customer.psid',
        });
    } else {
      const optin = await uow.tx.optins.optin(pageId, ref.user_ref);
      if (!optin || optin.revokedAt !== null)
        throw new AppError(
          'customer_not_found',
          `customer.user_ref: nobody opted in with ${ref.user_ref} for this page, or they unticked it`,
          { field: 'customer.user_ref' },
        );
      userId = optin.userId;
    }
    // The standing as this process last read it (at most a second old, forgotten on its own changes);
    // read afresh in the job before refusing.
    const known = await this.standing(pageId, userId, uow);
    if (known.blockedAt !== null || known.updatesStoppedAt !== null) {
      const standing = await uow.tx.optins.standing(pageId, userId);
      if (standing.blockedAt !== null) throw new AppError('page_blocked', undefined, { field: 'customer' });
      if (standing.updatesStoppedAt !== null) throw new AppError('updates_stopped', undefined, { field: 'customer' });
    }
    const psid = 'psid' in ref ? ref.psid : await this.pages.psidIn(uow, pageId, userId);
    const conversationId = await this.conversations.directWithPageIn(uow, userId, pageId);
    return { userId, psid, conversationId };
  }

  /**
   * The order's message in its thread, as the page: the receipt card (with the order as placed), a
   * shipping update (what it announces: the parcel, and where and when a tracking event was seen), or a
   * refund (its amount and reason).
   */
  private async postIn(
    uow: UnitOfWork,
    change: OrderChange,
    kind: OrderMessageView['kind'],
    {
      seen = null,
      refund = null,
      orderChange,
    }: {
      /** Where and when a tracking event was seen (a shipping update). */
      seen?: { place: string | null; description: string | null; at: number } | null;
      refund?: RefundView | null;
      /** The order's change, carried by the message's event (a tracking event's shipping update). */
      orderChange?: OrderTrackedView | undefined;
    } = {},
  ) {
    const { view, shipment } = change;
    const update: ShippingUpdateView | null =
      kind === 'receipt' || kind === 'refund' || !shipment
        ? null
        : {
            number: view.number,
            carrier: shipment.carrier,
            trackingNumber: shipment.trackingNumber,
            trackingUrl: shipment.trackingUrl,
            place: seen?.place ?? null,
            description: seen?.description ?? null,
            at: new Date(seen?.at ?? shipment.createdAt).toISOString(),
          };
    const order: OrderMessageView = {
      orderId: view.id,
      kind,
      shipmentId: shipment?.id ?? null,
      status: shipment?.status ?? null,
      snapshot: kind === 'receipt' ? view : null,
      update,
      ...(refund ? { refund: { number: view.number, currency: view.currency, ...refund } } : {}),
    };
    // The text is what a notification or an app's echo shows; people see the card (web: OrderCard).
    // A receipt is also Messenger's receipt template, for the apps' echoes; its recipient is the person.
    const recipient = async () =>
      view.shippingAddress?.name ??
      (await uow.tx.accounts.userById(change.aggregate.order.customerId))?.displayName ??
      view.customer.psid;
    const content: MessageContent =
      kind === 'receipt'
        ? { attachment: { type: 'template', template: receiptOf(view, await recipient()) }, order }
        : { order };
    const text =
      kind === 'receipt'
        ? ''
        : kind === 'refund'
          ? `Refund of ${moneyText(refund?.amount ?? 0, view.currency)} recorded for order ${view.number}`
          : shipment && kind === 'shipment'
            ? `Order ${view.number} shipped with ${shipment.carrier}, tracking ${shipment.trackingNumber}`
            : `Order ${view.number}: ${shipmentWords[shipment?.status ?? ''] ?? shipment?.status}${seen?.place ? ` — ${seen.place}` : ''}`;
    await this.messages.sendIn(uow, view.pageId, {
      conversationId: change.aggregate.order.conversationId,
      // Time-ordered, like the message's id: appended at the end of the page's client ids, never between.
      clientId: `order-${newId(uow.now)}`,
      freshClientId: true,
      text,
      content,
      orderChange,
    });
  }

  /**
   * Whether the customer still takes the page's updates: once they stopped them (or blocked the page), a
   * shipment or tracking event changes the order and its card in place, but posts nothing in the thread
   * (no message, no notification). Read from the cache, afresh in the job before keeping silent.
   */
  private async updatesWantedIn(uow: UnitOfWork, change: OrderChange): Promise<boolean> {
    const { pageId, customerId } = change.aggregate.order;
    const known = await this.standing(pageId, customerId, uow);
    if (known.updatesStoppedAt === null && known.blockedAt === null) return true;
    const standing = await uow.tx.optins.standing(pageId, customerId);
    return standing.updatesStoppedAt === null && standing.blockedAt === null;
  }

  private announceIn(uow: UnitOfWork, change: OrderChange, carried = false) {
    return announceOrderIn(uow, this.commerce, change, carried);
  }

  private withShipment(change: OrderChange): ShipmentResponse {
    const shipment = change.view.shipments.find((s) => s.id === change.shipment?.id);
    if (!shipment) throw new AppError('internal', 'the shipment is not in its order');
    return { order: change.view, shipment };
  }
}

/**
 * The order's change, to both members of its thread: the card changes in place on every device — a
 * tracking event's change alone (`order.tracked`; nothing more when its shipping update's `message.created`
 * `carried` it), any other the order as it now is (`order.updated`). Last in its job: the order's next
 * change starts from this aggregate (kept by commerce once durable).
 */
/**
 * What a job on the page's order with this number reads first — and, for a new order whose customer is
 * named by page-scoped id, who that is (ReadHint: loaded per batch on PostgreSQL).
 */
const orderHint = (pageId: string, number: string, psid?: string): ReadHint => ({ order: { pageId, number, psid } });

export async function announceOrderIn(
  uow: UnitOfWork,
  commerce: CommerceService,
  change: OrderChange,
  carried = false,
) {
  commerce.keepIn(uow, change);
  if (carried && change.tracked) return;
  const { conversationId, customerId, pageId } = change.aggregate.order;
  await uow.emit({
    event: change.tracked
      ? { type: 'order.tracked', conversationId, change: change.tracked }
      : { type: 'order.updated', conversationId, order: change.view },
    scope: { conversationId },
    audience: [customerId, pageId],
  });
}
