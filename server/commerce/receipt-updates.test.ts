/**
 * A receipt template sent again through the Send API with the same order number but other items or
 * another total (docs/COMMERCE.md, "Receipts through the Send API"): it updates the page's order with that
 * number while the order may still change — the same order, never a second one, its card and
 * `order.updated` showing it as it now is — and is refused once something shipped (`order_not_editable`,
 * as a Graph error naming the field).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderResponse, OrderView } from '../../protocol/commerce.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { merchantOf } from '../../test/helpers/orders.ts';
import { type GraphAnswer, graphCall, say } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';

let n = 0;

/** Messenger's receipt template for `number`, its elements as [quantity, line price], its totals summed. */
const receipt = (psid: string, number: string, elements: [quantity: number, price: number][]) => {
  const subtotal = elements.reduce((sum, [, price]) => sum + price, 0);
  // subtotal − 20 − 10 (adjustments) + 4.95 shipping + 6.19 tax, in cents to stay exact.
  const totalCost = (Math.round(subtotal * 100) - 3000 + 495 + 619) / 100;
  return {
    recipient: { id: psid },
    messaging_type: 'RESPONSE',
    message: {
      attachment: {
        type: 'template',
        payload: {
          template_type: 'receipt',
          recipient_name: 'Ada Lovelace',
          order_number: number,
          currency: 'USD',
          payment_method: 'Visa 2345',
          summary: { subtotal, shipping_cost: 4.95, total_tax: 6.19, total_cost: totalCost },
          adjustments: [
            { name: 'New Customer Discount', amount: 20 },
            { name: '$10 Off Coupon', amount: 10 },
          ],
          elements: elements.map(([quantity, price], i) => ({
            title: `T-Shirt ${i}`,
            quantity,
            price,
            currency: 'USD',
          })),
        },
      },
    },
  };
};

for (const backend of backends) {
  describe(`receipts sent again through the Send API (${backend.name})`, () => {
    let s: TestServer;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('updates the order with the same number before it ships — the same order, its new items and total on a new card and in order.updated — and refuses a changed receipt once it shipped', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await merchantOf(s);
      const { api, token } = shop;
      const send = (body: unknown): Promise<GraphAnswer> => graphCall(s.url, 'POST', '/v19.0/me/messages', token, body);
      const number = `RU-${process.pid}-${++n}`;
      const orderNow = async () => {
        const r = await api('GET', `/api/commerce/orders/${number}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return (r.body as unknown as OrderResponse).order;
      };
      const thread = async (): Promise<MessageView[]> =>
        (await shop.customer.http.get<MessagesResponse>(`/api/conversations/${shop.conversationId}/messages?limit=100`))
          .body.messages;
      const updates = async (id: string): Promise<OrderView[]> =>
        (
          await shop.customer.http.get<{ events: { event: { type: string; order?: OrderView } }[] }>(
            '/api/events?after=0&limit=1000',
          )
        ).body.events
          .filter((e) => e.event.type === 'order.updated' && e.event.order?.id === id)
          .map((e) => e.event.order as OrderView);
      const ordersOfNumber = async () =>
        (await s.comptoir.storage.reader.commerce.ordersOfCustomer(shop.pageId, shop.customer.user.id, 500)).filter(
          (o) => o.number === number,
        ).length;
      /** A receipt that changed the order: same id, one order for the number, the new card and event. */
      const updatedBy = async (
        elements: [number, number][],
        expected: { total: number; items: [number, number][]; status: string },
        previous: OrderView,
      ) => {
        const cardsBefore = (await thread()).length;
        const eventsBefore = (await updates(previous.id)).length;
        const sent = await send(receipt(shop.psid, number, elements));
        assert.equal(sent.status, 200, JSON.stringify(sent.body));
        const now = await orderNow();
        assert.equal(now.id, previous.id, 'the same order');
        assert.equal(await ordersOfNumber(), 1, 'one order for the number');
        assert.equal(now.status, expected.status);
        assert.equal(now.total, expected.total);
        assert.deepEqual(
          now.items.map((i) => [i.quantity, i.unitPrice]),
          expected.items,
        );
        assert.equal(now.version, previous.version + 1);
        assert.equal(now.timeline.length, previous.timeline.length + 1);
        assert.deepEqual([now.timeline.at(-1)?.kind, now.timeline.at(-1)?.status], ['updated', expected.status]);
        // The receipt is that order's new card, showing it as it now is.
        const messages = await thread();
        assert.equal(messages.length, cardsBefore + 1);
        const card = messages.at(-1);
        assert.equal(`m_${card?.id}`, sent.body.message_id);
        assert.equal(card?.senderId, shop.pageId);
        assert.equal(card?.order?.kind, 'receipt');
        assert.equal(card?.order?.orderId, previous.id);
        assert.equal(card?.order?.snapshot?.total, expected.total);
        assert.equal(card?.order?.snapshot?.version, now.version);
        // order.updated carries it to every device: the cards already shown change in place.
        const events = await updates(previous.id);
        assert.equal(events.length, eventsBefore + 1);
        assert.equal(events.at(-1)?.version, now.version);
        assert.equal(events.at(-1)?.total, expected.total);
        assert.deepEqual(
          events.at(-1)?.items.map((i) => [i.quantity, i.unitPrice]),
          expected.items,
        );
        return now;
      };

      await say(shop.customer, shop.conversationId, 'Hello'); // the messaging window is open
      const first = await send(
        receipt(shop.psid, number, [
          [2, 50],
          [1, 25],
        ]),
      );
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const placed = await orderNow();
      assert.equal(placed.total, 5614);
      assert.equal(placed.version, 1);

      // Another quantity, another total, while placed.
      const changed = await updatedBy(
        [
          [3, 75],
          [1, 25],
        ],
        {
          total: 8114,
          items: [
            [3, 2500],
            [1, 2500],
          ],
          status: 'placed',
        },
        placed,
      );
      // Another item, while processing: still before anything shipped.
      const processing = await api('PATCH', `/api/commerce/orders/${number}`, { status: 'processing' });
      assert.equal(processing.status, 200, JSON.stringify(processing.body));
      const added = await updatedBy(
        [
          [3, 75],
          [1, 25],
          [2, 30],
        ],
        {
          total: 11114,
          items: [
            [3, 2500],
            [1, 2500],
            [2, 1500],
          ],
          status: 'processing',
        },
        (processing.body as unknown as OrderResponse).order,
      );
      assert.equal(added.id, changed.id);

      // Shipped: a changed receipt is refused as a Graph error naming the field; nothing changes.
      const shipped = await api('POST', `/api/commerce/orders/${number}/shipments`, {
        carrier: 'UPS',
        trackingNumber: '1Z999',
      });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const atShipping = await orderNow();
      assert.equal(atShipping.status, 'shipped');
      const cards = (await thread()).length;
      const events = (await updates(placed.id)).length;
      const refused = await send(receipt(shop.psid, number, [[1, 25]]));
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error?.code, 100);
      assert.equal(refused.body.error?.type, 'OAuthException');
      // The order's rule (order_not_editable), its message as the order's flow wrote it, on the receipt's field.
      assert.match(
        refused.body.error?.message ?? '',
        new RegExp(
          `^\\(#100\\) param message\\.attachment\\.payload[.\\w]*: order ${number} is shipped: its receipt can no longer change$`,
        ),
      );
      assert.deepEqual(await orderNow(), atShipping, 'the order as it was');
      assert.equal((await thread()).length, cards, 'no card');
      assert.equal((await updates(placed.id)).length, events, 'no order.updated');
      assert.equal(await ordersOfNumber(), 1);
    });
  });
}
