import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { OrderResponse } from '../../../protocol/commerce.ts';
import { defaultRequestPolicy } from '../../../protocol/order-requests.ts';
import { backends, serverOn } from '../../../test/helpers/backends.ts';
import { HttpClient } from '../../../test/helpers/client.ts';
import { orderBody } from '../../../test/helpers/orders.ts';
import { type PageWithCustomer, pageWithApp, pageWithCustomer } from '../../../test/helpers/platform.ts';
import type { TestServer } from '../../../test/helpers/server.ts';
import { pgTx } from './index.ts';
import { Sql, types } from './sql.ts';

const postgres = backends.find((b) => b.name === 'postgres');

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
    s = await serverOn(postgres, { RATE_REQUESTS_PER_MINUTE: '100000' });
    shop = await pageWithCustomer(s);
    const app = await pageWithApp(shop.owner.http);
    const token = (
      await shop.owner.http.post<{ pageAccessToken: string }>(`/api/apps/${app.appId}/pages/${shop.pageId}`)
    ).body.pageAccessToken;
    const api = new HttpClient(s.url);
    const headers = { authorization: `Bearer ${token}` };
    const placed = await api.request<OrderResponse>('POST', '/api/commerce/orders', orderBody(shop.psid), headers);
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    order = placed.body.order;
    const policy = { ...defaultRequestPolicy, returns: { days: 7, approval: 'manual' } };
    assert.equal((await api.request('PUT', '/api/commerce/policy', policy, headers)).status, 200);
    const { database } = s.config;
    assert.equal(database.kind, 'postgres');
    client = new pg.Client({ connectionString: database.kind === 'postgres' ? database.url : '', types });
    await client.connect();
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
      assert.equal(texts.length, loaded, 'answered from what the transaction knows');

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
