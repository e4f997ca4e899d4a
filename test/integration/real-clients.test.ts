import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer } from '@bottender/express';
import { MessengerBot, type MessengerContext } from 'bottender';
import { MessengerClient } from 'messaging-api-messenger';
import type {
  AppSecretResponse,
  ConversationsResponse,
  PageAccessTokenResponse,
  WebhookResponse,
} from '../../protocol/api.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../helpers/backends.ts';
import { SocketClient, signUp } from '../helpers/client.ts';
import { type PageWithCustomer, pageWithCustomer } from '../helpers/platform.ts';
import { png, startRemoteFiles } from '../helpers/remote-files.ts';
import type { TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';

const env = {
  WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
  RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000',
  RATE_GRAPH_CALLS_PER_SECOND: '1000',
};

/**
 * Real bot clients from npm, unchanged, against a running Comptoir: a Bottender 1.5.5 bot (its Express
 * server verifying the SHA-1 signature of each webhook, its client sending through `origin`) and a
 * messaging-api-messenger 1.1.0 client. The person's side is a real socket.
 */
for (const backend of backends) {
  describe(`real Messenger bot clients against Comptoir (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let f: PageWithCustomer;
    let appId: string;
    let client: MessengerClient;
    let botServer: Server;
    const seen: {
      type: string;
      payload?: string;
      text?: string;
      appId?: string | number | null;
      watermark?: number;
    }[] = [];

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      // Short delays: a POST lost to a closing keep-alive connection is sent again within a second.
      s = await serverOn(backend, env, { webhooks: { timeoutMs: 2000, backoffMs: 100, maxBackoffMs: 500 } });
      f = await pageWithCustomer(s);
      const app = await f.owner.http.post<AppSecretResponse>('/api/apps', { name: 'Bottender' });
      appId = app.body.app.id;
      const token = (await f.owner.http.post<PageAccessTokenResponse>(`/api/apps/${appId}/pages/${f.pageId}`)).body
        .pageAccessToken;

      // The bot, as its developer writes it, pointed at Comptoir with `origin`.
      const bot = new MessengerBot({
        accessToken: token,
        appSecret: app.body.secret,
        verifyToken: 'bottender verify token',
        origin: s.url,
        // Bottender's own type asks for a client class; its constructor makes one from the token.
      } as ConstructorParameters<typeof MessengerBot>[0]);
      bot.onEvent(async (context: MessengerContext) => {
        const e = context.event;
        if (e.isEcho) {
          seen.push({ type: 'echo', text: e.message?.text, appId: (e.message as { appId?: string })?.appId ?? null });
        } else if (e.isQuickReply) {
          seen.push({ type: 'quick_reply', payload: e.quickReply?.payload });
          if (e.quickReply?.payload === 'SHOW_OFFERS') {
            await context.sendGenericTemplate(
              [
                {
                  title: 'Comté 18 mois',
                  subtitle: '8,50 € les 250 g',
                  imageUrl: 'https://shop.example.org/comte.jpg',
                  buttons: [{ type: 'postback', title: 'Ajouter', payload: 'ADD_COMTE' }],
                },
              ],
              {},
            );
          }
        } else if (e.isStandby) {
          if (e.isText) seen.push({ type: 'standby', text: e.text });
        } else if (e.isText) {
          seen.push({ type: 'text', text: e.text });
          await context.sendText('Bonjour ! Que puis-je pour vous ?', {
            quickReplies: [{ contentType: 'text', title: 'Nos offres', payload: 'SHOW_OFFERS' }],
          });
        } else if (e.isPostback) {
          seen.push({ type: 'postback', payload: e.postback?.payload, text: e.postback?.title });
          await context.sendReceiptTemplate({
            recipientName: 'Margot',
            orderNumber: 'CMD-42',
            currency: 'EUR',
            paymentMethod: 'Visa 1234',
            elements: [
              { title: 'Comté 18 mois', price: 8.5, quantity: 1, imageUrl: 'https://shop.example.org/comte.jpg' },
            ],
            summary: { totalCost: 8.5 },
          });
        } else if (e.isTakeThreadControl || e.isPassThreadControl) {
          seen.push({ type: e.isTakeThreadControl ? 'taken' : 'passed' });
        } else if (e.isDelivery) {
          seen.push({ type: 'delivery', watermark: e.delivery?.watermark });
        } else if (e.isRead) {
          seen.push({ type: 'read', watermark: e.read?.watermark });
        }
      });
      const server = createServer(bot, { path: '/webhook' });
      botServer = await new Promise<Server>((resolve) => {
        const h = server.listen(0, '127.0.0.1', () => resolve(h));
      });
      const url = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/webhook`;
      const set = await f.owner.http.put<WebhookResponse>(`/api/apps/${appId}/webhook`, {
        url,
        verifyToken: 'bottender verify token',
        fields: [
          'messages',
          'message_echoes',
          'messaging_postbacks',
          'message_deliveries',
          'message_reads',
          'messaging_handovers',
          'standby',
        ],
      });
      assert.equal(set.status, 200, 'Bottender answered the subscribe handshake');
      client = new MessengerClient({ accessToken: token, appSecret: app.body.secret, origin: s.url });
    });
    after(async () => {
      if (skip) return;
      await new Promise((r) => botServer.close(r));
      await s.close();
    });

    it('a person messages the page; the Bottender bot verifies the signed webhook and answers with quick replies, a carousel and a receipt', async (t) => {
      if (skip) return t.skip(skip);
      const live = await SocketClient.live(s.wsUrl, f.customer);
      const fromPage = (): MessageView[] =>
        live.frames.flatMap((frame) =>
          frame.type === 'event' && frame.event.type === 'message.created' && frame.event.message.senderId === f.pageId
            ? [frame.event.message]
            : [],
        );
      try {
        const hello = await f.customer.http.post(`/api/conversations/${f.conversationId}/messages`, {
          clientId: `real-${process.pid}-1`,
          text: 'Bonjour',
        });
        assert.equal(hello.status, 201);
        await until('the bot answered with quick replies', () => fromPage().length >= 1);
        let messages = fromPage();
        assert.equal(messages[0]?.text, 'Bonjour ! Que puis-je pour vous ?');
        assert.deepEqual(messages[0]?.quickReplies, [
          { contentType: 'text', title: 'Nos offres', payload: 'SHOW_OFFERS' },
        ]);
        assert.deepEqual(seen[0], { type: 'text', text: 'Bonjour' });

        // The person taps the quick reply…
        assert.equal(
          (
            await f.customer.http.post(`/api/conversations/${f.conversationId}/messages`, {
              clientId: `real-${process.pid}-2`,
              text: 'Nos offres',
              quickReply: { payload: 'SHOW_OFFERS' },
            })
          ).status,
          201,
        );
        await until('the carousel', () => fromPage().length >= 2);
        messages = fromPage();
        const carousel = messages[1]?.attachment;
        assert.equal(carousel?.type, 'template');
        assert.equal(carousel?.type === 'template' && carousel.template.templateType, 'generic');

        // …then the postback button of the carousel.
        assert.equal(
          (
            await f.customer.http.post(`/api/conversations/${f.conversationId}/messages`, {
              clientId: `real-${process.pid}-3`,
              text: 'Ajouter',
              postback: { payload: 'ADD_COMTE' },
            })
          ).status,
          201,
        );
        await until('the receipt', () => fromPage().length >= 3);
        messages = fromPage();
        const receipt = messages[2]?.attachment;
        assert.equal(receipt?.type === 'template' && receipt.template.templateType, 'receipt');
        assert.deepEqual(
          seen.filter((x) => x.type === 'quick_reply' || x.type === 'postback'),
          [
            { type: 'quick_reply', payload: 'SHOW_OFFERS' },
            { type: 'postback', payload: 'ADD_COMTE', text: 'Ajouter' },
          ],
        );
        await until(
          'the bot got the echoes of its three answers, with its app id',
          () => seen.filter((x) => x.type === 'echo').length >= 3,
        );
        assert.ok(seen.filter((x) => x.type === 'echo').every((x) => String(x.appId) === appId));
      } finally {
        live.close();
      }
    });

    it("the person's receipts reach the bot as deliveries and reads", async (t) => {
      if (skip) return t.skip(skip);
      const last = await s.comptoir.storage.reader.messaging.conversationById(f.conversationId);
      assert.ok(last);
      const rc = (body: unknown) => f.customer.http.post(`/api/conversations/${f.conversationId}/receipts`, body);
      assert.equal((await rc({ deliveredSeq: last.lastSeq })).status, 204);
      await until('a delivery', () => seen.some((x) => x.type === 'delivery'));
      assert.equal((await rc({ readSeq: last.lastSeq })).status, 204);
      await until('a read', () => seen.some((x) => x.type === 'read'));
      assert.equal(typeof seen.find((x) => x.type === 'read')?.watermark, 'number');
    });

    it('the bot passes the thread to the page inbox (it then stands by) and takes it back; profile and saved attachments through the client', async (t) => {
      if (skip) return t.skip(skip);
      const profile = await client.getUserProfile(f.psid, { fields: ['id', 'name', 'first_name'] });
      assert.equal(profile?.id, f.psid);
      assert.equal(profile?.name, f.customer.user.displayName);

      await client.passThreadControlToPageInbox(f.psid, 'a human, please');
      const owner = await client.getThreadOwner(f.psid);
      assert.equal(String((owner as { appId?: string | number }).appId), '263902037430900', 'the inbox owns it');
      await assert.rejects(client.sendText(f.psid, 'still me?'), 'a bot that passed the thread answers it no more');
      const said = await f.customer.http.post(`/api/conversations/${f.conversationId}/messages`, {
        clientId: `real-${process.pid}-standby`,
        text: 'Un humain ?',
      });
      assert.equal(said.status, 201);
      await until('the bot stands by', () => seen.some((x) => x.type === 'standby' && x.text === 'Un humain ?'));
      assert.ok(!seen.some((x) => x.type === 'text' && x.text === 'Un humain ?'), 'not as its own message');

      await client.takeThreadControl(f.psid, 'back to the bot');
      const back = await client.sendText(f.psid, 'Je reprends la main');
      assert.match(back.messageId, /^m_/);

      // A saved attachment: fetched from the shop's server (on 127.0.0.1 here), stored, sent by its id.
      const cdn = await startRemoteFiles({ '/comte.png': { type: 'image/png', body: await png(60, 40) } });
      try {
        const saved = await client.uploadAttachment('image', cdn.url('/comte.png'), { isReusable: true });
        assert.match(String(saved.attachmentId), /^[0-9]+$/);
        const image = await client.sendImage(f.psid, { attachmentId: String(saved.attachmentId) });
        const stored = await s.comptoir.storage.reader.messaging.messageById(image.messageId.slice(2));
        assert.deepEqual(
          stored?.content?.media?.map((m) => [m.kind, m.width, m.height]),
          [['image', 60, 40]],
        );
      } finally {
        await cdn.close();
      }
    });

    it('a messaging-api-messenger client sends text with metadata, typing and mark_seen; Graph errors come back as its errors', async (t) => {
      if (skip) return t.skip(skip);
      const live = await SocketClient.live(s.wsUrl, f.customer);
      const frames = live.frames;
      try {
        await client.typingOn(f.psid);
        const sent = await client.sendText(f.psid, 'Votre commande est prête', {
          metadata: 'order:42',
        } as Parameters<MessengerClient['sendText']>[2]);
        assert.match(sent.messageId, /^m_/);
        assert.equal(sent.recipientId, f.psid);
        await client.markSeen(f.psid);
        await until('typing and the message, live', () =>
          frames.some(
            (x) =>
              x.type === 'event' &&
              x.event.type === 'message.created' &&
              x.event.message.text === 'Votre commande est prête',
          ),
        );
        assert.ok(
          frames.some((x) => x.type === 'signal' && x.signal.type === 'typing' && x.signal.typing),
          'typing from the sender action',
        );
        await until('its echo, with the metadata', () =>
          seen.some((x) => x.type === 'echo' && x.text === 'Votre commande est prête'),
        );
        await assert.rejects(client.sendText('0000000000000000', 'personne'), (e: Error) => {
          assert.match(e.message, /2018001|No matching user/);
          return true;
        });
      } finally {
        live.close();
      }
    });

    it('a messaging-api-messenger client sends to a checkout opt-in’s user_ref: the thread opens, no recipientId', async (t) => {
      if (skip) return t.skip(skip);
      await client.setWhitelistedDomains(['https://shop.example.org']);
      const buyer = await signUp(s.url);
      const userRef = `checkout-${process.pid}-${Date.now()}`;
      const opted = await buyer.http.post('/api/optins', {
        pageId: f.pageId,
        userRef,
        origin: 'https://shop.example.org',
        how: 'checkbox',
      });
      assert.equal(opted.status, 201, JSON.stringify(opted.body));
      const sent = await client.sendText({ userRef }, 'Commande CMD-43 confirmée', {
        messagingType: 'MESSAGE_TAG',
        tag: 'POST_PURCHASE_UPDATE',
      } as Parameters<MessengerClient['sendText']>[2]);
      assert.match(sent.messageId, /^m_/);
      assert.equal(sent.recipientId, undefined, 'Messenger leaves it out for a user_ref');
      const list = await buyer.http.get<ConversationsResponse>('/api/conversations');
      const thread = list.body.conversations.find((c) => c.members.some((m) => m.user.id === f.pageId));
      assert.ok(thread, 'the first message opened the thread');
      await assert.rejects(client.sendText({ userRef }, 'Encore'), (e: Error) => {
        assert.match(e.message, /2018278|user_ref/);
        return true;
      });
    });
  });
}
