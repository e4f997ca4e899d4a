import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import type { OrderView, ShipmentView, TimelineEntryView } from '../../../protocol/commerce.ts';

/**
 * The order's history on its card, server-rendered from a store (no DOM; effects do not run): a line per
 * entry of the order's `timeline`, oldest first, each with its time and a sentence in the person's language
 * (English and French), behind its own disclosure button (closed: the card stays compact), for the customer
 * and the page's team; it follows the order in place (a tracking change's lines, applyOrderTracked). The
 * browser test (test/e2e/order-card) opens it with the keyboard and sees a tracking event arrive live.
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
const { formatDateTime } = await import('../i18n/format.ts');
const { OrderCard } = await import('./OrderCard.tsx');
const { orderFixture } = await import('./order.test-helpers.ts');

const entry = (
  e: Partial<TimelineEntryView> & Pick<TimelineEntryView, 'at' | 'kind' | 'status'>,
): TimelineEntryView => ({
  shipmentId: null,
  place: null,
  description: null,
  ...e,
});
const parcel = (id: string, carrier: string, trackingNumber: string, status: ShipmentView['status']): ShipmentView => ({
  id,
  carrier,
  trackingNumber,
  trackingUrl: null,
  items: [],
  status,
  createdAt: '2026-12-01T12:00:00.000Z',
  updatedAt: '2026-12-02T09:00:00.000Z',
  events: [],
});

/** An order that went all the way: placed, changed, shipped, tracked, delivered, refunded, returned. */
const returned = orderFixture({
  status: 'returned',
  version: 9,
  shipments: [parcel('s1', 'La Poste', '6A12345', 'delivered')],
  refunds: [{ id: 'f1', amount: 1250, reason: 'Abîmé', at: '2026-12-03T10:00:00.000Z' }],
  refunded: 1250,
  timeline: [
    entry({ at: '2026-12-01T10:00:00.000Z', kind: 'status', status: 'placed' }),
    entry({ at: '2026-12-01T10:30:00.000Z', kind: 'updated', status: 'placed' }),
    entry({
      at: '2026-12-01T12:00:00.000Z',
      kind: 'shipment',
      status: 'label_created',
      shipmentId: 's1',
      description: 'La Poste 6A12345',
    }),
    entry({ at: '2026-12-01T12:00:00.000Z', kind: 'status', status: 'shipped' }),
    entry({ at: '2026-12-01T18:00:00.000Z', kind: 'tracking', status: 'in_transit', shipmentId: 's1', place: 'Lyon' }),
    entry({
      at: '2026-12-02T09:00:00.000Z',
      kind: 'tracking',
      status: 'delivered',
      shipmentId: 's1',
      place: 'Paris',
      description: 'Remis en main propre',
    }),
    entry({ at: '2026-12-02T09:00:01.000Z', kind: 'status', status: 'delivered' }),
    entry({ at: '2026-12-03T10:00:00.000Z', kind: 'refund', status: 'delivered', description: 'Abîmé' }),
    entry({ at: '2026-12-04T10:00:00.000Z', kind: 'status', status: 'returned' }),
  ],
});

function card(order: OrderView, viewer: 'customer' | 'page', store = createStore(initialState())): string {
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

/** The history's lines as text: each entry's `<time>` (its datetime attribute and text) and its sentence. */
function lines(html: string): { at: string; time: string; text: string }[] {
  const list = /<ol[^>]*data-testid="order-history"[^>]*>(.*?)<\/ol>/s.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li[^>]*data-testid="order-history-entry"[^>]*>(.*?)<\/li>/gs)].map(([, li = '']) => {
    const [, at = '', time = '', rest = ''] = /<time dateTime="([^"]*)">([^<]*)<\/time>(.*)/s.exec(li) ?? [];
    const text = rest
      .replace(/<!-- -->/g, '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#x27;/g, '’')
      .replace(/&amp;/g, '&')
      .trim();
    return { at, time, text };
  });
}

test('the order’s history: a line per change, oldest first, each with its time and a sentence (English)', () => {
  setLocale('en');
  const html = card(returned, 'customer');
  const got = lines(html);
  assert.deepEqual(
    got.map((l) => l.text),
    [
      'Order placed',
      'Order details changed',
      'Shipped with La Poste',
      'Order shipped',
      'In transit · Lyon',
      'Delivered · Paris · Remis en main propre',
      'Order delivered',
      'Refund of €12.50 · Abîmé',
      'Order returned',
    ],
  );
  for (const [i, l] of got.entries()) {
    const at = returned.timeline[i]?.at ?? '';
    assert.equal(l.at, at);
    assert.equal(l.time, formatDateTime('en', at), 'the app’s date and time');
  }
  // A labelled list behind its own disclosure button, closed: the card stays compact.
  assert.match(html, /<ol[^>]*aria-label="Order history"[^>]*hidden=""/);
  const toggle = /<button[^>]*data-testid="order-history-toggle"[^>]*>([^<]*)<\/button>/.exec(html);
  assert.ok(toggle, 'a disclosure button');
  assert.equal(toggle[1], 'Order history');
  assert.match(toggle[0], /aria-expanded="false"/);
  const controls = /aria-controls="([^"]+)"/.exec(toggle[0])?.[1];
  assert.ok(controls && html.includes(`<ol id="${controls}"`), 'the button controls the list');
  assert.match(toggle[0], /type="button"/);

  // The page's team gets it too (not one of the customer's buttons).
  const inbox = card(returned, 'page');
  assert.equal(lines(inbox).length, returned.timeline.length);
  assert.ok(inbox.includes('data-testid="order-history-toggle"'));

  // A cancellation says why; a card outside the thread's tab order keeps its button out of it too.
  const cancelled = orderFixture({
    status: 'cancelled',
    timeline: [
      entry({ at: '2026-12-01T10:00:00.000Z', kind: 'status', status: 'placed' }),
      entry({ at: '2026-12-01T11:00:00.000Z', kind: 'status', status: 'cancelled', description: 'Ordered twice' }),
    ],
  });
  assert.deepEqual(
    lines(card(cancelled, 'customer')).map((l) => l.text),
    ['Order placed', 'Order cancelled · Ordered twice'],
  );
  const untabbable = renderToString(
    createElement(OrderCard, {
      message: { orderId: 'o1', kind: 'receipt', shipmentId: null, status: null, snapshot: cancelled, update: null },
      store: createStore(initialState()),
      viewer: 'customer',
      tabbable: false,
    }),
  );
  assert.match(untabbable, /<button[^>]*tabindex="-1"[^>]*data-testid="order-history-toggle"/);

  // An order with no history (a snapshot without one) shows no empty list.
  const none = card(orderFixture({ timeline: [] }), 'customer');
  assert.ok(!none.includes('data-testid="order-history'));
});

test('in French: the history’s sentences, its label and the amounts', () => {
  setLocale('fr');
  try {
    const html = card(returned, 'customer');
    const got = lines(html);
    assert.deepEqual(
      got.map((l) => l.text.replace(/[\u00a0\u202f]/g, ' ')),
      [
        'Commande passée',
        'Commande modifiée',
        'Colis confié à La Poste',
        'Commande expédiée',
        'En transit · Lyon',
        'Livré · Paris · Remis en main propre',
        'Commande livrée',
        'Remboursement de 12,50 € · Abîmé',
        'Commande retournée',
      ],
    );
    assert.equal(got[0]?.time, formatDateTime('fr', '2026-12-01T10:00:00.000Z'));
    assert.match(html, /<ol[^>]*aria-label="Historique de la commande"/);
    assert.match(html, /data-testid="order-history-toggle"[^>]*>Historique de la commande</);
  } finally {
    setLocale('en');
  }
});

test('several parcels: a tracking line names its parcel', () => {
  setLocale('en');
  const two = orderFixture({
    status: 'partially_shipped',
    shipments: [parcel('s1', 'La Poste', '6A1', 'in_transit'), parcel('s2', 'DHL', 'JD2', 'label_created')],
    timeline: [
      entry({ at: '2026-12-01T10:00:00.000Z', kind: 'status', status: 'placed' }),
      entry({ at: '2026-12-01T12:00:00.000Z', kind: 'shipment', status: 'label_created', shipmentId: 's1' }),
      entry({ at: '2026-12-01T12:00:00.000Z', kind: 'status', status: 'partially_shipped' }),
      entry({ at: '2026-12-01T13:00:00.000Z', kind: 'shipment', status: 'label_created', shipmentId: 's2' }),
      entry({
        at: '2026-12-01T18:00:00.000Z',
        kind: 'tracking',
        status: 'in_transit',
        shipmentId: 's1',
        place: 'Lyon',
      }),
    ],
  });
  assert.deepEqual(
    lines(card(two, 'customer')).map((l) => l.text),
    [
      'Order placed',
      'Shipped with La Poste',
      'Order partly shipped',
      'Shipped with DHL',
      'La Poste · 6A1: In transit · Lyon',
    ],
  );
});

test('the history follows the order in place: a tracking change’s lines (order.tracked) without a new read', () => {
  setLocale('en');
  const shipped = orderFixture({
    status: 'shipped',
    version: 3,
    shipments: [{ ...parcel('s1', 'La Poste', '6A12345', 'in_transit'), updatedAt: '2026-12-01T18:00:00.000Z' }],
    timeline: returned.timeline.slice(0, 5),
    refunds: [],
    refunded: 0,
  });
  let state = applyEvent(initialState(), { type: 'order.updated', conversationId: 'c1', order: shipped });
  const store = createStore(state);
  const placed = orderFixture({ timeline: returned.timeline.slice(0, 1) });
  assert.equal(lines(card(placed, 'customer', store)).length, 5, 'the store’s newer order over the snapshot');

  state = applyEvent(state, {
    type: 'order.tracked',
    conversationId: 'c1',
    change: {
      orderId: 'o1',
      version: 4,
      status: 'delivered',
      updatedAt: '2026-12-02T09:00:01.000Z',
      shipment: { id: 's1', status: 'delivered', updatedAt: '2026-12-02T09:00:01.000Z' },
      entries: [
        entry({
          at: '2026-12-02T09:00:00.000Z',
          kind: 'tracking',
          status: 'delivered',
          shipmentId: 's1',
          place: 'Paris',
        }),
        entry({ at: '2026-12-02T09:00:01.000Z', kind: 'status', status: 'delivered' }),
      ],
      customerActions: { changeAddress: false, changeItems: false, cancel: false, return: true },
    },
  });
  const html = card(placed, 'customer', createStore(state));
  assert.match(html, /data-version="4"/);
  assert.deepEqual(
    lines(html)
      .slice(-3)
      .map((l) => l.text),
    ['In transit · Lyon', 'Delivered · Paris', 'Order delivered'],
  );
});
