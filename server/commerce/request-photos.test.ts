import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OrderResponse, OrderView } from '../../protocol/commerce.ts';
import type { AttachmentView } from '../../protocol/media.ts';
import { type OrderRequestResponse, requestLimits } from '../../protocol/order-requests.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { HttpClient, type Person, signUp } from '../../test/helpers/client.ts';
import { readMedia, uploaded } from '../../test/helpers/media.ts';
import { orderBody } from '../../test/helpers/orders.ts';
import {
  connectedApp,
  fastWebhooks,
  type PageWithCustomer,
  pageWithCustomer,
  type SigningBot,
  webhookTestEnv,
} from '../../test/helpers/platform.ts';
import { png } from '../../test/helpers/remote-files.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { startWebhookBot } from '../../test/helpers/webhook-bot.ts';

type ErrorAnswer = { error: { id: string; message: string; details?: { fields?: Record<string, string> } } };

/**
 * A return's photos (docs/COMMERCE.md, "Photos"): the customer's own uploads, claimed into the order's
 * thread in the request's job, shown in every view of the request — read by the customer and the page's
 * people, nobody else —, and sent to the page's apps as signed links they fetch without a session. Any
 * photo refused refuses the request: nothing is stored, no upload is bound.
 */
for (const backend of backends) {
  describe(`a return’s photos (${backend.name})`, () => {
    let s: TestServer;
    let shop: PageWithCustomer;
    let stranger: Person;
    let bot: SigningBot;
    let token: string;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(
        backend,
        { ...webhookTestEnv, RATE_REQUESTS_PER_MINUTE: '100000', RATE_UPLOADS_PER_MINUTE: '1000' },
        { webhooks: fastWebhooks },
      );
      shop = await pageWithCustomer(s);
      stranger = await signUp(s.url);
      bot = (await startWebhookBot()) as SigningBot;
      ({ token } = await connectedApp(shop.owner, shop.pageId, bot, ['order_requests'], 'Native'));
    });
    after(async () => {
      if (skip) return;
      await bot.close();
      await s.close();
    });

    const api = (method: string, path: string, body?: unknown) =>
      new HttpClient(s.url).request(method, path, body, { authorization: `Bearer ${token}` });
    /** A delivered order of the customer's: a return may be asked. */
    const delivered = async (): Promise<OrderView> => {
      const placed = await api('POST', '/api/commerce/orders', orderBody(shop.psid));
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const order = (placed.body as unknown as OrderResponse).order;
      const parcel = await api('POST', `/api/commerce/orders/${order.number}/shipments`, {
        carrier: 'La Poste',
        trackingNumber: 'LP1',
      });
      const id = (parcel.body as { shipment: { id: string } }).shipment.id;
      await api('POST', `/api/commerce/orders/${order.number}/shipments/${id}/events`, { status: 'delivered' });
      return order;
    };
    const ask = (order: OrderView, body: unknown, who: Person = shop.customer) =>
      who.http.post<OrderRequestResponse & ErrorAnswer>(`/api/orders/${order.id}/requests`, body);
    const requestsOf = async (order: OrderView) =>
      (await shop.customer.http.get<OrderResponse>(`/api/orders/${order.id}`)).body.order.requests;

    it('the customer’s photos go with the return: in its views, in the order’s thread, to the apps signed', async (t) => {
      if (skip) return t.skip(skip);
      const order = await delivered();
      const [a, b] = [
        await uploaded(s.url, shop.customer, await png(300, 200), { name: 'meule.png' }),
        await uploaded(s.url, shop.customer, await png(90, 120, 20, 20, 20), { name: 'carton.png' }),
      ];
      const r = await ask(order, { kind: 'return', reason: 'damaged', photoIds: [b.id, a.id] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const photos = r.body.request.photos;
      assert.deepEqual(
        photos.map((p: AttachmentView) => [p.id, p.kind, p.name, p.width, p.height]),
        [
          [b.id, 'image', 'carton.png', 90, 120],
          [a.id, 'image', 'meule.png', 300, 200],
        ],
        'in the order given',
      );
      assert.equal(photos[0]?.url, `/api/media/${b.id}`);
      assert.deepEqual(r.body.order.requests.at(-1)?.photos, photos, 'the card’s view');
      assert.deepEqual((await requestsOf(order)).at(-1)?.photos, photos, 'read again');
      // The merchant's server (a page token, no session) gets them as signed links it reads as they are.
      const merchant = await api('GET', `/api/commerce/orders/${order.number}`);
      const forServer = (merchant.body as unknown as OrderResponse).order.requests.at(-1)?.photos ?? [];
      assert.deepEqual(
        forServer.map((p) => ({ ...p, url: '', thumbnailUrl: '' })),
        photos.map((p) => ({ ...p, url: '', thumbnailUrl: '' })),
      );
      assert.match(forServer[0]?.url ?? '', new RegExp(`^${s.url}/api/media/${b.id}\\?expires=\\d+&sig=`));
      assert.equal((await readMedia(s.url, forServer[0]?.url ?? '', null)).status, 200);
      assert.equal((await readMedia(s.url, forServer[0]?.thumbnailUrl ?? '', null)).status, 200);
      const answered = await api('POST', `/api/commerce/orders/${order.number}/requests/${r.body.request.id}/answer`, {
        decision: 'accept',
      });
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      const answer = answered.body as unknown as OrderRequestResponse;
      assert.match(answer.request.photos[0]?.url ?? '', /^http:.*sig=/);
      assert.match(answer.order.requests.at(-1)?.photos[0]?.url ?? '', /^http:.*sig=/);
      assert.equal((await requestsOf(order)).at(-1)?.photos[0]?.url, photos[0]?.url, 'people’s stay paths');
      // Bound to the order's thread: the customer and the page's people read them; nobody else.
      const record = await s.comptoir.storage.reader.media.mediaById(a.id);
      assert.equal(record?.conversationId, shop.conversationId);
      for (const who of [shop.customer, shop.owner]) {
        assert.equal((await readMedia(s.url, photos[1]?.url ?? '', who)).status, 200);
        assert.equal((await readMedia(s.url, photos[1]?.thumbnailUrl ?? '', who)).status, 200);
      }
      assert.equal((await readMedia(s.url, photos[1]?.url ?? '', stranger)).status, 404);
      assert.equal((await readMedia(s.url, photos[1]?.url ?? '', null)).status, 401, 'no session, no signed link');

      // The apps get them in order_requests as absolute signed links, fetched with no session.
      const [event] = (await bot.waitForEvents(1)).filter((e) => 'order_request' in e);
      assert.ok(event);
      const sent = (event.order_request as { request: { photos: AttachmentView[] } }).request.photos;
      assert.equal(sent.length, 2);
      assert.match(sent[1]?.url ?? '', new RegExp(`^${s.url}/api/media/${a.id}\\?expires=\\d+&sig=`));
      assert.match(sent[1]?.thumbnailUrl ?? '', new RegExp(`^${s.url}/api/media/${a.id}/thumbnail\\?`));
      const byLink = await readMedia(s.url, sent[1]?.url ?? '', null);
      assert.equal(byLink.status, 200);
      assert.deepEqual(byLink.bytes, (await readMedia(s.url, photos[1]?.url ?? '', shop.customer)).bytes);
      assert.ok(bot.deliveries.every((d) => d.signed));
    });

    it('refuses another person’s photo, too many, a file that is no image, photos on another request; stores nothing', async (t) => {
      if (skip) return t.skip(skip);
      const order = await delivered();
      const mine = await uploaded(s.url, shop.customer, await png(40, 40), { name: 'a.png' });
      const theirs = await uploaded(s.url, stranger, await png(40, 40), { name: 'b.png' });
      const pdf = await uploaded(s.url, shop.customer, Buffer.from('%PDF-1.4\n%%EOF\n'), { name: 'facture.pdf' });
      const refused = async (body: unknown, status: number, id: string, field?: string) => {
        const r = await ask(order, body);
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.equal(r.body.error.id, id);
        if (field) assert.ok(field in (r.body.error.details?.fields ?? {}), JSON.stringify(r.body.error));
      };
      const ret = (photoIds: string[]) => ({ kind: 'return', reason: 'damaged', photoIds });
      // Another person's upload is never revealed: as an id that does not exist.
      await refused(ret([mine.id, theirs.id]), 404, 'media_not_found');
      await refused(ret(['01nope']), 404, 'media_not_found');
      await refused(
        ret(Array.from({ length: requestLimits.photos + 1 }, () => mine.id)),
        400,
        'bad_request',
        'photoIds',
      );
      await refused(ret([mine.id, mine.id]), 400, 'bad_request', 'photoIds');
      await refused(ret([mine.id, pdf.id]), 400, 'bad_request', 'photoIds.1');
      await refused({ kind: 'cancel', photoIds: [mine.id] }, 400, 'bad_request');
      // Nothing stored: no request, no upload bound (the customer's photo is still theirs to send).
      assert.deepEqual(await requestsOf(order), []);
      for (const id of [mine.id, theirs.id, pdf.id])
        assert.equal((await s.comptoir.storage.reader.media.mediaById(id))?.conversationId, null);
      // A photo already sent elsewhere (another conversation) is not taken either.
      const elsewhere = await shop.customer.http.post<{ conversation: { id: string } }>('/api/conversations/direct', {
        userId: stranger.user.id,
      });
      const sentThere = await shop.customer.http.post(`/api/conversations/${elsewhere.body.conversation.id}/messages`, {
        clientId: `photo-${Date.now()}`,
        text: '',
        attachmentIds: [mine.id],
      });
      assert.equal(sentThere.status, 201, JSON.stringify(sentThere.body));
      await refused(ret([mine.id]), 404, 'media_not_found');
      // Then a good one goes through.
      const fresh = await uploaded(s.url, shop.customer, await png(40, 40), { name: 'c.png' });
      assert.equal((await ask(order, ret([fresh.id]))).status, 201);
    });
  });
}
