import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { OrderResponse, ShipmentResponse } from '../../../protocol/commerce.ts';
import { defaultRequestPolicy } from '../../../protocol/order-requests.ts';
import { backends, serverOn } from '../../../test/helpers/backends.ts';
import { HttpClient } from '../../../test/helpers/client.ts';
import { orderBody } from '../../../test/helpers/orders.ts';
import { type PageWithCustomer, pageWithApp, pageWithCustomer } from '../../../test/helpers/platform.ts';
import type { TestServer } from '../../../test/helpers/server.ts';
import { MemoryBus } from '../../bus/memory.ts';
import type { OrderRecord } from '../../commerce/store.ts';
import { AppError } from '../../errors.ts';
import { createLogger } from '../../lib/logger.ts';
import { Committer } from '../commit.ts';
import { DeferredWriteError } from '../types.ts';
import { PostgresStorage, pgTx } from './index.ts';
import { Sql, types } from './sql.ts';

const postgres = backends.find((b) => b.name === 'postgres');

/**
 * A Comptoir on PostgreSQL with a shop (a page, its app's token, a customer), one order placed through the
 * Orders API, and a connection of the test's own to the same database.
 */
async function shopWithOrder(backend: NonNullable<typeof postgres>) {
  const s = await serverOn(backend, { RATE_REQUESTS_PER_MINUTE: '100000' });
  const shop = await pageWithCustomer(s);
  const app = await pageWithApp(shop.owner.http);
  const token = (await shop.owner.http.post<{ pageAccessToken: string }>(`/api/apps/${app.appId}/pages/${shop.pageId}`))
    .body.pageAccessToken;
  const api = new HttpClient(s.url);
  const headers = { authorization: `Bearer ${token}` };
  const placed = await api.request<OrderResponse>('POST', '/api/commerce/orders', orderBody(shop.psid), headers);
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const { database } = s.config;
  assert.equal(database.kind, 'postgres');
  const url = database.kind === 'postgres' ? database.url : '';
  const client = new pg.Client({ connectionString: url, types });
  await client.connect();
  return { s, shop, api, headers, order: placed.body.order, client, url };
}

/**
 * A batch of order changes on PostgreSQL: what each job reads first — the order's version by number, the
 * page's request policy, the page's consent of the customer — is loaded for the whole batch in one query
 * (ReadHint `order`), then answered without a round trip, and kept true by the transaction's own writes.
 */
describe('a PostgreSQL transaction knows the orders of its batch', () => {
  let skip: string | false = false;
  let s: TestServer;
  let shop: PageWithCustomer;
  let order: OrderResponse['order'];
  let client: pg.Client;
  const texts: string[] = [];

  before(async () => {
    skip = postgres ? await postgres.skip() : 'no PostgreSQL backend';
    if (skip || !postgres) return;
    let api: HttpClient;
    let headers: Record<string, string>;
    ({ s, shop, api, headers, order, client } = await shopWithOrder(postgres));
    const policy = { ...defaultRequestPolicy, returns: { days: 7, approval: 'manual' } };
    assert.equal((await api.request('PUT', '/api/commerce/policy', policy, headers)).status, 200);
  });
  after(async () => {
    if (skip) return;
    await client.end();
    await s.close();
  });

  /** A transaction's stores on a connection whose statements are recorded, rolled back at the end. */
  async function inTx(work: (tx: ReturnType<typeof pgTx>) => Promise<void>) {
    await client.query('BEGIN');
    const recorded = {
      query: (q: string | pg.QueryConfig, values?: unknown[]) => {
        texts.push(typeof q === 'string' ? q : q.text);
        return client.query(q as pg.QueryConfig, values);
      },
    };
    try {
      await work(pgTx(new Sql(recorded, true)));
    } finally {
      await client.query('ROLLBACK');
    }
  }

  it('loads them in one query and answers what the tables hold, without a round trip', async (t) => {
    if (skip) return t.skip(skip);
    await inTx(async (tx) => {
      texts.length = 0;
      await tx.prepare({
        jobs: 3,
        hints: [
          { order: { pageId: shop.pageId, number: order.number } },
          { order: { pageId: shop.pageId, number: order.number } },
          { order: { pageId: shop.pageId, number: 'NO-SUCH-ORDER' } },
        ],
      });
      assert.equal(texts.length, 1, 'one query for the batch');
      const loaded = texts.length;
      assert.deepEqual(await tx.commerce.orderVersionByNumber(shop.pageId, order.number), {
        id: order.id,
        version: order.version,
      });
      assert.equal(await tx.commerce.orderVersionByNumber(shop.pageId, 'NO-SUCH-ORDER'), null);
      assert.equal((await tx.commerce.requestPolicy(shop.pageId))?.returns.days, 7);
      assert.equal(await tx.optins.consent(shop.pageId, shop.customer.user.id), null, 'the customer decided nothing');
      const standing = await tx.optins.standing(shop.pageId, shop.customer.user.id);
      assert.equal(texts.length, loaded, 'answered from what the transaction knows');
      // The customer's standing is the table's (whether the page's updates still reach them).
      assert.deepEqual(standing, await pgTx(new Sql(client, true)).optins.standing(shop.pageId, shop.customer.user.id));

      // What was not asked for is read.
      await tx.commerce.orderVersionByNumber(shop.pageId, 'ANOTHER');
      assert.equal(texts.length, loaded + 1);
    });
  });

  it('keeps what it knows true through its own writes', async (t) => {
    if (skip) return t.skip(skip);
    await inTx(async (tx) => {
      await tx.prepare({ jobs: 1, hints: [{ order: { pageId: shop.pageId, number: order.number } }] });
      const row = await tx.commerce.orderByNumber(shop.pageId, order.number);
      assert.ok(row);

      // The order written at its next version: known at once, and it is the table's.
      assert.equal(await tx.commerce.updateOrderState({ ...row, version: row.version + 1, updatedAt: 2 }), true);
      let n = texts.length;
      assert.equal((await tx.commerce.orderVersionByNumber(shop.pageId, order.number))?.version, row.version + 1);
      assert.equal(texts.length, n);
      // A write over a version that is not the row's writes nothing: the version is read again.
      assert.equal(await tx.commerce.updateOrderState({ ...row, version: row.version + 5, updatedAt: 3 }), false);
      n = texts.length;
      assert.equal((await tx.commerce.orderVersionByNumber(shop.pageId, order.number))?.version, row.version + 1);
      assert.equal(texts.length, n + 1, 'read again');

      // A policy or a consent written: read again, and what was written.
      await tx.commerce.putRequestPolicy(
        shop.pageId,
        { ...defaultRequestPolicy, returns: { days: 14, approval: 'manual' } },
        4,
      );
      assert.equal((await tx.commerce.requestPolicy(shop.pageId))?.returns.days, 14);
      const consent = {
        pageId: shop.pageId,
        userId: shop.customer.user.id,
        updatesStoppedAt: 5,
        blockedAt: 6,
        updatedAt: 6,
      };
      await tx.optins.setConsent(consent);
      assert.deepEqual(await tx.optins.consent(shop.pageId, shop.customer.user.id), consent);
    });
  });

  it('answers a copy: a caller changing what it was given changes nothing known', async (t) => {
    if (skip) return t.skip(skip);
    await inTx(async (tx) => {
      await tx.prepare({ jobs: 1, hints: [{ order: { pageId: shop.pageId, number: order.number } }] });
      const head = await tx.commerce.orderVersionByNumber(shop.pageId, order.number);
      assert.ok(head);
      head.version = 99;
      const policy = await tx.commerce.requestPolicy(shop.pageId);
      assert.ok(policy);
      policy.returns.days = 1;
      assert.equal((await tx.commerce.orderVersionByNumber(shop.pageId, order.number))?.version, order.version);
      assert.equal((await tx.commerce.requestPolicy(shop.pageId))?.returns.days, 7);
    });
  });
});

/**
 * What a shipment's move writes on PostgreSQL — the shipment's status, the order's new state, the timeline's
 * lines — is held back and sent with the batch's other deferred writes in one statement; the order's state
 * is written over the version the transaction knew, and an order another process changed in between fails
 * the statement: nothing of it is committed, and the job is told `order_changed`.
 */
describe("a PostgreSQL transaction defers a shipment's move", () => {
  let skip: string | false = false;
  let s: TestServer;
  let order: OrderResponse['order'];
  let shipmentId: string;
  let client: pg.Client;
  let url: string;
  const texts: string[] = [];

  before(async () => {
    skip = postgres ? await postgres.skip() : 'no PostgreSQL backend';
    if (skip || !postgres) return;
    let api: HttpClient;
    let headers: Record<string, string>;
    ({ s, api, headers, order, client, url } = await shopWithOrder(postgres));
    const shipped = await api.request<ShipmentResponse>(
      'POST',
      `/api/commerce/orders/${order.number}/shipments`,
      { carrier: 'Colissimo', trackingNumber: '6A0002' },
      headers,
    );
    assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
    shipmentId = shipped.body.shipment.id;
    order = shipped.body.order;
  });
  after(async () => {
    if (skip) return;
    await client.end();
    await s.close();
  });

  const line = (seq: number, status: 'in_transit' | 'out_for_delivery', at: number) => ({
    orderId: order.id,
    seq,
    kind: 'tracking' as const,
    status,
    shipmentId,
    place: 'Lyon',
    description: null,
    at,
  });

  it('leaves room on the pages of orders and shipments for their updates in place (HOT): migration 0031', async (t) => {
    if (skip) return t.skip(skip);
    const r = await client.query<{ relname: string; reloptions: string[] | null }>(
      "SELECT relname, reloptions FROM pg_class WHERE relname IN ('orders', 'shipments') AND relkind = 'r' ORDER BY relname",
    );
    assert.deepEqual(
      r.rows.map((x) => [x.relname, x.reloptions]),
      [
        ['orders', ['fillfactor=70']],
        ['shipments', ['fillfactor=70']],
      ],
    );
  });

  it('sends nothing until the deferred writes go, then one statement; reads after it see every write', async (t) => {
    if (skip) return t.skip(skip);
    await client.query('BEGIN');
    const recorded = {
      query: (q: string | pg.QueryConfig, values?: unknown[]) => {
        texts.push(typeof q === 'string' ? q : q.text);
        return client.query(q as pg.QueryConfig, values);
      },
    };
    try {
      const tx = pgTx(new Sql(recorded, true));
      await tx.prepare({ jobs: 2, hints: [{ order: { pageId: order.pageId, number: order.number } }] });
      const row = await tx.commerce.orderByNumber(order.pageId, order.number);
      assert.ok(row);
      const seq = row.version; // any seq past the order's lines: checked below through the table
      const lines = (await tx.commerce.aggregate(row)).timeline.length;
      texts.length = 0;

      // Two tracking events of the same order in one batch.
      await tx.commerce.updateShipmentStatus(shipmentId, 'in_transit', 10);
      assert.equal(await tx.commerce.updateOrderState({ ...row, version: row.version + 1, updatedAt: 10 }), true);
      await tx.commerce.appendTimeline(line(seq + 100, 'in_transit', 10));
      await tx.commerce.updateShipmentStatus(shipmentId, 'out_for_delivery', 11);
      assert.equal(
        await tx.commerce.updateOrderState({ ...row, status: 'shipped', version: row.version + 2, updatedAt: 11 }),
        true,
      );
      await tx.commerce.appendTimeline(line(seq + 101, 'out_for_delivery', 11));
      assert.deepEqual(texts, [], 'held back');
      assert.equal((await tx.commerce.orderVersionByNumber(order.pageId, order.number))?.version, row.version + 2);
      texts.length = 0;

      await tx.flush();
      assert.equal(texts.length, 1, 'one statement for all of them');
      const after = await tx.commerce.orderByNumber(order.pageId, order.number);
      assert.equal(after?.version, row.version + 2, 'the last state, over the first version');
      assert.equal(after?.status, 'shipped');
      assert.equal(after?.updatedAt, 11);
      const aggregate = await tx.commerce.aggregate(row);
      assert.equal(aggregate.shipments.find((x) => x.id === shipmentId)?.status, 'out_for_delivery');
      assert.equal(aggregate.shipments.find((x) => x.id === shipmentId)?.updatedAt, 11);
      assert.equal(aggregate.timeline.length, lines + 2);
      assert.deepEqual(aggregate.timeline.slice(-2), [
        line(seq + 100, 'in_transit', 10),
        line(seq + 101, 'out_for_delivery', 11),
      ]);

      // Over a version that is not the one written: sent, and refused as the table refuses it.
      assert.equal(await tx.commerce.updateOrderState({ ...row, version: row.version + 1, updatedAt: 12 }), false);

      // A read sends what is pending first.
      await tx.commerce.updateShipmentStatus(shipmentId, 'delivered', 12);
      texts.length = 0;
      const again = await tx.commerce.aggregate(row);
      assert.match(texts[0] ?? '', /UPDATE shipments/, 'the pending move first, then the reads of the aggregate');
      assert.equal(again.shipments.find((x) => x.id === shipmentId)?.status, 'delivered');
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('fails the statement on an order another process changed since it was read: nothing of it is written', async (t) => {
    if (skip) return t.skip(skip);
    await client.query('BEGIN');
    const other = new pg.Client({
      connectionString: s.config.database.kind === 'postgres' ? s.config.database.url : '',
    });
    await other.connect();
    try {
      const tx = pgTx(new Sql(client, true));
      await tx.prepare({ jobs: 1, hints: [{ order: { pageId: order.pageId, number: order.number } }] });
      const row = await tx.commerce.orderByNumber(order.pageId, order.number);
      assert.ok(row);
      await other.query('UPDATE orders SET version = version + 1 WHERE id = $1', [order.id]);
      await tx.commerce.updateShipmentStatus(shipmentId, 'in_transit', 20);
      assert.equal(await tx.commerce.updateOrderState({ ...row, version: row.version + 1, updatedAt: 20 }), true);
      await tx.commerce.appendTimeline(line(row.version + 200, 'in_transit', 20));
      const failed = await tx.flush().then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(failed instanceof DeferredWriteError, String(failed));
      assert.equal((failed.cause as AppError).id, 'order_changed');
    } finally {
      await client.query('ROLLBACK');
      await other.query('UPDATE orders SET version = version - 1 WHERE id = $1', [order.id]);
      await other.end();
    }
    const shipment = await client.query('SELECT status FROM shipments WHERE id = $1', [shipmentId]);
    assert.equal(shipment.rows[0].status, 'label_created');
  });

  it('through the committer: the job is told order_changed, the rest of its batch is committed', async (t) => {
    if (skip) return t.skip(skip);
    // A second Comptoir process on the same database: its committer, its transactions.
    const storage = await PostgresStorage.connect(url);
    const log = createLogger('silent');
    const committer = new Committer(storage, new MemoryBus(log), log);
    const before = (await client.query('SELECT version FROM orders WHERE id = $1', [order.id])).rows[0].version;
    let runs = 0;
    try {
      const hint = { order: { pageId: order.pageId, number: order.number } };
      const outcomes = await Promise.allSettled([
        committer.run(async ({ tx }) => {
          runs++;
          const row = await tx.commerce.orderByNumber(order.pageId, order.number);
          assert.ok(row);
          const head = await tx.commerce.orderVersionByNumber(order.pageId, order.number);
          assert.ok(head);
          // Another process changes the order each time this job has read it.
          await client.query('UPDATE orders SET version = version + 1 WHERE id = $1', [order.id]);
          await tx.commerce.updateShipmentStatus(shipmentId, 'in_transit', 30);
          if (!(await tx.commerce.updateOrderState({ ...row, version: head.version + 1, updatedAt: 30 })))
            throw new Error('refused at once');
          await tx.commerce.appendTimeline(line(head.version + 300, 'in_transit', 30));
        }, hint),
        committer.run(({ tx }) =>
          tx.commerce.putRequestPolicy(
            order.pageId,
            { ...defaultRequestPolicy, returns: { days: 9, approval: 'manual' } },
            31,
          ),
        ),
      ]);
      assert.equal(outcomes[0].status, 'rejected');
      assert.equal(outcomes[0].status === 'rejected' && (outcomes[0].reason as AppError).id, 'order_changed');
      assert.equal(outcomes[1].status, 'fulfilled');
      assert.equal(runs, 2, 'the batch, then the batch job by job');
      assert.equal((await storage.reader.commerce.requestPolicy(order.pageId))?.returns.days, 9);
      const shipment = await client.query('SELECT status FROM shipments WHERE id = $1', [shipmentId]);
      assert.equal(shipment.rows[0].status, 'label_created', "nothing of the refused job's writes");
      const lines = await client.query(
        'SELECT count(*)::int AS n FROM order_timeline WHERE order_id = $1 AND seq >= 300',
        [order.id],
      );
      assert.equal(lines.rows[0].n, 0);
    } finally {
      await client.query('UPDATE orders SET version = $2 WHERE id = $1', [order.id, before]);
      await storage.close();
    }
  });
});

/**
 * A new order on PostgreSQL: what placing it reads — its number free, the customer the psid names, their
 * standing with the page, their thread — comes with the batch's orders' query (ReadHint `order` with
 * `psid`), and the order itself, over a number found free, is held back and sent with the batch's other
 * rows. Another process's order of the same number fails that statement: nothing of it is committed, and
 * the job is told `order_number_taken`.
 */
describe('a PostgreSQL transaction defers a new order', () => {
  let skip: string | false = false;
  let s: TestServer;
  let shop: PageWithCustomer;
  let order: OrderResponse['order'];
  let client: pg.Client;
  let url: string;
  const texts: string[] = [];
  const recorded = {
    query: (q: string | pg.QueryConfig, values?: unknown[]) => {
      texts.push(typeof q === 'string' ? q : q.text);
      return client.query(q as pg.QueryConfig, values);
    },
  };

  before(async () => {
    skip = postgres ? await postgres.skip() : 'no PostgreSQL backend';
    if (skip || !postgres) return;
    ({ s, shop, order, client, url } = await shopWithOrder(postgres));
  });
  after(async () => {
    if (skip) return;
    await client.end();
    await s.close();
  });

  /** A new order of this number, for the customer of the order placed in before(). */
  async function newOrder(number: string, id: string): Promise<OrderRecord> {
    const row = await pgTx(new Sql(client, true)).commerce.orderByNumber(order.pageId, order.number);
    assert.ok(row);
    return { ...row, id, number, status: 'placed', version: 1, createdAt: 40, updatedAt: 40 };
  }

  /** Another process places an order of this number on a connection of its own (committed at once). */
  const placeElsewhere = (on: pg.Client, id: string, number: string) =>
    on.query(
      `INSERT INTO orders (id, page_id, number, customer_id, conversation_id, status, currency, total, data, version,
                           created_at, updated_at)
       SELECT $1, page_id, $2, customer_id, conversation_id, status, currency, total, data, 1, created_at, updated_at
         FROM orders WHERE id = $3`,
      [id, number, order.id],
    );

  it("knows the new order's customer, their standing and their thread from the batch's one query", async (t) => {
    if (skip) return t.skip(skip);
    await client.query('BEGIN');
    try {
      const customer = shop.customer.user.id;
      // What the tables answer, read by a transaction that was told nothing.
      const plain = pgTx(new Sql(client, true));
      const standing = await plain.optins.standing(shop.pageId, customer);
      assert.notEqual(standing.optedInAt, undefined);
      const thread = await plain.messaging.directConversationId([customer, shop.pageId].sort().join(':'));
      assert.equal(thread, shop.conversationId);

      const tx = pgTx(new Sql(recorded, true));
      texts.length = 0;
      await tx.prepare({
        jobs: 2,
        hints: [
          { order: { pageId: shop.pageId, number: 'NEW-1', psid: shop.psid } },
          { order: { pageId: shop.pageId, number: 'NEW-2', psid: 'nobody-has-this-psid' } },
        ],
      });
      assert.equal(texts.length, 1, 'one query for the batch');
      assert.equal(await tx.commerce.orderByNumber(shop.pageId, 'NEW-1'), null, 'the number is free');
      assert.equal(await tx.pages.userByPsid(shop.pageId, shop.psid), customer);
      assert.equal(await tx.pages.userByPsid(shop.pageId, 'nobody-has-this-psid'), null);
      assert.deepEqual(await tx.optins.standing(shop.pageId, customer), standing);
      assert.equal(await tx.optins.consent(shop.pageId, customer), null, 'the customer decided nothing');
      assert.equal(await tx.messaging.directConversationId([customer, shop.pageId].sort().join(':')), thread);
      assert.equal(texts.length, 1, 'answered from what the transaction knows');

      // A consent written: the standing is read again, and is what was written.
      await tx.optins.setConsent({
        pageId: shop.pageId,
        userId: customer,
        updatesStoppedAt: 41,
        blockedAt: null,
        updatedAt: 41,
      });
      const n = texts.length;
      assert.deepEqual(await tx.optins.standing(shop.pageId, customer), { ...standing, updatesStoppedAt: 41 });
      assert.equal(texts.length, n + 1, 'read again');
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('takes the event positions of a batch of new orders (two events each, ReadHint events) in one query', async (t) => {
    if (skip) return t.skip(skip);
    await client.query('BEGIN');
    try {
      const tx = pgTx(new Sql(recorded, true));
      await tx.prepare({
        jobs: 3,
        hints: [
          { order: { pageId: order.pageId, number: 'NEW-6' }, events: 2 },
          { order: { pageId: order.pageId, number: 'NEW-7' }, events: 2 },
        ],
      });
      texts.length = 0;
      const event = { conversationId: shop.conversationId, userId: null, type: 'test', payload: '{}', createdAt: 1 };
      const positions: number[] = [];
      for (let i = 0; i < 5; i++) positions.push(await tx.events.appendEvent(event));
      assert.equal(texts.filter((q) => q.includes('events_pos_seq')).length, 1, 'one block of five');
      assert.deepEqual(
        positions,
        [...positions].sort((a, b) => a - b),
        'in order',
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('holds the order until the deferred writes go, then one statement; a state written over it is inserted', async (t) => {
    if (skip) return t.skip(skip);
    await client.query('BEGIN');
    try {
      const tx = pgTx(new Sql(recorded, true));
      await tx.prepare({ jobs: 1, hints: [{ order: { pageId: order.pageId, number: 'NEW-3' } }] });
      const placed = await newOrder('NEW-3', 'order-new-3');
      texts.length = 0;
      assert.equal(await tx.commerce.insertOrder(placed), true);
      assert.deepEqual(await tx.commerce.orderVersionByNumber(order.pageId, 'NEW-3'), { id: placed.id, version: 1 });
      // Changed in the same batch (a request applied, say): held too, over the held order.
      assert.equal(
        await tx.commerce.updateOrderState({ ...placed, status: 'processing', version: 2, updatedAt: 42 }),
        true,
      );
      await tx.commerce.appendTimeline({
        orderId: placed.id,
        seq: 1,
        kind: 'status',
        status: 'processing',
        shipmentId: null,
        place: null,
        description: null,
        at: 42,
      });
      assert.deepEqual(texts, [], 'held back');

      await tx.flush();
      assert.equal(texts.length, 1, 'one statement');
      const row = await tx.commerce.orderByNumber(order.pageId, 'NEW-3');
      assert.deepEqual(row, { ...placed, status: 'processing', version: 2, updatedAt: 42 });
      assert.deepEqual(
        (await tx.commerce.aggregate(row)).timeline.map((l) => [l.seq, l.status]),
        [[1, 'processing']],
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it("fails the statement on another process's order of the same number: nothing of it is written", async (t) => {
    if (skip) return t.skip(skip);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await client.query('BEGIN');
    try {
      const tx = pgTx(new Sql(client, true));
      await tx.prepare({ jobs: 1, hints: [{ order: { pageId: order.pageId, number: 'NEW-4' } }] });
      assert.equal(await tx.commerce.insertOrder(await newOrder('NEW-4', 'order-new-4')), true);
      await placeElsewhere(other, 'order-other-4', 'NEW-4');
      const failed = await tx.flush().then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(failed instanceof DeferredWriteError, String(failed));
      assert.equal((failed.cause as AppError).id, 'order_number_taken');
      assert.equal((failed.cause as AppError).details?.field, 'number');
    } finally {
      await client.query('ROLLBACK');
      await other.query("DELETE FROM orders WHERE id = 'order-other-4'");
      await other.end();
    }
    const rows = await client.query("SELECT id FROM orders WHERE number = 'NEW-4'");
    assert.equal(rows.rowCount, 0);
  });

  it('through the committer: the job is told order_number_taken, the rest of its batch is committed', async (t) => {
    if (skip) return t.skip(skip);
    const storage = await PostgresStorage.connect(url);
    const log = createLogger('silent');
    const committer = new Committer(storage, new MemoryBus(log), log);
    const placed = await newOrder('NEW-5', 'order-new-5');
    let runs = 0;
    try {
      const outcomes = await Promise.allSettled([
        committer.run(
          async ({ tx }) => {
            runs++;
            if (await tx.commerce.orderByNumber(order.pageId, 'NEW-5'))
              throw new AppError('order_number_taken', undefined, { field: 'number' });
            // Another process places its order of that number once this job found it free (the first time);
            // the batch fails when its rows go, and run again job by job, the job finds the number taken.
            if (runs === 1) await placeElsewhere(client, 'order-other-5', 'NEW-5');
            if (!(await tx.commerce.insertOrder(placed))) throw new Error('refused at once');
          },
          { order: { pageId: order.pageId, number: 'NEW-5' } },
        ),
        committer.run(({ tx }) =>
          tx.commerce.putRequestPolicy(
            order.pageId,
            { ...defaultRequestPolicy, returns: { days: 11, approval: 'manual' } },
            43,
          ),
        ),
      ]);
      assert.equal(outcomes[0].status, 'rejected');
      assert.equal(outcomes[0].status === 'rejected' && (outcomes[0].reason as AppError).id, 'order_number_taken');
      assert.equal(outcomes[1].status, 'fulfilled');
      assert.equal(runs, 2, 'the batch, then the batch job by job');
      assert.equal((await storage.reader.commerce.requestPolicy(order.pageId))?.returns.days, 11);
      const rows = await client.query("SELECT id FROM orders WHERE number = 'NEW-5'");
      assert.deepEqual(
        rows.rows.map((r) => r.id),
        ['order-other-5'],
        "the other process's order only",
      );
    } finally {
      await client.query("DELETE FROM orders WHERE id = 'order-other-5'");
      await storage.close();
    }
  });
});
