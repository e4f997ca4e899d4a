import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestBody } from '../../../protocol/order-requests.ts';
import { orderFixture, requestFixture as request } from './order.test-helpers.ts';
import {
  addressDraftOf,
  cancelRequest,
  canWithdraw,
  changeRequest,
  questionOf,
  returnRequest,
  stepKind,
} from './order-requests.ts';

const valid = (body: unknown) => assert.ok(createRequestBody.safeParse(body).success, JSON.stringify(body));

test('a change sends only the quantities that differ and the address only when it differs', () => {
  const order = orderFixture();
  const address = addressDraftOf(order.shippingAddress);
  const r = changeRequest(order, { quantities: ['2', '0'], address, note: '  ' });
  assert.deepEqual(r.body, { kind: 'change', change: { items: [{ item: 1, quantity: 0 }] } });
  valid(r.body);

  const moved = changeRequest(order, {
    quantities: ['2', '1'],
    address: { ...address, street1: ' 5 avenue Foch ', street2: 'Bât. B' },
    note: 'Plutôt au bureau',
  });
  assert.deepEqual(moved.body, {
    kind: 'change',
    change: {
      shippingAddress: {
        name: 'Cleo',
        street1: '5 avenue Foch',
        street2: 'Bât. B',
        city: 'Paris',
        postalCode: '75002',
        country: 'FR',
      },
    },
    note: 'Plutôt au bureau',
  });
  valid(moved.body);

  // Only what the page takes is in the form: no quantities (null) means no items, whatever they are.
  const addressOnly = changeRequest(order, { quantities: null, address: { ...address, city: 'Lyon' }, note: '' });
  assert.equal(addressOnly.body?.kind, 'change');
  assert.equal(addressOnly.body?.kind === 'change' && addressOnly.body.change.items, undefined);
});

test('a change says what to fix before anything is sent', () => {
  const order = orderFixture();
  const address = addressDraftOf(order.shippingAddress);
  assert.equal(changeRequest(order, { quantities: ['2', '1'], address, note: '' }).problem, 'nothing_to_change');
  assert.equal(changeRequest(order, { quantities: ['0', '0'], address, note: '' }).problem, 'everything_removed');
  assert.equal(changeRequest(order, { quantities: ['1.5', '1'], address, note: '' }).problem, 'quantity_invalid');
  assert.equal(changeRequest(order, { quantities: ['-1', '1'], address, note: '' }).problem, 'quantity_invalid');
  assert.equal(changeRequest(order, { quantities: ['', '1'], address, note: '' }).problem, 'quantity_invalid');
  assert.equal(
    changeRequest(order, { quantities: null, address: { ...address, city: ' ' }, note: '' }).problem,
    'address_incomplete',
  );
  assert.equal(
    changeRequest(order, { quantities: ['1', '1'], address, note: 'x'.repeat(1001) }).problem,
    'note_too_long',
  );
  // An order without an address: a new one must be whole.
  const none = orderFixture({ shippingAddress: null });
  assert.equal(
    changeRequest(none, { quantities: null, address: { ...addressDraftOf(null), street1: '1 rue' }, note: '' }).problem,
    'address_incomplete',
  );
});

test('a return: everything is no items; some items are listed; none is a problem', () => {
  const order = orderFixture({ status: 'delivered' });
  const all = returnRequest(order, { reason: 'damaged', quantities: ['2', '1'], note: '' });
  assert.deepEqual(all.body, { kind: 'return', reason: 'damaged' });
  valid(all.body);
  const some = returnRequest(order, { reason: 'wrong_item', quantities: ['1', '0'], note: 'Le mauvais affinage' });
  assert.deepEqual(some.body, {
    kind: 'return',
    reason: 'wrong_item',
    items: [{ item: 0, quantity: 1 }],
    note: 'Le mauvais affinage',
  });
  valid(some.body);
  assert.equal(
    returnRequest(order, { reason: 'other', quantities: ['0', '0'], note: '' }).problem,
    'nothing_to_return',
  );
  assert.equal(
    returnRequest(order, { reason: 'other', quantities: ['3', '0'], note: '' }).problem,
    'quantity_invalid',
    'more than was ordered',
  );
});

test('a cancellation carries its note when there is one', () => {
  assert.deepEqual(cancelRequest('').body, { kind: 'cancel' });
  assert.deepEqual(cancelRequest(' Trop tard ').body, { kind: 'cancel', note: 'Trop tard' });
  valid(cancelRequest('Trop tard').body);
});

test('the question of a request waiting for the customer is the shop’s latest; withdraw while undecided', () => {
  const asked = request({
    state: 'needs_info',
    history: [
      { at: '2026-12-01T11:00:00.000Z', by: 'customer', state: 'requested', text: null },
      { at: '2026-12-01T11:05:00.000Z', by: 'page', state: 'needs_info', text: 'Which size?' },
      { at: '2026-12-01T11:10:00.000Z', by: 'customer', state: 'requested', text: 'The big one' },
      { at: '2026-12-01T11:15:00.000Z', by: 'page', state: 'needs_info', text: 'Which colour?' },
    ],
  });
  assert.equal(questionOf(asked)?.text, 'Which colour?');
  assert.equal(questionOf(request({})), null);
  assert.deepEqual(
    asked.history.map((s, i) => stepKind(s, i)),
    ['asked', 'needs_info', 'replied', 'needs_info'],
  );
  assert.equal(canWithdraw(asked), true);
  assert.equal(canWithdraw(request({})), true);
  for (const state of ['accepted', 'rejected', 'applied', 'withdrawn'] as const)
    assert.equal(canWithdraw(request({ state })), false, state);
});
