import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderResponse, OrdersResponse, RefundResponse, ShipmentResponse } from '../../protocol/commerce.ts';
import type { InboxThreadsResponse } from '../../protocol/inbox.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type HttpAnswer, HttpClient, type Person, signUp } from '../../test/helpers/client.ts';
import { type PageWithCustomer, pageWithApp, pageWithCustomer, say } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';

/**
 * Refunds (the Orders API and the inbox's order panel), the panel's routes for the people who run the
 * page (the customer's orders, cancel, refund, resend tracking) and the inbox's search by order and
 * tracking number, over HTTP on both backends.
 */

type ErrorAnswer = { error: { id: string; message: string; details?: Record<string, unknown> } };
const errorOf = (r: HttpAnswer<unknown>) => (r.body as ErrorAnswer).error;

let n = 0;
/** 2 × 12.50 + 5.00 = 30.00 EUR. */
const orderBody = (psid: string, number = `P-${process.pid}-${++n}`) => ({
  number,
  customer: { psid },
  currency: 'EUR',
  items: [
    { title: 'Café en grains', quantity: 2, unitPrice: 1250 },
    { title: 'Filtres', quantity: 1, unitPrice: 500 },
  ],
  total: 3000,
});

for (const backend of backends) {
  describe(`refunds, the inbox's order panel and its search (${backend.name})`, () => {
    let s: TestServer;
    let shop: PageWithCustomer;
    let other: PageWithCustomer;
    let agent: Person;
    let otherAgent: Person;
    let stranger: Person;
    let token: string;
    let otherToken: string;
    let skip: string | false = false;
    let api: (
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
      as?: string,
    ) => Promise<HttpAnswer<Record<string, unknown>>>;

    const create = async (number?: string) => {
      const r = await api('POST', '/api/commerce/orders', orderBody(shop.psid, number));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return (r.body as unknown as OrderResponse).order;
    };
    const ship = async (number: string, trackingNumber: string) => {
      const r = await api('POST', `/api/commerce/orders/${encodeURIComponent(number)}/shipments`, {
        carrier: 'Colissimo',
        trackingNumber,
        trackingUrl: `https://track.example/${trackingNumber}`,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as unknown as ShipmentResponse;
    };
    const view = async (number: string) =>
      ((await api('GET', `/api/commerce/orders/${encodeURIComponent(number)}`)).body as unknown as OrderResponse).order;
    const history = async () =>
      (await shop.customer.http.get<MessagesResponse>(`/api/conversations/${shop.conversationId}/messages`)).body
        .messages;
    const panel = (number: string) => `/api/pages/${shop.pageId}/orders/${encodeURIComponent(number)}`;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' });
      shop = await pageWithCustomer(s);
      const app = await pageWithApp(shop.owner.http);
      token = (await shop.owner.http.post<{ pageAccessToken: string }>(`/api/apps/${app.appId}/pages/${shop.pageId}`))
        .body.pageAccessToken;
      [agent, otherAgent, stranger] = (await Promise.all([1, 2, 3].map(() => signUp(s.url)))) as [
        Person,
        Person,
        Person,
      ];
      await shop.owner.http.post(`/api/pages/${shop.pageId}/members`, { username: agent.user.username, role: 'agent' });
      other = await pageWithCustomer(s, otherAgent);
      otherToken = (
        await otherAgent.http.post<{ pageAccessToken: string }>(
          `/api/apps/${(await pageWithApp(otherAgent.http)).appId}/pages/${other.pageId}`,
        )
      ).body.pageAccessToken;
      await say(shop.customer, shop.conversationId, 'Bonjour, où en est ma commande ?');
      await say(other.customer, other.conversationId, 'Hello');
      const anon = new HttpClient(s.url);
      api = (method, path, body, headers = {}, as = token) =>
        anon.request(method, path, body, { authorization: `Bearer ${as}`, ...headers });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('records a merchant’s refund: its view, a line of history, a message in the thread, order.updated', async (t) => {
      if (skip) return t.skip(skip);
      const order = await create();
      const r = await api('POST', `/api/commerce/orders/${order.number}/refunds`, { amount: 1250, reason: 'Broken' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { order: after, refund } = r.body as unknown as RefundResponse;
      assert.equal(refund.amount, 1250);
      assert.equal(refund.reason, 'Broken');
      assert.deepEqual(after.refunds, [refund]);
      assert.equal(after.refunded, 1250);
      assert.equal(after.version, order.version + 1);
      assert.equal(after.status, 'placed');
      assert.deepEqual(
        after.timeline.map((e) => [e.kind, e.description]),
        [
          ['status', null],
          ['refund', 'Broken'],
        ],
      );
      const last = (await history()).at(-1);
      assert.equal(last?.senderId, shop.pageId);
      assert.equal(last?.text, `Refund of 12.50 EUR recorded for order ${order.number}`);
      assert.equal(last?.order?.kind, 'refund');
      assert.equal(last?.order?.snapshot, null);
      assert.deepEqual(last?.order?.refund, { ...refund, number: order.number, currency: 'EUR' });
      const events = await shop.customer.http.get<{
        events: { event: { type: string; order?: { id: string; version: number; refunded: number } } }[];
      }>('/api/events?after=0&limit=1000');
      const updated = events.body.events.filter(
        (e) => e.event.type === 'order.updated' && e.event.order?.id === order.id,
      );
      assert.equal(updated.at(-1)?.event.order?.refunded, 1250);
      // A second refund, without a reason; the two together are the total at most.
      const second = await api('POST', `/api/commerce/orders/${order.number}/refunds`, { amount: 1750 });
      assert.equal(second.status, 201, JSON.stringify(second.body));
      assert.equal((second.body as unknown as RefundResponse).order.refunded, 3000);
      assert.equal((second.body as unknown as RefundResponse).refund.reason, null);
      // The JPY has no minor unit: 1200 is 1200 JPY in the message.
      const yen = await api('POST', '/api/commerce/orders', {
        ...orderBody(shop.psid),
        currency: 'JPY',
        items: [{ title: 'Matcha', quantity: 1, unitPrice: 1200 }],
        total: 1200,
      });
      const yenNumber = (yen.body as unknown as OrderResponse).order.number;
      assert.equal((await api('POST', `/api/commerce/orders/${yenNumber}/refunds`, { amount: 1200 })).status, 201);
      assert.equal((await history()).at(-1)?.text, `Refund of 1200 JPY recorded for order ${yenNumber}`);
    });

    it('refuses a refund beyond the total, a bad amount, another page’s order, and writes nothing', async (t) => {
      if (skip) return t.skip(skip);
      const order = await create();
      const path = `/api/commerce/orders/${order.number}/refunds`;
      assert.equal((await api('POST', path, { amount: 2000 })).status, 201);
      const count = (await history()).length;
      const tooMuch = await api('POST', path, { amount: 1001 });
      assert.equal(tooMuch.status, 400);
      assert.equal(errorOf(tooMuch).id, 'refund_exceeds_total');
      assert.match(errorOf(tooMuch).message, /^amount: 1001 asked, but 1000 of the total \(3000\) is left/);
      assert.equal(errorOf(tooMuch).details?.field, 'amount');
      for (const [amount, why] of [
        [-100, /amount/],
        [0, /amount/],
        [12.5, /amount: an integer number of minor units/],
        ['100', /amount/],
        [undefined, /amount/],
      ] as const) {
        const r = await api('POST', path, { amount });
        assert.equal(r.status, 400, String(amount));
        assert.equal(errorOf(r).id, 'bad_request');
        assert.match(errorOf(r).message, why);
      }
      const extra = await api('POST', path, { amount: 10, note: 'x' });
      assert.equal(errorOf(extra).id, 'bad_request');
      const elsewhere = await api('POST', path, { amount: 10 }, {}, otherToken);
      assert.equal(elsewhere.status, 404);
      assert.equal(errorOf(elsewhere).id, 'order_not_found');
      assert.equal((await api('POST', '/api/commerce/orders/nope/refunds', { amount: 10 })).status, 404);
      assert.equal((await new HttpClient(s.url).post(path, { amount: 10 })).status, 401);
      const now = await view(order.number);
      assert.equal(now.refunded, 2000);
      assert.equal(now.refunds.length, 1);
      assert.equal(now.version, order.version + 1);
      assert.equal((await history()).length, count, 'no message for a refused refund');
      // What is left may still be refunded.
      assert.equal((await api('POST', path, { amount: 1000 })).status, 201);
    });

    it('answers a replayed Idempotency-Key with the first refund, and 409 for another body', async (t) => {
      if (skip) return t.skip(skip);
      const order = await create();
      const path = `/api/commerce/orders/${order.number}/refunds`;
      const key = { 'idempotency-key': `refund-${order.number}` };
      const first = await api('POST', path, { amount: 500, reason: 'Late' }, key);
      assert.equal(first.status, 201);
      const again = await api('POST', path, { reason: 'Late', amount: 500 }, key);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      const count = (await history()).length;
      const reused = await api('POST', path, { amount: 600 }, key);
      assert.equal(reused.status, 409);
      assert.equal(errorOf(reused).id, 'idempotency_key_reused');
      const now = await view(order.number);
      assert.equal(now.refunded, 500);
      assert.equal((await history()).length, count);
      // The agent's panel shares the page's keys: the same key with another request is refused there too.
      const panelReused = await agent.http.request('POST', `${panel(order.number)}/refunds`, { amount: 700 }, key);
      assert.equal(panelReused.status, 409);
      assert.equal(errorOf(panelReused).id, 'idempotency_key_reused');
      assert.equal((await view(order.number)).refunded, 500);
      // Someone who does not run the page, with the same key and body, gets no replay: an unknown order.
      for (const [suffix, body] of [
        ['/refunds', { amount: 500, reason: 'Late' }],
        ['/cancel', {}],
      ] as const) {
        const cancelKey = { 'idempotency-key': `cancel-${order.number}` };
        if (suffix === '/cancel')
          assert.equal((await api('POST', `/api/commerce/orders/${order.number}/cancel`, {}, cancelKey)).status, 200);
        const r = await otherAgent.http.request(
          'POST',
          `${panel(order.number)}${suffix}`,
          body,
          suffix === '/cancel' ? cancelKey : key,
        );
        assert.equal(r.status, 404, suffix);
        assert.equal(errorOf(r).id, 'order_not_found');
      }
    });

    it('lists a conversation’s customer’s orders for the page’s people only, newest first', async (t) => {
      if (skip) return t.skip(skip);
      const a = await create();
      const b = await create();
      await ship(b.number, `TRK${process.pid}${++n}`);
      const list = await agent.http.get<OrdersResponse>(
        `/api/pages/${shop.pageId}/orders?conversationId=${shop.conversationId}`,
      );
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const numbers = list.body.orders.map((o) => o.number);
      assert.ok(numbers.indexOf(b.number) < numbers.indexOf(a.number) && numbers.indexOf(a.number) >= 0);
      const shipped = list.body.orders.find((o) => o.number === b.number);
      assert.equal(shipped?.shipments.length, 1);
      assert.equal(shipped?.status, 'shipped');
      assert.ok(Array.isArray(shipped?.refunds));
      // The owner too; nobody else — another page's agent, a stranger, the customer — and no other page's thread.
      assert.equal(
        (await shop.owner.http.get(`/api/pages/${shop.pageId}/orders?conversationId=${shop.conversationId}`)).status,
        200,
      );
      for (const who of [otherAgent, stranger, shop.customer]) {
        const r = await who.http.get(`/api/pages/${shop.pageId}/orders?conversationId=${shop.conversationId}`);
        assert.equal(r.status, 404);
        assert.equal(errorOf(r).id, 'conversation_not_found');
      }
      const foreign = await agent.http.get(`/api/pages/${shop.pageId}/orders?conversationId=${other.conversationId}`);
      assert.equal(foreign.status, 404);
      assert.equal(errorOf(foreign).id, 'conversation_not_found');
      const missing = await agent.http.get(`/api/pages/${shop.pageId}/orders`);
      assert.equal(missing.status, 400);
      assert.match(errorOf(missing).message, /conversationId/);
      assert.equal((await new HttpClient(s.url).get(`/api/pages/${shop.pageId}/orders?conversationId=x`)).status, 401);
      // A thread without orders: an empty list.
      const empty = await otherAgent.http.get<OrdersResponse>(
        `/api/pages/${other.pageId}/orders?conversationId=${other.conversationId}`,
      );
      assert.deepEqual(empty.body, { orders: [] });
    });

    it('lets an agent cancel and refund, as the Orders API does, and nobody else', async (t) => {
      if (skip) return t.skip(skip);
      const order = await create();
      for (const who of [otherAgent, stranger, shop.customer]) {
        for (const [suffix, body] of [
          ['/cancel', {}],
          ['/refunds', { amount: 100 }],
        ] as const) {
          const r = await who.http.post(`${panel(order.number)}${suffix}`, body);
          assert.equal(r.status, 404, `${suffix} ${JSON.stringify(r.body)}`);
          assert.equal(errorOf(r).id, 'order_not_found');
        }
      }
      // An agent of another page, on their own page, with this page's number: no such order there.
      const own = await otherAgent.http.post(
        `/api/pages/${other.pageId}/orders/${encodeURIComponent(order.number)}/cancel`,
      );
      assert.equal(errorOf(own).id, 'order_not_found');
      assert.equal((await view(order.number)).version, order.version, 'nothing changed');

      const refunded = await agent.http.post<RefundResponse>(`${panel(order.number)}/refunds`, {
        amount: 999,
        reason: 'Geste commercial',
      });
      assert.equal(refunded.status, 201, JSON.stringify(refunded.body));
      assert.equal(refunded.body.order.refunded, 999);
      assert.equal((await history()).at(-1)?.text, `Refund of 9.99 EUR recorded for order ${order.number}`);
      const tooMuch = await agent.http.post(`${panel(order.number)}/refunds`, { amount: 2002 });
      assert.equal(tooMuch.status, 400);
      assert.equal(errorOf(tooMuch).id, 'refund_exceeds_total');
      for (const amount of [-1, 1.5, 0]) {
        const r = await agent.http.post(`${panel(order.number)}/refunds`, { amount });
        assert.equal(r.status, 400);
        assert.equal(errorOf(r).id, 'bad_request');
        assert.match(errorOf(r).message, /amount/);
      }

      const cancelled = await agent.http.post<OrderResponse>(`${panel(order.number)}/cancel`, {
        reason: 'Asked by phone',
      });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.order.status, 'cancelled');
      assert.equal(cancelled.body.order.timeline.at(-1)?.description, 'Asked by phone');
      const twice = await agent.http.post(`${panel(order.number)}/cancel`);
      assert.equal(twice.status, 409);
      assert.equal(errorOf(twice).id, 'invalid_transition');
      assert.equal((await agent.http.post(`${panel('nope')}/cancel`)).status, 404);
      const long = await agent.http.post(`${panel(order.number)}/cancel`, { reason: 'x'.repeat(300) });
      assert.equal(errorOf(long).id, 'bad_request');
      // A shipped order is not cancelled.
      const sent = await create();
      await ship(sent.number, `C${process.pid}${++n}`);
      const late = await agent.http.post(`${panel(sent.number)}/cancel`);
      assert.equal(late.status, 409);
      assert.equal(errorOf(late).id, 'invalid_transition');
      assert.equal((await view(sent.number)).status, 'shipped');
    });

    it('an agent’s refund under an Idempotency-Key is made once', async (t) => {
      if (skip) return t.skip(skip);
      const order = await create();
      const key = { 'idempotency-key': `panel-${order.number}` };
      const first = await agent.http.request('POST', `${panel(order.number)}/refunds`, { amount: 300 }, key);
      assert.equal(first.status, 201);
      const again = await agent.http.request('POST', `${panel(order.number)}/refunds`, { amount: 300 }, key);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const other = await agent.http.request('POST', `${panel(order.number)}/refunds`, { amount: 301 }, key);
      assert.equal(other.status, 409);
      const bad = await agent.http.request(
        'POST',
        `${panel(order.number)}/refunds`,
        { amount: 1 },
        {
          'idempotency-key': 'with space',
        },
      );
      assert.equal(bad.status, 400);
      assert.match(errorOf(bad).message, /Idempotency-Key/);
      assert.equal((await view(order.number)).refunded, 300);
    });

    it('resends a shipment’s current shipping update in the thread, changing nothing of the order', async (t) => {
      if (skip) return t.skip(skip);
      const order = await create();
      const shipped = await ship(order.number, `RS${process.pid}${++n}`);
      const shipmentId = shipped.shipment.id;
      const path = `${panel(order.number)}/shipments/${shipmentId}/resend`;
      // Only a label yet: the shipment's update again.
      const once = await agent.http.post<ShipmentResponse>(path);
      assert.equal(once.status, 200, JSON.stringify(once.body));
      let last = (await history()).at(-1);
      assert.equal(last?.order?.kind, 'shipment');
      assert.equal(last?.order?.shipmentId, shipmentId);
      assert.equal(
        last?.text,
        `Order ${order.number} shipped with Colissimo, tracking ${shipped.shipment.trackingNumber}`,
      );
      const tracked = await api('POST', `/api/commerce/orders/${order.number}/shipments/${shipmentId}/events`, {
        status: 'in_transit',
        place: 'Lyon',
      });
      assert.equal(tracked.status, 201);
      const version = (tracked.body as unknown as ShipmentResponse).order.version;
      const count = (await history()).length;
      const twice = await agent.http.post<ShipmentResponse>(path);
      assert.equal(twice.status, 200);
      assert.equal(twice.body.order.version, version, 'the order did not change');
      assert.equal(twice.body.shipment.status, 'in_transit');
      const messages = await history();
      assert.equal(messages.length, count + 1);
      last = messages.at(-1);
      assert.equal(last?.order?.kind, 'tracking');
      assert.equal(last?.order?.status, 'in_transit');
      assert.equal(last?.text, `Order ${order.number}: in transit — Lyon`);
      // Resent again: one more message each time (its own id).
      assert.equal((await agent.http.post(path)).status, 200);
      assert.equal((await history()).length, count + 2);
      // Unknown shipment, unknown order, someone who does not run the page.
      const unknown = await agent.http.post(`${panel(order.number)}/shipments/nope/resend`);
      assert.equal(unknown.status, 404);
      assert.equal(errorOf(unknown).id, 'shipment_not_found');
      const noOrder = await agent.http.post(`${panel('nope')}/shipments/${shipmentId}/resend`);
      assert.equal(errorOf(noOrder).id, 'order_not_found');
      for (const who of [otherAgent, stranger]) {
        const r = await who.http.post(path);
        assert.equal(r.status, 404);
        assert.equal(errorOf(r).id, 'order_not_found');
      }
      assert.equal((await history()).length, count + 2);
    });

    it('once the customer stopped the page’s updates, a refund posts nothing and tracking is not resent', async (t) => {
      if (skip) return t.skip(skip);
      const order = await create();
      const shipped = await ship(order.number, `ST${process.pid}${++n}`);
      const consent = (updates: 'stopped' | 'allowed') =>
        shop.customer.http.post(`/api/pages/${shop.pageId}/consent`, { updates });
      assert.equal((await consent('stopped')).status, 200);
      try {
        const count = (await history()).length;
        const refunded = await agent.http.post<RefundResponse>(`${panel(order.number)}/refunds`, { amount: 100 });
        assert.equal(refunded.status, 201, JSON.stringify(refunded.body));
        assert.equal(refunded.body.order.refunded, 100, 'the refund is recorded, its card changes in place');
        const resent = await agent.http.post(`${panel(order.number)}/shipments/${shipped.shipment.id}/resend`);
        assert.equal(resent.status, 403);
        assert.equal(errorOf(resent).id, 'updates_stopped');
        assert.equal((await history()).length, count, 'nothing posted in the thread');
      } finally {
        assert.equal((await consent('allowed')).status, 200);
      }
      assert.equal(
        (await agent.http.post(`${panel(order.number)}/shipments/${shipped.shipment.id}/resend`)).status,
        200,
      );
    });

    it('the inbox’s search finds the conversation by order number and tracking number, on its page only', async (t) => {
      if (skip) return t.skip(skip);
      const stamp = `${process.pid}${++n}`;
      const order = await create(`FL-${stamp}-1042`);
      await ship(order.number, `6A${stamp}XYZ`);
      const search = (who: Person, pageId: string, q: string) =>
        who.http.get<InboxThreadsResponse>(`/api/pages/${pageId}/inbox/threads?q=${encodeURIComponent(q)}`);
      const ids = async (q: string) => (await search(agent, shop.pageId, q)).body.threads.map((x) => x.conversationId);
      for (const q of [order.number, `fl-${stamp}`, `FL-${stamp}-10`, `6A${stamp}XYZ`, `6a${stamp}`, ` 6A${stamp} `]) {
        assert.deepEqual(await ids(q), [shop.conversationId], q);
      }
      // An order no message names (a receipt card has no text): by its number, not by its middle.
      const quiet = await create(`QQ-${stamp}-77`);
      assert.deepEqual(await ids(quiet.number.toLowerCase()), [shop.conversationId]);
      assert.deepEqual(await ids(`${stamp}-77`), []);
      assert.deepEqual(await ids(`${quiet.number}0`), []);
      assert.deepEqual(await ids(`6A${stamp}XYZ0`), []);
      // Another page's agent searching their page finds nothing of this page's orders.
      const theirs = await search(otherAgent, other.pageId, order.number);
      assert.equal(theirs.status, 200);
      assert.deepEqual(theirs.body.threads, []);
    });
  });
}
