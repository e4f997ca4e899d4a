import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { OrderResponse, ShipmentResponse } from '../../protocol/commerce.ts';
import { defaultRequestPolicy } from '../../protocol/order-requests.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type HttpAnswer, HttpClient } from '../../test/helpers/client.ts';
import { orderBody } from '../../test/helpers/orders.ts';
import { type PageWithCustomer, pageWithApp, pageWithCustomer } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { AggregateCache } from './aggregates.ts';
import { OrderHeads } from './heads.ts';
import type { OrderAggregate } from './store.ts';

const aggregateAt = (version: number): OrderAggregate => ({
  order: {
    id: 'o1',
    pageId: 'p1',
    number: '1',
    customerId: 'u1',
    conversationId: 'c1',
    status: 'placed',
    currency: 'EUR',
    total: 100,
    data: {
      psid: 'x',
      items: [],
      adjustments: [],
      taxes: [],
      shippingCost: 0,
      shippingAddress: null,
      paymentMethod: null,
      merchantName: null,
      orderUrl: null,
    },
    version,
    createdAt: 1,
    updatedAt: 1,
  },
  shipments: [],
  timeline: [
    {
      orderId: 'o1',
      seq: 1,
      kind: 'status',
      status: 'placed',
      shipmentId: null,
      place: null,
      description: null,
      at: 1,
    },
  ],
  requests: [],
  refunds: [],
  policy: defaultRequestPolicy,
});

describe('the cache of order aggregates', () => {
  it('gives an order’s parts only at the version they were kept at', () => {
    const cache = new AggregateCache(10);
    cache.put(aggregateAt(2));
    assert.equal(cache.get(aggregateAt(1).order), null, 'an older version');
    assert.equal(cache.get(aggregateAt(3).order), null, 'a newer version: the order changed since');
    assert.deepEqual(cache.get(aggregateAt(2).order)?.timeline, aggregateAt(2).timeline);
    assert.deepEqual(cache.stats, { hits: 1, misses: 2 });
  });

  it('gives the order row kept only at its version', () => {
    const cache = new AggregateCache(10);
    cache.put(aggregateAt(2));
    assert.deepEqual(cache.order('o1', 2), aggregateAt(2).order);
    assert.equal(cache.order('o1', 1), null, 'an older version');
    assert.equal(cache.order('o1', 3), null, 'a newer version: the row changed since');
    assert.equal(cache.order('o2', 2), null, 'another order');
  });

  it('keeps nothing at size 0', () => {
    const cache = new AggregateCache(0);
    assert.equal(cache.enabled, false);
    cache.put(aggregateAt(1));
    assert.equal(cache.get(aggregateAt(1).order), null);
    assert.equal(cache.order('o1', 1), null);
  });

  it('in check mode, freezes what it keeps and refuses parts that differ from the tables', () => {
    const cache = new AggregateCache(10, true);
    const a = aggregateAt(1);
    cache.put(a);
    const kept = cache.get(a.order);
    assert.ok(kept);
    assert.throws(() => {
      (kept.timeline as unknown[]).push('a step changing a kept aggregate in place');
    }, TypeError);
    assert.doesNotThrow(() => cache.verify(a.order, kept, aggregateAt(1)));
    const written = { ...aggregateAt(1), refunds: [{ id: 'r', orderId: 'o1', amount: 5, reason: null, createdAt: 2 }] };
    assert.throws(() => cache.verify(a.order, kept, written), /did not raise its version/);
    const row = cache.order('o1', 1);
    assert.ok(row);
    assert.throws(() => {
      (row.data.items as unknown[]).push('a step changing a kept row in place');
    }, TypeError);
    assert.doesNotThrow(() => cache.verifyOrder(row, aggregateAt(1).order));
    assert.throws(() => cache.verifyOrder(row, { ...aggregateAt(1).order, total: 1 }), /did not raise its version/);
  });
});

describe('what the writer knows of orders (heads)', () => {
  const o = { pageId: 'p1', number: 'A-1', id: 'o1', version: 3 };
  it('gives the version a job wrote or read while no other connection wrote, and nothing once one did', () => {
    const heads = new OrderHeads(10);
    assert.equal(heads.get('p1', 'A-1', 0), null);
    heads.note(o);
    assert.deepEqual(heads.get('p1', 'A-1', 0), { id: 'o1', version: 3 });
    assert.equal(heads.get('p2', 'A-1', 0), null, 'another page’s order of that number');
    assert.equal(heads.get('p1', 'A-1', 1), null, 'another connection wrote: forgotten');
    heads.note(o);
    assert.equal(heads.get('p1', 'A-1', 1)?.version, 3);
  });

  it('knows nothing when the backend cannot tell (PostgreSQL), nor after a rollback, nor at size 0', () => {
    const heads = new OrderHeads(10);
    heads.get('p1', 'A-1', 0);
    heads.note(o);
    assert.equal(heads.get('p1', 'A-1', null), null);
    heads.forget();
    assert.equal(heads.get('p1', 'A-1', 0), null);
    const none = new OrderHeads(0);
    none.note(o);
    assert.equal(none.get('p1', 'A-1', 0), null);
  });
});

for (const backend of backends) {
  describe(`orders kept between their changes (${backend.name})`, () => {
    let s: TestServer;
    let shop: PageWithCustomer;
    let skip: string | false = false;
    let api: (method: string, path: string, body?: unknown) => Promise<HttpAnswer<Record<string, unknown>>>;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' });
      shop = await pageWithCustomer(s);
      const app = await pageWithApp(shop.owner.http);
      const token = (
        await shop.owner.http.post<{ pageAccessToken: string }>(`/api/apps/${app.appId}/pages/${shop.pageId}`)
      ).body.pageAccessToken;
      const anon = new HttpClient(s.url);
      api = (method, path, body) => anon.request(method, path, body, { authorization: `Bearer ${token}` });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    /** A new order of the shop, shipped: its number, its shipment's id, and where its tracking events go. */
    async function shippedOrder(trackingNumber: string) {
      const body = orderBody(shop.psid);
      const { number } = body;
      assert.equal((await api('POST', '/api/commerce/orders', body)).status, 201);
      const shipped = await api('POST', `/api/commerce/orders/${number}/shipments`, {
        carrier: 'Colissimo',
        trackingNumber,
      });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const shipmentId = (shipped.body as unknown as ShipmentResponse).shipment.id;
      return { number, shipmentId, events: `/api/commerce/orders/${number}/shipments/${shipmentId}/events` };
    }

    it('tracking events start from the order as its last change left it, and answer what a read answers', async (t) => {
      if (skip) return t.skip(skip);
      const cache = s.comptoir.commerce.aggregates;
      assert.equal(cache.check, true, 'the tests check every use (test/helpers/server.ts)');
      const body = orderBody(shop.psid);
      assert.equal((await api('POST', '/api/commerce/orders', body)).status, 201);
      const hits = cache.stats.hits;
      const known = s.comptoir.commerce.heads.stats.known;
      const shipped = await api('POST', `/api/commerce/orders/${body.number}/shipments`, {
        carrier: 'Colissimo',
        trackingNumber: '6A1',
      });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const shipmentId = (shipped.body as unknown as ShipmentResponse).shipment.id;
      let last: ShipmentResponse | null = null;
      for (const [status, place] of [
        ['in_transit', 'Lyon'],
        ['in_transit', 'Dijon'],
        ['delivered', 'Paris'],
      ]) {
        const r = await api('POST', `/api/commerce/orders/${body.number}/shipments/${shipmentId}/events`, {
          status,
          place,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        last = r.body as unknown as ShipmentResponse;
      }
      // An order is kept once shipped: the three events each found it (checked against the tables each time).
      assert.equal(cache.stats.hits - hits, 3);
      // On SQLite the writer knew each one's version (no other connection writes); PostgreSQL reads it.
      assert.equal(s.comptoir.commerce.heads.stats.known - known, backend.name === 'sqlite' ? 3 : 0);
      const read = (await api('GET', `/api/commerce/orders/${body.number}`)).body as unknown as OrderResponse;
      assert.deepEqual(last?.order, read.order);
      assert.equal(read.order.status, 'delivered');
      assert.deepEqual(
        read.order.timeline.map((e) => e.place),
        [null, null, null, 'Lyon', 'Dijon', 'Paris', null],
      );
    });

    it('places one order per number, however many calls with it arrive at once (409 order_number_taken to the others)', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      const answers = await Promise.all(Array.from({ length: 4 }, () => api('POST', '/api/commerce/orders', body)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409, 409, 409]);
      for (const a of answers.filter((x) => x.status === 409))
        assert.equal((a.body as { error: { id: string } }).error.id, 'order_number_taken');
      const mine = await s.comptoir.storage.reader.commerce.ordersOfCustomer(shop.pageId, shop.customer.user.id, 500);
      assert.equal(mine.filter((o) => o.number === body.number).length, 1);
    });

    it('a write to an order’s row that does not raise its version writes nothing, and the next change goes on from the row', async (t) => {
      if (skip) return t.skip(skip);
      const { number, events } = await shippedOrder('6A3');
      const row = await s.comptoir.storage.reader.commerce.orderByNumber(shop.pageId, number);
      assert.ok(row);
      // A step that forgets the version: the order would be cancelled at the version kept. Refused.
      const written = await s.comptoir.committer.run(({ tx }) =>
        tx.commerce.updateOrderState({ ...row, status: 'cancelled' }),
      );
      assert.equal(written, false);
      const r = await api('POST', events, { status: 'in_transit' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const read = (await api('GET', `/api/commerce/orders/${number}`)).body as unknown as OrderResponse;
      assert.equal(read.order.status, 'shipped');
      assert.equal(read.order.version, row.version + 1);
    });

    it('an order another connection changed is read again, not taken as the writer last saw it', async (t) => {
      if (skip) return t.skip(skip);
      const { number, events } = await shippedOrder('6A4');
      assert.equal((await api('POST', events, { status: 'in_transit' })).status, 201);
      // Another process (here a connection of its own; on PostgreSQL, another Comptoir) cancels the order.
      const row = await s.comptoir.storage.reader.commerce.orderByNumber(shop.pageId, number);
      assert.ok(row);
      await outside(s, row.id);
      const r = await api('POST', events, { status: 'out_for_delivery' });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal((r.body as { error: { id: string } }).error.id, 'invalid_transition');
      const read = (await api('GET', `/api/commerce/orders/${number}`)).body as unknown as OrderResponse;
      assert.equal(read.order.status, 'cancelled');
      assert.equal(read.order.version, row.version + 1);
    });

    it('a write to an order’s parts that does not raise its version fails the next change (check mode), instead of using stale parts', async (t) => {
      if (skip) return t.skip(skip);
      const { number, shipmentId, events } = await shippedOrder('6A2');
      // A step that forgets the version: the shipment moves, the order stays at the version kept.
      await s.comptoir.committer.run(({ tx }) =>
        tx.commerce.updateShipmentStatus(shipmentId, 'in_transit', Date.now()),
      );
      const r = await api('POST', events, {
        status: 'out_for_delivery',
      });
      assert.equal(r.status, 500, JSON.stringify(r.body));
      assert.equal((r.body as { error: { id: string } }).error.id, 'internal');
      // Nothing of the refused event was written: the shipment's only event is its label.
      const read = (await api('GET', `/api/commerce/orders/${number}`)).body as unknown as OrderResponse;
      assert.equal(read.order.shipments[0]?.status, 'in_transit');
      assert.deepEqual(
        read.order.shipments[0]?.events.map((e) => e.status),
        ['label_created'],
      );
    });
  });
}

/** Cancels an order the way another process would: on a connection of its own, its version raised. */
async function outside(s: TestServer, orderId: string) {
  const sql = "UPDATE orders SET status = 'cancelled', version = version + 1 WHERE id = ";
  const { database } = s.config;
  if (database.kind === 'sqlite') {
    const db = new Database(database.path);
    try {
      db.prepare(`${sql}?`).run(orderId);
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`${sql}$1`, [orderId]);
    } finally {
      await client.end();
    }
  }
}
