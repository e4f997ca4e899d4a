import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer } from '@bottender/express';
import { MessengerBot, type MessengerContext } from 'bottender';
import type {
  AppSecretResponse,
  DeliveriesResponse,
  MessagesResponse,
  PageAccessTokenResponse,
} from '../../protocol/api.ts';
import { backends, serverOn } from '../helpers/backends.ts';
import { readMedia, uploaded } from '../helpers/media.ts';
import { type PageWithCustomer, pageWithCustomer } from '../helpers/platform.ts';
import { png } from '../helpers/remote-files.ts';
import type { TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';

/** Signed links live this long here (MEDIA_URL_TTL_SECONDS), so that the test sees one expire. */
const TTL_S = 2;

/**
 * Media in webhooks, with a real bot (Bottender 1.5.5, its Express server checking each POST's
 * signature): a person sends a photo, the bot gets `message.attachments[0].payload.url` — absolute, signed —
 * and fetches it with no session: the same bytes the person reads. The bot answers with a photo of its own
 * (Bottender's `sendImage` with a Buffer: a multipart upload); its echo carries that photo's link too.
 * After MEDIA_URL_TTL_SECONDS the link is refused; the delivery log shows the event with a fresh one.
 */
for (const backend of backends) {
  describe(`a bot gets the person's media by signed link (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let f: PageWithCustomer;
    let appId: string;
    let botServer: Server;
    const images: { echo: boolean; url: string }[] = [];
    const reply = png(30, 20, 0, 128, 255);

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(
        backend,
        {
          WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
          RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000',
          RATE_GRAPH_CALLS_PER_SECOND: '1000',
          MEDIA_URL_TTL_SECONDS: String(TTL_S),
        },
        { webhooks: { timeoutMs: 2000, backoffMs: 100, maxBackoffMs: 500 } },
      );
      f = await pageWithCustomer(s);
      const app = await f.owner.http.post<AppSecretResponse>('/api/apps', { name: 'Photo bot' });
      appId = app.body.app.id;
      const token = (await f.owner.http.post<PageAccessTokenResponse>(`/api/apps/${appId}/pages/${f.pageId}`)).body
        .pageAccessToken;
      const bot = new MessengerBot({
        accessToken: token,
        appSecret: app.body.secret,
        verifyToken: 'photo bot',
        origin: s.url,
      } as ConstructorParameters<typeof MessengerBot>[0]);
      bot.onEvent(async (context: MessengerContext) => {
        const e = context.event;
        if (!e.isImage) return;
        images.push({ echo: e.isEcho, url: (e.image as { url: string }).url });
        if (!e.isEcho) await context.sendImage(await reply, { filename: 'merci.png' } as object);
      });
      const server = createServer(bot, { path: '/webhook' });
      botServer = await new Promise<Server>((resolve) => {
        const h = server.listen(0, '127.0.0.1', () => resolve(h));
      });
      const url = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/webhook`;
      const set = await f.owner.http.put(`/api/apps/${appId}/webhook`, {
        url,
        verifyToken: 'photo bot',
        fields: ['messages', 'message_echoes'],
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
    });
    after(async () => {
      if (skip) return;
      await new Promise((r) => botServer.close(r));
      await s.close();
    });

    it('fetches the person’s photo and its own echo with no session, until the link expires', async (t) => {
      if (skip) return t.skip(skip);
      const photo = await uploaded(s.url, f.customer, await png(64, 48), { name: 'colis.png' });
      const sent = await f.customer.http.post(`/api/conversations/${f.conversationId}/messages`, {
        clientId: `bot-media-${process.pid}-${Date.now()}`,
        text: 'Le colis est abîmé',
        attachmentIds: [photo.id],
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      await until('the person’s photo and the echo of the bot’s', () => images.length >= 2, 10_000);
      const [theirs, echo] = [images.find((i) => !i.echo), images.find((i) => i.echo)];
      assert.ok(theirs && echo);
      const signed = new RegExp(`^${s.url}/api/media/[0-9a-z]+\\?expires=\\d+&sig=[A-Za-z0-9_-]+$`);
      assert.match(theirs.url, signed);
      assert.match(echo.url, signed);

      // The bot reads both with a plain GET: the same bytes the person reads with their session.
      const byBot = await readMedia(s.url, theirs.url, null);
      assert.equal(byBot.status, 200);
      assert.deepEqual(byBot.bytes, (await readMedia(s.url, photo.url, f.customer)).bytes);
      const messages = (await f.customer.http.get<MessagesResponse>(`/api/conversations/${f.conversationId}/messages`))
        .body.messages;
      const answer = messages.at(-1)?.attachments?.[0];
      assert.equal(answer?.name, 'merci.png');
      const echoed = await readMedia(s.url, echo.url, null);
      assert.equal(echoed.status, 200);
      assert.deepEqual(echoed.bytes, (await readMedia(s.url, answer?.url ?? '', f.customer)).bytes);
      // A link for one file reads no other.
      const other = theirs.url.replace(/\/api\/media\/[0-9a-z]+/, `/api/media/${answer?.id}`);
      assert.equal((await readMedia(s.url, other, null)).status, 403);

      // Past its lifetime the link is refused; the delivery log shows the event with a fresh one.
      await new Promise((r) => setTimeout(r, (TTL_S + 1.2) * 1000));
      const late = await readMedia(s.url, theirs.url, null);
      assert.equal(late.status, 403);
      assert.equal(late.error, 'media_link_expired');
      const log = await f.owner.http.get<DeliveriesResponse>(`/api/apps/${appId}/deliveries?limit=50`);
      const delivered = log.body.deliveries.find((d) => d.field === 'messages');
      const event = delivered?.event as { message: { attachments: { payload: { url: string } }[] } } | undefined;
      const fresh = event?.message.attachments[0]?.payload.url ?? '';
      assert.match(fresh, signed);
      assert.notEqual(fresh, theirs.url);
      assert.equal((await readMedia(s.url, fresh, null)).status, 200);
    });
  });
}
