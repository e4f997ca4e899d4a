import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OrderView } from '../../../protocol/commerce.ts';
import {
  cancellable,
  exampleAmount,
  minorUnitsOf,
  newestOrders,
  refundable,
  requestsOf,
  staleOrders,
  unknownOrders,
} from './orders.ts';

const order = (id: string, version: number, over: Partial<OrderView> = {}): OrderView => ({
  id,
  pageId: 'p1',
  number: `N-${id}`,
  status: 'placed',
  customer: { psid: '1' },
  currency: 'EUR',
  items: [{ title: 'Comté', subtitle: null, quantity: 1, unitPrice: 1250, imageUrl: null }],
  subtotal: 1250,
  adjustments: [],
  taxes: [],
  shippingCost: 0,
  total: 1250,
  shippingAddress: null,
  billingAddress: null,
  paymentMethod: null,
  merchantName: null,
  orderUrl: null,
  shipments: [],
  timeline: [],
  refunds: [],
  refunded: 0,
  requests: [],
  customerActions: { changeAddress: false, changeItems: false, cancel: false, return: false },
  placedAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  version,
  ...over,
});

describe('the order panel', () => {
  it('reads an amount in major units into minor units, per the currency’s decimals', () => {
    assert.equal(minorUnitsOf('12.50', 'EUR'), 1250);
    assert.equal(minorUnitsOf('12,5', 'EUR'), 1250);
    assert.equal(minorUnitsOf(' 1 200,00 ', 'EUR'), 120000);
    assert.equal(minorUnitsOf('0.29', 'USD'), 29);
    assert.equal(minorUnitsOf('1200', 'JPY'), 1200);
    assert.equal(minorUnitsOf('1.250', 'KWD'), 1250);
    for (const bad of ['', '0', '0.00', '-5', '12.505', '1.5', 'abc', '1e3', '12.50.1']) {
      assert.equal(minorUnitsOf(bad, bad === '1.5' ? 'JPY' : 'EUR'), null, bad);
    }
    assert.equal(minorUnitsOf('10000000001', 'EUR'), null);
    assert.equal(exampleAmount('EUR'), '12.50');
    assert.equal(exampleAmount('JPY'), '1200');
    assert.equal(exampleAmount('KWD'), '12.500');
  });

  it('shows each order’s newest version, and knows which of the page’s orders the list lacks', () => {
    const list = [order('a', 2), order('b', 1)];
    const live = { a: order('a', 1), b: order('b', 3, { status: 'cancelled' }), c: order('c', 1) };
    const shown = newestOrders(list, live);
    assert.deepEqual(
      shown.map((o) => [o.id, o.version]),
      [
        ['a', 2],
        ['b', 3],
      ],
    );
    assert.deepEqual(unknownOrders(list, live, 'p1', new Set()), ['c']);
    assert.deepEqual(unknownOrders(list, live, 'p1', new Set(['c'])), []);
    assert.deepEqual(unknownOrders(list, { d: order('d', 1, { pageId: 'p2' }) }, 'p1', new Set()), []);
  });

  it('reads the list again for a listed order a tracking change announced a version of that no view has', () => {
    const list = [order('a', 2), order('b', 1)];
    const live = { b: order('b', 4) };
    // a: announced 3, held 2 (list); b: announced 4, held 4 (live); c: not listed.
    assert.deepEqual(staleOrders(list, live, { a: 3, b: 4, c: 9 }), ['a']);
    assert.deepEqual(staleOrders(list, live, {}), []);
  });

  it('offers cancel before shipping, a refund while some is left, and the requests when carried', () => {
    assert.equal(cancellable(order('a', 1)), true);
    assert.equal(cancellable(order('a', 1, { status: 'processing' })), true);
    assert.equal(cancellable(order('a', 1, { status: 'shipped' })), false);
    assert.equal(refundable(order('a', 1, { refunded: 1249 })), true);
    assert.equal(refundable(order('a', 1, { refunded: 1250 })), false);
    assert.deepEqual(requestsOf(order('a', 1)), []);
    const withRequests = {
      ...order('a', 1),
      requests: [
        { id: 'r1', createdAt: '2026-12-01T10:00:00.000Z' },
        { id: 'r2', createdAt: '2026-12-02T10:00:00.000Z' },
      ],
    } as unknown as OrderView;
    assert.deepEqual(
      requestsOf(withRequests).map((r) => r.id),
      ['r2', 'r1'],
    );
  });
});
