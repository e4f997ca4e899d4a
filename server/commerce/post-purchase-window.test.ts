/**
 * Post-purchase updates need no messaging window (docs/COMMERCE.md, "In the thread"): more than 24 hours
 * after the customer last wrote to the page, the Send API's plain answer (`RESPONSE`) is refused, but a
 * shipment and a tracking event of the Orders API still post their shipping updates in the thread.
 *
 * The server's clock is moved forward, not just the Send API's: Date.now is shifted for the whole process
 * (the server runs in it), and the Send API's clock (`graphClock`, which it would otherwise capture once)
 * reads it at each call. So the customer's message really is 25 hours old for every part of the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderResponse, ShipmentResponse } from '../../protocol/commerce.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { merchantOf, orderBody } from '../../test/helpers/orders.ts';
import { type GraphAnswer, graphCall, say } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { STANDARD_WINDOW_MS } from '../platform/window.ts';

const realNow = Date.now;
/** How far the process's clock runs ahead of the real one. */
let ahead = 0;

for (const backend of backends) {
  describe(`post-purchase updates outside the messaging window (${backend.name})`, () => {
    let s: TestServer;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      Date.now = () => realNow() + ahead;
      s = await serverOn(
        backend,
        { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' },
        { graphClock: () => Date.now() },
      );
    });
    after(async () => {
      if (skip) return;
      await s.close();
      Date.now = realNow;
      ahead = 0;
    });

    it('posts a shipment’s and a tracking event’s shipping updates 25 hours after the customer last wrote, when a RESPONSE is refused', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await merchantOf(s);
      const { api, token } = shop;
      const respond = (text: string): Promise<GraphAnswer> =>
        graphCall(s.url, 'POST', '/v19.0/me/messages', token, {
          recipient: { id: shop.psid },
          messaging_type: 'RESPONSE',
          message: { text },
        });
      const windowClosed = (r: GraphAnswer) => {
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.deepEqual(
          [r.body.error?.code, r.body.error?.error_subcode, r.body.error?.type],
          [10, 2018278, 'OAuthException'],
        );
      };
      const thread = async (): Promise<MessageView[]> =>
        (await shop.customer.http.get<MessagesResponse>(`/api/conversations/${shop.conversationId}/messages?limit=100`))
          .body.messages;

      // The customer writes and orders; within the window the page may answer.
      const hello = await say(shop.customer, shop.conversationId, 'I ordered a coffee');
      assert.equal(hello.status, 201, JSON.stringify(hello.body));
      const wroteAt = Date.parse(hello.body.message.createdAt);
      const body = orderBody(shop.psid);
      const placed = await api('POST', '/api/commerce/orders', body);
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const { order } = placed.body as unknown as OrderResponse;
      assert.equal((await respond('Thank you!')).status, 200);

      // 25 hours later, the customer silent since: no RESPONSE any more.
      ahead = STANDARD_WINDOW_MS + 3_600_000;
      windowClosed(await respond('Anything else?'));
      const before = await thread();
      assert.equal(before.at(-1)?.text, 'Thank you!');

      // The merchant ships: the shipping update is posted all the same.
      const path = `/api/commerce/orders/${encodeURIComponent(body.number)}`;
      const shipped = await api('POST', `${path}/shipments`, { carrier: 'DHL', trackingNumber: 'JD1' });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const { shipment } = shipped.body as unknown as ShipmentResponse;
      const afterShipment = await thread();
      assert.equal(afterShipment.length, before.length + 1);
      const update = afterShipment.at(-1);
      assert.equal(update?.senderId, shop.pageId);
      assert.equal(update?.order?.orderId, order.id);
      assert.equal(update?.order?.kind, 'shipment');
      assert.equal(update?.order?.shipmentId, shipment.id);
      assert.equal(update?.text, `Order ${body.number} shipped with DHL, tracking JD1`);
      // Posted, for the server, more than 24 hours after the customer's last message.
      assert.ok(Date.parse(update?.createdAt ?? '') - wroteAt > STANDARD_WINDOW_MS, update?.createdAt);

      // And a tracking event.
      const tracked = await api('POST', `${path}/shipments/${shipment.id}/events`, {
        status: 'in_transit',
        place: 'Lyon',
      });
      assert.equal(tracked.status, 201, JSON.stringify(tracked.body));
      const afterTracking = await thread();
      assert.equal(afterTracking.length, before.length + 2);
      const tracking = afterTracking.at(-1);
      assert.equal(tracking?.senderId, shop.pageId);
      assert.equal(tracking?.order?.orderId, order.id);
      assert.equal(tracking?.order?.kind, 'tracking');
      assert.equal(tracking?.order?.status, 'in_transit');
      assert.equal(tracking?.order?.update?.place, 'Lyon');
      assert.equal(tracking?.text, `Order ${body.number}: in transit — Lyon`);

      // The page's own updates do not reopen the window: a RESPONSE is still refused.
      windowClosed(await respond('Anything else?'));
      assert.equal((await thread()).length, before.length + 2);
    });
  });
}
