import type { OrderView } from '../../../protocol/commerce.ts';
import { commerceLimits } from '../../../protocol/commerce.ts';
import { exponentOf, toMinorUnits } from '../../../protocol/currencies.ts';
import type { OrderRequestView } from '../../../protocol/order-requests.ts';

/**
 * The order panel's rules, pure (tested without a browser): an amount typed in the currency's major units
 * read into minor units, the newest view of each order, what an agent may do with one.
 */

/**
 * What an agent types as a refund ("12.50", "12,50", "1 200") in the order's currency's major units, in
 * minor units (1250); null when it is not a positive amount with at most the currency's decimals.
 */
export function minorUnitsOf(input: string, currency: string): number | null {
  const text = input.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const decimals = text.split('.')[1]?.length ?? 0;
  if (decimals > exponentOf(currency)) return null;
  const minor = toMinorUnits(Number(text), currency);
  if (minor === null || minor < 1 || minor > commerceLimits.amount) return null;
  return minor;
}

/** An example amount in the currency's major units, for the form's hint ("12.50", "1200", "1.250"). */
export const exampleAmount = (currency: string): string => {
  const e = exponentOf(currency);
  return e === 0 ? '1200' : `12.${'5'.padEnd(e, '0')}`;
};

/** Each order as its newest view: the list read, or a later version the page's events brought. */
export function newestOrders(list: readonly OrderView[], live: Readonly<Record<string, OrderView>>): OrderView[] {
  return list.map((o) => {
    const l = live[o.id];
    return l && l.version > o.version ? l : o;
  });
}

/** Ids of the page's orders the page's events brought that the list does not hold: the list is read again. */
export function unknownOrders(
  list: readonly OrderView[],
  live: Readonly<Record<string, OrderView>>,
  pageId: string,
  seen: ReadonlySet<string>,
): string[] {
  const listed = new Set(list.map((o) => o.id));
  return Object.values(live)
    .filter((o) => o.pageId === pageId && !listed.has(o.id) && !seen.has(o.id))
    .map((o) => o.id);
}

/**
 * Ids of the listed orders a tracking change announced a version of that the store could not apply (it
 * held an older one: `State.orderHeads`): the list is read again.
 */
export function staleOrders(
  list: readonly OrderView[],
  live: Readonly<Record<string, OrderView>>,
  heads: Readonly<Record<string, number>>,
): string[] {
  return newestOrders(list, live)
    .filter((o) => (heads[o.id] ?? 0) > o.version)
    .map((o) => o.id);
}

/** An order is cancelled by hand before anything is shipped. */
export const cancellable = (o: OrderView): boolean => o.status === 'placed' || o.status === 'processing';

/** Whether part of the total is left to refund. */
export const refundable = (o: OrderView): boolean => (o.refunded ?? 0) < o.total;

/** The customer's requests, when the server carries them (OrderView.requests), newest first. */
export function requestsOf(o: OrderView): OrderRequestView[] {
  const r = (o as OrderView & { requests?: OrderRequestView[] }).requests;
  return Array.isArray(r) ? [...r].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : [];
}
