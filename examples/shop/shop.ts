/**
 * The shop's rules: a checkout from a cart, the order placed once per checkout — sent to Comptoir's Orders
 * API for the customer's `user_ref` when they opted in — and the admin's shipments and tracking events.
 */
import { randomBytes } from 'node:crypto';
import { type CartLine, CURRENCY, totalsOf } from './catalogue.ts';
import { ComptoirError, type OrdersApi } from './comptoir.ts';
import type { ShopConfig } from './config.ts';
import type { Address, Checkout, Order, ShopStore } from './store.ts';
import type { OptinEvent } from './webhook.ts';

/** A refusal of the shop's own (an unknown checkout, an order not in Comptoir…), with its HTTP status. */
export class ShopError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Why an order is not followed in Comptoir, in the customer's and the merchant's words. */
const NOT_SENT: Record<string, string> = {
  customer_not_found: 'The Comptoir box was not ticked (or was unticked): no updates in Comptoir for this order.',
  updates_stopped: 'The customer stopped this shop’s updates in Comptoir.',
  page_blocked: 'The customer blocked this shop in Comptoir.',
};

/**
 * An order to show: `order.comptoir` is Comptoir's copy (fresh, or, when `unreachable`, the last one it
 * answered); an order not in Comptoir is the shop's alone.
 */
export interface Seen {
  order: Order;
  /** The order is in Comptoir, but Comptoir did not answer just now. */
  unreachable: boolean;
}

export class Shop {
  private readonly placing = new Map<string, Promise<Order>>();

  constructor(
    readonly config: ShopConfig,
    readonly store: ShopStore,
    readonly api: OrdersApi,
    /** Where people reach the shop (the card's link to the order). */
    private readonly publicUrl: () => string,
  ) {}

  async startCheckout(cart: readonly CartLine[]): Promise<Checkout> {
    if (cart.length === 0) throw new ShopError(400, 'Your cart is empty.');
    const checkout: Checkout = {
      id: randomBytes(16).toString('base64url'),
      number: `FD-${randomBytes(4).toString('hex').toUpperCase()}`,
      userRef: `checkout-${randomBytes(12).toString('base64url')}`,
      lines: cart.map((l) => ({
        productId: l.product.id,
        title: l.product.title,
        subtitle: l.product.subtitle,
        quantity: l.quantity,
        unitPrice: l.product.unitPrice,
      })),
      createdAt: new Date().toISOString(),
      optin: null,
      placedAt: null,
    };
    await this.store.putCheckout(checkout);
    return checkout;
  }

  checkout(id: string): Checkout {
    const c = this.store.checkout(id);
    if (!c) throw new ShopError(404, 'No such checkout.');
    return c;
  }

  /** Back from Comptoir's link flow with `comptoir_optin=<user_ref>`: this checkout's person opted in. */
  async linkReturned(checkout: Checkout, userRef: string): Promise<void> {
    if (userRef !== checkout.userRef || checkout.optin) return;
    await this.store.putCheckout({ ...checkout, optin: { how: 'link', at: new Date().toISOString() } });
  }

  /** `messaging_optins` from the webhook: remembered by user_ref, and on its checkout. */
  async webhookOptins(events: readonly OptinEvent[]): Promise<void> {
    for (const e of events) {
      await this.store.putOptin(e.userRef, e.ref, e.at);
      const checkout = this.store.checkoutByUserRef(e.userRef);
      if (checkout && !checkout.optin)
        await this.store.putCheckout({ ...checkout, optin: { how: 'webhook', at: e.at } });
    }
  }

  /**
   * Places the checkout's order, once: a second submit (at the same time or later) answers the same order.
   * `optinField` is what the checkout page's script was told by the plugin (the user_ref once ticked).
   */
  place(checkoutId: string, address: Address, optinField: string): Promise<Order> {
    const running = this.placing.get(checkoutId);
    if (running) return running;
    const p = this.placeOnce(checkoutId, address, optinField).finally(() => this.placing.delete(checkoutId));
    this.placing.set(checkoutId, p);
    return p;
  }

  private async placeOnce(checkoutId: string, address: Address, optinField: string): Promise<Order> {
    const checkout = this.checkout(checkoutId);
    const existing = this.store.order(checkout.number);
    if (checkout.placedAt && existing) return existing;
    const totals = totalsOf(checkout.lines);
    const optedIn =
      optinField === checkout.userRef || checkout.optin !== null || this.store.optin(checkout.userRef) !== null;
    const order: Order = {
      number: checkout.number,
      checkoutId,
      address,
      lines: checkout.lines,
      shippingCost: totals.shippingCost,
      total: totals.total,
      placedAt: new Date().toISOString(),
      comptoir: null,
      comptoirNote: optedIn ? null : 'The customer did not ask for updates in Comptoir.',
    };
    if (optedIn) {
      try {
        const r = await this.api.create(
          {
            number: checkout.number,
            customer: { user_ref: checkout.userRef },
            currency: CURRENCY,
            // No imageUrl: Comptoir's web app shows only its own images (its CSP), so a link to ours would show
            // broken on the card.
            items: checkout.lines.map((l) => ({
              title: l.title,
              subtitle: l.subtitle,
              quantity: l.quantity,
              unitPrice: l.unitPrice,
            })),
            shippingCost: totals.shippingCost,
            total: totals.total,
            shippingAddress: address,
            paymentMethod: 'Paid on delivery',
            merchantName: this.config.name,
            orderUrl: `${this.publicUrl()}/confirmation/${checkoutId}`,
          },
          // One key per checkout: a retry (after a timeout, a crash) makes no second order.
          `checkout-${checkoutId}`,
        );
        order.comptoir = r.order;
      } catch (e) {
        if (!(e instanceof ComptoirError)) throw e;
        order.comptoirNote = NOT_SENT[e.id] ?? `Comptoir did not take the order: ${e.message}`;
      }
    }
    await this.store.putOrder(order);
    await this.store.putCheckout({ ...checkout, placedAt: order.placedAt });
    return order;
  }

  private followed(number: string): Order & { comptoir: NonNullable<Order['comptoir']> } {
    const order = this.store.order(number);
    if (!order) throw new ShopError(404, `No order ${number}.`);
    if (!order.comptoir) throw new ShopError(409, `Order ${number} is not followed in Comptoir.`);
    return order as Order & { comptoir: NonNullable<Order['comptoir']> };
  }

  /** A shipment (Comptoir's shipments API): a shipping update in the customer's thread. */
  async ship(
    number: string,
    shipment: { carrier: string; trackingNumber: string; trackingUrl?: string },
    key: string,
  ): Promise<Order> {
    const order = this.followed(number);
    const r = await this.api.ship(number, shipment, `ship-${key}`);
    return this.keep(order, r.order);
  }

  /** A tracking event of one of the order's shipments (Comptoir's tracking events API). */
  async track(
    number: string,
    shipmentId: string,
    event: { status: string; place?: string; description?: string },
    key: string,
  ): Promise<Order> {
    const order = this.followed(number);
    const r = await this.api.track(number, shipmentId, event, `track-${key}`);
    return this.keep(order, r.order);
  }

  /**
   * The order marked returned (`PATCH {status: "returned"}`) once the parcel is back: Comptoir applies the
   * returns it accepted, and the customer's card says so.
   */
  async markReturned(number: string, key: string): Promise<Order> {
    const order = this.followed(number);
    const r = await this.api.update(number, { status: 'returned' }, `returned-${key}`);
    return this.keep(order, r.order);
  }

  /** The orders, newest first, each as Comptoir now has it (a customer may have changed it there). */
  async orders(): Promise<Seen[]> {
    return Promise.all(this.store.orders().map((o) => this.refreshed(o)));
  }

  /** The checkout's order, as Comptoir now has it; null while it is not placed. */
  async checkoutOrder(checkoutId: string): Promise<Seen | null> {
    const c = this.checkout(checkoutId);
    const order = c.placedAt ? this.store.order(c.number) : null;
    return order ? this.refreshed(order) : null;
  }

  private async refreshed(o: Order): Promise<Seen> {
    if (!o.comptoir) return { order: o, unreachable: false };
    try {
      return { order: await this.keep(o, (await this.api.get(o.number)).order), unreachable: false };
    } catch {
      return { order: o, unreachable: true }; // what Comptoir last said, and the page says so
    }
  }

  private async keep(order: Order, view: NonNullable<Order['comptoir']>): Promise<Order> {
    const latest = this.store.order(order.number) ?? order;
    // Nothing newer (or an older answer, overtaken): nothing to write.
    if (latest.comptoir && latest.comptoir.version >= view.version) return latest;
    const next = { ...latest, comptoir: view };
    await this.store.putOrder(next);
    return next;
  }
}
