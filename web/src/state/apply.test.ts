import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OrderView } from '../../../protocol/commerce.ts';
import type { DomainEvent } from '../../../protocol/events.ts';
import { advanceCursor, applyBlocks, applyEvent, applyEventFrame, applyMessage, applyOrder } from './apply.ts';
import { ana, ben, cat, conv, me, member, msg, orderFixture, pending, stateWith } from './fixtures.test-helpers.ts';
import { addPending, applyHistory, markFailed, markReadLocally } from './local.ts';
import { blocksPeer, displayNameOf, threadItems } from './selectors.ts';
import type { State } from './types.ts';

const created = (m: ReturnType<typeof msg>): DomainEvent => ({
  type: 'message.created',
  conversationId: m.conversationId,
  message: m,
});
const applyAll = (s: State, events: DomainEvent[]) => events.reduce(applyEvent, s);

function assertIdempotent(s: State, event: DomainEvent) {
  const once = applyEvent(s, event);
  const twice = applyEvent(once, event);
  assert.deepEqual(twice, once, `${event.type} applied twice differs`);
  assert.equal(twice, once, `${event.type} applied twice should return the same object`);
}

describe('history pages', () => {
  test('remember who signs them: someone who left keeps their name after a reload', () => {
    const s = applyHistory(
      stateWith([conv()]),
      'c1',
      { messages: [msg(1, cat.id), msg(2, ana.id)], hasMore: false, users: [cat, ana] },
      'latest',
    );
    assert.equal(displayNameOf(s.users, s.conversations.c1, cat.id), 'Cat', 'Cat left the group before the reload');
    assert.equal(displayNameOf(s.users, s.conversations.c1, ana.id), 'Ana');
  });
});

describe('message.created', () => {
  test('bumps lastSeq, lastMessage, activity and unread for someone else’s message', () => {
    const s = applyEvent(stateWith([conv()]), created(msg(1, ana.id)));
    const c = s.conversations.c1;
    assert.equal(c?.lastSeq, 1);
    assert.equal(c?.lastMessage?.id, 'm1');
    assert.equal(c?.unread, 1);
    assert.equal(c?.lastActivityAt, msg(1, ana.id).createdAt);
    assert.deepEqual(
      s.threads.c1?.messages.map((m) => m.id),
      ['m1'],
    );
  });

  test('my own messages do not count as unread', () => {
    const s = applyEvent(stateWith([conv()]), created(msg(1, me.id)));
    assert.equal(s.conversations.c1?.unread, 0);
    assert.equal(s.conversations.c1?.lastSeq, 1);
  });

  test('is idempotent, also for an event already reflected in the snapshot', () => {
    const base = stateWith([conv()]);
    for (const e of [created(msg(1, ana.id)), created(msg(2, me.id))]) assertIdempotent(base, e);
    // Snapshot already holds seq 5 with unread 1; replaying seq 5 and an older seq 4 changes no counter.
    const snap = stateWith([conv({ lastSeq: 5, unread: 1, lastMessage: msg(5, ana.id) })]);
    const after = applyAll(snap, [created(msg(5, ana.id)), created(msg(4, ana.id))]);
    assert.equal(after.conversations.c1?.unread, 1);
    assert.equal(after.conversations.c1?.lastSeq, 5);
    assert.equal(after.conversations.c1?.lastMessage?.id, 'm5');
  });

  test('keeps messages sorted by seq and unique by id whatever the arrival order', () => {
    const s = applyAll(
      stateWith([conv()]),
      [3, 1, 2, 3, 1].map((n) => created(msg(n, ana.id))),
    );
    assert.deepEqual(
      s.threads.c1?.messages.map((m) => m.seq),
      [1, 2, 3],
    );
    assert.equal(s.conversations.c1?.lastSeq, 3);
    // Only seq 3 moved lastSeq past what was known after it; 1 and 2 arrived late.
    assert.equal(s.conversations.c1?.unread, 1);
  });

  test('a message from someone clears their typing indicator', () => {
    const s0 = { ...stateWith([conv()]), typing: { c1: { [ana.id]: Date.now() + 5000 } } };
    const s = applyEvent(s0, created(msg(1, ana.id)));
    assert.deepEqual(s.typing.c1, {});
  });
});

describe('pending → acknowledged', () => {
  test('the ack replaces the pending bubble; the later event adds no second bubble', () => {
    let s = addPending(stateWith([conv()]), pending('client-abc-1'));
    assert.equal(threadItems(s, 'c1').length, 1);
    assert.equal(threadItems(s, 'c1')[0]?.kind, 'pending');
    const stored = msg(1, me.id, { clientId: 'client-abc-1', text: 'hello' });
    s = applyMessage(s, stored); // the ack
    assert.equal(s.outbox.length, 0);
    s = applyEvent(s, created(stored)); // e.g. replayed after reconnect
    const items = threadItems(s, 'c1');
    assert.equal(items.length, 1);
    assert.equal(items[0]?.kind, 'message');
  });

  test('a message.created from another tab with my clientId replaces the pending bubble', () => {
    let s = addPending(stateWith([conv()]), pending('client-xyz-2'));
    s = applyEvent(s, created(msg(1, me.id, { clientId: 'client-xyz-2' })));
    assert.equal(s.outbox.length, 0);
    assert.deepEqual(
      threadItems(s, 'c1').map((i) => i.kind),
      ['message'],
    );
  });

  test('a failed send stays until retried or discarded, and other clientIds are untouched', () => {
    let s = addPending(addPending(stateWith([conv()]), pending('aaaaaaaa1')), pending('bbbbbbbb2'));
    s = markFailed(s, 'aaaaaaaa1', 'message_too_long');
    s = applyEvent(s, created(msg(1, me.id, { clientId: 'bbbbbbbb2' })));
    assert.deepEqual(
      s.outbox.map((o) => [o.clientId, o.status, o.error]),
      [['aaaaaaaa1', 'failed', 'message_too_long']],
    );
    assert.equal(addPending(s, pending('aaaaaaaa1')), s, 'adding the same clientId twice is a no-op');
  });
});

describe('edits and deletions', () => {
  const base = () => applyAll(stateWith([conv()]), [created(msg(1, ana.id)), created(msg(2, ana.id))]);

  test('an edit replaces the text, an older edit does not win over a newer one', () => {
    const e1 = msg(2, ana.id, { text: 'v1', editedAt: '2024-01-02T00:00:00.000Z' });
    const e2 = msg(2, ana.id, { text: 'v2', editedAt: '2024-01-03T00:00:00.000Z' });
    const s = applyAll(base(), [
      { type: 'message.edited', conversationId: 'c1', message: e2 },
      { type: 'message.edited', conversationId: 'c1', message: e1 },
    ]);
    assert.equal(s.threads.c1?.messages[1]?.text, 'v2');
    assert.equal(s.conversations.c1?.lastMessage?.text, 'v2');
    assertIdempotent(base(), { type: 'message.edited', conversationId: 'c1', message: e1 });
  });

  test('a deletion is final and lowers unread exactly once', () => {
    const s0 = base();
    assert.equal(s0.conversations.c1?.unread, 2);
    const del: DomainEvent = {
      type: 'message.deleted',
      conversationId: 'c1',
      message: msg(2, ana.id, { text: null, deletedAt: '2024-01-02T00:00:00.000Z' }),
    };
    const s1 = applyEvent(s0, del);
    assert.equal(s1.conversations.c1?.unread, 1);
    assert.equal(s1.threads.c1?.messages[1]?.text, null);
    assert.equal(s1.conversations.c1?.lastMessage?.deletedAt, '2024-01-02T00:00:00.000Z');
    assertIdempotent(s0, del);
    const late = applyEvent(s1, {
      type: 'message.edited',
      conversationId: 'c1',
      message: msg(2, ana.id, { text: 'zombie', editedAt: '2024-01-05T00:00:00.000Z' }),
    });
    assert.equal(late.threads.c1?.messages[1]?.text, null);
  });

  test('deleting a message never seen before lowers unread once', () => {
    const s0 = stateWith([conv({ lastSeq: 9, unread: 3, lastMessage: msg(9, ana.id) })]);
    const del: DomainEvent = {
      type: 'message.deleted',
      conversationId: 'c1',
      message: msg(8, ana.id, { text: null, deletedAt: '2024-01-02T00:00:00.000Z' }),
    };
    assert.equal(applyEvent(s0, del).conversations.c1?.unread, 2);
    assertIdempotent(s0, del);
  });
});

describe('receipts', () => {
  const rc = (userId: string, deliveredSeq: number, readSeq: number): DomainEvent => ({
    type: 'receipt.updated',
    conversationId: 'c1',
    userId,
    deliveredSeq,
    readSeq,
  });

  test('watermarks only move forward, and read implies delivered', () => {
    const s = applyAll(stateWith([conv({ lastSeq: 10 })]), [rc(ana.id, 5, 3), rc(ana.id, 4, 2), rc(ana.id, 2, 7)]);
    const a = s.conversations.c1?.members.find((m) => m.user.id === ana.id);
    assert.deepEqual([a?.deliveredSeq, a?.readSeq], [7, 7]);
    assertIdempotent(s, rc(ana.id, 5, 3));
  });

  test('my own read receipt (from another tab) clears unread', () => {
    let s = applyAll(
      stateWith([conv()]),
      [1, 2, 3].map((n) => created(msg(n, ana.id))),
    );
    assert.equal(s.conversations.c1?.unread, 3);
    s = applyHistory(s, 'c1', { messages: s.threads.c1?.messages ?? [], hasMore: false, users: [] }, 'latest');
    s = applyEvent(s, rc(me.id, 3, 2));
    assert.equal(s.conversations.c1?.unread, 1);
    s = applyEvent(s, rc(me.id, 3, 3));
    assert.equal(s.conversations.c1?.unread, 0);
  });

  test("a member's own message implies their watermarks reach it", () => {
    let s = applyAll(stateWith([conv()]), [created(msg(1, me.id)), created(msg(2, me.id))]);
    s = applyEvent(s, created(msg(3, ana.id)));
    const a = s.conversations.c1?.members.find((m) => m.user.id === ana.id);
    assert.deepEqual([a?.deliveredSeq, a?.readSeq], [3, 3], 'Ana replying means she has read 1 and 2');
    const b = s.conversations.c1?.members.find((m) => m.user.id === ben.id);
    assert.deepEqual([b?.deliveredSeq, b?.readSeq], [0, 0], 'Ben said nothing');
    s = applyEvent(s, created(msg(4, me.id)));
    assert.equal(s.conversations.c1?.unread, 0, 'writing means I read what came before');
  });

  test('reading locally clears the badge at once', () => {
    let s = applyAll(
      stateWith([conv()]),
      [1, 2].map((n) => created(msg(n, ana.id))),
    );
    s = markReadLocally(s, 'c1', 2);
    assert.equal(s.conversations.c1?.unread, 0);
    assert.equal(s.conversations.c1?.members.find((m) => m.user.id === me.id)?.readSeq, 2);
    assert.equal(markReadLocally(s, 'c1', 2), s);
  });
});

describe('membership', () => {
  test('member.added, role_changed and removed are idempotent', () => {
    const s0 = stateWith([conv()]);
    const added: DomainEvent = { type: 'member.added', conversationId: 'c1', user: cat, role: 'member', by: me.id };
    assertIdempotent(s0, added);
    const s1 = applyEvent(s0, added);
    assert.equal(s1.conversations.c1?.members.length, 4);
    const role: DomainEvent = { type: 'member.role_changed', conversationId: 'c1', userId: cat.id, role: 'admin' };
    assertIdempotent(s1, role);
    const removed: DomainEvent = {
      type: 'member.removed',
      conversationId: 'c1',
      userId: ben.id,
      by: me.id,
      reason: 'removed',
    };
    assertIdempotent(s1, removed);
    assert.deepEqual(
      applyEvent(s1, removed).conversations.c1?.members.map((m) => m.user.id),
      [me.id, ana.id, cat.id],
    );
  });

  test('when I am removed the conversation leaves the list and pending sends fail', () => {
    let s = addPending(stateWith([conv(), conv({ id: 'c2' })]), pending('pending-1'));
    const ev: DomainEvent = {
      type: 'member.removed',
      conversationId: 'c1',
      userId: me.id,
      by: ana.id,
      reason: 'removed',
    };
    assertIdempotent(s, ev);
    s = applyEvent(s, ev);
    assert.equal(s.removed.c1, 'removed');
    assert.ok(s.conversations.c1, 'kept so that an open thread can show read-only');
    assert.equal(s.outbox[0]?.status, 'failed');
    assert.equal(s.outbox[0]?.error, 'not_member');
    // Being added again brings it back.
    s = applyEvent(s, { type: 'conversation.joined', conversationId: 'c1', conversation: conv(), userIds: [me.id] });
    assert.equal(s.removed.c1, undefined);
  });

  test('conversation.joined merges without moving counters backwards', () => {
    const s0 = stateWith([
      conv({ lastSeq: 7, unread: 2, lastMessage: msg(7, ana.id), members: [member(me), member(ana, 6, 5)] }),
    ]);
    const stale: DomainEvent = {
      type: 'conversation.joined',
      conversationId: 'c1',
      conversation: conv({ lastSeq: 3, unread: 1, members: [member(me), member(ana, 1, 1)] }),
      userIds: [me.id],
    };
    const s1 = applyEvent(s0, stale);
    assert.equal(s1.conversations.c1?.lastSeq, 7);
    assert.equal(s1.conversations.c1?.unread, 2);
    assert.equal(s1.conversations.c1?.members[1]?.readSeq, 5);
    assertIdempotent(s0, stale);
  });

  test('conversation.joined for others takes the members of a conversation I am in, and keeps the rest', () => {
    const s0 = stateWith([
      conv({ lastSeq: 7, unread: 2, lastMessage: msg(7, ana.id), members: [member(me), member(ana, 6, 5)] }),
    ]);
    const others: DomainEvent = {
      type: 'conversation.joined',
      conversationId: 'c1',
      conversation: conv({
        lastSeq: 7,
        unread: 0,
        lastMessage: null,
        members: [member(me), member(ana, 6, 5), member(ben)],
      }),
      userIds: [ben.id],
    };
    const s1 = applyEvent(s0, others);
    assert.equal(s1.conversations.c1?.members.length, 3, 'the newcomer is a member');
    assert.equal(s1.conversations.c1?.lastMessage?.seq, 7, 'the preview stays');
    assert.equal(s1.conversations.c1?.unread, 2, 'the badge stays');
    assertIdempotent(s0, others);
  });

  test('title and display name updates', () => {
    const s0 = stateWith([conv()]);
    const t: DomainEvent = {
      type: 'conversation.updated',
      conversationId: 'c1',
      title: 'New',
      history: 'full',
      by: ana.id,
    };
    assertIdempotent(s0, t);
    assert.equal(applyEvent(s0, t).conversations.c1?.title, 'New');
    assert.equal(applyEvent(s0, t).conversations.c1?.history, 'full');
    const u: DomainEvent = { type: 'user.updated', conversationId: null, user: { ...me, displayName: 'Moi' } };
    assertIdempotent(s0, u);
    const s1 = applyEvent(s0, u);
    assert.equal(s1.me?.displayName, 'Moi');
    assert.equal(s1.conversations.c1?.members[0]?.user.displayName, 'Moi');
  });

  test('session.revoked is recorded once', () => {
    assertIdempotent(stateWith([]), { type: 'session.revoked', conversationId: null, sessionId: 's9' });
  });
});

describe('cursor', () => {
  test('event frames at or below the cursor are skipped; the cursor only moves forward', () => {
    const s0 = stateWith([conv()], 10);
    const s1 = applyEventFrame(s0, 10, created(msg(1, ana.id)));
    assert.equal(s1, s0);
    const s2 = applyEventFrame(s0, 12, created(msg(1, ana.id)));
    assert.equal(s2.cursor, 12);
    assert.equal(s2.conversations.c1?.unread, 1);
    assert.equal(applyEventFrame(s2, 11, created(msg(2, ana.id))), s2);
    assert.equal(advanceCursor(s2, 5).cursor, 12);
    assert.equal(advanceCursor(s2, 20).cursor, 20);
  });
});

describe('order.updated', () => {
  const order = (version: number, status: OrderView['status']): OrderView => orderFixture({ status, version });
  const updated = (o: OrderView): DomainEvent => ({ type: 'order.updated', conversationId: 'c1', order: o });

  test('keeps the newest version of an order, whatever the order events and reads arrive in', () => {
    let s = applyEvent(stateWith([conv()]), updated(order(2, 'shipped')));
    assert.equal(s.orders.o1?.status, 'shipped');
    s = applyEvent(s, updated(order(1, 'placed'))); // an older view (a read that crossed the event)
    assert.equal(s.orders.o1?.status, 'shipped');
    s = applyOrder(s, order(3, 'delivered'));
    assert.equal(s.orders.o1?.status, 'delivered');
  });

  test('is idempotent', () => assertIdempotent(stateWith([conv()]), updated(order(1, 'placed'))));
});

describe('order.tracked', () => {
  const shipment = {
    id: 's1',
    carrier: 'DHL',
    trackingNumber: 'T1',
    trackingUrl: null,
    items: [],
    status: 'label_created' as const,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    events: [],
  };
  const shipped = (version: number): OrderView =>
    orderFixture({ status: 'shipped', shipments: [shipment, { ...shipment, id: 's2' }], version });
  const at = '2026-01-02T00:00:00.000Z';
  const tracked = (version: number): DomainEvent => ({
    type: 'order.tracked',
    conversationId: 'c1',
    change: {
      orderId: 'o1',
      version,
      status: 'delivered',
      updatedAt: at,
      shipment: { id: 's1', status: 'delivered', updatedAt: at },
      entries: [
        { at, kind: 'tracking', status: 'delivered', shipmentId: 's1', place: 'Paris', description: null },
        { at, kind: 'status', status: 'delivered', shipmentId: null, place: null, description: null },
      ],
      customerActions: { changeAddress: false, changeItems: false, cancel: false, return: true },
    },
  });

  test('moves the order held at the version before: statuses, its shipment, the timeline, the actions', () => {
    const s = applyEvent(applyOrder(stateWith([conv()]), shipped(4)), tracked(5));
    const o = s.orders.o1;
    assert.equal(o?.version, 5);
    assert.equal(o?.status, 'delivered');
    assert.equal(o?.updatedAt, at);
    assert.deepEqual(o?.shipments[0]?.events, [{ status: 'delivered', place: 'Paris', description: null, at }]);
    assert.equal(o?.shipments[0]?.status, 'delivered');
    assert.deepEqual(o?.shipments[1], { ...shipment, id: 's2' }, 'the other shipment as it was');
    assert.deepEqual(
      o?.timeline.map((e) => e.kind),
      ['tracking', 'status'],
    );
    assert.equal(o?.customerActions.return, true);
    assert.deepEqual(s.orderHeads, {});
  });

  test('notes the version as the order’s head when it holds another version, or none; a read then clears it', () => {
    let s = applyEvent(applyOrder(stateWith([conv()]), shipped(3)), tracked(5)); // v4 never came: a gap
    assert.equal(s.orders.o1?.version, 3, 'the change is not guessed onto another version');
    assert.deepEqual(s.orderHeads, { o1: 5 });
    s = applyOrder(s, shipped(4)); // a read that is still behind keeps the head
    assert.deepEqual(s.orderHeads, { o1: 5 });
    s = applyOrder(s, { ...shipped(5), status: 'delivered' });
    assert.deepEqual(s.orderHeads, {});
    assert.equal(s.orders.o1?.status, 'delivered');
    const none = applyEvent(stateWith([conv()]), tracked(2));
    assert.deepEqual(none.orders, {});
    assert.deepEqual(none.orderHeads, { o1: 2 });
  });

  test('ignores a change the order held already has', () => {
    const s = applyOrder(stateWith([conv()]), shipped(5));
    assert.equal(applyEvent(s, tracked(5)), s);
  });

  test('is idempotent', () => assertIdempotent(applyOrder(stateWith([conv()]), shipped(4)), tracked(5)));

  test('a shipping update’s message.created carries the change: the message joins the thread, the order moves', () => {
    const change = tracked(5);
    assert.ok(change.type === 'order.tracked');
    const update = msg(1, 'p1', { text: 'Order A-1: delivered' });
    const created: DomainEvent = {
      type: 'message.created',
      conversationId: 'c1',
      message: update,
      orderChange: change.change,
    };
    const s = applyEvent(applyOrder(stateWith([conv()]), shipped(4)), created);
    assert.equal(s.orders.o1?.version, 5);
    assert.equal(s.orders.o1?.status, 'delivered');
    assert.equal(s.conversations.c1?.lastMessage?.id, update.id);
    assertIdempotent(applyOrder(stateWith([conv()]), shipped(4)), created);
  });
});

describe('conversation.settings_updated', () => {
  const settings = (over: Partial<Extract<DomainEvent, { type: 'conversation.settings_updated' }>>): DomainEvent => ({
    type: 'conversation.settings_updated',
    conversationId: 'c1',
    mutedUntil: null,
    pinnedAt: null,
    archived: false,
    ...over,
  });

  test('sets my mute, pin and archive of the conversation', () => {
    const s = applyEvent(
      stateWith([conv()]),
      settings({ mutedUntil: '9999-12-31T23:59:59.999Z', pinnedAt: '2024-01-02T00:00:00.000Z' }),
    );
    assert.equal(s.conversations.c1?.mutedUntil, '9999-12-31T23:59:59.999Z');
    assert.equal(s.conversations.c1?.pinnedAt, '2024-01-02T00:00:00.000Z');
    assert.equal(applyEvent(s, settings({})).conversations.c1?.pinnedAt, null);
  });

  test('is idempotent', () => assertIdempotent(stateWith([conv()]), settings({ archived: true })));

  test('a new message brings an archived conversation back, unless it came while muted', () => {
    const archived = applyEvent(stateWith([conv()]), settings({ archived: true }));
    assert.equal(applyEvent(archived, created(msg(1, ana.id))).conversations.c1?.archived, false);
    const muted = applyEvent(archived, settings({ archived: true, mutedUntil: '2024-01-01T10:30:00.000Z' }));
    const during = applyEvent(muted, created(msg(1, ana.id))); // sent at 10:01
    assert.equal(during.conversations.c1?.archived, true);
    const afterMute = applyEvent(during, created(msg(40, ana.id))); // sent at 10:40
    assert.equal(afterMute.conversations.c1?.archived, false);
  });
});

describe('message.hidden', () => {
  const hidden = (messageId: string, seq: number, unread: number): DomainEvent => ({
    type: 'message.hidden',
    conversationId: 'c1',
    messageId,
    seq,
    unread,
  });
  const loaded = () =>
    applyHistory(
      stateWith([conv({ lastSeq: 3, lastMessage: msg(3, ana.id), unread: 3 })]),
      'c1',
      { messages: [msg(1, ana.id), msg(2, ana.id), msg(3, ana.id)], hasMore: false, users: [ana] },
      'latest',
    );

  test('takes the message out of my thread; the one before becomes the last; the unread count follows', () => {
    const s = applyEvent(loaded(), hidden(msg(3, ana.id).id, 3, 2));
    assert.deepEqual(
      s.threads.c1?.messages.map((m) => m.seq),
      [1, 2],
    );
    assert.equal(s.conversations.c1?.lastMessage?.seq, 2);
    assert.equal(s.conversations.c1?.unread, 2);
  });

  test('without the thread loaded, the last message is dropped (the app reads the conversation again)', () => {
    const s = applyEvent(
      stateWith([conv({ lastSeq: 3, lastMessage: msg(3, ana.id), unread: 3 })]),
      hidden(msg(3, ana.id).id, 3, 2),
    );
    assert.equal(s.conversations.c1?.lastMessage, null);
  });

  test('is idempotent', () => assertIdempotent(loaded(), hidden(msg(2, ana.id).id, 2, 2)));
});
describe('block.updated', () => {
  const made = { user: ben, at: '2026-01-02T03:04:05.000Z' };
  const blocked: DomainEvent = { type: 'block.updated', conversationId: null, userId: ben.id, block: made };
  const unblocked: DomainEvent = { type: 'block.updated', conversationId: null, userId: ben.id, block: null };
  const direct = conv({ id: 'd1', kind: 'direct', title: null, members: [member(me), member(ben)] });

  test('keeps whom I block, and forgets them when I unblock', () => {
    let s = applyEvent(stateWith([direct]), blocked);
    assert.deepEqual(s.blocks, { [ben.id]: made });
    assert.equal(blocksPeer(s, 'd1'), true, 'the composer gives way to the notice');
    s = applyEvent(s, unblocked);
    assert.deepEqual(s.blocks, {});
    assert.equal(blocksPeer(s, 'd1'), false);
  });

  test('a listed block is replaced by the same event without change', () => {
    const s = applyBlocks(stateWith([direct]), [made]);
    assert.equal(applyEvent(s, blocked), s);
  });

  test('is idempotent', () => {
    assertIdempotent(stateWith([direct]), blocked);
    assertIdempotent(applyEvent(stateWith([direct]), blocked), unblocked);
  });
});

describe('account control (user.updated)', () => {
  const photo = { id: 'p1', url: '/api/media/p1', thumbnailUrl: '/api/media/p1/thumbnail' };

  test('a profile photo reaches every conversation, the people met and my own profile; removed, it goes', () => {
    const s0 = applyHistory(
      stateWith([conv(), conv({ id: 'c2', kind: 'direct', title: null, members: [member(me), member(ana)] })]),
      'c1',
      { messages: [msg(1, ana.id)], hasMore: false, users: [ana] },
      'latest',
    );
    const set: DomainEvent = { type: 'user.updated', conversationId: 'c1', user: { ...ana, avatar: photo } };
    assertIdempotent(s0, set);
    const s1 = applyEvent(s0, set);
    for (const c of ['c1', 'c2']) {
      assert.deepEqual(s1.conversations[c]?.members.find((m) => m.user.id === ana.id)?.user.avatar, photo, c);
    }
    assert.deepEqual(s1.users[ana.id]?.avatar, photo);
    const removed = applyEvent(s1, { type: 'user.updated', conversationId: 'c1', user: ana });
    assert.equal(removed.conversations.c1?.members.find((m) => m.user.id === ana.id)?.user.avatar, undefined);
    assert.equal(removed.users[ana.id]?.avatar, undefined);

    const mine = applyEvent(s0, { type: 'user.updated', conversationId: null, user: { ...me, avatar: photo } });
    assert.deepEqual(mine.me?.avatar, photo);
    assert.equal(mine.me?.createdAt, s0.me?.createdAt, 'my profile keeps what only I see');
    const mineRemoved = applyEvent(mine, { type: 'user.updated', conversationId: null, user: me });
    assert.equal(mineRemoved.me?.avatar, undefined);
    assert.ok(!('avatar' in (mineRemoved.me ?? {})));
  });

  test('a deleted account: no name left, marked deleted, in members, former members and the people met', () => {
    const s0 = applyHistory(
      stateWith([conv({ formerMembers: [{ user: cat, deliveredSeq: 1, readSeq: 1 }] })]),
      'c1',
      { messages: [msg(1, cat.id), msg(2, ana.id)], hasMore: false, users: [cat, ana] },
      'latest',
    );
    const tombstone = (u: typeof ana) => ({ id: u.id, username: '', displayName: '', deleted: true as const });
    for (const u of [ana, cat]) {
      const e: DomainEvent = { type: 'user.updated', conversationId: 'c1', user: tombstone(u) };
      assertIdempotent(s0, e);
    }
    const s1 = applyAll(s0, [
      { type: 'user.updated', conversationId: 'c1', user: tombstone(ana) },
      { type: 'user.updated', conversationId: 'c1', user: tombstone(cat) },
    ]);
    assert.deepEqual(s1.conversations.c1?.members.find((m) => m.user.id === ana.id)?.user, tombstone(ana));
    assert.deepEqual(s1.conversations.c1?.formerMembers[0]?.user, tombstone(cat));
    assert.equal(displayNameOf(s1.users, s1.conversations.c1, ana.id), '', 'an empty name: "Deleted account"');
    assert.equal(displayNameOf(s1.users, s1.conversations.c1, cat.id), '');
    assert.equal(s1.users[cat.id]?.deleted, true);
  });
});

describe('reaction.updated', () => {
  const reacted = (userId: string, emoji: string, on = true, messageId = 'm1'): DomainEvent => ({
    type: 'reaction.updated',
    conversationId: 'c1',
    messageId,
    seq: 1,
    userId,
    emoji,
    on,
  });
  const loaded = () =>
    applyHistory(
      stateWith([conv({ lastSeq: 1, lastMessage: msg(1, ana.id) })]),
      'c1',
      { messages: [msg(1, ana.id)], hasMore: false, users: [] },
      'latest',
    );
  const reactionsOf = (s: State) => s.threads.c1?.messages[0]?.reactions;

  test('counts each person once per emoji, first emoji first, people in order', () => {
    const s = applyAll(loaded(), [reacted(ana.id, '❤️'), reacted(ben.id, '😂'), reacted(me.id, '❤️')]);
    assert.deepEqual(reactionsOf(s), [
      { emoji: '❤️', count: 2, userIds: [ana.id, me.id] },
      { emoji: '😂', count: 1, userIds: [ben.id] },
    ]);
    assert.deepEqual(s.conversations.c1?.lastMessage?.reactions, reactionsOf(s), 'the list’s last message too');
  });

  test('is idempotent: the same event twice does not count twice, for putting and for taking back', () => {
    const base = applyEvent(loaded(), reacted(ana.id, '❤️'));
    assertIdempotent(base, reacted(ana.id, '❤️'));
    assertIdempotent(base, reacted(ben.id, '❤️'));
    assertIdempotent(base, reacted(ana.id, '❤️', false));
    assertIdempotent(base, reacted(ben.id, '👍', false));
    assert.equal(reactionsOf(applyEvent(base, reacted(ana.id, '❤️')))?.[0]?.count, 1);
  });

  test('taking the last one back removes the emoji, then the reactions', () => {
    const s = applyAll(loaded(), [
      reacted(ana.id, '❤️'),
      reacted(ben.id, '❤️'),
      reacted(ana.id, '😮'),
      reacted(ana.id, '❤️', false),
    ]);
    assert.deepEqual(reactionsOf(s), [
      { emoji: '❤️', count: 1, userIds: [ben.id] },
      { emoji: '😮', count: 1, userIds: [ana.id] },
    ]);
    const none = applyAll(s, [reacted(ben.id, '❤️', false), reacted(ana.id, '😮', false)]);
    assert.equal(reactionsOf(none), undefined);
    assert.equal('reactions' in (none.threads.c1?.messages[0] ?? {}), false);
  });

  test('a catch-up replaying events a history page already holds converges', () => {
    const page = {
      messages: [msg(1, ana.id, { reactions: [{ emoji: '❤️', count: 1, userIds: [ben.id] }] })],
      hasMore: false,
      users: [],
    };
    const s = applyHistory(stateWith([conv({ lastSeq: 1 })]), 'c1', page, 'latest');
    const replayed = applyAll(s, [reacted(ben.id, '❤️'), reacted(ana.id, '❤️'), reacted(ana.id, '❤️', false)]);
    assert.deepEqual(reactionsOf(replayed), [{ emoji: '❤️', count: 1, userIds: [ben.id] }]);
  });

  test('an edit keeps the reactions; a deletion drops them and later reactions are ignored', () => {
    const s = applyEvent(loaded(), reacted(ben.id, '👍'));
    const edited = applyEvent(s, {
      type: 'message.edited',
      conversationId: 'c1',
      message: msg(1, ana.id, { text: 'changed', editedAt: '2024-01-01T12:00:00.000Z' }),
    });
    assert.equal(edited.threads.c1?.messages[0]?.text, 'changed');
    assert.deepEqual(reactionsOf(edited), [{ emoji: '👍', count: 1, userIds: [ben.id] }]);
    const deleted = applyEvent(edited, {
      type: 'message.deleted',
      conversationId: 'c1',
      message: msg(1, ana.id, { text: null, deletedAt: '2024-01-01T12:01:00.000Z' }),
    });
    assert.equal(reactionsOf(deleted), undefined);
    assert.equal(applyEvent(deleted, reacted(cat.id, '👍')), deleted);
  });

  test('a message not loaded is left alone (its history page brings its reactions)', () => {
    const s = stateWith([conv()]);
    assert.equal(applyEvent(s, reacted(ana.id, '👍', true, 'm9')), s);
  });
});
