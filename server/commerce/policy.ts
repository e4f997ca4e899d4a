import type { OrderStatus, ShipmentStatus } from '../../protocol/commerce.ts';
import { isCurrency } from '../../protocol/currencies.ts';
import { AppError } from '../errors.ts';

/**
 * The rules of orders and shipments, pure: which moves of state are legal, what totals must add up to,
 * which currencies exist, what a shipment may hold. Each refusal names its field or its rule.
 */

/** The moves of an order a merchant asks for (PATCH status, cancel); the others follow from shipments. */
const orderMoves: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['processing', 'cancelled'],
  processing: ['cancelled'],
  partially_shipped: [],
  shipped: [],
  delivered: ['returned'],
  cancelled: [],
  returned: [],
};

/** Why a move is refused, in words a developer reads in the error. */
const orderRules: Partial<Record<OrderStatus, string>> = {
  processing: 'an order moves to processing only from placed',
  cancelled: 'an order can be cancelled only before anything is shipped (placed or processing)',
  returned: 'an order can be returned only once delivered',
};

/** Throws invalid_transition unless the order may move from `from` to `to`. */
export function checkOrderMove(from: OrderStatus, to: OrderStatus): void {
  if (orderMoves[from].includes(to)) return;
  const rule = orderRules[to] ?? `${to} follows from the shipments; it is not set by hand`;
  throw new AppError('invalid_transition', `status: ${from} → ${to} is not allowed: ${rule}`, {
    field: 'status',
    from,
    to,
    rule,
  });
}

/**
 * A shipment's legal moves: forward along label_created → in_transit → out_for_delivery → delivered
 * (carriers skip scans), another in_transit scan at a new place, out_for_delivery back to in_transit (a
 * failed attempt), an exception from any undelivered state and out of it again; delivered is final.
 */
const shipmentMoves: Readonly<Record<ShipmentStatus, readonly ShipmentStatus[]>> = {
  label_created: ['in_transit', 'out_for_delivery', 'delivered', 'exception'],
  in_transit: ['in_transit', 'out_for_delivery', 'delivered', 'exception'],
  out_for_delivery: ['in_transit', 'delivered', 'exception'],
  exception: ['label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception'],
  delivered: [],
};

/** Throws invalid_transition unless a shipment may move from `from` to `to`. */
export function checkShipmentMove(from: ShipmentStatus, to: ShipmentStatus): void {
  if (shipmentMoves[from].includes(to)) return;
  const rule =
    from === 'delivered'
      ? 'a delivered shipment takes no more tracking events'
      : `from ${from} a shipment moves to ${shipmentMoves[from].join(', ')}`;
  throw new AppError('invalid_transition', `status: shipment ${from} → ${to} is not allowed: ${rule}`, {
    field: 'status',
    from,
    to,
    rule,
  });
}

/** Orders whose shipments may still be created. */
export const canShipFrom = (s: OrderStatus): boolean =>
  s === 'placed' || s === 'processing' || s === 'partially_shipped';
/** Orders whose items, prices and address may still change. */
export const editable = (s: OrderStatus): boolean => s === 'placed' || s === 'processing';

/** Throws unknown_currency unless `code` is a currency in use. */
export function checkCurrency(code: string, field = 'currency'): void {
  if (!isCurrency(code))
    throw new AppError('unknown_currency', `${field}: ${code} is not an ISO 4217 currency code in use`, {
      field,
      currency: code,
    });
}

export interface Priced {
  items: readonly { quantity: number; unitPrice: number }[];
  adjustments: readonly { amount: number }[];
  taxes: readonly { amount: number }[];
  shippingCost: number;
  total: number;
}

/** Σ quantity × unit price. */
export const subtotalOf = (items: Priced['items']): number => items.reduce((s, i) => s + i.quantity * i.unitPrice, 0);

/** What the total must be. */
export const expectedTotal = (p: Omit<Priced, 'total'>): number =>
  subtotalOf(p.items) +
  p.adjustments.reduce((s, a) => s + a.amount, 0) +
  p.taxes.reduce((s, t) => s + t.amount, 0) +
  p.shippingCost;

/** Throws totals_mismatch unless the total adds up (and is not negative once discounts are taken). */
export function checkTotals(p: Priced): void {
  const expected = expectedTotal(p);
  if (!Number.isSafeInteger(expected))
    throw new AppError('totals_mismatch', 'items: the amounts are too large to add up', { field: 'items' });
  if (expected !== p.total)
    throw new AppError(
      'totals_mismatch',
      `total: ${p.total} given, but items (${subtotalOf(p.items)}) + adjustments + taxes + shipping cost = ${expected}`,
      { field: 'total', given: p.total, expected },
    );
}

/**
 * What a new shipment holds: the items asked (each within what is left to ship of it), or everything
 * left; throws shipment_items_invalid naming the item.
 */
export function shipmentItems(
  ordered: readonly { quantity: number }[],
  shipped: readonly { item: number; quantity: number }[],
  asked: readonly { item: number; quantity: number }[] | undefined,
): { item: number; quantity: number }[] {
  const left = ordered.map((i) => i.quantity);
  for (const s of shipped) left[s.item] = (left[s.item] ?? 0) - s.quantity;
  if (asked === undefined) {
    const rest = left.flatMap((quantity, item) => (quantity > 0 ? [{ item, quantity }] : []));
    if (rest.length === 0)
      throw new AppError('shipment_items_invalid', 'items: everything in this order is already shipped', {
        field: 'items',
      });
    return rest;
  }
  const merged = new Map<number, number>();
  for (const a of asked) merged.set(a.item, (merged.get(a.item) ?? 0) + a.quantity);
  for (const [item, quantity] of merged) {
    const index = asked.findIndex((a) => a.item === item);
    if (item >= ordered.length)
      throw new AppError('shipment_items_invalid', `items.${index}.item: the order has no item ${item}`, {
        field: `items.${index}.item`,
      });
    if (quantity > (left[item] ?? 0))
      throw new AppError(
        'shipment_items_invalid',
        `items.${index}.quantity: ${quantity} asked, ${left[item] ?? 0} of item ${item} left to ship`,
        { field: `items.${index}.quantity`, left: left[item] ?? 0 },
      );
  }
  return [...merged].map(([item, quantity]) => ({ item, quantity }));
}

/**
 * The order's status as its shipments make it: shipped once every item is in a shipment, delivered once
 * those are all delivered, partially shipped before. `current` is kept when no shipment exists or the
 * order is closed (cancelled, returned).
 */
export function statusFromShipments(
  current: OrderStatus,
  ordered: readonly { quantity: number }[],
  shipments: readonly { status: ShipmentStatus; items: readonly { item: number; quantity: number }[] }[],
): OrderStatus {
  if (current === 'cancelled' || current === 'returned' || shipments.length === 0) return current;
  const left = ordered.map((i) => i.quantity);
  for (const s of shipments) for (const i of s.items) left[i.item] = (left[i.item] ?? 0) - i.quantity;
  if (left.some((q) => q > 0)) return 'partially_shipped';
  return shipments.every((s) => s.status === 'delivered') ? 'delivered' : 'shipped';
}
