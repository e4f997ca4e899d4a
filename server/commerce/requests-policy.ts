import type { OrderStatus } from '../../protocol/commerce.ts';
import {
  type AllowedUntil,
  type Approval,
  type CreateRequestBody,
  type CustomerActionsView,
  openRequestStates,
  type RequestedChange,
  type RequestPolicy,
  type RequestState,
  requestLimits,
  statusesUntil,
} from '../../protocol/order-requests.ts';
import { AppError } from '../errors.ts';

/**
 * The rules of customers' requests on orders, pure: which request the page's policy allows now, one open
 * request at a time, how many over an order's life, a request's moves of state, what a change may ask of
 * the items and what a return may send back. Each refusal names its rule or its field.
 */

const DAY_MS = 86_400_000;

/** What a rule needs to know of the order and its requests. */
export interface RequestContext {
  status: OrderStatus;
  /** When the order became delivered (its last move to delivered), or null. */
  deliveredAt: number | null;
  requests: readonly { id: string; kind: string; state: RequestState }[];
  now: number;
}

/** The policy's entries a request of this kind asks (a change of items and address asks both). */
function rulesOf(
  policy: RequestPolicy,
  body: Pick<CreateRequestBody, 'kind'> & { change?: RequestedChange },
): { name: string; until: AllowedUntil; approval: Approval }[] {
  if (body.kind === 'cancel') return [{ name: 'kind cancel', ...policy.cancel }];
  if (body.kind === 'change') {
    const out = [];
    if (body.change?.items !== undefined) out.push({ name: 'kind change (items)', ...policy.changeItems });
    if (body.change?.shippingAddress !== undefined)
      out.push({ name: 'kind change (address)', ...policy.changeAddress });
    return out;
  }
  return [];
}

/** Why a request may not be made: an error's id, its message and details (thrown by the check* functions). */
interface Refusal {
  id: 'request_not_allowed' | 'too_many_requests' | 'request_open';
  message: string;
  details: Record<string, unknown>;
}

const refuse = (r: Refusal | null): void => {
  if (r) throw new AppError(r.id, r.message, r.details);
};

/** Throws request_not_allowed unless the page's policy allows a request of this kind on the order now. */
export function checkAllowed(
  policy: RequestPolicy,
  body: Pick<CreateRequestBody, 'kind'> & { change?: RequestedChange },
  ctx: RequestContext,
): void {
  refuse(notAllowed(policy, body, ctx));
}

/**
 * Why the policy does not allow this request now, or null. The order card asks it of every kind on every
 * view of the order (customerActions): an answer, not an exception, is what that costs nothing.
 */
function notAllowed(
  policy: RequestPolicy,
  body: Pick<CreateRequestBody, 'kind'> & { change?: RequestedChange },
  ctx: RequestContext,
): Refusal | null {
  if (body.kind === 'return') return outsideReturnWindow(policy, ctx);
  for (const rule of rulesOf(policy, body)) {
    if (statusesUntil[rule.until].includes(ctx.status)) continue;
    const why =
      rule.until === 'never'
        ? `${rule.name}: this page does not take such requests`
        : `${rule.name}: allowed until the order is ${rule.until}; it is ${ctx.status}`;
    return { id: 'request_not_allowed', message: why, details: { field: 'kind', rule: why, status: ctx.status } };
  }
  return null;
}

/** Returns: only once delivered, and within the policy's days of the delivery. */
function outsideReturnWindow(policy: RequestPolicy, ctx: RequestContext): Refusal | null {
  const refusal = (why: string): Refusal => ({
    id: 'request_not_allowed',
    message: `kind return: ${why}`,
    details: { field: 'kind', rule: `kind return: ${why}`, status: ctx.status },
  });
  if (policy.returns.days === 0) return refusal('this page does not take returns');
  if (ctx.status !== 'delivered' || ctx.deliveredAt === null)
    return refusal(`allowed once the order is delivered; it is ${ctx.status}`);
  const days = Math.floor(((ctx.now - ctx.deliveredAt) / DAY_MS) * 10) / 10;
  if (ctx.now > ctx.deliveredAt + policy.returns.days * DAY_MS)
    return refusal(`allowed within ${policy.returns.days} days of delivery; it was delivered ${days} days ago`);
  return null;
}

/** Whether the page accepts a request of this kind at once (every rule it asks is automatic). */
export function automatic(
  policy: RequestPolicy,
  body: Pick<CreateRequestBody, 'kind'> & { change?: RequestedChange },
): boolean {
  if (body.kind === 'return') return policy.returns.approval === 'automatic';
  const rules = rulesOf(policy, body);
  return rules.length > 0 && rules.every((r) => r.approval === 'automatic');
}

export const isOpen = (state: RequestState): boolean => openRequestStates.includes(state);

/**
 * Throws too_many_requests once the order had requestLimits.perOrder requests, and request_open when the
 * policy takes one request at a time and one is open (named in the error).
 */
export function checkCanOpen(policy: RequestPolicy, ctx: RequestContext): void {
  refuse(cannotOpen(policy, ctx));
}

function cannotOpen(policy: RequestPolicy, ctx: RequestContext): Refusal | null {
  if (ctx.requests.length >= requestLimits.perOrder)
    return {
      id: 'too_many_requests',
      message: `this order has had ${ctx.requests.length} requests, the most an order may have`,
      details: { limit: requestLimits.perOrder },
    };
  const open = ctx.requests.find((r) => isOpen(r.state));
  if (policy.oneOpenRequest && open)
    return {
      id: 'request_open',
      message: `request ${open.id} (${open.kind}) is ${open.state}: the page takes one request at a time; withdraw it or wait for its answer`,
      details: {
        field: 'kind',
        rule: 'one open request at a time (the page’s policy: oneOpenRequest)',
        requestId: open.id,
        state: open.state,
      },
    };
  return null;
}

const anyStreet = { street1: '-', city: '-', postalCode: '-', country: '-' };

/** What the customer may ask now: the card shows these buttons. */
export function customerActions(policy: RequestPolicy, ctx: RequestContext): CustomerActionsView {
  if (cannotOpen(policy, ctx)) return { changeAddress: false, changeItems: false, cancel: false, return: false };
  return {
    changeAddress: !notAllowed(policy, { kind: 'change', change: { shippingAddress: anyStreet } }, ctx),
    changeItems: !notAllowed(policy, { kind: 'change', change: { items: [{ item: 0, quantity: 1 }] } }, ctx),
    cancel: !notAllowed(policy, { kind: 'cancel' }, ctx),
    return: !notAllowed(policy, { kind: 'return' }, ctx),
  };
}

/**
 * A request's moves: the merchant answers a requested one (accepted, rejected, needs_info); the customer's
 * reply puts a needs_info back to requested; the customer withdraws while requested or needs_info; an
 * accepted one is applied. rejected, applied and withdrawn are final.
 */
const requestMoves: Readonly<Record<RequestState, readonly RequestState[]>> = {
  requested: ['accepted', 'rejected', 'needs_info', 'withdrawn'],
  needs_info: ['requested', 'withdrawn'],
  accepted: ['applied'],
  rejected: [],
  applied: [],
  withdrawn: [],
};

const requestRules: Partial<Record<RequestState, string>> = {
  accepted: 'the page answers a request while it is requested',
  rejected: 'the page answers a request while it is requested',
  needs_info: 'the page answers a request while it is requested',
  requested: 'the customer replies to a request the page asked about (needs_info)',
  withdrawn: 'the customer withdraws a request while it is requested or needs_info',
  applied: 'a request is applied once accepted',
};

/** The most steps a request's history holds (a question and its reply, again and again, end here). */
export const MAX_REQUEST_STEPS = 100;

/** Throws too_many_requests once a request has MAX_REQUEST_STEPS steps. */
export function checkSteps(steps: number): void {
  if (steps >= MAX_REQUEST_STEPS)
    throw new AppError(
      'too_many_requests',
      `this request has had ${steps} steps, the most a request may have; the page accepts or rejects it`,
      { limit: MAX_REQUEST_STEPS },
    );
}

/** Throws invalid_transition unless a request may move from `from` to `to`, naming both. */
export function checkRequestMove(from: RequestState, to: RequestState): void {
  if (requestMoves[from].includes(to)) return;
  const rule = requestMoves[from].length === 0 ? `${from} is final` : (requestRules[to] ?? '');
  throw new AppError('invalid_transition', `state: request ${from} → ${to} is not allowed: ${rule}`, {
    field: 'state',
    from,
    to,
    rule,
  });
}

const fieldError = (field: string, message: string) =>
  new AppError('bad_request', `Invalid request: ${field}: ${message}`, { field, fields: { [field]: message } });

/**
 * The order's items after a change of quantities (0 removes the item): each named item must be the
 * order's, named once, and the order keeps at least one item. Answers the new items, in order.
 */
export function changedItems<T extends { quantity: number }>(
  ordered: readonly T[],
  asked: readonly { item: number; quantity: number }[],
  field = 'change.items',
): T[] {
  const seen = new Set<number>();
  asked.forEach((a, i) => {
    if (a.item >= ordered.length)
      throw fieldError(`${field}.${i}.item`, `the order has no item ${a.item} (it has ${ordered.length})`);
    if (seen.has(a.item)) throw fieldError(`${field}.${i}.item`, `item ${a.item} is named twice`);
    seen.add(a.item);
  });
  const quantities = new Map(asked.map((a) => [a.item, a.quantity]));
  const next = ordered.flatMap((it, i) => {
    const q = quantities.get(i) ?? it.quantity;
    return q === 0 ? [] : [{ ...it, quantity: q }];
  });
  if (next.length === 0) throw fieldError(field, 'an order keeps at least one item; this change removes them all');
  if (next.length === ordered.length && next.every((it, i) => it.quantity === ordered[i]?.quantity))
    throw fieldError(field, 'these are the quantities the order has already');
  return next;
}

/**
 * What a return sends back: the items asked, each within what was delivered of it, or everything
 * delivered. Answers the items, merged per item.
 */
export function returnItems(
  delivered: readonly { item: number; quantity: number }[],
  asked: readonly { item: number; quantity: number }[] | undefined,
): { item: number; quantity: number }[] {
  const got = new Map<number, number>();
  for (const d of delivered) got.set(d.item, (got.get(d.item) ?? 0) + d.quantity);
  if (asked === undefined) return [...got].sort(([a], [b]) => a - b).map(([item, quantity]) => ({ item, quantity }));
  const merged = new Map<number, number>();
  asked.forEach((a, i) => {
    if (!got.has(a.item)) throw fieldError(`items.${i}.item`, `item ${a.item} of the order was not delivered`);
    const q = (merged.get(a.item) ?? 0) + a.quantity;
    if (q > (got.get(a.item) ?? 0))
      throw fieldError(`items.${i}.quantity`, `${q} of item ${a.item} asked back, ${got.get(a.item)} delivered`);
    merged.set(a.item, q);
  });
  return [...merged].map(([item, quantity]) => ({ item, quantity }));
}

/** When the order last became delivered, from its timeline (kind status), or null. */
export function deliveredAt(timeline: readonly { kind: string; status: string; at: number }[]): number | null {
  const last = timeline.filter((t) => t.kind === 'status' && t.status === 'delivered').at(-1);
  return last ? last.at : null;
}
