/**
 * Customers' requests the page's policy approves automatically (requests-policy.ts `automatic`, the `ask`
 * of flows/order-requests.ts): a change is accepted and applied in the request's own job — the order
 * changes at once, its card with it — while a return is only accepted, and applied when the merchant marks
 * the order returned.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderResponse, OrderView } from '../../protocol/commerce.ts';
import {
  defaultRequestPolicy,
  type OrderRequestResponse,
  type RequestPolicy,
  type RequestPolicyResponse,
} from '../../protocol/order-requests.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import type { HttpAnswer } from '../../test/helpers/client.ts';
import { merchantOf, orderBody } from '../../test/helpers/orders.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type ErrorAnswer = { error: { id: string; message: string } };
type OrderEvents = { events: { event: { type: string; order?: OrderView } }[] };

const newAddress = { name: 'Ada', street1: '2 rue Neuve', city: 'Lyon', postalCode: '69001', country: 'FR' };

/** A page with a customer, its app's token, its request policy set to `policy`, and helpers over HTTP. */
async function shopWith(s: TestServer, policy: RequestPolicy) {
  const shop = await merchantOf(s);
  const { api } = shop;
  const set = (await api('PUT', '/api/commerce/policy', policy)) as unknown as HttpAnswer<RequestPolicyResponse>;
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.deepEqual(set.body.policy, policy);
  const place = async (): Promise<OrderView> => {
    const r = await api('POST', '/api/commerce/orders', orderBody(shop.psid));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return (r.body as unknown as OrderResponse).order;
  };
  const deliver = async (number: string) => {
    const parcel = await api('POST', `/api/commerce/orders/${number}/shipments`, {
      carrier: 'La Poste',
      trackingNumber: 'LP1',
    });
    assert.equal(parcel.status, 201, JSON.stringify(parcel.body));
    const id = (parcel.body as { shipment: { id: string } }).shipment.id;
    const done = await api('POST', `/api/commerce/orders/${number}/shipments/${id}/events`, { status: 'delivered' });
    assert.equal(done.status, 201, JSON.stringify(done.body));
  };
  const ask = (order: OrderView, body: unknown) =>
    shop.customer.http.post<OrderRequestResponse & ErrorAnswer>(`/api/orders/${order.id}/requests`, body);
  const thread = async (): Promise<MessageView[]> =>
    (await shop.customer.http.get<MessagesResponse>(`/api/conversations/${shop.conversationId}/messages`)).body
      .messages;
  /** The order.updated events of the order in the customer's feed (what every device applies to the card). */
  const updates = async (order: OrderView): Promise<OrderView[]> =>
    (await shop.customer.http.get<OrderEvents>('/api/events?after=0&limit=1000')).body.events
      .filter((e) => e.event.type === 'order.updated' && e.event.order?.id === order.id)
      .map((e) => e.event.order as OrderView);
  /** The order as the card asks for it (the customer's session), and as the merchant reads it (token). */
  const orderNow = async (order: OrderView) => {
    const card = (await shop.customer.http.get<OrderResponse>(`/api/orders/${order.id}`)).body.order;
    const merchant = ((await api('GET', `/api/commerce/orders/${order.number}`)).body as unknown as OrderResponse)
      .order;
    assert.deepEqual(card.shippingAddress, merchant.shippingAddress);
    assert.equal(card.version, merchant.version);
    return card;
  };
  return { ...shop, api, place, deliver, ask, thread, updates, orderNow };
}

for (const backend of backends) {
  describe(`requests the page approves automatically (${backend.name})`, () => {
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

    it('applies an automatic change of address at once: the request applied, the new address on the order and its card', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await shopWith(s, {
        ...defaultRequestPolicy,
        changeAddress: { until: 'processing', approval: 'automatic' },
      });
      const order = await shop.place();
      assert.equal(order.shippingAddress?.city, 'Paris');
      const eventsBefore = (await shop.updates(order)).length;

      const r = await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { request } = r.body;
      assert.equal(request.state, 'applied');
      assert.deepEqual(
        request.history.map((h) => [h.by, h.state]),
        [
          ['customer', 'requested'],
          ['page', 'accepted'],
          ['page', 'applied'],
        ],
      );
      const expected = { ...newAddress, street2: null, state: null };
      // The answer carries the order as it now is: the new address, the change on its timeline.
      assert.deepEqual(r.body.order.shippingAddress, expected);
      assert.ok(r.body.order.version > order.version);
      assert.equal(r.body.order.status, 'placed');
      assert.equal(r.body.order.total, order.total);
      assert.equal(r.body.order.timeline.at(-1)?.kind, 'updated');
      assert.deepEqual(
        r.body.order.requests.map((q) => [q.id, q.state]),
        [[request.id, 'applied']],
      );

      // The order itself changed (not just the answer), for the card and for the merchant.
      const now = await shop.orderNow(order);
      assert.deepEqual(now.shippingAddress, expected);
      assert.equal(now.version, r.body.order.version);

      // One order.updated for the request's job, carrying the new address: the card changes in place.
      const events = await shop.updates(order);
      assert.equal(events.length, eventsBefore + 1);
      assert.deepEqual(events.at(-1)?.shippingAddress, expected);
      assert.equal(events.at(-1)?.version, r.body.order.version);
      assert.equal(events.at(-1)?.requests[0]?.state, 'applied');

      // The customer's words, then the page's: it is done.
      const [asked, said] = (await shop.thread()).slice(-2);
      assert.equal(asked?.senderId, shop.customer.user.id);
      assert.equal(asked?.text, `Please change the delivery address of order ${order.number}`);
      assert.equal(said?.senderId, shop.pageId);
      assert.equal(said?.text, `Order ${order.number} is changed, as you asked.`);
      assert.deepEqual(said?.orderRequest, {
        orderId: order.id,
        requestId: request.id,
        kind: 'change',
        state: 'applied',
      });
    });

    it('accepts an automatic return after delivery without applying it, and applies it once the merchant marks the order returned', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await shopWith(s, { ...defaultRequestPolicy, returns: { days: 30, approval: 'automatic' } });
      const order = await shop.place();
      await shop.deliver(order.number);
      assert.equal((await shop.orderNow(order)).status, 'delivered');

      const r = await shop.ask(order, { kind: 'return', reason: 'damaged' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { request } = r.body;
      assert.equal(request.state, 'accepted', 'a return waits for the parcel');
      assert.deepEqual(
        request.history.map((h) => [h.by, h.state]),
        [
          ['customer', 'requested'],
          ['page', 'accepted'],
        ],
      );
      assert.equal(r.body.order.status, 'delivered');
      assert.deepEqual(
        r.body.order.requests.map((q) => [q.id, q.state]),
        [[request.id, 'accepted']],
      );
      // Not applied behind the answer's back either: the order as it is read, and as its event carried it.
      const accepted = await shop.orderNow(order);
      assert.equal(accepted.status, 'delivered');
      assert.equal(accepted.requests[0]?.state, 'accepted');
      assert.equal((await shop.updates(order)).at(-1)?.requests[0]?.state, 'accepted');
      const [asked, said] = (await shop.thread()).slice(-2);
      assert.equal(asked?.text, `Please return order ${order.number} (it arrived damaged)`);
      assert.equal(said?.senderId, shop.pageId);
      assert.equal(said?.text, `We accept your request to return order ${order.number}.`);
      assert.equal(said?.orderRequest?.state, 'accepted');

      // The parcel came back: the merchant marks the order returned, which applies the return in its job.
      const returned = await shop.api('PATCH', `/api/commerce/orders/${order.number}`, { status: 'returned' });
      assert.equal(returned.status, 200, JSON.stringify(returned.body));
      const after = (returned.body as unknown as OrderResponse).order;
      assert.equal(after.status, 'returned');
      assert.deepEqual(
        after.requests.map((q) => [q.id, q.state]),
        [[request.id, 'applied']],
      );
      assert.deepEqual(
        after.requests[0]?.history.map((h) => [h.by, h.state]),
        [
          ['customer', 'requested'],
          ['page', 'accepted'],
          ['page', 'applied'],
        ],
      );
      const now = await shop.orderNow(order);
      assert.equal(now.status, 'returned');
      assert.equal(now.requests[0]?.state, 'applied');
      const last = (await shop.updates(order)).at(-1);
      assert.equal(last?.status, 'returned');
      assert.equal(last?.requests[0]?.state, 'applied');
    });
  });
}
