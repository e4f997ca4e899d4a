/**
 * The Idempotency-Key on the Orders API's changes of an existing order (docs/COMMERCE.md, "Idempotency";
 * commerce/idempotency.ts): a PATCH, a cancellation, a shipment and a tracking event. The same key with the
 * same request answers the first answer again, marked `Idempotent-Replayed: true`, and does nothing twice;
 * the same key with another request is `409 idempotency_key_reused`, and writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderResponse, OrderView, ShipmentResponse } from '../../protocol/commerce.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import type { HttpAnswer } from '../../test/helpers/client.ts';
import { merchantOf, orderBody } from '../../test/helpers/orders.ts';
import type { TestServer } from '../../test/helpers/server.ts';

let n = 0;
type ErrorAnswer = { error: { id: string; message: string; details?: Record<string, unknown> } };
type FeedEvent = {
  type: string;
  order?: { id: string };
  change?: { orderId: string };
  message?: { order?: { orderId: string } | null };
};

const newAddress = { name: 'Ada', street1: '2 rue Neuve', city: 'Lyon', postalCode: '69001', country: 'FR' };
const keyed = () => ({ 'idempotency-key': `replay-${process.pid}-${++n}` });

/** A page with a customer and its app's token; the Orders API, the order's state as counts. */
async function shopOf(s: TestServer) {
  const shop = await merchantOf(s);
  const { api } = shop;
  const place = async (): Promise<OrderView> => {
    const r = await api('POST', '/api/commerce/orders', orderBody(shop.psid));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return (r.body as unknown as OrderResponse).order;
  };
  const read = async (order: OrderView): Promise<OrderView> => {
    const r = await api('GET', `/api/commerce/orders/${encodeURIComponent(order.number)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return (r.body as unknown as OrderResponse).order;
  };
  /**
   * What a change of the order writes, counted: its version, timeline, shipments and their tracking
   * events, the messages of the order in the customer's thread, and the order's events in their feed.
   */
  const counts = async (order: OrderView) => {
    const now = await read(order);
    const thread = (
      await shop.customer.http.get<MessagesResponse>(`/api/conversations/${shop.conversationId}/messages?limit=100`)
    ).body.messages.filter((m) => m.order?.orderId === order.id);
    const feed = (
      await shop.customer.http.get<{ events: { event: FeedEvent }[] }>('/api/events?after=0&limit=1000')
    ).body.events.map((e) => e.event);
    return {
      version: now.version,
      status: now.status,
      timeline: now.timeline.length,
      shipments: now.shipments.length,
      trackingEvents: now.shipments.map((x) => x.events.length),
      messages: thread.map((m) => m.order?.kind),
      updated: feed.filter((e) => e.type === 'order.updated' && e.order?.id === order.id).length,
      tracked: feed.filter(
        (e) =>
          (e.type === 'order.tracked' && e.change?.orderId === order.id) ||
          (e.type === 'message.created' && e.message?.order?.orderId === order.id),
      ).length,
    };
  };
  return { ...shop, api, place, read, counts };
}

/** The same request again under its key: the first answer, marked as replayed. */
function sameAnswer(first: HttpAnswer<Record<string, unknown>>, again: HttpAnswer<Record<string, unknown>>) {
  assert.equal(first.headers.get('idempotent-replayed'), null, 'the first answer is not a replay');
  assert.equal(again.status, first.status, JSON.stringify(again.body));
  assert.deepEqual(again.body, first.body);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
}

/** Another request under a used key: 409 idempotency_key_reused, naming the header. */
function keyReused(r: HttpAnswer<Record<string, unknown>>) {
  assert.equal(r.status, 409, JSON.stringify(r.body));
  const e = (r.body as unknown as ErrorAnswer).error;
  assert.equal(e.id, 'idempotency_key_reused');
  assert.equal(e.details?.field, 'Idempotency-Key');
}

for (const backend of backends) {
  describe(`Idempotency-Key on the changes of an order (${backend.name})`, () => {
    let s: TestServer;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('PATCH: the same change again under its key is the first answer, made once; another body is refused', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await shopOf(s);
      const order = await shop.place();
      const path = `/api/commerce/orders/${encodeURIComponent(order.number)}`;
      const before = await shop.counts(order);
      const key = keyed();
      const body = { shippingAddress: newAddress, paymentMethod: 'Mastercard 1111' };
      const first = await shop.api('PATCH', path, body, key);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const changed = (first.body as unknown as OrderResponse).order;
      assert.equal(changed.shippingAddress?.city, 'Lyon');
      assert.equal(changed.version, order.version + 1);
      const once = await shop.counts(order);
      assert.deepEqual(once, {
        ...before,
        version: before.version + 1,
        timeline: before.timeline + 1,
        updated: before.updated + 1,
      });

      // The same body, its keys in another order: the same request.
      const again = await shop.api(
        'PATCH',
        path,
        { paymentMethod: 'Mastercard 1111', shippingAddress: newAddress },
        key,
      );
      sameAnswer(first, again);
      assert.deepEqual(await shop.counts(order), once, 'nothing written twice');

      keyReused(await shop.api('PATCH', path, { paymentMethod: 'Cash' }, key));
      // The same body on another order is another request too.
      const other = await shop.place();
      keyReused(await shop.api('PATCH', `/api/commerce/orders/${encodeURIComponent(other.number)}`, body, key));
      assert.deepEqual(await shop.counts(order), once, 'a refused request writes nothing');
      assert.equal((await shop.read(order)).paymentMethod, 'Mastercard 1111');
      assert.equal((await shop.read(other)).version, other.version);
    });

    it('cancel: the same cancellation again under its key is the first answer, made once; another reason is refused', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await shopOf(s);
      const order = await shop.place();
      const path = `/api/commerce/orders/${encodeURIComponent(order.number)}/cancel`;
      const before = await shop.counts(order);
      const key = keyed();
      const first = await shop.api('POST', path, { reason: 'Out of stock' }, key);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal((first.body as unknown as OrderResponse).order.status, 'cancelled');
      const once = await shop.counts(order);
      assert.deepEqual(once, {
        ...before,
        status: 'cancelled',
        version: before.version + 1,
        timeline: before.timeline + 1,
        updated: before.updated + 1,
      });

      // Without the key, cancelling again is an illegal move: the replay answers 200 without doing it.
      sameAnswer(first, await shop.api('POST', path, { reason: 'Out of stock' }, key));
      assert.deepEqual(await shop.counts(order), once, 'nothing written twice');

      keyReused(await shop.api('POST', path, { reason: 'Customer asked' }, key));
      keyReused(await shop.api('POST', path, {}, key));
      assert.deepEqual(await shop.counts(order), once, 'a refused request writes nothing');
    });

    it('shipments: the same shipment again under its key is the first answer, one shipment and one shipping update; another body is refused', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await shopOf(s);
      const order = await shop.place();
      const path = `/api/commerce/orders/${encodeURIComponent(order.number)}/shipments`;
      const before = await shop.counts(order);
      const key = keyed();
      // Part of the order: without the key, the same body again would make a second shipment.
      const body = { carrier: 'Colissimo', trackingNumber: '6A1', items: [{ item: 0, quantity: 1 }] };
      const first = await shop.api('POST', path, body, key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const { shipment } = first.body as unknown as ShipmentResponse;
      const once = await shop.counts(order);
      assert.deepEqual(once, {
        ...before,
        status: 'partially_shipped',
        version: before.version + 1,
        timeline: before.timeline + 2, // the shipment's line and the order's new status
        shipments: 1,
        trackingEvents: [1],
        messages: ['receipt', 'shipment'],
        updated: before.updated + 1,
        tracked: before.tracked + 1,
      });

      sameAnswer(
        first,
        await shop.api(
          'POST',
          path,
          { trackingNumber: '6A1', items: [{ quantity: 1, item: 0 }], carrier: 'Colissimo' },
          key,
        ),
      );
      const twice = await shop.counts(order);
      assert.deepEqual(twice, once, 'one shipment, one shipping update, one version up');
      assert.deepEqual(
        (await shop.read(order)).shipments.map((x) => x.id),
        [shipment.id],
      );

      keyReused(await shop.api('POST', path, { ...body, trackingNumber: '6A2' }, key));
      keyReused(await shop.api('POST', path, { carrier: 'Colissimo', trackingNumber: '6A1' }, key));
      assert.deepEqual(await shop.counts(order), once, 'a refused request writes nothing');
    });

    it('tracking events: the same event again under its key is the first answer, one event and one shipping update; another body is refused', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await shopOf(s);
      const order = await shop.place();
      const shipped = await shop.api('POST', `/api/commerce/orders/${encodeURIComponent(order.number)}/shipments`, {
        carrier: 'DHL',
        trackingNumber: 'JD1',
      });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const { shipment } = shipped.body as unknown as ShipmentResponse;
      const path = `/api/commerce/orders/${encodeURIComponent(order.number)}/shipments/${shipment.id}/events`;
      const before = await shop.counts(order);
      const key = keyed();
      const body = { status: 'in_transit', place: 'Lyon', description: 'Arrived at the hub' };
      const first = await shop.api('POST', path, body, key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const once = await shop.counts(order);
      assert.deepEqual(once, {
        ...before,
        version: before.version + 1,
        timeline: before.timeline + 1,
        trackingEvents: [2],
        messages: ['receipt', 'shipment', 'tracking'],
        tracked: before.tracked + 1,
      });

      sameAnswer(
        first,
        await shop.api('POST', path, { description: 'Arrived at the hub', place: 'Lyon', status: 'in_transit' }, key),
      );
      assert.deepEqual(await shop.counts(order), once, 'one tracking event, one shipping update, one version up');

      keyReused(await shop.api('POST', path, { ...body, place: 'Paris' }, key));
      keyReused(await shop.api('POST', path, { ...body, status: 'delivered' }, key));
      assert.deepEqual(await shop.counts(order), once, 'a refused request writes nothing');
      // Without a key, the next event is a new one (the route itself works after the refusals).
      const next = await shop.api('POST', path, { ...body, place: 'Paris' });
      assert.equal(next.status, 201, JSON.stringify(next.body));
      assert.deepEqual((await shop.counts(order)).trackingEvents, [3]);
    });
  });
}
