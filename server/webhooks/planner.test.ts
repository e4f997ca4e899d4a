import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { connectedApp, fastWebhooks, pageWithCustomer, say, webhookTestEnv } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { until } from '../../test/helpers/until.ts';
import { startWebhookBot } from '../../test/helpers/webhook-bot.ts';

const textOf = (e: Record<string, unknown>) => (e.message as { text: string }).text;

/**
 * The planner takes what this process published from its tail instead of reading the log, and reads the
 * log whenever the tail does not hold every position: an event another writer appended is never skipped.
 */
for (const backend of backends) {
  describe(`the webhook planner's tail (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, webhookTestEnv, { webhooks: fastWebhooks });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('plans from the tail, and from the log when another writer appended in between', async (t) => {
      if (skip) return t.skip(skip);
      const bot = await startWebhookBot();
      try {
        const f = await pageWithCustomer(s);
        const app = await connectedApp(f.owner, f.pageId, bot, ['messages']);
        const stats = s.comptoir.webhooks.planner.stats;
        await say(f.customer, f.conversationId, 'un');
        await bot.waitForEvents(1);
        const tailRuns = stats.fromTail;
        await say(f.customer, f.conversationId, 'deux');
        await bot.waitForEvents(2);
        if (backend.name === 'sqlite')
          assert.ok(stats.fromTail > tailRuns, 'the second message is planned from the tail');

        // An event appended outside this process's committer (as another process would): never published here.
        await s.comptoir.storage.transaction(async (tx) => {
          await tx.events.appendEvent({
            conversationId: null,
            userId: null,
            scope: `app:${app.appId}`,
            type: 'platform.webhook_test',
            payload: JSON.stringify({ type: 'platform.webhook_test', appId: app.appId, pageId: f.pageId }),
            createdAt: Date.now(),
          });
        });
        const logRuns = stats.fromLog;
        await say(f.customer, f.conversationId, 'trois');
        await until('the test event and the third message', () => bot.events().length >= 4);
        assert.deepEqual(bot.events().map(textOf), ['un', 'deux', 'Test event from Comptoir', 'trois']);
        assert.ok(stats.fromLog > logRuns, 'the gap was read from the log');
      } finally {
        await bot.close();
      }
    });
  });
}
