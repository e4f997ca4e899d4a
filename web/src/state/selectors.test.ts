import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DomainEvent } from '../../../protocol/events.ts';
import type { ConversationView } from '../../../protocol/views.ts';
import { applyEvent, applySnapshot } from './apply.ts';
import { ana, ben, cat, conv, me, member, msg, pending, stateWith } from './fixtures.test-helpers.ts';
import { applySignal, pruneTyping } from './local.ts';
import {
  archivedConversationIds,
  conversationIds,
  conversationList,
  conversationTitle,
  forLanguage,
  lastOwnMessage,
  mainConversationIds,
  messageStatus,
  pendingSends,
  quickRepliesMessageId,
  seenBy,
  someoneTyping,
  threadItemsOf,
  typingUsers,
} from './selectors.ts';

test('ticks: sent, delivered to every other member, read by every other member', () => {
  const m = msg(5, me.id);
  const at = (a: [number, number], b: [number, number]) =>
    messageStatus(conv({ members: [member(me), member(ana, ...a), member(ben, ...b)] }), m, me.id);
  assert.equal(at([0, 0], [0, 0]), 'sent');
  assert.equal(at([5, 0], [4, 0]), 'sent', 'Ben has not received it yet');
  assert.equal(at([5, 0], [9, 0]), 'delivered');
  assert.equal(at([5, 5], [9, 4]), 'delivered', 'Ben has not read it yet');
  assert.equal(at([5, 5], [9, 9]), 'read');
  assert.equal(messageStatus(conv({ members: [member(me)] }), m, me.id), 'sent', 'alone: never read');
  assert.equal(messageStatus(conv(), msg(5, ana.id), me.id), 'received');
});

test('seen by lists the other members whose read watermark reached the message', () => {
  const c = conv({ members: [member(me, 9, 9), member(ana, 6, 6), member(ben, 9, 4)] });
  assert.deepEqual(
    seenBy(c, 5, me.id).map((u) => u.displayName),
    ['Ana'],
  );
  assert.deepEqual(seenBy(c, 7, me.id), []);
  assert.equal(lastOwnMessage([msg(1, me.id), msg(2, ana.id), msg(3, me.id, { deletedAt: 'x' })], me.id)?.seq, 1);
});

test('ticks never go backwards: receipts of members who left or were removed keep counting for what they saw', () => {
  const removed = (userId: string, reason: 'removed' | 'left'): DomainEvent => ({
    type: 'member.removed',
    conversationId: 'c1',
    userId,
    by: reason === 'left' ? userId : me.id,
    reason,
  });
  const mine = msg(5, me.id);
  let s = stateWith([conv({ lastSeq: 6, members: [member(me, 6, 6, 'admin'), member(ana, 5, 5), member(ben, 6, 6)] })]);
  const status = () => messageStatus(s.conversations.c1, mine, me.id);
  const seen = () => seenBy(s.conversations.c1 as ConversationView, 5, me.id).map((u) => u.displayName);
  assert.deepEqual([status(), seen()], ['read', ['Ana', 'Ben']]);
  s = applyEvent(s, removed(ana.id, 'removed'));
  s = applyEvent(s, removed(ben.id, 'left'));
  assert.deepEqual([status(), seen()], ['read', ['Ana', 'Ben']], 'both gone: still read, still seen by them');
  // A message after they went counts the members only; one Ana never received stays one tick.
  assert.equal(messageStatus(s.conversations.c1, msg(7, me.id), me.id), 'sent');
  assert.deepEqual(
    seenBy(s.conversations.c1 as ConversationView, 6, me.id).map((u) => u.displayName),
    ['Ben'],
  );
  // A newcomer's snapshot (which shows them no former member) does not drop what we knew.
  const joined = conv({ lastSeq: 6, members: [member(me, 6, 6, 'admin'), member(cat, 6, 6)] });
  s = applyEvent(s, { type: 'conversation.joined', conversationId: 'c1', conversation: joined, userIds: [cat.id] });
  assert.deepEqual(
    seenBy(s.conversations.c1 as ConversationView, 5, me.id).map((u) => u.displayName),
    ['Cat', 'Ana', 'Ben'],
  );
  assert.equal(status(), 'read', 'kept over a snapshot without them');
  // Ana added back: she is a member again, once, with what she had seen.
  s = applyEvent(s, { type: 'member.added', conversationId: 'c1', user: ana, role: 'member', by: me.id });
  assert.deepEqual([status(), seen()], ['read', ['Cat', 'Ana', 'Ben']]);
  assert.deepEqual(
    s.conversations.c1?.formerMembers.map((f) => f.user.id),
    [ben.id],
  );
  // After a reload, the server's list brings them (and their names).
  s = applySnapshot(s, {
    cursor: 200,
    conversations: [
      conv({
        lastSeq: 6,
        members: [member(me, 6, 6, 'admin')],
        formerMembers: [{ user: ana, deliveredSeq: 5, readSeq: 5 }],
      }),
    ],
  });
  assert.deepEqual([status(), seen(), s.users[ana.id]?.displayName], ['read', ['Ana'], 'Ana']);
});

test('a one-to-one conversation someone else opened is listed for me with its first message only', () => {
  const direct = (id: string, createdBy: string, lastSeq: number) =>
    conv({ id, kind: 'direct', title: null, createdBy, lastSeq, members: [member(me), member(ana)] });
  let s = stateWith([direct('by-ana', ana.id, 0), direct('by-me', me.id, 0), conv({ id: 'group', createdBy: ana.id })]);
  assert.deepEqual(conversationIds(s).sort(), ['by-me', 'group']);
  s = applyEvent(s, {
    type: 'message.created',
    conversationId: 'by-ana',
    message: msg(1, ana.id, { conversationId: 'by-ana' }),
  });
  assert.deepEqual(conversationIds(s).sort(), ['by-ana', 'by-me', 'group']);
});

test('titles: group title, or the other person for a direct conversation', () => {
  assert.equal(conversationTitle(conv({ title: 'Team' }), me.id), 'Team');
  assert.equal(conversationTitle(conv({ title: '  ' }), me.id), null);
  assert.equal(
    conversationTitle(conv({ kind: 'direct', title: null, members: [member(me), member(ana)] }), me.id),
    'Ana',
  );
});

test('the list is ordered by last activity and hides conversations I left', () => {
  const s = stateWith([
    conv({ id: 'a', lastActivityAt: '2024-01-01T10:00:00.000Z' }),
    conv({ id: 'b', lastActivityAt: '2024-01-03T10:00:00.000Z' }),
    conv({ id: 'c', lastActivityAt: '2024-01-02T10:00:00.000Z' }),
  ]);
  assert.deepEqual(
    conversationList(s).map((c) => c.id),
    ['b', 'c', 'a'],
  );
  assert.deepEqual(
    conversationList({ ...s, removed: { c: 'left' } }).map((c) => c.id),
    ['b', 'a'],
  );
  assert.deepEqual(conversationIds({ ...s, removed: { c: 'left' } }), ['b', 'a']);
});

test('typing indicators expire after their TTL and ignore me', () => {
  let s = stateWith([conv()]);
  s = applySignal(s, { type: 'typing', conversationId: 'c1', userId: ana.id, typing: true }, 1000, 6000);
  s = applySignal(s, { type: 'typing', conversationId: 'c1', userId: me.id, typing: true }, 1000, 6000);
  s = applySignal(s, { type: 'typing', conversationId: 'c1', userId: ben.id, typing: true }, 3000, 6000);
  assert.deepEqual(
    typingUsers(s, 'c1', 5000).map((u) => u.displayName),
    ['Ana', 'Ben'],
  );
  assert.deepEqual(
    typingUsers(s, 'c1', 7500).map((u) => u.displayName),
    ['Ben'],
  );
  s = applySignal(s, { type: 'typing', conversationId: 'c1', userId: ben.id, typing: false }, 4000, 6000);
  assert.deepEqual(
    typingUsers(s, 'c1', 5000).map((u) => u.displayName),
    ['Ana'],
  );
  assert.equal(someoneTyping(s, 'c1', 5000), true);
  assert.equal(someoneTyping(s, 'c1', 7500), false, "Ana's signal expired and Ben stopped");
  const pruned = pruneTyping(s, 8000);
  assert.deepEqual(pruned.typing.c1, {});
  assert.equal(pruneTyping(pruned, 9000), pruned);
});

test('pending sends of one conversation, in outbox order', () => {
  const s = { ...stateWith([conv()]), outbox: [pending('a'), pending('b', 'hi', 'c2'), pending('c')] };
  assert.deepEqual(
    pendingSends(s, 'c1').map((p) => p.clientId),
    ['a', 'c'],
  );
  assert.deepEqual(pendingSends(s, 'c3'), []);
});

test('quick replies: under the page’s latest message only, until the person answers', () => {
  const page = ana.id;
  const offers = { quickReplies: [{ contentType: 'text' as const, title: 'Oui', payload: 'YES' }] };
  const at = (messages: ReturnType<typeof msg>[], outbox = [] as ReturnType<typeof pending>[]) =>
    quickRepliesMessageId(threadItemsOf(messages, outbox, 'c1'), page);
  assert.equal(at([]), null);
  assert.equal(at([msg(1, me.id), msg(2, page, offers)]), 'm2');
  assert.equal(at([msg(1, page, offers), msg(2, page)]), null, 'the page wrote again without any');
  assert.equal(at([msg(1, page, offers), msg(2, me.id)]), null, 'answered');
  assert.equal(at([msg(1, page, offers)], [pending('k1', 'Oui')]), null, 'answered, on its way');
  assert.equal(at([msg(1, page, offers)], [pending('k1', 'ailleurs', 'c2')]), 'm1', 'another conversation’s send');
  assert.equal(
    at([msg(1, page, offers), msg(2, page, { deletedAt: '2024-01-01T12:00:00.000Z', text: null })]),
    'm1',
    'a deleted message is not the latest',
  );
  assert.equal(
    at([msg(1, page, { quickReplies: [{ contentType: 'user_email' }] })]),
    null,
    'only text quick replies are tapped',
  );
});

test('a page’s greeting or menu for the app’s language, else its default one', () => {
  const entries = [
    { locale: 'default', text: 'Hello' },
    { locale: 'fr_FR', text: 'Bonjour' },
  ];
  assert.equal(forLanguage(entries, 'fr')?.text, 'Bonjour');
  assert.equal(forLanguage(entries, 'fr-CA')?.text, 'Bonjour');
  assert.equal(forLanguage(entries, 'en')?.text, 'Hello');
  assert.equal(forLanguage([{ locale: 'en_US', text: 'Hi' }], 'fr'), null);
  assert.equal(forLanguage(null, 'en'), null);
});

describe('the list with chat management', () => {
  test('pinned on top (the latest pinned first), then by activity; the archived apart', () => {
    const s = stateWith([
      conv({ id: 'old', lastActivityAt: '2024-01-01T09:00:00.000Z' }),
      conv({ id: 'new', lastActivityAt: '2024-01-03T09:00:00.000Z' }),
      conv({ id: 'pin1', lastActivityAt: '2024-01-01T08:00:00.000Z', pinnedAt: '2024-01-05T00:00:00.000Z' }),
      conv({ id: 'pin2', lastActivityAt: '2024-01-01T07:00:00.000Z', pinnedAt: '2024-01-06T00:00:00.000Z' }),
      conv({ id: 'gone', lastActivityAt: '2024-01-04T09:00:00.000Z', archived: true }),
    ]);
    assert.deepEqual(mainConversationIds(s), ['pin2', 'pin1', 'new', 'old']);
    assert.deepEqual(archivedConversationIds(s), ['gone']);
  });
});
