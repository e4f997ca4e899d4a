/**
 * The shop's side of Comptoir's Orders API (docs/COMMERCE.md): a page access token, JSON bodies, the error
 * envelope `{error: {id, message, details?}}`, an Idempotency-Key on every create. Only the fields the shop
 * uses are typed here.
 */

export interface TrackingEventView {
  status: string;
  place: string | null;
  description: string | null;
  at: string;
}
export interface ShipmentView {
  id: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  status: string;
  events: TrackingEventView[];
}
export interface OrderItemView {
  title: string;
  subtitle: string | null;
  quantity: number;
  unitPrice: number;
}
export interface AddressView {
  name: string | null;
  street1: string;
  street2: string | null;
  city: string;
  postalCode: string;
  state: string | null;
  country: string;
}
/** A customer's request on the order (change, cancel, return), as far as the shop reads it. */
export interface OrderRequestView {
  id: string;
  kind: 'change' | 'cancel' | 'return';
  state: string;
}
export interface OrderView {
  id: string;
  number: string;
  status: string;
  /** The order as Comptoir now has it: a customer's accepted change may have changed items, total, address. */
  items: OrderItemView[];
  shippingCost: number;
  total: number;
  refunded: number;
  shippingAddress: AddressView | null;
  shipments: ShipmentView[];
  requests: OrderRequestView[];
  version: number;
  updatedAt: string;
}

export interface OrderItem {
  title: string;
  subtitle?: string;
  quantity: number;
  unitPrice: number;
  imageUrl?: string;
}
export interface NewOrder {
  number: string;
  customer: { user_ref: string } | { psid: string };
  currency: string;
  items: OrderItem[];
  shippingCost: number;
  total: number;
  shippingAddress?: { name?: string; street1: string; city: string; postalCode: string; country: string };
  paymentMethod?: string;
  merchantName?: string;
  orderUrl?: string;
}

/** A refusal of Comptoir's (its stable error id, HTTP status and message), or `network` when it did not answer. */
export class ComptoirError extends Error {
  constructor(
    readonly id: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class OrdersApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/commerce/orders${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new ComptoirError('network', 0, `Comptoir did not answer: ${(e as Error).message}`);
    }
    const json = (await res.json().catch(() => null)) as (T & { error?: { id: string; message: string } }) | null;
    if (!res.ok) {
      throw new ComptoirError(
        json?.error?.id ?? 'http_error',
        res.status,
        json?.error?.message ?? `Comptoir answered ${res.status}`,
      );
    }
    return json as T;
  }

  create(order: NewOrder, idempotencyKey: string): Promise<{ order: OrderView }> {
    return this.call('POST', '', order, idempotencyKey);
  }

  get(number: string): Promise<{ order: OrderView }> {
    return this.call('GET', `/${encodeURIComponent(number)}`);
  }

  /** A merchant's change (`PATCH`): here, `{status: "returned"}` once the parcel is back. */
  update(number: string, change: { status: 'returned' }, idempotencyKey: string): Promise<{ order: OrderView }> {
    return this.call('PATCH', `/${encodeURIComponent(number)}`, change, idempotencyKey);
  }

  ship(
    number: string,
    shipment: { carrier: string; trackingNumber: string; trackingUrl?: string },
    idempotencyKey: string,
  ): Promise<{ order: OrderView; shipment: ShipmentView }> {
    return this.call('POST', `/${encodeURIComponent(number)}/shipments`, shipment, idempotencyKey);
  }

  track(
    number: string,
    shipmentId: string,
    event: { status: string; place?: string; description?: string },
    idempotencyKey: string,
  ): Promise<{ order: OrderView; shipment: ShipmentView }> {
    return this.call(
      'POST',
      `/${encodeURIComponent(number)}/shipments/${encodeURIComponent(shipmentId)}/events`,
      event,
      idempotencyKey,
    );
  }
}
