import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeliveriesResponse, MessageResponse } from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import type { Person } from '../../test/helpers/client.ts';
import { connectedApp, type PageWithCustomer, pageWithCustomer } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { until } from '../../test/helpers/until.ts';
import { startWebhookBot, type WebhookBot } from '../../test/helpers/webhook-bot.ts';

const env = { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32', RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000' };
/** A failed attempt would hold the app's deliveries for 30 s: anything arriving sooner was not one. */
const webhooks = { timeoutMs: 2_000, backoffMs: 30_000, maxBackoffMs: 30_000 };

let clientIds = 0;
const say = (p: Person, conversationId: string, text: string) =>
  p.http.post<MessageResponse>(`/api/conversations/${conversationId}/messages`, {
    clientId: `keepalive-${process.pid}-${++clientIds}`,
    text,
  });

/**
 * The dispatcher keeps a connection alive per app; the endpoint may close it, idle, just as the next POST
 * goes out on it. That POST is sent again at once on a fresh connection, and is no failed attempt (one
 * would wait a whole backoff: more than 10 s, seen in CI).
 */
for (const backend of backends) {
  describe(`webhook deliveries on kept-alive connections (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let bot: WebhookBot & { secret: string };
    let f: PageWithCustomer;
    let app: { appId: string };

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, env, { webhooks });
      // Closes a connection idle for more than 50 ms as the next request comes in on it.
      bot = await startWebhookBot('bot-verify-token', { idleCloseMs: 50 });
      f = await pageWithCustomer(s);
      app = await connectedApp(f.owner, f.pageId, bot, ['messages']);
    });
    after(async () => {
      if (skip) return;
      await s.close();
      await bot.close();
    });

    it('sends a batch again at once on a fresh connection when the endpoint closed the kept-alive one', async (t) => {
      if (skip) return t.skip(skip);
      assert.equal((await say(f.customer, f.conversationId, 'first')).status, 201);
      await bot.waitForEvents(1);
      // The connection stays in the dispatcher's pool, idle past the bot's 50 ms.
      await new Promise((r) => setTimeout(r, 150));
      const t0 = Date.now();
      assert.equal((await say(f.customer, f.conversationId, 'second')).status, 201);
      const events = await bot.waitForEvents(2, 5_000);
      assert.deepEqual(
        events.map((e) => (e.message as { text: string }).text),
        ['first', 'second'],
      );
      assert.ok(Date.now() - t0 < 5_000, 'promptly, not after a backoff');
      assert.equal(bot.idleClosed, 1, 'the second POST did meet a closed connection');
      const log = async () =>
        (await f.owner.http.get<DeliveriesResponse>(`/api/apps/${app.appId}/deliveries`)).body.deliveries;
      await until('both recorded as delivered', async () => (await log()).every((d) => d.state === 'delivered'));
      const [second, first] = await log();
      assert.deepEqual(
        [first?.attempts, second?.attempts, second?.error],
        [1, 1, null],
        'one attempt each, no failure recorded',
      );
      const { stats } = s.comptoir.webhooks.dispatcher;
      assert.deepEqual([stats.failedAttempts, stats.reconnects], [0, 1]);
    });
  });
}
