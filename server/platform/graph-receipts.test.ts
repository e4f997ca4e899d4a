import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationsResponse, MessagesResponse, PageConversationResponse } from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { HttpClient, type Person, signUp } from '../../test/helpers/client.ts';
import { type GraphAnswer, graphCall, pageWithApp, say, webhookTestEnv } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';

const SHOP = 'https://shop.example';
let n = 0;
const fresh = (what: string) => `${what}-${process.pid}-${++n}`;

/** A receipt template as an app sends it (Messenger's fields, amounts in major units), `changes` over it. */
const receipt = (number: string, changes: Record<string, unknown> = {}) => ({
  template_type: 'receipt',
  recipient_name: 'Ana',
  order_number: number,
  currency: 'EUR',
  payment_method: 'Visa 1234',
  elements: [{ title: 'Comté', price: 8.5, quantity: 1 }],
  summary: { total_cost: 8.5 },
  ...changes,
});

/**
 * Receipt templates through the Send API, refused: a refusal writes nothing — no thread, no page-scoped
 * id, not the user_ref's one message — and its Graph error names the template's field (never the order's),
 * with the amounts as the template sent them (major units, the currency's decimals).
 */
for (const backend of backends) {
  describe(`receipts refused by the Send API (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let owner: Person;
    let pageId: string;
    let token: string;

    const send = (recipient: unknown, payload: Record<string, unknown>) =>
      graphCall(s.url, 'POST', '/v19.0/me/messages', token, {
        recipient,
        messaging_type: 'MESSAGE_TAG',
        tag: 'POST_PURCHASE_UPDATE',
        message: { attachment: { type: 'template', payload } },
      });
    /** A person who opted in at the page's checkout with a fresh user_ref. */
    const optedIn = async () => {
      const person = await signUp(s.url);
      const userRef = fresh('checkout');
      const r = await person.http.post('/api/optins', { how: 'checkbox', origin: SHOP, pageId, userRef });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { person, userRef };
    };
    /** A person who opened their thread with the page and wrote in it: their PSID. */
    const customer = async () => {
      const person = await signUp(s.url);
      const conv = await person.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
      assert.equal((await say(person, conv.body.conversation.id, 'Bonjour')).status, 201);
      const psid = await s.comptoir.storage.reader.pages.psidOf(pageId, person.user.id);
      assert.ok(psid);
      return { person, psid, conversationId: conv.body.conversation.id };
    };
    const threadWithPage = async (p: Person) => {
      const list = await p.http.get<ConversationsResponse>('/api/conversations');
      assert.equal(list.status, 200);
      return list.body.conversations.find((c) => c.members.some((m) => m.user.id === pageId)) ?? null;
    };
    /** The refusal exactly as a Graph client reads it: 400, code 100, no subcode, this message. */
    const refused = (r: GraphAnswer, message: string) => {
      assert.equal(r.status, 400, JSON.stringify(r.body));
      const { fbtrace_id, ...error } = r.body.error ?? { fbtrace_id: '' };
      assert.match(String(fbtrace_id), /^[A-Za-z0-9_-]{11}$/);
      assert.deepEqual(error, { message, type: 'OAuthException', code: 100 });
    };

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, webhookTestEnv);
      owner = await signUp(s.url);
      ({ pageId, token } = await pageWithApp(owner.http));
      const profile = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', token, {
        whitelisted_domains: [SHOP],
      });
      assert.equal(profile.status, 200, JSON.stringify(profile.body));
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('an invalid receipt to a new user_ref writes nothing: no thread, no PSID; the next valid one is the first', async (t) => {
      if (skip) return t.skip(skip);
      const { person, userRef } = await optedIn();
      const number = fresh('CMD');
      const wrong = await send({ user_ref: userRef }, receipt(number, { summary: { total_cost: 9.5 } }));
      refused(
        wrong,
        '(#100) param message.attachment.payload.summary.total_cost: 9.50 given, but elements (8.50) - adjustments (0.00) + total_tax (0.00) + shipping_cost (0.00) = 8.50',
      );
      assert.equal(await threadWithPage(person), null, 'no empty thread with the page');
      assert.equal(await s.comptoir.storage.reader.pages.psidOf(pageId, person.user.id), null, 'no PSID');
      const orders = await s.comptoir.storage.reader.commerce.ordersOfCustomer(pageId, person.user.id, 10);
      assert.deepEqual(orders, [], 'no order');

      // The user_ref's one message was not used up: the valid receipt is its first.
      const ok = await send({ user_ref: userRef }, receipt(number));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.match(String(ok.body.message_id), /^m_/);
      assert.equal('recipient_id' in ok.body, false);
      const thread = await threadWithPage(person);
      assert.ok(thread, 'the valid receipt opened the thread');
      const history = await person.http.get<MessagesResponse>(`/api/conversations/${thread.id}/messages`);
      assert.deepEqual(
        history.body.messages.map((m) => [m.senderId, m.order?.kind, m.order?.snapshot?.total]),
        [[pageId, 'receipt', 850]],
      );
      assert.ok(await s.comptoir.storage.reader.pages.psidOf(pageId, person.user.id), 'and the PSID');
    });

    it('names the template’s field, amounts in its units: totals, subtotal, currency, prices, adjustments', async (t) => {
      if (skip) return t.skip(skip);
      const { psid, person, conversationId } = await customer();
      const to = { id: psid };
      // Messenger's example receipt: 75 of elements - 30 of adjustments + 6.19 tax + 4.95 shipping = 56.14.
      const full = {
        currency: 'USD',
        summary: { subtotal: 75.0, shipping_cost: 4.95, total_tax: 6.19, total_cost: 60 },
        adjustments: [
          { name: 'New Customer Discount', amount: 20 },
          { name: '$10 Off Coupon', amount: 10 },
        ],
        elements: [
          { title: 'Classic White T-Shirt', quantity: 2, price: 50, currency: 'USD' },
          { title: 'Classic Gray T-Shirt', quantity: 1, price: 25, currency: 'USD' },
        ],
      };
      refused(
        await send(to, receipt(fresh('R'), full)),
        '(#100) param message.attachment.payload.summary.total_cost: 60.00 given, but elements (75.00) - adjustments (30.00) + total_tax (6.19) + shipping_cost (4.95) = 56.14',
      );
      refused(
        await send(to, receipt(fresh('R'), { ...full, summary: { ...full.summary, subtotal: 70, total_cost: 56.14 } })),
        '(#100) param message.attachment.payload.summary.subtotal: 70.00 given, but the elements add up to 75.00',
      );
      // Another currency's decimals: none for JPY, three for KWD.
      refused(
        await send(
          to,
          receipt(fresh('R'), {
            currency: 'JPY',
            elements: [{ title: 'Sencha', price: 1200 }],
            summary: { total_cost: 1300 },
          }),
        ),
        '(#100) param message.attachment.payload.summary.total_cost: 1300 given, but elements (1200) - adjustments (0) + total_tax (0) + shipping_cost (0) = 1200',
      );
      refused(
        await send(to, receipt(fresh('R'), { currency: 'KWD', summary: { total_cost: 8.25 } })),
        '(#100) param message.attachment.payload.summary.total_cost: 8.250 given, but elements (8.500) - adjustments (0.000) + total_tax (0.000) + shipping_cost (0.000) = 8.500',
      );
      refused(
        await send(to, receipt(fresh('R'), { currency: 'ABC' })),
        '(#100) param message.attachment.payload.currency: ABC is not an ISO 4217 currency code in use',
      );
      refused(
        await send(
          to,
          receipt(fresh('R'), { elements: [{ title: 'Comté', price: -8.5 }], summary: { total_cost: 0 } }),
        ),
        "(#100) param message.attachment.payload.elements[0].price: the line's price must be a non-negative multiple of its quantity",
      );
      refused(
        await send(to, receipt(fresh('R'), { elements: [{ title: 'Comté', price: 8.555 }] })),
        '(#100) param message.attachment.payload.elements[0].price: more decimals than EUR has',
      );
      refused(
        await send(to, receipt(fresh('R'), { adjustments: [{ name: 'Bon', amount: 0.005 }] })),
        '(#100) param message.attachment.payload.adjustments[0].amount: more decimals than EUR has',
      );
      // Nothing of these was sent: the thread holds the person's message alone.
      const history = await person.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      assert.deepEqual(
        history.body.messages.map((m) => m.text),
        ['Bonjour'],
      );
    });

    it('a receipt to a new user_ref with another person’s order number writes nothing either', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await customer();
      const number = fresh('R');
      assert.equal((await send({ id: ana.psid }, receipt(number))).status, 200);
      const { person, userRef } = await optedIn();
      refused(
        await send({ user_ref: userRef }, receipt(number)),
        `(#100) param message.attachment.payload.order_number: order ${number} is another person’s`,
      );
      assert.equal(await threadWithPage(person), null, 'no empty thread with the page');
      assert.equal(await s.comptoir.storage.reader.pages.psidOf(pageId, person.user.id), null, 'no PSID');
      // The user_ref's one message was not used up.
      const ok = await send({ user_ref: userRef }, receipt(fresh('R')));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(await threadWithPage(person), 'the valid receipt opened the thread');
    });

    it('names order_number for a number taken or an order that can no longer change', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await customer();
      const ben = await customer();
      const number = fresh('R');
      assert.equal((await send({ id: ana.psid }, receipt(number))).status, 200);
      refused(
        await send({ id: ben.psid }, receipt(number)),
        `(#100) param message.attachment.payload.order_number: order ${number} is another person’s`,
      );
      // Shipped (Orders API), the order's receipt may be sent again as it is, but not changed.
      const api = new HttpClient(s.url);
      const shipped = await api.request(
        'POST',
        `/api/commerce/orders/${encodeURIComponent(number)}/shipments`,
        { carrier: 'DHL', trackingNumber: 'JD9' },
        { authorization: `Bearer ${token}` },
      );
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      assert.equal((await send({ id: ana.psid }, receipt(number))).status, 200);
      refused(
        await send(
          { id: ana.psid },
          receipt(number, { elements: [{ title: 'Comté', price: 9.5 }], summary: { total_cost: 9.5 } }),
        ),
        `(#100) param message.attachment.payload.order_number: order ${number} is shipped: its receipt can no longer change`,
      );
    });
  });
}
