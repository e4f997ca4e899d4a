import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../test/helpers/backends.ts';
import { HttpClient } from '../../test/helpers/client.ts';
import { connectedApp, fastWebhooks, pageWithCustomer, say, webhookTestEnv } from '../../test/helpers/platform.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { until } from '../../test/helpers/until.ts';
import { startWebhookBot } from '../../test/helpers/webhook-bot.ts';

const env = webhookTestEnv;
/** Shorter retries than fastWebhooks': the restarts leave deliveries to retry. */
const webhooks = { ...fastWebhooks, backoffMs: 30, maxBackoffMs: 100 };

/** Deliveries survive a restart, and several processes on one database share the work without sending twice. */
for (const backend of backends) {
  describe(`webhook deliveries across restarts and processes (${backend.name})`, () => {
    let skip: string | false = false;
    let db: { env: Record<string, string>; cleanup: () => Promise<void> };
    const tmp = tempDir();
    const open: TestServer[] = [];
    const start = async () => {
      const s = await startServer({ ...env, ...db.env }, { dataDir: tmp.dir, webhooks });
      open.push(s);
      return s;
    };

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      db = await backend.prepare();
    });
    after(async () => {
      if (skip) return;
      for (const s of open) await s.close().catch(() => {});
      await db.cleanup();
      tmp.cleanup();
    });

    it('resumes after a restart: what was not yet planned, and what was not yet delivered, goes once, in order', async (t) => {
      if (skip) return t.skip(skip);
      const bot = await startWebhookBot();
      try {
        const first = await start();
        const f = await pageWithCustomer(first);
        const app = await connectedApp(f.owner, f.pageId, bot, ['messages']);
        // Two events recorded as deliveries the bot refuses…
        bot.answers.push(...Array<'error'>(1000).fill('error'));
        await say(f.customer, f.conversationId, 'un');
        await say(f.customer, f.conversationId, 'deux');
        await until(
          'two deliveries recorded',
          async () => (await first.comptoir.storage.reader.webhooks.deliveriesOf(app.appId, null, 10)).length === 2,
          15_000,
        );
        const recorded = (await first.comptoir.storage.reader.webhooks.deliveriesOf(app.appId, null, 10))
          .map((d) => d.id)
          .reverse();
        // …and one the planner never saw: it stops first.
        first.comptoir.webhooks.planner.stop();
        await say(f.customer, f.conversationId, 'trois');
        await first.close();
        open.splice(open.indexOf(first), 1);

        bot.answers.length = 0;
        const failedPosts = bot.deliveries.length;
        await start();
        const events = await bot.waitForEvents(3, 15_000);
        assert.deepEqual(
          events.map((e) => (e.message as { text: string }).text),
          ['un', 'deux', 'trois'],
        );
        const delivered = bot.deliveries.slice(failedPosts).filter((d) => d.answered === 'ok');
        const ids = delivered.flatMap((d) => d.ids);
        assert.deepEqual(ids.slice(0, 2), recorded, 'the same delivery ids as before the restart');
        assert.equal(new Set(ids).size, 3, 'each once');
        assert.ok(delivered.every((d) => d.signed));
      } finally {
        await bot.close();
      }
    });

    // One process writes a SQLite database (its leases are in memory): this is PostgreSQL's case.
    if (backend.name === 'postgres')
      it('two processes on one database: each delivery sent once, never two POSTs of one app at once, in order', async (t) => {
        if (skip) return t.skip(skip);
        const bot = await startWebhookBot();
        try {
          const [a, b] = open.length >= 2 ? open : [open[0] ?? (await start()), await start()];
          assert.ok(a && b);
          const f = await pageWithCustomer(a);
          await connectedApp(f.owner, f.pageId, bot, ['messages']);
          // The same person, signed in, talking to the second process (sessions are in the database).
          const viaB = new HttpClient(b.url);
          viaB.cookie = f.customer.http.cookie;
          const texts: string[] = [];
          for (let i = 0; i < 40; i++) {
            texts.push(`m${i}`);
            // The person's messages reach either process; both plan, both dispatch.
            const via = i % 2 === 0 ? f.customer : { ...f.customer, http: viaB };
            assert.equal((await say(via, f.conversationId, `m${i}`)).status, 201);
          }
          await until('all 40 received', () => bot.events().length >= 40, 15_000);
          await new Promise((r) => setTimeout(r, 300));
          const ids = bot.deliveries.flatMap((d) => d.ids);
          assert.equal(ids.length, 40, 'no delivery sent twice');
          assert.equal(new Set(ids).size, 40);
          assert.deepEqual(
            bot.events().map((e) => (e.message as { text: string }).text),
            texts,
            'in order',
          );
          assert.equal(bot.maxInFlight, 1, 'one POST of the app at a time, across both processes');
        } finally {
          await bot.close();
        }
      });
  });
}
