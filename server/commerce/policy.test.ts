import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderStatuses, shipmentStatuses } from '../../protocol/commerce.ts';
import { exponentOf, isCurrency, toMinorUnits } from '../../protocol/currencies.ts';
import { AppError } from '../errors.ts';
import {
  checkCurrency,
  checkOrderMove,
  checkShipmentMove,
  checkTotals,
  shipmentItems,
  statusFromShipments,
} from './policy.ts';

const refused = (fn: () => void, id: string, message?: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.id === id && (!message || message.test(e.message)));

describe('the order and shipment state machines', () => {
  it('allows exactly the legal moves of an order set by hand', () => {
    const legal = new Set(['placed>processing', 'placed>cancelled', 'processing>cancelled', 'delivered>returned']);
    for (const from of orderStatuses)
      for (const to of orderStatuses) {
        if (legal.has(`${from}>${to}`)) checkOrderMove(from, to);
        else refused(() => checkOrderMove(from, to), 'invalid_transition', new RegExp(`${from} → ${to}`));
      }
  });

  it('names the rule of a refused cancellation', () => {
    refused(() => checkOrderMove('shipped', 'cancelled'), 'invalid_transition', /only before anything is shipped/);
    refused(() => checkOrderMove('placed', 'returned'), 'invalid_transition', /only once delivered/);
  });

  it('moves a shipment forward, in and out of exception, never back from delivered', () => {
    checkShipmentMove('label_created', 'in_transit');
    checkShipmentMove('in_transit', 'in_transit');
    checkShipmentMove('in_transit', 'exception');
    checkShipmentMove('exception', 'in_transit');
    checkShipmentMove('out_for_delivery', 'in_transit');
    checkShipmentMove('out_for_delivery', 'delivered');
    for (const to of shipmentStatuses)
      refused(() => checkShipmentMove('delivered', to), 'invalid_transition', /delivered shipment/);
    refused(() => checkShipmentMove('in_transit', 'label_created'), 'invalid_transition');
    refused(() => checkShipmentMove('out_for_delivery', 'label_created'), 'invalid_transition');
  });

  it('derives the order’s status from its shipments', () => {
    const items = [{ quantity: 2 }, { quantity: 1 }];
    assert.equal(statusFromShipments('processing', items, []), 'processing');
    const half = { status: 'in_transit' as const, items: [{ item: 0, quantity: 2 }] };
    assert.equal(statusFromShipments('processing', items, [half]), 'partially_shipped');
    const rest = { status: 'label_created' as const, items: [{ item: 1, quantity: 1 }] };
    assert.equal(statusFromShipments('partially_shipped', items, [half, rest]), 'shipped');
    const done = [
      { ...half, status: 'delivered' as const },
      { ...rest, status: 'delivered' as const },
    ];
    assert.equal(statusFromShipments('shipped', items, done), 'delivered');
    assert.equal(statusFromShipments('returned', items, done), 'returned');
  });
});

describe('the order’s amounts', () => {
  const priced = {
    items: [
      { quantity: 2, unitPrice: 1250 },
      { quantity: 1, unitPrice: 500 },
    ],
    adjustments: [{ amount: -300 }],
    taxes: [{ amount: 240 }],
    shippingCost: 490,
    total: 3430,
  };

  it('adds up items × quantities + adjustments + taxes + shipping', () => {
    checkTotals(priced);
    refused(() => checkTotals({ ...priced, total: 3429 }), 'totals_mismatch', /total: 3429 given.*= 3430/);
    refused(() => checkTotals({ ...priced, adjustments: [] }), 'totals_mismatch');
  });

  it('knows ISO 4217 codes and their minor units', () => {
    checkCurrency('EUR');
    refused(() => checkCurrency('XYZ'), 'unknown_currency', /currency: XYZ/);
    refused(() => checkCurrency('XAU'), 'unknown_currency'); // gold has no minor unit: not a price
    assert.equal(isCurrency('JPY'), true);
    assert.equal(exponentOf('JPY'), 0);
    assert.equal(exponentOf('KWD'), 3);
    assert.equal(exponentOf('CLF'), 4);
    assert.equal(exponentOf('EUR'), 2);
    assert.equal(toMinorUnits(0.29, 'USD'), 29);
    assert.equal(toMinorUnits(56.14, 'USD'), 5614);
    assert.equal(toMinorUnits(1.25, 'KWD'), 1250);
    assert.equal(toMinorUnits(10.5, 'JPY'), null);
    assert.equal(toMinorUnits(29.955, 'USD'), null);
  });

  it('ships what is left, within what each item has left', () => {
    const ordered = [{ quantity: 2 }, { quantity: 1 }];
    assert.deepEqual(shipmentItems(ordered, [], undefined), [
      { item: 0, quantity: 2 },
      { item: 1, quantity: 1 },
    ]);
    assert.deepEqual(shipmentItems(ordered, [{ item: 0, quantity: 2 }], undefined), [{ item: 1, quantity: 1 }]);
    refused(
      () => shipmentItems(ordered, [{ item: 0, quantity: 1 }], [{ item: 0, quantity: 2 }]),
      'shipment_items_invalid',
      /items\.0\.quantity: 2 asked, 1/,
    );
    refused(() => shipmentItems(ordered, [], [{ item: 5, quantity: 1 }]), 'shipment_items_invalid', /no item 5/);
    refused(
      () =>
        shipmentItems(
          ordered,
          [
            { item: 0, quantity: 2 },
            { item: 1, quantity: 1 },
          ],
          undefined,
        ),
      'shipment_items_invalid',
      /already shipped/,
    );
  });
});
