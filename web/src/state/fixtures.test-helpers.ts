import type { OrderView } from '../../../protocol/commerce.ts';
import type { ConversationView, MemberView, MessageView, UserView } from '../../../protocol/views.ts';
import { applySnapshot } from './apply.ts';
import { initialState, type OutboxItem, type State } from './types.ts';

/** Builders shared by the state tests. */

export const ana: UserView = { id: 'u-ana', username: 'ana', displayName: 'Ana' };
export const ben: UserView = { id: 'u-ben', username: 'ben', displayName: 'Ben' };
export const cat: UserView = { id: 'u-cat', username: 'cat', displayName: 'Cat' };
export const me: UserView = { id: 'u-me', username: 'me', displayName: 'Me' };

export function member(user: UserView, deliveredSeq = 0, readSeq = 0, role: MemberView['role'] = 'member'): MemberView {
  return { user, role, deliveredSeq, readSeq };
}

export function msg(seq: number, senderId: string, extra: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    senderId,
    clientId: null,
    text: `text ${seq}`,
    replyTo: null,
    createdAt: new Date(Date.UTC(2024, 0, 1, 10, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    ...extra,
  };
}

export function conv(extra: Partial<ConversationView> = {}): ConversationView {
  return {
    id: 'c1',
    kind: 'group',
    title: 'Team',
    history: 'joined',
    createdBy: 'u-me',
    createdAt: '2024-01-01T09:00:00.000Z',
    lastActivityAt: '2024-01-01T09:00:00.000Z',
    lastSeq: 0,
    members: [member(me, 0, 0, 'admin'), member(ana), member(ben)],
    formerMembers: [],
    lastMessage: null,
    unread: 0,
    mutedUntil: null,
    pinnedAt: null,
    archived: false,
    ...extra,
  };
}

export function stateWith(conversations: ConversationView[], cursor = 100): State {
  const s = initialState();
  return applySnapshot(
    { ...s, phase: 'ready', me: { ...me, createdAt: '2024-01-01T00:00:00.000Z' }, sessionId: 's1' },
    {
      cursor,
      conversations,
    },
  );
}

export function pending(clientId: string, text = 'hello', conversationId = 'c1'): OutboxItem {
  return {
    clientId,
    conversationId,
    text,
    replyToId: null,
    replyTo: null,
    createdAt: '2024-01-01T11:00:00.000Z',
    status: 'pending',
    error: null,
  };
}

/** An order as the server presents it (the store's and the order card's tests: ui/order.test-helpers.ts). */
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
  billingAddress: null,
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
