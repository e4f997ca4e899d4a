import type { OrderRequestView } from '../../../protocol/order-requests.ts';

/** An order (state/fixtures.test-helpers.ts) and a request as the server presents them, for the order card's tests. */
export { orderFixture } from '../state/fixtures.test-helpers.ts';

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
