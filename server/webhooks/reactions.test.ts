import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import {
  connectedApp,
  fastWebhooks,
  graphSend,
  type PageWithCustomer,
  pageWithCustomer,
  type SigningBot,
  say,
  webhookTestEnv,
} from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { startWebhookBot } from '../../test/helpers/webhook-bot.ts';
import { reactionName } from './events.ts';

/**
 * Messenger's `message_reactions` webhook: a person's reaction on one of the page's messages, put or taken
 * back, reaches the page's apps that subscribed to it — the person by their page-scoped id — and nothing
 * else does (a reaction on the person's own message).
 */
for (const backend of backends) {
  describe(`message_reactions webhooks (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let bot: SigningBot;
    let f: PageWithCustomer;
    let token: string;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, webhookTestEnv, { webhooks: fastWebhooks });
      bot = (await startWebhookBot()) as SigningBot;
      f = await pageWithCustomer(s);
      token = (await connectedApp(f.owner, f.pageId, bot, ['message_reactions'])).token;
    });
    after(async () => {
      if (skip) return;
      await s.close();
      await bot.close();
    });

    const react = (messageId: string, emoji: string, on: boolean) =>
      f.customer.http.request(
        on ? 'PUT' : 'DELETE',
        `/api/conversations/${f.conversationId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`,
      );

    it("delivers the person's reactions on the page's messages, react and unreact, and no other", async (t) => {
      if (skip) return t.skip(skip);
      // The person writes first (the page may answer within the messaging window).
      const own = await say(f.customer, f.conversationId, 'Bonjour');
      assert.equal(own.status, 201);
      const sent = await graphSend(s, token, {
        recipient: { id: f.psid },
        message: { text: 'Votre commande est prête' },
      });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const mid = sent.body.message_id as string;
      const pageMessage = mid.replace(/^m_/, '');

      // On their own message: nothing for the page's apps. Then on the page's: delivered, in order.
      assert.equal((await react(own.body.message.id, '👍', true)).status, 200);
      assert.equal((await react(pageMessage, '❤️', true)).status, 200);
      assert.equal((await react(pageMessage, '🎉', true)).status, 200);
      assert.equal((await react(pageMessage, '❤️', false)).status, 200);
      const events = await bot.waitForEvents(3);
      assert.deepEqual(
        events.map((e) => e.reaction),
        [
          { reaction: 'love', emoji: '❤️', action: 'react', mid },
          { reaction: 'other', emoji: '🎉', action: 'react', mid },
          { reaction: 'love', emoji: '❤️', action: 'unreact', mid },
        ],
      );
      for (const e of events) {
        assert.deepEqual(e.sender, { id: f.psid }, 'the person by their page-scoped id');
        assert.deepEqual(e.recipient, { id: f.pageId });
        assert.equal(typeof e.timestamp, 'number');
      }
      assert.ok(bot.deliveries.every((d) => d.signed));
      assert.ok(
        !bot.deliveries.some((d) => JSON.stringify(d.body).includes(own.body.message.id)),
        'nothing about the reaction on their own message',
      );
    });
  });
}

describe("Messenger's reaction names", () => {
  it('names the ones Messenger knows, any other is "other"', () => {
    assert.deepEqual(['❤️', '😆', '😮', '😢', '😠', '👍', '👎', '🍕'].map(reactionName), [
      'love',
      'smile',
      'wow',
      'sad',
      'angry',
      'like',
      'dislike',
      'other',
    ]);
  });
});
