import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import type { OrderView } from '../../../protocol/commerce.ts';

/**
 * The order card's customer side, server-rendered from a store (no DOM; effects do not run): which
 * buttons the customer gets and the page's team does not, the requests with their state, what was asked,
 * the history, the shop's question and the answer field, Withdraw, the request's line in a thread — in
 * English and French. The browser test (test/e2e/order-requests) clicks through them against the server.
 */
register(
  'data:text/javascript,export async function load(url, context, next) { if (url.endsWith(".css")) return { format: "module", source: "", shortCircuit: true }; return next(url, context); }',
);

const { renderToString } = await import('react-dom/server');
const { createElement } = await import('react');
const { createStore } = await import('../state/store.ts');
const { initialState } = await import('../state/types.ts');
const { applyEvent } = await import('../state/apply.ts');
const { setLocale } = await import('../i18n/locale.ts');
const { OrderCard } = await import('./OrderCard.tsx');
const { OrderRequestLine } = await import('./OrderRequestLine.tsx');
const { orderFixture, requestFixture } = await import('./order.test-helpers.ts');

const shipped = orderFixture({
  status: 'shipped',
  version: 3,
  customerActions: { changeAddress: false, changeItems: false, cancel: false, return: false },
  shipments: [
    {
      id: 's1',
      carrier: 'Colissimo',
      trackingNumber: '6A12345',
      trackingUrl: 'https://example.com/track/6A12345',
      items: [],
      status: 'in_transit',
      createdAt: '2026-12-01T12:00:00.000Z',
      updatedAt: '2026-12-01T13:00:00.000Z',
      events: [{ status: 'in_transit', place: 'Lyon', description: null, at: '2026-12-01T13:00:00.000Z' }],
    },
  ],
});

function card(order: OrderView, viewer: 'customer' | 'page', live?: OrderView): string {
  let state = initialState();
  if (live) state = applyEvent(state, { type: 'order.updated', conversationId: 'c1', order: live });
  const store = createStore(state);
  const message = {
    orderId: order.id,
    kind: 'receipt' as const,
    shipmentId: null,
    status: null,
    snapshot: order,
    update: null,
  };
  return renderToString(createElement(OrderCard, { message, store, viewer }));
}
const has = (html: string, testId: string) => html.includes(`data-testid="${testId}"`);

test('the customer gets the buttons the page allows now; the page’s team gets none', () => {
  setLocale('en');
  const placed = card(orderFixture(), 'customer');
  assert.ok(has(placed, 'order-action-change'));
  assert.ok(has(placed, 'order-action-cancel'));
  assert.ok(!has(placed, 'order-action-return'), 'no return before delivery (customerActions.return false)');
  assert.ok(!has(placed, 'order-action-track'), 'no Track before a shipment');
  assert.ok(has(placed, 'order-action-support'), 'Contact support is always offered to the customer');
  assert.match(placed, /aria-haspopup="dialog"[^>]*>Change</);

  const inbox = card(orderFixture(), 'page');
  for (const id of ['change', 'cancel', 'return', 'track', 'support'])
    assert.ok(!has(inbox, `order-action-${id}`), `the page's team has no ${id} button`);

  const addressOnly = card(
    orderFixture({ customerActions: { changeAddress: true, changeItems: false, cancel: false, return: false } }),
    'customer',
  );
  assert.ok(has(addressOnly, 'order-action-change'), 'Change for a new address alone');
  assert.ok(!has(addressOnly, 'order-action-cancel'));

  const delivered = card(
    orderFixture({
      status: 'delivered',
      customerActions: { changeAddress: false, changeItems: false, cancel: false, return: true },
    }),
    'customer',
  );
  assert.ok(has(delivered, 'order-action-return'));
  assert.match(delivered, />Return or report a problem</);
  assert.ok(!has(delivered, 'order-action-change'));
  assert.ok(!has(delivered, 'order-action-cancel'));
});

test('Track: the customer opens the shipments’ timelines; the page’s team always sees them', () => {
  setLocale('en');
  const mine = card(shipped, 'customer');
  assert.match(mine, /data-testid="order-action-track"/);
  assert.match(mine, /aria-expanded="false"/);
  assert.match(mine, /<div class="order-tracking" hidden=""/, 'the timeline waits for Track');
  assert.match(mine, /href="https:\/\/example\.com\/track\/6A12345"[^>]*>Follow on the carrier’s site</);
  // Track's aria-controls names the shipments' section.
  const controls =
    /<button[^>]*aria-controls="([^"]+)"[^>]*data-testid="order-action-track"|<button[^>]*data-testid="order-action-track"[^>]*aria-controls="([^"]+)"/
      .exec(mine)
      ?.slice(1)
      .find(Boolean);
  assert.ok(controls && mine.includes(`id="${controls}"`));
  const theirs = card(shipped, 'page');
  assert.doesNotMatch(theirs, /class="order-tracking" hidden/);
  assert.match(theirs, /data-testid="tracking-event"/);
});

test('the requests: kind, state, what was asked, the history; the shop’s question, the answer field, Withdraw', () => {
  setLocale('en');
  const order = orderFixture({
    version: 4,
    requests: [
      requestFixture({
        id: 'r1',
        state: 'needs_info',
        change: {
          items: [{ item: 1, quantity: 0 }],
          shippingAddress: { street1: '5 av. Foch', city: 'Lyon', postalCode: '69006', country: 'FR' },
        },
        note: 'Sans beurre',
        history: [
          { at: '2026-12-01T11:00:00.000Z', by: 'customer', state: 'requested', text: 'Sans beurre' },
          { at: '2026-12-01T11:05:00.000Z', by: 'page', state: 'needs_info', text: 'Garder le Comté ?' },
        ],
      }),
      requestFixture({
        id: 'r2',
        kind: 'return',
        state: 'rejected',
        change: null,
        reason: 'damaged',
        items: [{ item: 0, quantity: 1 }],
        note: 'Cassé',
        history: [
          { at: '2026-12-01T11:00:00.000Z', by: 'customer', state: 'requested', text: null },
          { at: '2026-12-01T12:00:00.000Z', by: 'page', state: 'rejected', text: 'Past the delay' },
        ],
      }),
    ],
  });
  // The card shows the store's newer version over the message's snapshot (order.updated in place).
  const html = card(orderFixture(), 'customer', order);
  assert.match(html, /data-version="4"/);
  const [first, second] = html.split('data-testid="order-request"').slice(1);
  assert.ok(first && second);
  assert.match(first, /data-kind="change" data-state="needs_info"/);
  assert.match(first, />Change</);
  assert.match(first, /data-testid="order-request-state">Needs info</);
  assert.match(first, /Beurre demi-sel: remove/);
  assert.match(first, /Deliver to: 5 av\. Foch, 69006 Lyon, FR/);
  assert.doesNotMatch(first, /Note: Sans beurre/, 'the note once: the history quotes it');
  assert.match(first, /<q class="order-request-text">Sans beurre<\/q>/);
  assert.match(first, /data-testid="order-request-question">Fromagerie Lucie asks: Garder le Comté \?/);
  assert.match(first, /You asked/);
  assert.match(first, /Fromagerie Lucie asked for more information/);
  assert.match(first, /<label[^>]*>Your answer<\/label><textarea/);
  assert.ok(first.includes('data-testid="order-request-reply"'));
  assert.ok(first.includes('data-testid="order-request-withdraw"'));

  assert.match(second, /data-kind="return" data-state="rejected"/);
  assert.match(second, />Rejected</);
  assert.match(second, /Reason: Damaged/);
  assert.match(second, /Comté 18 mois × 1/);
  assert.match(second, /Note: Cassé/);
  assert.match(second, /Fromagerie Lucie declined/);
  assert.match(second, /Past the delay/);
  assert.ok(!second.includes('order-request-withdraw'), 'a decided request cannot be withdrawn');
  assert.ok(!second.includes('order-request-reply'));

  // The page's team sees the same requests, read-only, the customer named as such.
  const inbox = card(orderFixture(), 'page', order);
  assert.match(inbox, /The customer asked/);
  assert.match(inbox, /data-testid="order-request-question"/);
  assert.ok(!inbox.includes('order-request-reply'));
  assert.ok(!inbox.includes('order-request-withdraw'));
});

test('a snapshot stored before requests existed still renders, without requests or buttons beyond support', () => {
  setLocale('en');
  const { requests: _r, customerActions: _c, ...old } = orderFixture();
  const html = card(old as OrderView, 'customer');
  assert.match(html, /data-testid="order-card"/);
  assert.ok(!has(html, 'order-request'));
  assert.ok(!has(html, 'order-action-change'));
  assert.ok(has(html, 'order-action-support'));
});

test('in French: buttons, states, the shop’s question and the request’s line in the thread', () => {
  setLocale('fr');
  try {
    const order = orderFixture({
      customerActions: { changeAddress: true, changeItems: true, cancel: true, return: true },
      requests: [
        requestFixture({
          state: 'needs_info',
          history: [
            { at: '2026-12-01T11:00:00.000Z', by: 'customer', state: 'requested', text: null },
            { at: '2026-12-01T11:05:00.000Z', by: 'page', state: 'needs_info', text: 'Pourquoi ?' },
          ],
        }),
      ],
    });
    const html = card(order, 'customer');
    assert.match(html, />Modifier</);
    assert.match(html, />Annuler</);
    assert.match(html, />Retourner ou signaler un problème</);
    assert.match(html, />Contacter le service client</);
    assert.match(html, />Précisions demandées</);
    assert.match(html, /Fromagerie Lucie demande\u00a0: Pourquoi \?/);
    assert.match(html, />Votre réponse</);
    assert.match(html, />Retirer</);
    assert.match(html, /Vous avez demandé/);
    assert.match(html, /Fromagerie Lucie a demandé des précisions/);

    const store = createStore(applyEvent(initialState(), { type: 'order.updated', conversationId: 'c1', order }));
    const line = renderToString(
      createElement(OrderRequestLine, {
        request: { orderId: 'o1', requestId: 'r1', kind: 'cancel', state: 'requested' },
        store,
      }),
    );
    assert.match(line, /data-testid="order-request-line"/);
    assert.match(line, /data-request-id="r1"/);
    assert.match(line, /Annulation demandée.*commande 1042/);
  } finally {
    setLocale('en');
  }
});

test('a request’s line names the request, and its order once the store knows it', () => {
  setLocale('en');
  const unknown = renderToString(
    createElement(OrderRequestLine, {
      request: { orderId: 'o9', requestId: 'r1', kind: 'change', state: 'requested' },
      store: createStore(initialState()),
    }),
  );
  assert.match(unknown, />Change requested</);
  assert.doesNotMatch(unknown, /— order/);
  const store = createStore(
    applyEvent(initialState(), { type: 'order.updated', conversationId: 'c1', order: orderFixture() }),
  );
  const known = renderToString(
    createElement(OrderRequestLine, {
      request: { orderId: 'o1', requestId: 'r1', kind: 'return', state: 'accepted' },
      store,
    }),
  );
  assert.match(known, /Return accepted.*order 1042/);
});

test('the billing address, under the shipping address when the order has one, in English and French', () => {
  const billingAddress = {
    name: 'Cleo SARL',
    street1: '8 quai Saint-Vincent',
    street2: null,
    city: 'Lyon',
    postalCode: '69001',
    state: null,
    country: 'FR',
  };
  setLocale('en');
  const html = card(orderFixture({ billingAddress }), 'customer');
  const shipTo = html.indexOf('data-testid="order-address"');
  const billTo = html.indexOf('data-testid="order-billing-address"');
  assert.ok(shipTo > 0 && billTo > shipTo, 'under the shipping address');
  assert.match(html, /data-testid="order-billing-address">Bill to: Cleo SARL, 8 quai Saint-Vincent, 69001 Lyon, FR</);
  // None given (null), or a snapshot stored before orders had one (no field): nothing shown.
  assert.ok(!has(card(orderFixture({ billingAddress: null }), 'customer'), 'order-billing-address'));
  assert.ok(!has(card(orderFixture(), 'page'), 'order-billing-address'));
  setLocale('fr');
  try {
    assert.match(
      card(orderFixture({ billingAddress }), 'page'),
      /data-testid="order-billing-address">Facturer à\u00a0: Cleo SARL, 8 quai Saint-Vincent, 69001 Lyon, FR</,
    );
  } finally {
    setLocale('en');
  }
});
