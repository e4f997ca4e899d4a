import type { OrderView } from '../../../protocol/commerce.ts';
import type { OrderRequestView } from '../../../protocol/order-requests.ts';

/** An order and a request as the server presents them, for the order card's tests. */
export const orderFixture = (extra: Partial<OrderView> = {}): OrderView => ({
  id: 'o1',
  pageId: 'p1',
  number: '1042',
  status: 'placed',
  customer: { psid: '1234567890123456' },
  currency: 'EUR',
  items: [
    { title: 'Comté 18 mois', subtitle: '500 g', quantity: 2, unitPrice: 1250, imageUrl: null },
    { title: 'Beurre demi-sel', subtitle: null, quantity: 1, unitPrice: 500, imageUrl: null },
  ],
  subtotal: 3000,
  adjustments: [],
  taxes: [],
  shippingCost: 0,
  total: 3000,
  shippingAddress: {
    name: 'Cleo',
    street1: '1 rue de la Paix',
    street2: null,
    city: 'Paris',
    postalCode: '75002',
    state: null,
    country: 'FR',
  },
  paymentMethod: null,
  merchantName: 'Fromagerie Lucie',
  orderUrl: null,
  shipments: [],
  timeline: [],
  refunds: [],
  refunded: 0,
  placedAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  version: 1,
  requests: [],
  customerActions: { changeAddress: true, changeItems: true, cancel: true, return: false },
  ...extra,
});

export const requestFixture = (extra: Partial<OrderRequestView>): OrderRequestView => ({
  id: 'r1',
  orderId: 'o1',
  kind: 'change',
  state: 'requested',
  change: { items: [{ item: 1, quantity: 0 }] },
  reason: null,
  items: null,
  note: null,
  photos: [],
  history: [{ at: '2026-12-01T11:00:00.000Z', by: 'customer', state: 'requested', text: null }],
  createdAt: '2026-12-01T11:00:00.000Z',
  updatedAt: '2026-12-01T11:00:00.000Z',
  ...extra,
});
