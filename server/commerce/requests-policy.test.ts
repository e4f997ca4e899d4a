import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultRequestPolicy,
  type RequestPolicy,
  type RequestState,
  requestLimits,
  requestStates,
} from '../../protocol/order-requests.ts';
import { AppError } from '../errors.ts';
import {
  automatic,
  changedItems,
  checkAllowed,
  checkCanOpen,
  checkRequestMove,
  checkSteps,
  customerActions,
  deliveredAt,
  MAX_REQUEST_STEPS,
  type RequestContext,
  returnItems,
} from './requests-policy.ts';

const refused = (fn: () => void, id: string, message?: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof AppError)) return false;
    assert.equal(e.id, id);
    if (message) assert.match(e.message, message);
    return true;
  });

const DAY = 86_400_000;
const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  status: 'placed',
  deliveredAt: null,
  requests: [],
  now: 100 * DAY,
  ...over,
});
const address = { street1: '2 rue Neuve', city: 'Lyon', postalCode: '69001', country: 'FR' };

describe('which request the page’s policy allows now', () => {
  it('allows a change of address until processing by default, and names the rule when it is too late', () => {
    checkAllowed(defaultRequestPolicy, { kind: 'change', change: { shippingAddress: address } }, ctx());
    checkAllowed(
      defaultRequestPolicy,
      { kind: 'change', change: { shippingAddress: address } },
      ctx({ status: 'processing' }),
    );
    refused(
      () =>
        checkAllowed(
          defaultRequestPolicy,
          { kind: 'change', change: { shippingAddress: address } },
          ctx({ status: 'shipped' }),
        ),
      'request_not_allowed',
      /^kind change \(address\): allowed until the order is processing; it is shipped$/,
    );
  });

  it('checks each part of a change: items until placed by default', () => {
    const both = { kind: 'change' as const, change: { items: [{ item: 0, quantity: 1 }], shippingAddress: address } };
    checkAllowed(defaultRequestPolicy, both, ctx());
    refused(
      () => checkAllowed(defaultRequestPolicy, both, ctx({ status: 'processing' })),
      'request_not_allowed',
      /kind change \(items\): allowed until the order is placed; it is processing/,
    );
  });

  it('refuses what the page never takes, and cancellations once shipped', () => {
    const never: RequestPolicy = { ...defaultRequestPolicy, cancel: { until: 'never', approval: 'manual' } };
    refused(() => checkAllowed(never, { kind: 'cancel' }, ctx()), 'request_not_allowed', /does not take/);
    refused(
      () => checkAllowed(defaultRequestPolicy, { kind: 'cancel' }, ctx({ status: 'partially_shipped' })),
      'request_not_allowed',
      /kind cancel: allowed until the order is processing; it is partially_shipped/,
    );
    refused(
      () => checkAllowed(defaultRequestPolicy, { kind: 'cancel' }, ctx({ status: 'cancelled' })),
      'request_not_allowed',
    );
  });

  it('takes returns only after delivery and within the policy’s days', () => {
    const ret = { kind: 'return' as const };
    refused(
      () => checkAllowed(defaultRequestPolicy, ret, ctx({ status: 'shipped' })),
      'request_not_allowed',
      /kind return: allowed once the order is delivered; it is shipped/,
    );
    checkAllowed(defaultRequestPolicy, ret, ctx({ status: 'delivered', deliveredAt: 100 * DAY - 30 * DAY }));
    refused(
      () => checkAllowed(defaultRequestPolicy, ret, ctx({ status: 'delivered', deliveredAt: 100 * DAY - 31 * DAY })),
      'request_not_allowed',
      /within 30 days of delivery; it was delivered 31 days ago/,
    );
    const none: RequestPolicy = { ...defaultRequestPolicy, returns: { days: 0, approval: 'manual' } };
    refused(
      () => checkAllowed(none, ret, ctx({ status: 'delivered', deliveredAt: 100 * DAY })),
      'request_not_allowed',
      /does not take returns/,
    );
  });

  it('approves at once only when every rule the request asks is automatic', () => {
    assert.equal(automatic(defaultRequestPolicy, { kind: 'cancel' }), true);
    assert.equal(automatic(defaultRequestPolicy, { kind: 'return' }), false);
    const p: RequestPolicy = { ...defaultRequestPolicy, changeAddress: { until: 'processing', approval: 'automatic' } };
    assert.equal(automatic(p, { kind: 'change', change: { shippingAddress: address } }), true);
    assert.equal(
      automatic(p, { kind: 'change', change: { shippingAddress: address, items: [{ item: 0, quantity: 1 }] } }),
      false,
    );
  });
});

describe('open requests and their number', () => {
  it('refuses a second open request when the policy takes one at a time, naming the open one', () => {
    const open = ctx({ requests: [{ id: 'r1', kind: 'change', state: 'needs_info' }] });
    refused(() => checkCanOpen(defaultRequestPolicy, open), 'request_open', /request r1 \(change\) is needs_info/);
    checkCanOpen({ ...defaultRequestPolicy, oneOpenRequest: false }, open);
    for (const state of ['rejected', 'applied', 'withdrawn'] as const)
      checkCanOpen(defaultRequestPolicy, ctx({ requests: [{ id: 'r1', kind: 'change', state }] }));
  });

  it('refuses more than requestLimits.perOrder requests over an order’s life', () => {
    const many = Array.from({ length: requestLimits.perOrder }, (_, i) => ({
      id: `r${i}`,
      kind: 'cancel',
      state: 'withdrawn' as const,
    }));
    refused(
      () => checkCanOpen({ ...defaultRequestPolicy, oneOpenRequest: false }, ctx({ requests: many })),
      'too_many_requests',
    );
    checkCanOpen(defaultRequestPolicy, ctx({ requests: many.slice(1) }));
  });

  it('offers the customer exactly what they may ask now', () => {
    assert.deepEqual(customerActions(defaultRequestPolicy, ctx()), {
      changeAddress: true,
      changeItems: true,
      cancel: true,
      return: false,
    });
    assert.deepEqual(customerActions(defaultRequestPolicy, ctx({ status: 'processing' })), {
      changeAddress: true,
      changeItems: false,
      cancel: true,
      return: false,
    });
    assert.deepEqual(customerActions(defaultRequestPolicy, ctx({ status: 'delivered', deliveredAt: 99 * DAY })), {
      changeAddress: false,
      changeItems: false,
      cancel: false,
      return: true,
    });
    assert.deepEqual(
      customerActions(defaultRequestPolicy, ctx({ requests: [{ id: 'r', kind: 'cancel', state: 'requested' }] })),
      { changeAddress: false, changeItems: false, cancel: false, return: false },
    );
  });
});

describe('a request’s moves of state', () => {
  it('allows exactly the moves of the diagram, and names both states of a refused one', () => {
    const legal = new Set([
      'requested>accepted',
      'requested>rejected',
      'requested>needs_info',
      'requested>withdrawn',
      'needs_info>requested',
      'needs_info>withdrawn',
      'accepted>applied',
    ]);
    for (const from of requestStates)
      for (const to of requestStates as readonly RequestState[]) {
        if (legal.has(`${from}>${to}`)) checkRequestMove(from, to);
        else refused(() => checkRequestMove(from, to), 'invalid_transition', new RegExp(`request ${from} → ${to}`));
      }
    refused(() => checkRequestMove('applied', 'withdrawn'), 'invalid_transition', /applied is final/);
  });
});

describe('a request’s length', () => {
  it('refuses a step past MAX_REQUEST_STEPS (a question and its reply, again and again)', () => {
    checkSteps(MAX_REQUEST_STEPS - 1);
    refused(() => checkSteps(MAX_REQUEST_STEPS), 'too_many_requests', /100 steps/);
  });
});

describe('what a change and a return may ask', () => {
  const items = [
    { title: 'Café', quantity: 2 },
    { title: 'Filtres', quantity: 1 },
  ];

  it('sets new quantities, 0 removing an item', () => {
    assert.deepEqual(changedItems(items, [{ item: 0, quantity: 3 }]), [
      { title: 'Café', quantity: 3 },
      { title: 'Filtres', quantity: 1 },
    ]);
    assert.deepEqual(changedItems(items, [{ item: 1, quantity: 0 }]), [{ title: 'Café', quantity: 2 }]);
  });

  it('refuses, naming the field, an item the order has not, an item named twice, an emptied order, no change', () => {
    refused(
      () => changedItems(items, [{ item: 2, quantity: 1 }]),
      'bad_request',
      /change\.items\.0\.item: the order has no item 2/,
    );
    refused(
      () =>
        changedItems(items, [
          { item: 0, quantity: 1 },
          { item: 0, quantity: 2 },
        ]),
      'bad_request',
      /change\.items\.1\.item: item 0 is named twice/,
    );
    refused(
      () =>
        changedItems(items, [
          { item: 0, quantity: 0 },
          { item: 1, quantity: 0 },
        ]),
      'bad_request',
      /change\.items: an order keeps at least one item/,
    );
    refused(() => changedItems(items, [{ item: 0, quantity: 2 }]), 'bad_request', /already/);
  });

  it('sends back what was delivered, or what is asked within it', () => {
    const delivered = [
      { item: 0, quantity: 1 },
      { item: 1, quantity: 1 },
      { item: 0, quantity: 1 },
    ];
    assert.deepEqual(returnItems(delivered, undefined), [
      { item: 0, quantity: 2 },
      { item: 1, quantity: 1 },
    ]);
    assert.deepEqual(returnItems(delivered, [{ item: 0, quantity: 2 }]), [{ item: 0, quantity: 2 }]);
    refused(
      () => returnItems(delivered, [{ item: 0, quantity: 3 }]),
      'bad_request',
      /items\.0\.quantity: 3 of item 0 asked back, 2 delivered/,
    );
    refused(() => returnItems(delivered, [{ item: 5, quantity: 1 }]), 'bad_request', /items\.0\.item/);
  });

  it('finds when the order last became delivered', () => {
    assert.equal(deliveredAt([{ kind: 'status', status: 'placed', at: 1 }]), null);
    assert.equal(
      deliveredAt([
        { kind: 'tracking', status: 'delivered', at: 5 },
        { kind: 'status', status: 'delivered', at: 6 },
      ]),
      6,
    );
  });
});
