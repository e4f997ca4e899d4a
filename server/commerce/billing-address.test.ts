/**
 * An order's billing address (docs/COMMERCE.md, "The model"): optional, the shape and checks of the
 * shipping address, in the create and update bodies of the Orders API and in the order's view
 * (`billingAddress`, null when not given) — the view the API answers, the receipt card's snapshot and
 * `order.updated` carry. It changes, as the shipping address does, only before anything is shipped; a
 * receipt sent again through the Send API (Messenger's template has no billing address) keeps it; an order
 * stored before billing addresses (its JSON data without the key) reads as null. No schema change: the
 * order's data is one JSON column on both backends. The servers run with ORDER_CACHE_CHECK=true: every
 * use of a kept order is compared with the tables.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderResponse, OrderView } from '../../protocol/commerce.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import type { HttpAnswer } from '../../test/helpers/client.ts';
import { merchantOf, orderBody } from '../../test/helpers/orders.ts';
import { graphCall, say } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type ErrorAnswer = { error: { id: string; message: string; details?: { fields?: Record<string, string> } } };
let n = 0;

const billing = {
  name: 'Ada SARL',
  street1: '8 quai Saint-Vincent',
  street2: 'Bâtiment B',
  city: 'Lyon',
  postalCode: '69001',
  state: 'Rhône',
  country: 'FR',
};
/** The address as the view shows it: absent parts null. */
const viewOf = (a: Partial<typeof billing> & Pick<typeof billing, 'street1' | 'city' | 'postalCode' | 'country'>) => ({
  name: a.name ?? null,
  street1: a.street1,
  street2: a.street2 ?? null,
  city: a.city,
  postalCode: a.postalCode,
  state: a.state ?? null,
  country: a.country,
});

/** A one-line receipt template for order `number` (EUR, major units), as the Send API's body to `psid`. */
const receiptTo = (psid: string, number: string, line: { title: string; quantity: number; price: number }) => ({
  recipient: { id: psid },
  messaging_type: 'RESPONSE',
  message: {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'receipt',
        recipient_name: 'Ada Lovelace',
        order_number: number,
        currency: 'EUR',
        payment_method: 'Visa 2345',
        summary: { total_cost: line.price },
        elements: [{ ...line, currency: 'EUR' }],
      },
    },
  },
});

for (const backend of backends) {
  describe(`an order's billing address (${backend.name})`, () => {
    let s: TestServer;
    let shop: Awaited<ReturnType<typeof merchantOf>>;
    let token: string;
    let skip: string | false = false;
    let api: (method: string, path: string, body?: unknown) => Promise<HttpAnswer<Record<string, unknown>>>;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' });
      shop = await merchantOf(s);
      ({ api, token } = shop);
    });
    after(async () => {
      if (!skip) await s.close();
    });

    const path = (number: string) => `/api/commerce/orders/${encodeURIComponent(number)}`;
    const orderOf = (r: HttpAnswer<Record<string, unknown>>) => (r.body as unknown as OrderResponse).order;
    const read = async (number: string): Promise<OrderView> => {
      const r = await api('GET', path(number));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return orderOf(r);
    };
    const refused = (r: HttpAnswer<Record<string, unknown>>, status: number, id: string) => {
      assert.equal(r.status, status, JSON.stringify(r.body));
      const e = (r.body as unknown as ErrorAnswer).error;
      assert.equal(e.id, id);
      return e;
    };

    it('is in the view when the order is created with one — the receipt card’s snapshot and order.updated too — and null when omitted', async (t) => {
      if (skip) return t.skip(skip);
      const body = { ...orderBody(shop.psid), billingAddress: billing };
      const created = await api('POST', '/api/commerce/orders', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const order = orderOf(created);
      assert.deepEqual(order.billingAddress, billing);
      assert.deepEqual(order.shippingAddress, viewOf(body.shippingAddress), 'the shipping address as it was');
      assert.deepEqual((await read(body.number)).billingAddress, billing);
      // The customer's card: its snapshot, and the order as the card reads it.
      const thread = await shop.customer.http.get<MessagesResponse>(
        `/api/conversations/${shop.conversationId}/messages`,
      );
      const card = thread.body.messages.find((m) => m.order?.orderId === order.id);
      assert.deepEqual(card?.order?.snapshot?.billingAddress, billing);
      const mine = await shop.customer.http.get<OrderResponse>(`/api/orders/${order.id}`);
      assert.deepEqual(mine.body.order.billingAddress, billing);
      const events = await shop.customer.http.get<{ events: { event: { type: string; order?: OrderView } }[] }>(
        '/api/events?after=0&limit=1000',
      );
      const updated = events.body.events.find(
        (e) => e.event.type === 'order.updated' && e.event.order?.id === order.id,
      );
      assert.deepEqual(updated?.event.order?.billingAddress, billing);

      // Omitted: null, in the answer and as read.
      const plain = orderBody(shop.psid);
      const without = await api('POST', '/api/commerce/orders', plain);
      assert.equal(without.status, 201, JSON.stringify(without.body));
      assert.equal(orderOf(without).billingAddress, null);
      assert.equal((await read(plain.number)).billingAddress, null);
      // Only the required parts: the others null.
      const minimal = { street1: '2 rue Neuve', city: 'Lyon', postalCode: '69002', country: 'FR' };
      const short = { ...orderBody(shop.psid), billingAddress: minimal };
      assert.deepEqual(orderOf(await api('POST', '/api/commerce/orders', short)).billingAddress, viewOf(minimal));
    });

    it('is checked as the shipping address is: a bad one is 400 naming billingAddress.<field>, and nothing is written', async (t) => {
      if (skip) return t.skip(skip);
      const cases: [Record<string, unknown>, string][] = [
        [{ ...billing, postalCode: undefined }, 'billingAddress.postalCode'],
        [{ ...billing, city: '   ' }, 'billingAddress.city'],
        [{ ...billing, country: 'x'.repeat(257) }, 'billingAddress.country'],
        [{ ...billing, name: 'a\u0000b' }, 'billingAddress.name'],
        [{ ...billing, floor: '3' }, 'billingAddress'],
      ];
      for (const [address, field] of cases) {
        const body = { ...orderBody(shop.psid), billingAddress: address };
        const e = refused(await api('POST', '/api/commerce/orders', body), 400, 'bad_request');
        assert.ok(e.details?.fields && field in e.details.fields, `${field}: ${JSON.stringify(e)}`);
        assert.match(e.message, new RegExp(field.replace('.', '\\.')));
        assert.equal((await api('GET', path(body.number))).status, 404, 'no order');
      }
      // On a change too: the order stays as it was.
      const body = { ...orderBody(shop.psid), billingAddress: billing };
      const placed = orderOf(await api('POST', '/api/commerce/orders', body));
      const e = refused(
        await api('PATCH', path(body.number), { billingAddress: { ...billing, street1: '' } }),
        400,
        'bad_request',
      );
      assert.ok(e.details?.fields && 'billingAddress.street1' in e.details.fields, JSON.stringify(e));
      assert.deepEqual(await read(body.number), placed);
    });

    it('changes with PATCH before anything is shipped, alone or with other fields; afterwards it is order_not_editable, and tracking keeps it', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      const placed = orderOf(await api('POST', '/api/commerce/orders', body));
      assert.equal(placed.billingAddress, null);
      // Given after placing.
      const set = await api('PATCH', path(body.number), { billingAddress: billing });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const first = orderOf(set);
      assert.deepEqual(first.billingAddress, billing);
      assert.equal(first.version, placed.version + 1);
      assert.deepEqual(
        [first.timeline.at(-1)?.kind, first.timeline.at(-1)?.status],
        ['updated', 'placed'],
        'a change of the order, in its history',
      );
      assert.deepEqual(first.shippingAddress, placed.shippingAddress, 'the shipping address untouched');
      // Changed, with the shipping address, while processing.
      assert.equal((await api('PATCH', path(body.number), { status: 'processing' })).status, 200);
      const other = { street1: '3 place Bellecour', city: 'Lyon', postalCode: '69002', country: 'FR' };
      const moved = { street1: '5 av. Foch', city: 'Lyon', postalCode: '69006', country: 'FR' };
      const both = orderOf(await api('PATCH', path(body.number), { billingAddress: other, shippingAddress: moved }));
      assert.deepEqual(both.billingAddress, viewOf(other));
      assert.deepEqual(both.shippingAddress, viewOf(moved));
      // Another field alone keeps it.
      const paid = orderOf(await api('PATCH', path(body.number), { paymentMethod: 'Virement' }));
      assert.deepEqual(paid.billingAddress, viewOf(other));
      assert.deepEqual(await read(body.number), paid);

      // Shipped: kept (and kept by the server's cache of shipped orders, checked against the tables)…
      const shipped = await api('POST', `${path(body.number)}/shipments`, {
        carrier: 'Colissimo',
        trackingNumber: '6A1',
      });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const shipmentId = (shipped.body as { shipment: { id: string } }).shipment.id;
      for (const status of ['in_transit', 'out_for_delivery']) {
        const r = await api('POST', `${path(body.number)}/shipments/${shipmentId}/events`, { status, place: 'Lyon' });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.deepEqual(orderOf(r).billingAddress, viewOf(other));
      }
      // …and no longer changes.
      const late = refused(
        await api('PATCH', path(body.number), { billingAddress: billing }),
        409,
        'order_not_editable',
      );
      assert.match(late.message, /is shipped/);
      const now = await read(body.number);
      assert.deepEqual(now.billingAddress, viewOf(other));
      assert.equal(now.status, 'shipped');
    });

    it('is kept by a receipt sent again through the Send API (its template has none); the same receipt again changes nothing', async (t) => {
      if (skip) return t.skip(skip);
      await say(shop.customer, shop.conversationId, 'Hello'); // the messaging window is open
      const number = `BA-${process.pid}-${++n}`;
      const created = await api('POST', '/api/commerce/orders', {
        ...orderBody(shop.psid, number),
        billingAddress: billing,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const receipt = receiptTo(shop.psid, number, { title: 'Café en grains', quantity: 2, price: 40 });
      const send = () => graphCall(s.url, 'POST', '/v19.0/me/messages', token, receipt);
      const sent = await send();
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const updated = await read(number);
      assert.equal(updated.id, orderOf(created).id, 'the same order');
      assert.equal(updated.total, 4000);
      assert.equal(updated.version, 2);
      assert.deepEqual(updated.billingAddress, billing, 'the billing address kept');
      const again = await send();
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(await read(number), updated, 'the same receipt: no change');
    });

    it('reads as null on an order stored before billing addresses (its data without the key), which still changes and takes one', async (t) => {
      if (skip) return t.skip(skip);
      await say(shop.customer, shop.conversationId, 'Hello again');
      const body = orderBody(shop.psid);
      const placed = orderOf(await api('POST', '/api/commerce/orders', body));
      await withoutBillingKey(s, placed.id);
      const old = await read(body.number);
      assert.equal(old.billingAddress, null);
      assert.equal(old.version, placed.version + 1);
      // Shipped (the server keeps shipped orders, compared with the tables in check mode) and tracked.
      const shipped = await api('POST', `${path(body.number)}/shipments`, {
        carrier: 'Colissimo',
        trackingNumber: '6A2',
        items: [{ item: 0, quantity: 1 }],
      });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const shipmentId = (shipped.body as { shipment: { id: string } }).shipment.id;
      const tracked = await api('POST', `${path(body.number)}/shipments/${shipmentId}/events`, {
        status: 'in_transit',
      });
      assert.equal(tracked.status, 201, JSON.stringify(tracked.body));
      assert.equal(orderOf(tracked).billingAddress, null);
      assert.equal(orderOf(tracked).status, 'partially_shipped');

      // A receipt stored before, sent again as it was: no change (the missing key is no difference).
      const number = `BA-${process.pid}-${++n}`;
      const receipt = receiptTo(shop.psid, number, { title: 'Filtres', quantity: 1, price: 12.5 });
      const send = () => graphCall(s.url, 'POST', '/v19.0/me/messages', token, receipt);
      assert.equal((await send()).status, 200);
      await withoutBillingKey(s, (await read(number)).id);
      const stored = await read(number);
      assert.equal(stored.billingAddress, null);
      assert.equal((await send()).status, 200);
      assert.deepEqual(await read(number), stored, 'the same receipt: no change');
      // It takes one, as any order before shipping.
      const given = await api('PATCH', path(number), { billingAddress: billing });
      assert.equal(given.status, 200, JSON.stringify(given.body));
      assert.deepEqual(orderOf(given).billingAddress, billing);
      assert.deepEqual((await read(number)).billingAddress, billing);
    });
  });
}

/**
 * Makes the order look stored before billing addresses: its JSON data without the key, written the way
 * another process would (a connection of its own, the version raised, so that nothing kept is taken for it).
 */
async function withoutBillingKey(s: TestServer, orderId: string) {
  const { database } = s.config;
  if (database.kind === 'sqlite') {
    const db = new Database(database.path);
    try {
      const r = db
        .prepare("UPDATE orders SET data = json_remove(data, '$.billingAddress'), version = version + 1 WHERE id = ?")
        .run(orderId);
      assert.equal(r.changes, 1);
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const r = await client.query(
        "UPDATE orders SET data = (data::jsonb - 'billingAddress')::text, version = version + 1 WHERE id = $1",
        [orderId],
      );
      assert.equal(r.rowCount, 1);
    } finally {
      await client.end();
    }
  }
}
