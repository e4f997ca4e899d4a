import type { Address, AddressView, OrderView } from '../../../protocol/commerce.ts';
import {
  type CreateRequestBody,
  type OrderRequestView,
  type RequestStepView,
  type ReturnReason,
  requestLimits,
} from '../../../protocol/order-requests.ts';

import { type Photo, photoIdsOf } from './order-photos.ts';

/**
 * What the order card's request forms send, made from what the customer typed (pure, tested without a
 * browser): only what differs from the order is asked; what cannot be sent is a problem the form shows.
 */

/** The address as the form edits it: every field a string ('' for none). */
export interface AddressDraft {
  name: string;
  street1: string;
  street2: string;
  city: string;
  postalCode: string;
  state: string;
  country: string;
}
export const addressFields = ['name', 'street1', 'street2', 'postalCode', 'city', 'state', 'country'] as const;
export const requiredAddressFields: readonly (keyof AddressDraft)[] = ['street1', 'city', 'postalCode', 'country'];

/** What the customer must fix before anything is sent (the key of its sentence: orderRequest.problem.*). */
export type DraftProblem =
  | 'nothing_to_change'
  | 'everything_removed'
  | 'quantity_invalid'
  | 'address_incomplete'
  | 'nothing_to_return'
  | 'note_too_long'
  | 'photos_uploading'
  | 'photo_failed';

export type Drafted = { body: CreateRequestBody; problem?: undefined } | { problem: DraftProblem; body?: undefined };

export function addressDraftOf(a: AddressView | null): AddressDraft {
  return {
    name: a?.name ?? '',
    street1: a?.street1 ?? '',
    street2: a?.street2 ?? '',
    city: a?.city ?? '',
    postalCode: a?.postalCode ?? '',
    state: a?.state ?? '',
    country: a?.country ?? '',
  };
}

/** The address a draft asks for: fields trimmed, the empty optional ones left out. */
export function addressOfDraft(d: AddressDraft): Address {
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  const out: Address = {
    street1: d.street1.trim(),
    city: d.city.trim(),
    postalCode: d.postalCode.trim(),
    country: d.country.trim(),
  };
  const name = optional(d.name);
  const street2 = optional(d.street2);
  const state = optional(d.state);
  if (name) out.name = name;
  if (street2) out.street2 = street2;
  if (state) out.state = state;
  return out;
}

function sameAddress(a: AddressView | null, d: AddressDraft): boolean {
  const now = addressDraftOf(a);
  return addressFields.every((k) => now[k].trim() === d[k].trim());
}

/** One line of an address, as the card shows it. */
export function addressText(a: {
  name?: string | null;
  street1: string;
  street2?: string | null;
  city: string;
  postalCode: string;
  state?: string | null;
  country: string;
}): string {
  return [a.name, a.street1, a.street2, `${a.postalCode} ${a.city}`, a.state, a.country].filter(Boolean).join(', ');
}

/** A whole number from a quantity field, or null when it is not one (or is out of 0…max). */
function quantityOf(text: string, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n <= max ? n : null;
}

function noteOf(note: string): { note?: string } | DraftProblem {
  const n = note.trim();
  if (n.length > requestLimits.note) return 'note_too_long';
  return n ? { note: n } : {};
}

/**
 * A change: the quantities typed (one per item, `null` when the page does not take changes of items) and
 * the address (`null` when it does not take a new address). Only the items whose quantity differs are
 * sent, the address only when it differs; removing every item is a cancellation, not a change.
 */
export function changeRequest(
  order: OrderView,
  draft: { quantities: string[] | null; address: AddressDraft | null; note: string },
): Drafted {
  const change: { items?: { item: number; quantity: number }[]; shippingAddress?: Address } = {};
  if (draft.quantities) {
    const wanted: number[] = [];
    for (const text of draft.quantities) {
      const n = quantityOf(text, 1_000_000);
      if (n === null) return { problem: 'quantity_invalid' };
      wanted.push(n);
    }
    if (wanted.every((n) => n === 0)) return { problem: 'everything_removed' };
    const items = wanted.flatMap((quantity, item) =>
      order.items[item] && order.items[item].quantity !== quantity ? [{ item, quantity }] : [],
    );
    if (items.length > 0) change.items = items;
  }
  if (draft.address && !sameAddress(order.shippingAddress, draft.address)) {
    if (requiredAddressFields.some((k) => !draft.address?.[k].trim())) return { problem: 'address_incomplete' };
    change.shippingAddress = addressOfDraft(draft.address);
  }
  if (!change.items && !change.shippingAddress) return { problem: 'nothing_to_change' };
  const note = noteOf(draft.note);
  if (typeof note === 'string') return { problem: note };
  return { body: { kind: 'change', change, ...note } };
}

export function cancelRequest(note: string): Drafted {
  const n = noteOf(note);
  if (typeof n === 'string') return { problem: n };
  return { body: { kind: 'cancel', ...n } };
}

/**
 * A return: the reason, and how many of each item go back (each 0…what was ordered). All of everything is
 * sent as no `items` (the server's "everything delivered").
 */
export function returnRequest(
  order: OrderView,
  draft: { reason: ReturnReason; quantities: string[]; note: string; photos?: readonly Photo[] },
): Drafted {
  const back: number[] = [];
  for (const [i, text] of draft.quantities.entries()) {
    const n = quantityOf(text, order.items[i]?.quantity ?? 0);
    if (n === null) return { problem: 'quantity_invalid' };
    back.push(n);
  }
  if (back.every((n) => n === 0)) return { problem: 'nothing_to_return' };
  const all = order.items.every((item, i) => back[i] === item.quantity);
  const note = noteOf(draft.note);
  if (typeof note === 'string') return { problem: note };
  const photos = photoIdsOf(draft.photos ?? []);
  if ('problem' in photos) return { problem: photos.problem };
  return {
    body: {
      kind: 'return',
      reason: draft.reason,
      ...(all ? {} : { items: back.flatMap((quantity, item) => (quantity > 0 ? [{ item, quantity }] : [])) }),
      ...note,
      ...(photos.photoIds.length > 0 ? { photoIds: photos.photoIds } : {}),
    },
  };
}

/** The customer may withdraw a request while the merchant has not decided. */
export const canWithdraw = (r: OrderRequestView): boolean => r.state === 'requested' || r.state === 'needs_info';

/** The merchant's question of a request waiting for the customer's answer (its latest needs_info step). */
export function questionOf(r: OrderRequestView): RequestStepView | null {
  if (r.state !== 'needs_info') return null;
  return r.history.findLast((s) => s.by === 'page' && s.state === 'needs_info') ?? null;
}

/**
 * How a step of the history reads (the key of orderRequest.step.*): the customer's `requested` after
 * the first is their answer to a question.
 */
export function stepKind(
  step: RequestStepView,
  index: number,
): 'asked' | 'replied' | 'needs_info' | 'accepted' | 'rejected' | 'applied' | 'withdrawn' {
  if (step.state === 'requested') return index === 0 ? 'asked' : 'replied';
  return step.state;
}
