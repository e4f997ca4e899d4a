import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppResponse, DeliveriesResponse, PageAppsResponse } from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { signUp } from '../../test/helpers/client.ts';
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
import { until } from '../../test/helpers/until.ts';
import { type Event, startWebhookBot } from '../../test/helpers/webhook-bot.ts';

type Bot = SigningBot;
const env = webhookTestEnv;
const webhooks = fastWebhooks;

/**
 * Webhook deliveries end to end: a real server, a real bot endpoint on 127.0.0.1 checking both
 * signatures, the Messenger shapes a bot framework reads, and what happens when the bot fails.
 */
for (const backend of backends) {
  describe(`webhook deliveries (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let bot: Bot;
    let f: PageWithCustomer;
    let app: { appId: string; secret: string; token: string };

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, env, { webhooks });
      bot = await startWebhookBot();
      f = await pageWithCustomer(s);
      app = await connectedApp(f.owner, f.pageId, bot, [
        'messages',
        'message_echoes',
        'messaging_postbacks',
        'message_deliveries',
        'message_reads',
      ]);
    });
    after(async () => {
      if (skip) return;
      await s.close();
      await bot.close();
    });

    const fresh = () => {
      bot.deliveries.length = 0;
      bot.answers.length = 0;
    };

    it("delivers a person's message to the page's app: signed twice, ASCII-escaped, the person by their page-scoped id", async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      const sent = await say(f.customer, f.conversationId, 'Bonjour, un café ☕ 😀 ?');
      assert.equal(sent.status, 201);
      const [event] = await bot.waitForEvents(1);
      const d = bot.deliveries[0];
      assert.ok(d?.signed, 'X-Hub-Signature (sha1) and X-Hub-Signature-256 both check');
      assert.match(String(d.headers['x-hub-signature']), /^sha1=[0-9a-f]{40}$/);
      assert.ok(
        d.raw.every((b) => b < 0x80),
        'every byte is ASCII',
      );
      assert.match(d.raw.toString('latin1'), /\\u2615 \\ud83d\\ude00/, 'lowercase \\u escapes, surrogate pairs as two');
      assert.equal(d.body.object, 'page');
      assert.equal(d.body.entry[0]?.id, f.pageId);
      assert.equal(typeof d.body.entry[0]?.time, 'number');
      assert.deepEqual(event, {
        sender: { id: f.psid },
        recipient: { id: f.pageId },
        timestamp: Date.parse(sent.body.message.createdAt),
        message: { mid: `m_${sent.body.message.id}`, text: 'Bonjour, un café ☕ 😀 ?' },
      });
      assert.ok(!d.raw.toString().includes(f.customer.user.id), 'never the account id');
      assert.equal(d.ids.length, 1, 'the POST names its delivery');
    });

    it('echoes what the page sends, with the sending app and its metadata; postbacks and quick replies come as Messenger shapes them', async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      const r = await graphSend(s, app.token, {
        recipient: { id: f.psid },
        messaging_type: 'RESPONSE',
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'button',
              text: 'Livraison ?',
              buttons: [{ type: 'postback', title: 'Oui', payload: 'DELIVER_YES' }],
            },
          },
          quick_replies: [{ content_type: 'text', title: 'Plus tard', payload: 'LATER' }],
          metadata: 'order-42',
        },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // The person taps (the protocol's quick reply and postback land as these messages).
      assert.equal(
        (
          await f.customer.http.post(`/api/conversations/${f.conversationId}/messages`, {
            clientId: `tap-quick-${process.pid}`,
            text: 'Plus tard',
            quickReply: { payload: 'LATER' },
          })
        ).status,
        201,
      );
      assert.equal(
        (
          await f.customer.http.post(`/api/conversations/${f.conversationId}/messages`, {
            clientId: `tap-postback-${process.pid}`,
            text: 'Oui',
            postback: { payload: 'DELIVER_YES' },
          })
        ).status,
        201,
      );
      const events = await bot.waitForEvents(3);
      const [echo, quick, postback] = events as [Event, Event, Event];
      assert.deepEqual(echo.sender, { id: f.pageId });
      assert.deepEqual(echo.recipient, { id: f.psid });
      assert.deepEqual(echo.message, {
        is_echo: true,
        app_id: app.appId,
        metadata: 'order-42',
        mid: r.body.message_id,
        attachments: [
          {
            type: 'template',
            payload: {
              template_type: 'button',
              text: 'Livraison ?',
              buttons: [{ type: 'postback', title: 'Oui', payload: 'DELIVER_YES' }],
            },
          },
        ],
        quick_replies: [{ content_type: 'text', title: 'Plus tard', payload: 'LATER' }],
      });
      assert.deepEqual((quick.message as Record<string, unknown>).quick_reply, { payload: 'LATER' });
      assert.equal((quick.message as Record<string, unknown>).text, 'Plus tard');
      assert.deepEqual(Object.keys(postback).sort(), ['postback', 'recipient', 'sender', 'timestamp']);
      assert.equal((postback.postback as { title: string }).title, 'Oui');
      assert.equal((postback.postback as { payload: string }).payload, 'DELIVER_YES');
      assert.match((postback.postback as { mid: string }).mid, /^m_/);
    });

    it("turns the person's receipts into deliveries and reads with watermarks", async (t) => {
      if (skip) return t.skip(skip);
      const r = await graphSend(s, app.token, {
        recipient: { id: f.psid },
        message: { text: 'Votre commande part demain' },
      });
      assert.equal(r.status, 200);
      const history = s.comptoir.storage.reader.messaging;
      const m = await history.messageById((r.body.message_id as string).slice(2));
      assert.ok(m);
      await until('its echo', () =>
        bot.events().some((e) => (e.message as { mid?: string } | undefined)?.mid === r.body.message_id),
      );
      fresh();
      const rc = (body: unknown) => f.customer.http.post(`/api/conversations/${f.conversationId}/receipts`, body);
      assert.equal((await rc({ deliveredSeq: m.seq })).status, 204);
      const [delivery] = await bot.waitForEvents(1);
      assert.deepEqual(delivery?.sender, { id: f.psid });
      assert.deepEqual(delivery?.delivery, { mids: [r.body.message_id], watermark: m.createdAt });
      assert.equal((await rc({ readSeq: m.seq })).status, 204);
      const [, read] = await bot.waitForEvents(2);
      assert.deepEqual(read?.read, { watermark: m.createdAt });
    });

    it('retries a batch the bot failed (500, a closed connection, no answer in time) with the same delivery ids, in order', async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      // A connection closed unanswered after a 500 (which kept it alive) is sent again at once on a fresh
      // one (keepalive.test.ts); closed there too, it is a failed attempt.
      bot.answers.push('error', 'close', 'close', 'hang');
      const texts = ['un', 'deux', 'trois'];
      for (const text of texts) assert.equal((await say(f.customer, f.conversationId, text)).status, 201);
      const events = await bot.waitForEvents(3, 15_000);
      assert.deepEqual(
        events.map((e) => (e.message as { text: string }).text),
        texts,
        'in order, each once',
      );
      const answered = bot.deliveries.map((d) => d.answered);
      assert.deepEqual(answered.slice(0, 4), ['error', 'close', 'close', 'hang']);
      const firstIds = bot.deliveries[0]?.ids[0];
      assert.ok(
        bot.deliveries.every((d) => d.ids[0] === firstIds),
        'the failed batch is sent again as it was',
      );
      const logged = async () =>
        (await f.owner.http.get<DeliveriesResponse>(`/api/apps/${app.appId}/deliveries?limit=3`)).body.deliveries.find(
          (d) => d.id === firstIds,
        );
      // The bot answered; the dispatcher records it just after.
      await until('recorded as delivered', async () => (await logged())?.state === 'delivered');
      const first = await logged();
      assert.ok(first);
      assert.equal(first.state, 'delivered');
      assert.equal(first.attempts, 4);
      assert.equal(first.status, 200);
      assert.equal(first.responseSnippet, 'EVENT_RECEIVED');
      assert.equal(first.error, null);
      assert.equal(typeof first.latencyMs, 'number');
    });

    it("a hanging endpoint holds only its own app: another app's deliveries go on", async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      const slow = await startWebhookBot();
      try {
        // A second app of the page: it stands by (the first one owns the threads).
        await connectedApp(f.owner, f.pageId, slow, ['messages', 'standby'], 'Slow');
        slow.answers.push('hang', 'hang', 'hang');
        const started = Date.now();
        assert.equal((await say(f.customer, f.conversationId, 'vite')).status, 201);
        await bot.waitForEvents(1, 5_000);
        assert.ok(Date.now() - started < webhooks.timeoutMs, 'delivered before the hanging one timed out');
        await until('the slow app got its POST too', () => slow.deliveries.length >= 1);
      } finally {
        await slow.close();
      }
    });

    it('shows the delivery log to the owner only, pages it, replays a delivery and sends a test event', async (t) => {
      if (skip) return t.skip(skip);
      const path = `/api/apps/${app.appId}/deliveries`;
      const page1 = await f.owner.http.get<DeliveriesResponse>(`${path}?limit=2`);
      assert.equal(page1.body.deliveries.length, 2);
      assert.ok(page1.body.next);
      const page2 = await f.owner.http.get<DeliveriesResponse>(`${path}?limit=2&before=${page1.body.next}`);
      assert.ok(page2.body.deliveries.length >= 1);
      assert.ok(!page2.body.deliveries.some((d) => page1.body.deliveries.some((e) => e.id === d.id)), 'no overlap');
      const stranger = await signUp(s.url);
      assert.equal((await stranger.http.get(path)).status, 404);
      assert.equal((await stranger.http.post(`/api/apps/${app.appId}/webhook/test`, {})).status, 404);
      assert.equal((await f.owner.http.get(`${path}?before=nope`)).status, 400);
      assert.equal((await f.owner.http.get(`${path}?limit=1000`)).status, 400);
      assert.equal((await f.owner.http.post(`${path}/nope/replay`)).status, 404);

      fresh();
      const original = page1.body.deliveries[0];
      assert.ok(original);
      const replay = await f.owner.http.post(`${path}/${original.id}/replay`);
      assert.equal(replay.status, 202);
      const [again] = await bot.waitForEvents(1);
      assert.deepEqual(again, original.event, 'the same event');
      assert.notEqual(bot.deliveries[0]?.ids[0], original.id, 'as a new delivery');

      fresh();
      assert.equal((await f.owner.http.post(`/api/apps/${app.appId}/webhook/test`, {})).status, 202);
      const [test] = await bot.waitForEvents(1);
      assert.deepEqual(test?.sender, { id: '0' });
      assert.deepEqual(test?.recipient, { id: f.pageId });
      assert.equal((test?.message as { text?: string } | undefined)?.text, 'Test event from Comptoir');
      const notMine = await f.owner.http.post(`/api/apps/${app.appId}/webhook/test`, { pageId: 'elsewhere' });
      assert.equal(notMine.status, 409);
      assert.equal((notMine.body as { error: { id: string } }).error.id, 'app_not_connected');
    });

    it('sends a page’s events only to the apps connected to it and subscribed to the field', async (t) => {
      if (skip) return t.skip(skip);
      const other = await pageWithCustomer(s, f.owner);
      const picky = await startWebhookBot();
      try {
        const p = await connectedApp(f.owner, other.pageId, picky, ['messaging_postbacks'], 'Picky');
        await say(other.customer, other.conversationId, 'a message, not a postback');
        // Its echo is not subscribed to; the button is what the person then taps.
        const offer = await graphSend(s, p.token, {
          recipient: { id: other.psid },
          message: {
            attachment: {
              type: 'template',
              payload: {
                template_type: 'button',
                text: 'On y va ?',
                buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }],
              },
            },
          },
        });
        assert.equal(offer.status, 200, JSON.stringify(offer.body));
        assert.equal(
          (
            await other.customer.http.post(`/api/conversations/${other.conversationId}/messages`, {
              clientId: `tap-postback2-${process.pid}`,
              text: 'Go',
              postback: { payload: 'GO' },
            })
          ).status,
          201,
        );
        const [only] = await picky.waitForEvents(1);
        assert.equal((only?.postback as { payload?: string } | undefined)?.payload, 'GO');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(picky.events().length, 1, 'nothing it did not subscribe to');
        assert.ok(
          !bot.events().some((e) => e.recipient.id === other.pageId || e.sender?.id === other.pageId),
          'the first app, not connected to this page, gets none of it',
        );
      } finally {
        await picky.close();
      }
    });
    it('follows the handover protocol: the owner gets the events, the others stand by; each change reaches the app it concerns', async (t) => {
      if (skip) return t.skip(skip);
      const h = await pageWithCustomer(s, f.owner);
      const [botA, botB] = [await startWebhookBot(), await startWebhookBot()];
      try {
        const fields = ['messages', 'messaging_handovers', 'standby'] as const;
        const a = await connectedApp(f.owner, h.pageId, botA, fields, 'Primary');
        const b = await connectedApp(f.owner, h.pageId, botB, fields, 'Helpdesk');
        const graph = (edge: string, token: string, body: unknown) =>
          fetch(`${s.url}/v19.0/me/${edge}?access_token=${encodeURIComponent(token)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
        const texts = (bot: Bot, standby: boolean) =>
          bot.deliveries
            .filter((d) => d.answered === 'ok')
            .flatMap((d) => d.body.entry.flatMap((e) => (standby ? (e.standby ?? []) : (e.messaging ?? []))))
            .flatMap((e) => (e.message ? [(e.message as { text: string }).text] : []));

        await say(h.customer, h.conversationId, 'premier');
        await until(
          'the owner (the first app connected) gets it, the other stands by',
          () => texts(botA, false).includes('premier') && texts(botB, true).includes('premier'),
        );
        assert.ok(!texts(botB, false).includes('premier'));

        assert.equal(
          (
            await graph('pass_thread_control', a.token, {
              recipient: { id: h.psid },
              target_app_id: b.appId,
              metadata: 'to agents',
            })
          ).status,
          200,
        );
        const passed = await botB
          .waitForEvents(1)
          .then(() =>
            until('B is told it was passed the thread', () => botB.events().some((e) => e.pass_thread_control)),
          );
        void passed;
        const pass = botB.events().find((e) => e.pass_thread_control);
        assert.deepEqual(pass?.pass_thread_control, {
          new_owner_app_id: b.appId,
          previous_owner_app_id: a.appId,
          metadata: 'to agents',
        });
        assert.deepEqual(pass?.sender, { id: h.psid });

        await say(h.customer, h.conversationId, 'second');
        await until(
          'now B gets it and A stands by',
          () => texts(botB, false).includes('second') && texts(botA, true).includes('second'),
        );
        const refused = await graphSend(s, a.token, { recipient: { id: h.psid }, message: { text: 'not mine' } });
        assert.equal(refused.body.error?.code, 10, 'only the owner answers');

        assert.equal(
          (await graph('take_thread_control', a.token, { recipient: { id: h.psid }, metadata: 'back' })).status,
          200,
        );
        await until('B is told it was taken', () => botB.events().some((e) => e.take_thread_control));
        assert.deepEqual(botB.events().find((e) => e.take_thread_control)?.take_thread_control, {
          previous_owner_app_id: b.appId,
          new_owner_app_id: a.appId,
          metadata: 'back',
        });
        assert.equal(
          (await graph('request_thread_control', b.token, { recipient: { id: h.psid }, metadata: 'please' })).status,
          200,
        );
        await until('A, the owner, is asked', () => botA.events().some((e) => e.request_thread_control));
        assert.deepEqual(botA.events().find((e) => e.request_thread_control)?.request_thread_control, {
          requested_owner_app_id: b.appId,
          metadata: 'please',
        });
      } finally {
        await botA.close();
        await botB.close();
      }
    });
  });

  describe(`a webhook that keeps failing (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let bot: Bot;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, env, { webhooks: { ...webhooks, retryForMs: 300, disableAfterMs: 500 } });
      bot = await startWebhookBot();
    });
    after(async () => {
      if (skip) return;
      await s.close();
      await bot.close();
    });

    it('gives a delivery up after the retry window, disables the webhook with why, and resumes once it is set again', async (t) => {
      if (skip) return t.skip(skip);
      const f = await pageWithCustomer(s);
      const app = await connectedApp(f.owner, f.pageId, bot, ['messages']);
      bot.answers.push(...Array<'error'>(100).fill('error'));
      const logOf = async () =>
        (await f.owner.http.get<DeliveriesResponse>(`/api/apps/${app.appId}/deliveries`)).body.deliveries;
      await say(f.customer, f.conversationId, 'personne ?');
      await until('given up', async () => (await logOf())[0]?.state === 'failed');
      const [given] = await logOf();
      assert.equal(given?.status, 500);
      assert.equal(given?.error, 'answered HTTP 500');
      assert.ok((given?.attempts ?? 0) >= 2, 'retried before giving up');
      let webhook: AppResponse['webhook'] = null;
      // Still failing past WEBHOOK_DISABLE_AFTER: a next delivery's failure disables the webhook.
      let n = 0;
      await until('disabled', async () => {
        webhook = (await f.owner.http.get<AppResponse>(`/api/apps/${app.appId}`)).body.webhook;
        if (webhook?.disabled !== undefined) return true;
        if (++n % 5 === 1) await say(f.customer, f.conversationId, `il y a quelqu’un ? ${n}`);
        return false;
      });
      const disabled = webhook as AppResponse['webhook'];
      assert.equal(disabled?.verified, false);
      assert.match(disabled?.disabled?.reason ?? '', /HTTP 500/);
      // The page's admins see it too (GET /api/pages/:id/apps): why, since when, and since when it failed.
      const pageApps = `/api/pages/${f.pageId}/apps`;
      const seen = (await f.owner.http.get<PageAppsResponse>(pageApps)).body.apps[0]?.webhook;
      assert.equal(seen?.status, 'disabled');
      assert.equal(seen?.disabledReason, disabled?.disabled?.reason);
      assert.equal(seen?.disabledAt, disabled?.disabled?.at);
      assert.ok(seen?.failingSince && seen.failingSince <= (seen.disabledAt ?? ''), 'failing before it was disabled');
      const posts = bot.deliveries.length;
      await say(f.customer, f.conversationId, 'toujours personne');
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(bot.deliveries.length, posts, 'a disabled webhook gets nothing');

      bot.answers.length = 0;
      const set = await f.owner.http.put(`/api/apps/${app.appId}/webhook`, {
        url: bot.url,
        verifyToken: bot.verifyToken,
        fields: ['messages'],
      });
      assert.equal(set.status, 200);
      const resumed = (await f.owner.http.get<PageAppsResponse>(pageApps)).body.apps[0]?.webhook;
      assert.deepEqual([resumed?.status, resumed?.disabledAt, resumed?.failingSince], ['active', null, null]);
      await say(f.customer, f.conversationId, 'ah, vous revoilà');
      await until('delivered again', () =>
        bot.events().some((e) => (e.message as { text: string }).text === 'ah, vous revoilà'),
      );
      const texts = bot.events().map((e) => (e.message as { text: string }).text);
      assert.equal(texts.at(-1), 'ah, vous revoilà', 'what was still pending went first, in order');
      assert.ok(!texts.includes('toujours personne'), 'what came while disabled was not recorded');
    });
  });
}
