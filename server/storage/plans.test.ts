/**
 * Queries on hot paths that must stay index probes however the data grows, read with each backend's
 * EXPLAIN: a plan that falls back to reading every row of a range still answers right, only slower and
 * slower, so no other test would see it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { STANDING } from '../platform/optins-store.ts';
import { ORDERS_BY_NUMBERS } from './postgres/commerce.ts';
import { numbered } from './postgres/db.ts';

for (const backend of backends) {
  describe(`query plans (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    before(async () => {
      skip = await backend.skip();
      if (!skip) s = await serverOn(backend);
    });
    after(async () => {
      if (!skip) await s.close();
    });

    // The standing (OptinsStore.standing, and each order of a batch on PostgreSQL) is read on every order,
    // shipment and tracking event whose cached standing expired; a regular customer opts in at each
    // checkout. With only optins_user (user_id, page_id), max(created_at) read all their opt-ins with the page.
    it("reads a person's latest active opt-in with a page from optins_active", async (t) => {
      if (skip) return t.skip(skip);
      const { database } = s.config;
      if (database.kind === 'sqlite') {
        const db = new Database(database.path, { readonly: true });
        try {
          const plan = (
            db.prepare(`EXPLAIN QUERY PLAN ${STANDING}`).all('u', 'p', 'p', 'u') as { detail: string }[]
          ).map((r) => r.detail);
          assert.ok(
            plan.some((d) =>
              /^SEARCH optins USING (COVERING )?INDEX optins_active \(user_id=\? AND page_id=\?\)/.test(d),
            ),
            plan.join('\n'),
          );
        } finally {
          db.close();
        }
        return;
      }
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        // Some rows, so that the planner costs the indexes rather than an empty heap; the references they
        // name are not checked (replica mode) and nothing stays (rolled back).
        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        await client.query(`INSERT INTO optins (page_id, user_ref, user_id, how, created_at, revoked_at)
                            SELECT 'plan-p', 'ref' || i, 'plan-u' || (1 + i % 50), 'checkbox', i,
                                   CASE WHEN i % 3 = 0 THEN i END
                              FROM generate_series(1, 5000) i`);
        await client.query('ANALYZE optins');
        const plans = [
          await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${numbered(STANDING)}`, [
            'plan-u7',
            'plan-p',
            'plan-p',
            'plan-u7',
          ]),
          await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${ORDERS_BY_NUMBERS}`, [['plan-p'], ['n1'], [null]]),
        ].map((r) => r.rows.map((x) => x['QUERY PLAN']).join('\n'));
        for (const plan of plans) {
          assert.match(plan, /Index Only Scan (Backward )?using optins_active on optins/, plan);
          assert.doesNotMatch(plan, /optins_user/, plan);
        }
      } finally {
        await client.query('ROLLBACK');
        await client.end();
      }
    });
  });
}
