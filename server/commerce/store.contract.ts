import assert from 'node:assert/strict';
import { it } from 'node:test';
import { defaultRequestPolicy } from '../../protocol/order-requests.ts';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import type { OrderRecord, OrderRequestRecord, RefundRecord, ShipmentRecord } from './store.ts';

/**
 * The commerce store: orders unique by number per page, their shipments and timeline, the Orders API's
 * idempotency keys per page, and a transaction reading its own writes. Run on both backends by the
 * storage contract (contract.ts).
 */
export function commerceContract(ctx: ContractContext) {
  const { write, user, addUsers, conversation } = fixtures(ctx);
  const uid = ctx.uid;
  const reader = () => ctx.storage().reader.commerce;

  /** Two pages run by an owner, a customer, and the customer's conversation with the first page. */
  const world = async () => {
    const owner = user();
    const customer = user();
    const page = user({ kind: 'page', passwordHash: '' });
    const other = user({ kind: 'page', passwordHash: '' });
    await addUsers(owner, customer, page, other);
    await write(async (tx) => {
      for (const p of [page, other])
        await tx.pages.insertPage({ id: p.id, description: '', createdBy: owner.id, createdAt: 1 });
    });
    const conversationId = await conversation([customer.id, page.id].sort(), 'direct');
    return { customerId: customer.id, pageId: page.id, otherPageId: other.id, conversationId };
  };
  const order = (w: Awaited<ReturnType<typeof world>>, over: Partial<OrderRecord> = {}): OrderRecord => ({
    id: uid('o'),
    pageId: w.pageId,
    number: uid('N-'),
    customerId: w.customerId,
    conversationId: w.conversationId,
    status: 'placed',
    currency: 'EUR',
    total: 2500,
    data: {
      psid: '1234567890123456',
      items: [{ title: 'Comté — 18 mois', subtitle: null, quantity: 2, unitPrice: 1250, imageUrl: null }],
      adjustments: [],
      taxes: [],
      shippingCost: 0,
      shippingAddress: null,
      paymentMethod: 'Visa',
      merchantName: null,
      orderUrl: null,
    },
    version: 1,
    createdAt: 1000,
    updatedAt: 1000,
    ...over,
  });

  it('keeps an order’s number unique per page, and finds it by id and by number on its page only', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    const o = order(w);
    assert.equal(await write((tx) => tx.commerce.insertOrder(o)), true);
    assert.equal(await write((tx) => tx.commerce.insertOrder({ ...order(w), number: o.number })), false);
    // Another page may use the same number.
    assert.equal(
      await write((tx) => tx.commerce.insertOrder({ ...order(w), pageId: w.otherPageId, number: o.number })),
      true,
    );
    assert.deepEqual(await reader().orderById(o.id), o);
    assert.deepEqual(await reader().orderByNumber(w.pageId, o.number), o);
    assert.equal((await reader().orderByNumber(w.otherPageId, o.number))?.pageId, w.otherPageId);
    assert.equal(await reader().orderByNumber(w.pageId, 'nope'), null);
    assert.equal(await reader().orderByNumber(w.pageId, 'a\u0000b'), null);
    assert.deepEqual(await reader().orderVersionByNumber(w.pageId, o.number), { id: o.id, version: o.version });
    assert.equal(await reader().orderVersionByNumber(w.pageId, 'nope'), null);
    assert.equal(await reader().orderVersionByNumber(w.pageId, 'a\u0000b'), null);
    assert.equal(await reader().orderById('nope'), null);
  });

  it('updates an order and keeps its shipments and timeline in order, read back in the writing transaction', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    const o = order(w, { total: 2_000_000_000_000 / 2 });
    const shipment: ShipmentRecord = {
      id: uid('s'),
      orderId: o.id,
      status: 'label_created',
      carrier: 'Colissimo',
      trackingNumber: '6A1',
      trackingUrl: 'https://example.com/t/6A1',
      items: [{ item: 0, quantity: 2 }],
      createdAt: 2000,
      updatedAt: 2000,
    };
    const seen = await write(async (tx) => {
      await tx.commerce.insertOrder(o);
      await tx.commerce.appendTimeline({
        orderId: o.id,
        seq: 1,
        kind: 'status',
        status: 'placed',
        shipmentId: null,
        place: null,
        description: null,
        at: 1000,
      });
      await tx.commerce.insertShipment(shipment);
      await tx.commerce.updateShipmentStatus(shipment.id, 'in_transit', 3000);
      await tx.commerce.appendTimeline({
        orderId: o.id,
        seq: 2,
        kind: 'tracking',
        status: 'in_transit',
        shipmentId: shipment.id,
        place: 'Lyon',
        description: 'Hub',
        at: 2500,
      });
      assert.equal(await tx.commerce.updateOrder({ ...o, status: 'shipped', version: 2, updatedAt: 3000 }), true);
      return tx.commerce.aggregate((await tx.commerce.orderById(o.id)) as OrderRecord);
    });
    assert.equal(seen.order.status, 'shipped');
    assert.equal(seen.order.total, 1_000_000_000_000);
    const back = await reader().aggregate((await reader().orderById(o.id)) as OrderRecord);
    assert.deepEqual(back, seen);
    assert.deepEqual(back.shipments, [{ ...shipment, status: 'in_transit', updatedAt: 3000 }]);
    // A move writes the state only: whatever `data` the record carries, the stored one stays.
    const state = await write((tx) =>
      tx.commerce.updateOrderState({
        ...seen.order,
        status: 'delivered',
        version: 3,
        updatedAt: 4000,
        total: 1,
        data: { ...seen.order.data, paymentMethod: 'not written' },
      }),
    );
    assert.equal(state, true);
    const moved = (await reader().orderById(o.id)) as OrderRecord;
    assert.deepEqual(moved, { ...seen.order, status: 'delivered', version: 3, updatedAt: 4000 });
    // Each write goes over the version before it: one over another (a process that read the order before
    // this change; a version skipped) writes nothing.
    assert.equal(await write((tx) => tx.commerce.updateOrderState({ ...seen.order, status: 'cancelled' })), false);
    assert.equal(
      await write((tx) => tx.commerce.updateOrder({ ...seen.order, status: 'returned', version: 3 })),
      false,
    );
    assert.equal(
      await write((tx) => tx.commerce.updateOrderState({ ...moved, status: 'returned', version: 5 })),
      false,
    );
    assert.deepEqual(await reader().orderById(o.id), moved);
    assert.deepEqual(
      back.timeline.map((e) => [e.seq, e.kind, e.status, e.shipmentId, e.place]),
      [
        [1, 'status', 'placed', null, null],
        [2, 'tracking', 'in_transit', shipment.id, 'Lyon'],
      ],
    );
    // Two lines with one seq: the second is refused (the job that wrote it is rolled back).
    await assert.rejects(
      write((tx) =>
        tx.commerce.appendTimeline({
          orderId: o.id,
          seq: 2,
          kind: 'status',
          status: 'delivered',
          shipmentId: null,
          place: null,
          description: null,
          at: 1,
        }),
      ),
    );
  });

  it('lists a customer’s orders with a page, newest first', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    const older = order(w, { createdAt: 1000 });
    const newer = order(w, { createdAt: 2000 });
    const elsewhere = order(w, { pageId: w.otherPageId });
    await write(async (tx) => {
      for (const o of [older, newer, elsewhere]) await tx.commerce.insertOrder(o);
    });
    assert.deepEqual(
      (await reader().ordersOfCustomer(w.pageId, w.customerId, 10)).map((o) => o.id),
      [newer.id, older.id],
    );
    assert.deepEqual(
      (await reader().ordersOfCustomer(w.pageId, w.customerId, 1)).map((o) => o.id),
      [newer.id],
    );
  });

  it('keeps idempotency keys per page', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    const key = {
      pageId: w.pageId,
      key: uid('k'),
      fingerprint: 'f1',
      status: 201,
      response: '{"order":{"id":"x"}}',
      createdAt: 5,
    };
    await write((tx) => tx.commerce.saveIdempotencyKey(key));
    assert.deepEqual(await reader().idempotencyKey(w.pageId, key.key), key);
    assert.equal(await reader().idempotencyKey(w.otherPageId, key.key), null);
    await write((tx) => tx.commerce.saveIdempotencyKey({ ...key, pageId: w.otherPageId, fingerprint: 'f2' }));
    assert.equal((await reader().idempotencyKey(w.otherPageId, key.key))?.fingerprint, 'f2');
    await assert.rejects(write((tx) => tx.commerce.saveIdempotencyKey({ ...key, fingerprint: 'f3' })));
    assert.equal((await reader().idempotencyKey(w.pageId, key.key))?.fingerprint, 'f1');
  });

  it('keeps an order’s requests, oldest first, with their history, and carries them in the order’s aggregate', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    const o = order(w);
    const change: OrderRequestRecord = {
      id: uid('r'),
      orderId: o.id,
      kind: 'change',
      state: 'requested',
      change: {
        items: [{ item: 0, quantity: 1 }],
        shippingAddress: { street1: '2 rue Neuve', city: 'Lyon', postalCode: '69001', country: 'FR' },
      },
      reason: null,
      items: null,
      note: 'Un seul, merci',
      photos: [],
      history: [{ at: 2000, by: 'customer', state: 'requested', text: 'Un seul, merci' }],
      createdAt: 2000,
      updatedAt: 2000,
    };
    const ret: OrderRequestRecord = {
      ...change,
      id: uid('r'),
      kind: 'return',
      change: null,
      reason: 'damaged',
      items: [{ item: 0, quantity: 2 }],
      note: null,
      // The photos as the request's message stores them (a media id need not exist here: JSON, no key).
      photos: [
        {
          id: 'media01',
          kind: 'image',
          mime: 'image/jpeg',
          name: 'carton.jpg',
          size: 48_213,
          width: 1200,
          height: 900,
          durationMs: null,
          voice: false,
          waveform: null,
          thumbnail: true,
        },
      ],
      history: [{ at: 3000, by: 'customer', state: 'requested', text: null }],
      createdAt: 3000,
      updatedAt: 3000,
    };
    const seen = await write(async (tx) => {
      await tx.commerce.insertOrder(o);
      await tx.commerce.insertRequest(ret);
      await tx.commerce.insertRequest(change);
      const moved: OrderRequestRecord = {
        ...change,
        state: 'needs_info',
        history: [...change.history, { at: 2500, by: 'page', state: 'needs_info', text: 'Lequel ?' }],
        updatedAt: 2500,
      };
      await tx.commerce.updateRequest(moved);
      return tx.commerce.requestsOf(o.id);
    });
    assert.deepEqual(
      seen.map((r) => [r.kind, r.state, r.history.length]),
      [
        ['change', 'needs_info', 2],
        ['return', 'requested', 1],
      ],
    );
    assert.deepEqual(await reader().requestsOf(o.id), seen);
    assert.deepEqual((await reader().requestsOf(o.id))[1], ret, 'its photos too');
    assert.deepEqual((await reader().requestsOf(o.id))[0]?.photos, [], 'none: an empty list');
    assert.equal((await reader().requestsOf(o.id))[0]?.updatedAt, 2500);
    const aggregate = await reader().aggregate(o);
    assert.deepEqual(aggregate.requests, seen);
    assert.deepEqual(await reader().requestsOf('nope'), []);
    assert.deepEqual(await reader().requestsOf('a\u0000b'), []);
    // A request names an order that exists.
    await assert.rejects(write((tx) => tx.commerce.insertRequest({ ...change, id: uid('r'), orderId: 'nope' })));
  });

  it('keeps a page’s request policy, the defaults until it sets one', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    assert.equal(await reader().requestPolicy(w.pageId), null);
    assert.deepEqual((await reader().aggregate(order(w))).policy, defaultRequestPolicy);
    const policy = {
      ...defaultRequestPolicy,
      oneOpenRequest: false,
      returns: { days: 14, approval: 'automatic' as const },
    };
    await write((tx) => tx.commerce.putRequestPolicy(w.pageId, policy, 10));
    assert.deepEqual(await reader().requestPolicy(w.pageId), policy);
    const again = { ...policy, cancel: { until: 'never' as const, approval: 'manual' as const } };
    await write((tx) => tx.commerce.putRequestPolicy(w.pageId, again, 20));
    assert.deepEqual(await reader().requestPolicy(w.pageId), again);
    assert.equal(await reader().requestPolicy(w.otherPageId), null);
    assert.deepEqual((await reader().aggregate(order(w))).policy, again);
  });

  it('keeps an order’s refunds, oldest first, and a refund line in its timeline', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    const o = order(w);
    const first: RefundRecord = { id: uid('r'), orderId: o.id, amount: 1000, reason: 'Damaged', createdAt: 2000 };
    const second: RefundRecord = { id: uid('r'), orderId: o.id, amount: 1500, reason: null, createdAt: 3000 };
    const seen = await write(async (tx) => {
      await tx.commerce.insertOrder(o);
      await tx.commerce.insertRefund(second);
      await tx.commerce.insertRefund(first);
      await tx.commerce.appendTimeline({
        orderId: o.id,
        seq: 1,
        kind: 'refund',
        status: 'placed',
        shipmentId: null,
        place: null,
        description: 'Damaged',
        at: 2000,
      });
      return tx.commerce.aggregate(o);
    });
    assert.deepEqual(seen.refunds, [first, second]);
    const back = await reader().aggregate(o);
    assert.deepEqual(back.refunds, [first, second]);
    assert.deepEqual(
      back.timeline.map((e) => [e.kind, e.description]),
      [['refund', 'Damaged']],
    );
    assert.deepEqual((await reader().aggregate(order(w))).refunds, []);
    // Nothing, or less than nothing, is no refund.
    await assert.rejects(write((tx) => tx.commerce.insertRefund({ ...first, id: uid('r'), amount: 0 })));
    await assert.rejects(write((tx) => tx.commerce.insertRefund({ ...first, id: uid('r'), amount: -5 })));
  });

  it('finds the page’s conversations by an order’s number or a tracking number, whole or by its beginning, case aside', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const w = await world();
    const stamp = uid('x')
      .replace(/[^0-9a-z]/gi, '')
      .toUpperCase();
    const o = order(w, { number: `FL-${stamp}-1042` });
    const tracked = order(w, { number: `ZZ-${stamp}` });
    const otherConversation = await conversation([w.customerId, w.otherPageId].sort(), 'direct');
    // Another page's order with the same number, and its parcel: never found for this page.
    const elsewhere = order(w, { pageId: w.otherPageId, number: o.number, conversationId: otherConversation });
    const parcel = (orderId: string, trackingNumber: string): ShipmentRecord => ({
      id: uid('s'),
      orderId,
      status: 'label_created',
      carrier: 'Colissimo',
      trackingNumber,
      trackingUrl: null,
      items: [{ item: 0, quantity: 2 }],
      createdAt: 2000,
      updatedAt: 2000,
    });
    await write(async (tx) => {
      for (const x of [o, tracked, elsewhere]) await tx.commerce.insertOrder(x);
      await tx.commerce.insertShipment(parcel(tracked.id, `6A${stamp}99`));
      await tx.commerce.insertShipment(parcel(elsewhere.id, `7B${stamp}`));
    });
    const find = (q: string) => reader().conversationsByOrderSearch(w.pageId, q.toLowerCase(), 10);
    assert.deepEqual(await find(o.number), [w.conversationId]);
    assert.deepEqual(await find(`fl-${stamp}`), [w.conversationId]);
    assert.deepEqual(await find(`6a${stamp}`), [w.conversationId]);
    assert.deepEqual(await find(`6A${stamp}99`), [w.conversationId]);
    // Not in the middle, not another page's parcel, not more than was stored.
    assert.deepEqual(await find(`${stamp}-1042`), []);
    assert.deepEqual(await find(`7B${stamp}`), []);
    assert.deepEqual(await find(`${o.number}0`), []);
    // LIKE's wildcards mean nothing here.
    assert.deepEqual(await find(`FL-${stamp}%`), []);
    assert.deepEqual(await find('a\u0000b'), []);
    assert.deepEqual(await reader().conversationsByOrderSearch(w.otherPageId, `7b${stamp}`.toLowerCase(), 10), [
      otherConversation,
    ]);
  });
}
