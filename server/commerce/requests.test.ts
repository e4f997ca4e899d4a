import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderResponse, OrderView } from '../../protocol/commerce.ts';
import {
  type ContactSupportResponse,
  defaultRequestPolicy,
  type OrderRequestResponse,
  type RequestPolicyResponse,
} from '../../protocol/order-requests.ts';
import type { MessageView } from '../../protocol/views.ts';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type HttpAnswer, HttpClient, type Person, signUp } from '../../test/helpers/client.ts';
import { merchantOf, orderBody } from '../../test/helpers/orders.ts';
import {
  connectedApp,
  fastWebhooks,
  type PageWithCustomer,
  pageWithCustomer,
  type SigningBot,
  webhookTestEnv,
} from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { startWebhookBot } from '../../test/helpers/webhook-bot.ts';

let n = 0;
type ErrorAnswer = { error: { id: string; message: string; details?: Record<string, unknown> } };

const newAddress = { name: 'Ada', street1: '2 rue Neuve', city: 'Lyon', postalCode: '69001', country: 'FR' };

/** The shop's world: a page with a customer, its app's token, and helpers over HTTP. */
async function shopOf(s: TestServer) {
  const shop = await merchantOf(s);
  const { api } = shop;
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
  const ask = (order: OrderView, body: unknown, who: Person = shop.customer) =>
    who.http.post<OrderRequestResponse & ErrorAnswer>(`/api/orders/${order.id}/requests`, body);
  const answer = (order: OrderView, requestId: string, body: unknown, headers: Record<string, string> = {}) =>
    api(
      'POST',
      `/api/commerce/orders/${order.number}/requests/${requestId}/answer`,
      body,
      headers,
    ) as unknown as Promise<HttpAnswer<OrderRequestResponse & ErrorAnswer>>;
  const thread = async (): Promise<MessageView[]> =>
    (await shop.customer.http.get<MessagesResponse>(`/api/conversations/${shop.conversationId}/messages`)).body
      .messages;
  const orderNow = async (order: OrderView) =>
    (await shop.customer.http.get<OrderResponse>(`/api/orders/${order.id}`)).body.order;
  return { ...shop, place, deliver, ask, answer, thread, orderNow };
}
type Shop = PageWithCustomer & Awaited<ReturnType<typeof shopOf>>;

/** The error's id, and its status. */
const refused = (r: HttpAnswer<unknown>, status: number, id: string, message?: RegExp) => {
  assert.equal(r.status, status, JSON.stringify(r.body));
  const e = (r.body as ErrorAnswer).error;
  assert.equal(e.id, id);
  if (message) assert.match(e.message, message);
};

for (const backend of backends) {
  describe(`customers’ requests on orders (${backend.name})`, () => {
    let s: TestServer;
    let shop: Shop;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' });
      shop = await shopOf(s);
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('a customer asks to change the address: the request, their message in the thread, the card updated in place', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      assert.deepEqual(order.requests, []);
      assert.deepEqual(order.customerActions, { changeAddress: true, changeItems: true, cancel: true, return: false });
      const r = await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress }, note: 'New flat' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { request } = r.body;
      assert.equal(request.kind, 'change');
      assert.equal(request.state, 'requested');
      assert.equal(request.note, 'New flat');
      assert.deepEqual(request.change, { shippingAddress: newAddress });
      assert.deepEqual(
        request.history.map((h) => [h.by, h.state, h.text]),
        [['customer', 'requested', 'New flat']],
      );
      // The order carries it; one request at a time (the default): nothing more may be asked meanwhile.
      assert.equal(r.body.order.version, order.version + 1);
      assert.deepEqual(r.body.order.requests, [request]);
      assert.deepEqual(r.body.order.customerActions, {
        changeAddress: false,
        changeItems: false,
        cancel: false,
        return: false,
      });
      assert.equal(r.body.order.shippingAddress?.city, 'Paris', 'a manual approval changes nothing yet');
      const last = (await shop.thread()).at(-1);
      assert.equal(last?.senderId, shop.customer.user.id);
      assert.equal(last?.text, `Please change the delivery address of order ${order.number}: New flat`);
      assert.deepEqual(last?.orderRequest, {
        orderId: order.id,
        requestId: request.id,
        kind: 'change',
        state: 'requested',
      });
      // order.updated carries the requests to both members (the card changes in place).
      const events = await shop.customer.http.get<{
        events: { event: { type: string; order?: OrderView } }[];
      }>('/api/events?after=0&limit=1000');
      const updated = events.body.events.filter(
        (e) => e.event.type === 'order.updated' && e.event.order?.id === order.id,
      );
      assert.deepEqual(
        updated.at(-1)?.event.order?.requests.map((q) => q.id),
        [request.id],
      );
      // The page's people see it in the order too.
      const forOwner = await shop.owner.http.get<OrderResponse>(`/api/orders/${order.id}`);
      assert.equal(forOwner.body.order.requests[0]?.state, 'requested');

      // The merchant accepts: the address changes in the same job; the page says so.
      const a = await shop.answer(order, request.id, { decision: 'accept', message: 'Done!' });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.request.state, 'applied');
      assert.deepEqual(
        a.body.request.history.map((h) => [h.by, h.state]),
        [
          ['customer', 'requested'],
          ['page', 'accepted'],
          ['page', 'applied'],
        ],
      );
      assert.equal(a.body.order.shippingAddress?.city, 'Lyon');
      assert.equal(a.body.order.total, 3430);
      assert.equal(a.body.order.customerActions.cancel, true, 'nothing open any more');
      const said = (await shop.thread()).at(-1);
      assert.equal(said?.senderId, shop.pageId);
      assert.equal(said?.text, `Order ${order.number} is changed, as you asked. Done!`);
      assert.equal(said?.orderRequest?.state, 'applied');
    });

    it('cancels at once when the page approves cancellations automatically (the default)', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const r = await shop.ask(order, { kind: 'cancel' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.request.state, 'applied');
      assert.equal(r.body.order.status, 'cancelled');
      assert.equal(r.body.order.timeline.at(-1)?.status, 'cancelled');
      const [asked, said] = (await shop.thread()).slice(-2);
      assert.equal(asked?.senderId, shop.customer.user.id);
      assert.equal(asked?.text, `Please cancel order ${order.number}`);
      assert.equal(asked?.orderRequest?.state, 'requested');
      assert.equal(said?.senderId, shop.pageId);
      assert.equal(said?.text, `Order ${order.number} is cancelled, as you asked.`);
      assert.equal((await shop.orderNow(order)).status, 'cancelled');
      // A cancelled order takes no more requests; the rule is named.
      refused(
        await shop.ask(order, { kind: 'cancel' }),
        403,
        'request_not_allowed',
        /kind cancel: allowed until the order is processing; it is cancelled/,
      );
    });

    it('the merchant asks for more, the customer replies, the merchant accepts a change of items with new prices', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const r = await shop.ask(order, { kind: 'change', change: { items: [{ item: 1, quantity: 0 }] } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.request.id;
      // needs_info needs a message.
      refused(await shop.answer(order, id, { decision: 'needs_info' }), 400, 'bad_request', /message/);
      const q = await shop.answer(order, id, { decision: 'needs_info', message: 'Keep the filters for free?' });
      assert.equal(q.status, 200, JSON.stringify(q.body));
      assert.equal(q.body.request.state, 'needs_info');
      assert.equal(
        (await shop.thread()).at(-1)?.text,
        `About your request to change the items of order ${order.number}: Keep the filters for free?`,
      );
      // The merchant cannot answer again until the customer replies.
      refused(
        await shop.answer(order, id, { decision: 'accept' }),
        409,
        'invalid_transition',
        /request needs_info → accepted/,
      );
      const reply = await shop.customer.http.post<OrderRequestResponse>(
        `/api/orders/${order.id}/requests/${id}/reply`,
        { text: 'No thanks, remove them' },
      );
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.request.state, 'requested');
      const replied = (await shop.thread()).at(-1);
      assert.equal(replied?.senderId, shop.customer.user.id);
      assert.equal(replied?.text, 'No thanks, remove them');
      // Prices that do not add up are refused with the totals rule, and nothing is written.
      const before = await shop.orderNow(order);
      const bad = await shop.answer(order, id, {
        decision: 'accept',
        prices: { adjustments: [], taxes: [], shippingCost: 0, total: 1 },
      });
      refused(bad, 400, 'totals_mismatch', /total: 1 given/);
      assert.deepEqual(await shop.orderNow(order), before);
      // Prices on a rejection are refused too.
      refused(
        await shop.answer(order, id, { decision: 'reject', prices: { total: 2500 } }),
        400,
        'bad_request',
        /prices/,
      );
      const ok = await shop.answer(order, id, {
        decision: 'accept',
        prices: { adjustments: [], taxes: [{ label: 'VAT', amount: 200 }], shippingCost: 0, total: 2700 },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.request.state, 'applied');
      assert.deepEqual(
        ok.body.order.items.map((i) => [i.title, i.quantity]),
        [['Café en grains', 2]],
      );
      assert.equal(ok.body.order.total, 2700);
      assert.deepEqual(ok.body.order.adjustments, []);
      assert.equal(ok.body.order.timeline.at(-1)?.kind, 'updated');
    });

    it('recomputes the total of a change of items from the same adjustments, taxes and shipping', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const r = await shop.ask(order, { kind: 'change', change: { items: [{ item: 0, quantity: 1 }] } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const ok = await shop.answer(order, r.body.request.id, { decision: 'accept' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      // 1 × 12.50 + 5.00 − 3.00 + 2.40 + 4.90 = 21.80
      assert.equal(ok.body.order.total, 2180);
      assert.equal(ok.body.order.subtotal, 1750);
    });

    it('replays an answer under its Idempotency-Key, and refuses the key with another body', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const r = await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } });
      const id = r.body.request.id;
      const key = { 'idempotency-key': `answer-${process.pid}-${++n}` };
      const first = await shop.answer(order, id, { decision: 'reject', message: 'Too late' }, key);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.request.state, 'rejected');
      const again = await shop.answer(order, id, { message: 'Too late', decision: 'reject' }, key);
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      refused(await shop.answer(order, id, { decision: 'accept' }, key), 409, 'idempotency_key_reused');
      // Without the key, the same answer again is an impossible move.
      refused(
        await shop.answer(order, id, { decision: 'reject' }),
        409,
        'invalid_transition',
        /request rejected → rejected is not allowed: rejected is final/,
      );
      assert.equal((await shop.thread()).filter((m) => m.orderRequest?.requestId === id).length, 2);
    });

    it('takes returns only after delivery, and applies an accepted one once the order is marked returned', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const version = (await shop.orderNow(order)).version;
      const count = (await shop.thread()).length;
      refused(
        await shop.ask(order, { kind: 'return', reason: 'damaged' }),
        403,
        'request_not_allowed',
        /^kind return: allowed once the order is delivered; it is placed$/,
      );
      // Nothing half-written: no request, no message, the same version.
      const unchanged = await shop.orderNow(order);
      assert.equal(unchanged.version, version);
      assert.deepEqual(unchanged.requests, []);
      assert.equal((await shop.thread()).length, count);

      await shop.deliver(order.number);
      const delivered = await shop.orderNow(order);
      assert.equal(delivered.status, 'delivered');
      assert.equal(delivered.customerActions.return, true);
      refused(
        await shop.ask(order, { kind: 'return', reason: 'damaged', items: [{ item: 1, quantity: 2 }] }),
        400,
        'bad_request',
        /items\.0\.quantity: 2 of item 1 asked back, 1 delivered/,
      );
      const r = await shop.ask(order, { kind: 'return', reason: 'damaged', items: [{ item: 0, quantity: 1 }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.request.items, [{ item: 0, quantity: 1 }]);
      assert.equal(r.body.request.reason, 'damaged');
      assert.equal((await shop.thread()).at(-1)?.text, `Please return order ${order.number} (it arrived damaged)`);
      const ok = await shop.answer(order, r.body.request.id, { decision: 'accept', message: 'Send it back' });
      assert.equal(ok.body.request.state, 'accepted', 'a return waits for the parcel');
      assert.equal(ok.body.order.status, 'delivered');
      const returned = await shop.api('PATCH', `/api/commerce/orders/${order.number}`, { status: 'returned' });
      assert.equal(returned.status, 200, JSON.stringify(returned.body));
      const after = (returned.body as unknown as OrderResponse).order;
      assert.equal(after.status, 'returned');
      assert.equal(after.requests[0]?.state, 'applied');
    });

    it('closes the open requests the merchant’s own move made moot: a shipment, a cancellation', async (t) => {
      if (skip) return t.skip(skip);
      const own = await shopOf(s);
      // A request to change the address, still open when the merchant ships: rejected, the reason in its history.
      const shipped = await own.place();
      const asked = await own.ask(shipped, { kind: 'change', change: { shippingAddress: newAddress } });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      const parcel = await own.api('POST', `/api/commerce/orders/${shipped.number}/shipments`, {
        carrier: 'La Poste',
        trackingNumber: 'LP9',
      });
      assert.equal(parcel.status, 201, JSON.stringify(parcel.body));
      const closed = (parcel.body as unknown as OrderResponse).order.requests[0];
      assert.equal(closed?.state, 'rejected');
      assert.deepEqual(closed?.history.at(-1) && [closed.history.at(-1)?.by, closed.history.at(-1)?.text], [
        'page',
        'The order has shipped: it can no longer be changed.',
      ]);
      assert.equal((await own.orderNow(shipped)).requests[0]?.state, 'rejected', 'as stored');
      assert.equal((await own.orderNow(shipped)).shippingAddress?.city, 'Paris', 'the address unchanged');
      // With cancellations approved by hand: an open request to cancel, then the merchant cancels: applied.
      const manual = { ...defaultRequestPolicy, cancel: { until: 'processing', approval: 'manual' } };
      assert.equal((await own.api('PUT', '/api/commerce/policy', manual)).status, 200);
      const cancelled = await own.place();
      const cancel = await own.ask(cancelled, { kind: 'cancel', note: 'Plus besoin' });
      assert.equal(cancel.body.request.state, 'requested');
      const done = await own.api('POST', `/api/commerce/orders/${cancelled.number}/cancel`, {});
      assert.equal(done.status, 200, JSON.stringify(done.body));
      const view = (done.body as unknown as OrderResponse).order;
      assert.equal(view.status, 'cancelled');
      assert.deepEqual(
        view.requests[0]?.history.map((h) => [h.by, h.state]),
        [
          ['customer', 'requested'],
          ['page', 'accepted'],
          ['page', 'applied'],
        ],
      );
      // Nothing open is left to answer.
      const late = await own.answer(cancelled, cancel.body.request.id, { decision: 'accept' });
      refused(late, 409, 'invalid_transition');
    });

    it('lets the customer withdraw an open request, and never a closed one', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const r = await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } });
      const id = r.body.request.id;
      const w = await shop.customer.http.post<OrderRequestResponse>(
        `/api/orders/${order.id}/requests/${id}/withdraw`,
        {},
      );
      assert.equal(w.status, 200, JSON.stringify(w.body));
      assert.equal(w.body.request.state, 'withdrawn');
      assert.equal(
        (await shop.thread()).at(-1)?.text,
        `I withdraw my request to change the delivery address of order ${order.number}`,
      );
      refused(
        await shop.customer.http.post(`/api/orders/${order.id}/requests/${id}/withdraw`, {}),
        409,
        'invalid_transition',
        /request withdrawn → withdrawn/,
      );
      refused(
        await shop.customer.http.post(`/api/orders/${order.id}/requests/${id}/reply`, { text: 'hello' }),
        409,
        'invalid_transition',
        /request withdrawn → requested/,
      );
      // A new request may follow once none is open.
      assert.equal((await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } })).status, 201);
    });

    it('refuses bad inputs with their error, and leaves the order and thread as they were', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const stranger = await signUp(s.url);
      // Another person's order: they learn nothing of it.
      refused(await shop.ask(order, { kind: 'cancel' }, stranger), 404, 'order_not_found');
      refused(await shop.ask({ ...order, id: 'nope' }, { kind: 'cancel' }), 404, 'order_not_found');
      refused(await stranger.http.post(`/api/orders/${order.id}/support`, {}), 404, 'order_not_found');
      // Bodies: unknown kind, nothing to change, a NUL in the note, an unknown field.
      refused(await shop.ask(order, { kind: 'exchange' }), 400, 'bad_request');
      refused(await shop.ask(order, { kind: 'change', change: {} }), 400, 'bad_request', /nothing to change/);
      refused(await shop.ask(order, { kind: 'cancel', note: 'a\u0000b' }), 400, 'bad_request');
      refused(await shop.ask(order, { kind: 'cancel', order: { status: 'cancelled' } }), 400, 'bad_request');
      refused(await shop.ask(order, { kind: 'return' }), 400, 'bad_request', /reason/);
      // A change that names an item the order has not, or empties it.
      const count = (await shop.thread()).length;
      const version = (await shop.orderNow(order)).version;
      refused(
        await shop.ask(order, { kind: 'change', change: { items: [{ item: 5, quantity: 1 }] } }),
        400,
        'bad_request',
        /change\.items\.0\.item: the order has no item 5/,
      );
      const emptied = await shop.ask(order, {
        kind: 'change',
        change: {
          items: [
            { item: 0, quantity: 0 },
            { item: 1, quantity: 0 },
          ],
        },
      });
      refused(emptied, 400, 'bad_request', /change\.items: an order keeps at least one item/);
      assert.equal((emptied.body as ErrorAnswer).error.details?.field, 'change.items');
      assert.equal((await shop.thread()).length, count);
      assert.equal((await shop.orderNow(order)).version, version);
      assert.deepEqual((await shop.orderNow(order)).requests, []);

      // A second request while one is open: the default policy takes one at a time.
      const first = await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } });
      assert.equal(first.status, 201);
      const second = await shop.ask(order, { kind: 'change', change: { items: [{ item: 0, quantity: 1 }] } });
      refused(second, 409, 'request_open', new RegExp(`request ${first.body.request.id} \\(change\\) is requested`));
      assert.equal((await shop.orderNow(order)).requests.length, 1);
      // Unknown order and request, for the merchant and for the customer.
      refused(
        await shop.answer({ ...order, number: 'nope' }, first.body.request.id, { decision: 'accept' }),
        404,
        'order_not_found',
      );
      refused(await shop.answer(order, 'nope', { decision: 'accept' }), 404, 'request_not_found');
      refused(
        await shop.customer.http.post(`/api/orders/${order.id}/requests/nope/withdraw`, {}),
        404,
        'request_not_found',
      );
      // The customer's reply to a request the page did not question.
      refused(
        await shop.customer.http.post(`/api/orders/${order.id}/requests/${first.body.request.id}/reply`, {
          text: 'hi',
        }),
        409,
        'invalid_transition',
        /request requested → requested/,
      );
      // Another page's token does not reach this page's orders.
      const other = await shopOf(s);
      refused(
        await other.api('POST', `/api/commerce/orders/${order.number}/requests/${first.body.request.id}/answer`, {
          decision: 'accept',
        }),
        404,
        'order_not_found',
      );
      // No token at all.
      refused(
        await new HttpClient(s.url).post(
          `/api/commerce/orders/${order.number}/requests/${first.body.request.id}/answer`,
          {
            decision: 'accept',
          },
        ),
        401,
        'invalid_token',
      );
      // A change still open when the order ships is closed by the shipment: accepting it later is refused
      // whole, and the address stays.
      await shop.deliver(order.number);
      const late = await shop.answer(order, first.body.request.id, { decision: 'accept' });
      refused(late, 409, 'invalid_transition');
      const now = await shop.orderNow(order);
      assert.equal(now.requests[0]?.state, 'rejected');
      assert.equal(now.shippingAddress?.city, 'Paris');
    });

    it('refuses a request past requestLimits.perOrder (too_many_requests)', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const set = await shop.api('PUT', '/api/commerce/policy', { ...defaultRequestPolicy, oneOpenRequest: false });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      try {
        for (let i = 0; i < 50; i++) {
          const r = await shop.ask(order, {
            kind: 'change',
            change: { shippingAddress: { ...newAddress, street1: `${i} rue Neuve` } },
          });
          assert.equal(r.status, 201, JSON.stringify(r.body));
        }
        refused(
          await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } }),
          409,
          'too_many_requests',
        );
      } finally {
        await shop.api('PUT', '/api/commerce/policy', defaultRequestPolicy);
      }
    });

    it('closes what a change made moot: item changes when the items change, the rest when a cancellation applies', async (t) => {
      if (skip) return t.skip(skip);
      const manualCancel = { until: 'processing', approval: 'manual' } as const;
      const set = await shop.api('PUT', '/api/commerce/policy', {
        ...defaultRequestPolicy,
        oneOpenRequest: false,
        cancel: manualCancel,
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const states = async (order: OrderView) =>
        (await shop.orderNow(order)).requests.map((r) => [r.kind, r.state, r.history.at(-1)?.text ?? null]);
      const itemsOf = async (order: OrderView) => (await shop.orderNow(order)).items.map((i) => [i.title, i.quantity]);
      const moot = 'The order’s items changed since this request: ask again on the order as it now is.';
      try {
        // The merchant reorders the items: "item 1" would now be the coffee.
        const a = await shop.place();
        const filters = await shop.ask(a, { kind: 'change', change: { items: [{ item: 1, quantity: 3 }] } });
        assert.equal(filters.status, 201, JSON.stringify(filters.body));
        const address = await shop.ask(a, { kind: 'change', change: { shippingAddress: newAddress } });
        assert.equal(address.status, 201, JSON.stringify(address.body));
        const reordered = await shop.api('PATCH', `/api/commerce/orders/${a.number}`, {
          items: [
            { title: 'Filtres', quantity: 1, unitPrice: 500 },
            { title: 'Café en grains', subtitle: '1 kg', quantity: 2, unitPrice: 1250 },
          ],
        });
        assert.equal(reordered.status, 200, JSON.stringify(reordered.body));
        assert.deepEqual(await states(a), [
          ['change', 'rejected', moot],
          ['change', 'requested', null],
        ]);
        refused(await shop.answer(a, filters.body.request.id, { decision: 'accept' }), 409, 'invalid_transition');
        assert.deepEqual(await itemsOf(a), [
          ['Filtres', 1],
          ['Café en grains', 2],
        ]);
        // An edit that leaves the items as they are closes nothing.
        const b = await shop.place();
        const more = await shop.ask(b, { kind: 'change', change: { items: [{ item: 1, quantity: 3 }] } });
        assert.equal(more.status, 201, JSON.stringify(more.body));
        assert.equal(
          (await shop.api('PATCH', `/api/commerce/orders/${b.number}`, { paymentMethod: 'Cash' })).status,
          200,
        );
        assert.deepEqual(await states(b), [['change', 'requested', null]]);
        // Two changes of items: applying one closes the other, which named the list before it.
        const c = await shop.place();
        const drop = await shop.ask(c, { kind: 'change', change: { items: [{ item: 0, quantity: 0 }] } });
        const five = await shop.ask(c, { kind: 'change', change: { items: [{ item: 1, quantity: 5 }] } });
        assert.equal(five.status, 201, JSON.stringify(five.body));
        const accepted = await shop.answer(c, drop.body.request.id, { decision: 'accept' });
        assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
        assert.deepEqual(await states(c), [
          ['change', 'applied', null],
          ['change', 'rejected', moot],
        ]);
        assert.deepEqual(await itemsOf(c), [['Filtres', 1]]);
        // A cancellation the page accepts closes the order's other open requests.
        const d = await shop.place();
        await shop.ask(d, { kind: 'change', change: { shippingAddress: newAddress } });
        const cancel = await shop.ask(d, { kind: 'cancel' });
        assert.equal(cancel.status, 201, JSON.stringify(cancel.body));
        const yes = await shop.answer(d, cancel.body.request.id, { decision: 'accept' });
        assert.equal(yes.status, 200, JSON.stringify(yes.body));
        assert.equal(yes.body.order.status, 'cancelled');
        assert.deepEqual(await states(d), [
          ['change', 'rejected', 'The order was cancelled.'],
          ['cancel', 'applied', null],
        ]);
        // The same when the page's policy cancels at once.
        const automatic = { ...defaultRequestPolicy, oneOpenRequest: false };
        assert.equal((await shop.api('PUT', '/api/commerce/policy', automatic)).status, 200);
        const e = await shop.place();
        await shop.ask(e, { kind: 'change', change: { shippingAddress: newAddress } });
        const atOnce = await shop.ask(e, { kind: 'cancel' });
        assert.equal(atOnce.status, 201, JSON.stringify(atOnce.body));
        assert.equal(atOnce.body.request.state, 'applied');
        assert.deepEqual(await states(e), [
          ['change', 'rejected', 'The order was cancelled.'],
          ['cancel', 'applied', null],
        ]);
      } finally {
        await shop.api('PUT', '/api/commerce/policy', defaultRequestPolicy);
      }
    });

    it('refuses a change that changes nothing, and an accepted change that would refund more than the total', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const same = await shop.ask(order, {
        kind: 'change',
        change: { shippingAddress: orderBody(shop.psid).shippingAddress },
      });
      refused(
        same,
        400,
        'bad_request',
        /^Invalid request: change\.shippingAddress: this is the order’s address already/,
      );
      assert.equal(same.body.error.details?.field, 'change.shippingAddress');
      assert.deepEqual((await shop.orderNow(order)).requests, []);
      // 30.00 refunded; dropping the coffee would make the total 9.30.
      assert.equal(
        (await shop.api('POST', `/api/commerce/orders/${order.number}/refunds`, { amount: 3000 })).status,
        201,
      );
      const drop = await shop.ask(order, { kind: 'change', change: { items: [{ item: 0, quantity: 0 }] } });
      assert.equal(drop.status, 201, JSON.stringify(drop.body));
      const before = await shop.orderNow(order);
      const accept = await shop.answer(order, drop.body.request.id, { decision: 'accept' });
      refused(accept, 400, 'refund_exceeds_total', /^total: 930 is less than the 3000 already refunded/);
      assert.deepEqual(await shop.orderNow(order), before, 'nothing written: the request still requested');
    });

    it('the page’s people answer in the inbox; an agent of another page learns nothing', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const r = await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } });
      const path = (pageId: string, number = order.number, id = r.body.request.id) =>
        `/api/pages/${pageId}/orders/${encodeURIComponent(number)}/requests/${id}/answer`;
      const other = await pageWithCustomer(s);
      // The owner of another page, on this page's order: the same 404 as an unknown order.
      refused(await other.owner.http.post(path(shop.pageId), { decision: 'accept' }), 404, 'order_not_found');
      // …and on their own page, where this order is not.
      refused(await other.owner.http.post(path(other.pageId), { decision: 'accept' }), 404, 'order_not_found');
      refused(await shop.customer.http.post(path(shop.pageId), { decision: 'accept' }), 404, 'order_not_found');
      // An agent of this page answers, as the page.
      const agent = await signUp(s.url);
      const added = await shop.owner.http.post(`/api/pages/${shop.pageId}/members`, {
        username: agent.user.username,
        role: 'agent',
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const inboxThread = async () =>
        (
          await agent.http.get<{ thread: { firstResponseAt: string | null } }>(
            `/api/pages/${shop.pageId}/inbox/threads/${shop.conversationId}`,
          )
        ).body.thread;
      assert.equal((await inboxThread()).firstResponseAt, null, 'the page’s API answers are no member’s');
      const ok = await agent.http.post<OrderRequestResponse>(path(shop.pageId), {
        decision: 'reject',
        message: 'The parcel left already',
      });
      assert.notEqual((await inboxThread()).firstResponseAt, null, 'the agent’s answer is the first response');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.request.state, 'rejected');
      const said = (await shop.thread()).at(-1);
      assert.equal(said?.senderId, shop.pageId);
      assert.equal(
        said?.text,
        `We cannot accept your request to change the delivery address of order ${order.number}. The parcel left already`,
      );
      refused(
        await agent.http.post(path(shop.pageId, order.number, 'nope'), { decision: 'accept' }),
        404,
        'request_not_found',
      );

      // The policy: its people read it; only its admins set it.
      const got = await agent.http.get<RequestPolicyResponse>(`/api/pages/${shop.pageId}/commerce-policy`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.policy, defaultRequestPolicy);
      refused(
        await agent.http.put(`/api/pages/${shop.pageId}/commerce-policy`, defaultRequestPolicy),
        403,
        'not_page_admin',
      );
      refused(await other.owner.http.get(`/api/pages/${shop.pageId}/commerce-policy`), 403, 'not_page_member');
      refused(
        await shop.owner.http.put(`/api/pages/${shop.pageId}/commerce-policy`, {
          ...defaultRequestPolicy,
          cancel: { until: 'later', approval: 'manual' },
        }),
        400,
        'bad_request',
        /cancel\.until/,
      );
      const manual = { ...defaultRequestPolicy, cancel: { until: 'placed' as const, approval: 'manual' as const } };
      const put = await shop.owner.http.put<RequestPolicyResponse>(`/api/pages/${shop.pageId}/commerce-policy`, manual);
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(put.body.policy, manual);
      try {
        const viaToken = await shop.api('GET', '/api/commerce/policy');
        assert.deepEqual((viaToken.body as unknown as RequestPolicyResponse).policy, manual);
        // The new policy holds at once: a cancellation now waits for the page.
        const next = await shop.place();
        const c = await shop.ask(next, { kind: 'cancel' });
        assert.equal(c.status, 201, JSON.stringify(c.body));
        assert.equal(c.body.request.state, 'requested');
        assert.equal(c.body.order.status, 'placed');
        const accepted = await shop.owner.http.post<OrderRequestResponse>(
          path(shop.pageId, next.number, c.body.request.id),
          {
            decision: 'accept',
          },
        );
        assert.equal(accepted.body.order.status, 'cancelled');
        refused(await shop.api('PUT', '/api/commerce/policy', { ...manual, extra: true }), 400, 'bad_request');
      } finally {
        await shop.api('PUT', '/api/commerce/policy', defaultRequestPolicy);
      }
    });

    it('answers a customer who blocked the page on the card only, with no message from the page', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const blocked = await shop.customer.http.post(`/api/pages/${shop.pageId}/consent`, { blocked: true });
      assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
      try {
        const r = await shop.ask(order, { kind: 'cancel', note: 'Never mind' });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.order.status, 'cancelled');
        const last = (await shop.thread()).at(-1);
        assert.equal(last?.senderId, shop.customer.user.id, 'the customer’s request, and nothing from the page');
        assert.equal(last?.orderRequest?.requestId, r.body.request.id);
      } finally {
        await shop.customer.http.post(`/api/pages/${shop.pageId}/consent`, { blocked: false, updates: 'allowed' });
      }
    });

    it('“Contact support” posts the customer’s message and passes the thread to the page’s inbox', async (t) => {
      if (skip) return t.skip(skip);
      const order = await shop.place();
      const r = await shop.customer.http.post<ContactSupportResponse>(`/api/orders/${order.id}/support`, {
        text: 'Where is my parcel?',
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.message.text, 'Where is my parcel?');
      assert.equal((await shop.thread()).at(-1)?.id, r.body.message.id);
      assert.equal(await s.comptoir.platform.handover.owner(shop.pageId, shop.customer.user.id), PAGE_INBOX_APP_ID);
      const plain = await shop.customer.http.post<ContactSupportResponse>(`/api/orders/${order.id}/support`);
      assert.equal(plain.status, 200, JSON.stringify(plain.body));
      assert.equal(plain.body.message.text, `I need help with order ${order.number}`);
    });
  });
}

describe('order requests for the page’s apps: order_requests, or a postback (real receivers, signed)', () => {
  let s: TestServer;
  let shop: Shop;
  let native: SigningBot;
  let graph: SigningBot;
  let nativeAppId: string;

  before(async () => {
    s = await serverOn(
      backends[0] as (typeof backends)[number],
      { ...webhookTestEnv, RATE_REQUESTS_PER_MINUTE: '100000' },
      {
        webhooks: fastWebhooks,
      },
    );
    shop = await shopOf(s);
    [native, graph] = (await Promise.all([startWebhookBot(), startWebhookBot()])) as [SigningBot, SigningBot];
    const app = await connectedApp(
      shop.owner,
      shop.pageId,
      native,
      ['order_requests', 'messaging_handovers'],
      'Native',
    );
    await connectedApp(shop.owner, shop.pageId, graph, ['messaging_postbacks', 'messaging_handovers'], 'Graph');
    nativeAppId = app.appId;
    const primary = await shop.owner.http.put(`/api/pages/${shop.pageId}/handover`, { primaryAppId: app.appId });
    assert.equal(primary.status, 200, JSON.stringify(primary.body));
  });
  after(async () => {
    await s.close();
    await Promise.all([native.close(), graph.close()]);
  });

  it('sends each app what it subscribed to when the customer asks, replies and withdraws', async () => {
    const order = await shop.place();
    const r = await shop.ask(order, { kind: 'change', change: { shippingAddress: newAddress } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const id = r.body.request.id;
    const [requested] = await native.waitForEvents(1);
    assert.ok(requested);
    const { timestamp, ...rest } = requested;
    assert.equal(typeof timestamp, 'number');
    assert.deepEqual(rest, {
      sender: { id: shop.psid },
      recipient: { id: shop.pageId },
      order_request: { action: 'requested', order_number: order.number, request: r.body.request },
    });
    const [postback] = await graph.waitForEvents(1);
    assert.deepEqual(postback?.postback, {
      title: 'Change order',
      payload: JSON.stringify({
        order_request: { id, kind: 'change', action: 'requested', order_number: order.number },
      }),
    });
    assert.deepEqual(postback?.sender, { id: shop.psid });
    assert.ok(native.deliveries.every((d) => d.signed));
    assert.ok(graph.deliveries.every((d) => d.signed));

    // The merchant's answer is no customer event; the reply and the withdrawal are.
    await shop.answer(order, id, { decision: 'needs_info', message: 'Which floor?' });
    await shop.customer.http.post(`/api/orders/${order.id}/requests/${id}/reply`, { text: 'Third' });
    await shop.customer.http.post(`/api/orders/${order.id}/requests/${id}/withdraw`, {});
    const events = await native.waitForEvents(3);
    assert.deepEqual(
      events.map((e) => (e.order_request as { action: string }).action),
      ['requested', 'replied', 'withdrawn'],
    );
    assert.equal((events[2]?.order_request as { request: { state: string } } | undefined)?.request.state, 'withdrawn');
    const postbacks = await graph.waitForEvents(3);
    assert.deepEqual(
      postbacks.map((e) => (e.postback as { title: string }).title),
      ['Change order', 'Reply about a change', 'Withdraw change'],
    );

    // A request the page approves at once reaches the apps as it now is: applied.
    const other = await shop.place();
    const cancel = await shop.ask(other, { kind: 'cancel' });
    assert.equal(cancel.body.request.state, 'applied');
    const [last] = (await native.waitForEvents(4)).slice(3);
    assert.deepEqual(last?.order_request, {
      action: 'requested',
      order_number: other.number,
      request: cancel.body.request,
    });
    const [lastPostback] = (await graph.waitForEvents(4)).slice(3);
    assert.equal((lastPostback?.postback as { title: string } | undefined)?.title, 'Cancel order');
  });

  it('tells the bot that owned the thread it was taken to the inbox when the customer contacts support', async () => {
    const order = await shop.place();
    s.comptoir.platform.handover.forget();
    const owner = await s.comptoir.platform.handover.owner(shop.pageId, shop.customer.user.id);
    assert.equal(owner, nativeAppId, 'the primary receiver owns the thread');
    const before = { native: native.events().length, graph: graph.events().length };
    const r = await shop.customer.http.post(`/api/orders/${order.id}/support`, { text: 'Help' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const take = async (b: SigningBot, from: number) => {
      const events = await b.waitForEvents(from + 1);
      return events.slice(from).find((e) => 'take_thread_control' in e);
    };
    // The app that owned the thread hears it was taken; the other hears nothing.
    const event = await take(native, before.native);
    assert.deepEqual(event?.take_thread_control, {
      previous_owner_app_id: owner,
      new_owner_app_id: PAGE_INBOX_APP_ID,
      metadata: JSON.stringify({ contact_support: { order_number: order.number } }),
    });
    assert.equal(await s.comptoir.platform.handover.owner(shop.pageId, shop.customer.user.id), PAGE_INBOX_APP_ID);
    assert.equal(graph.events().length, before.graph);
  });
});
