import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DomainEvent } from '../../../protocol/events.ts';
import { MUTED_FOREVER } from '../../../protocol/limits.ts';
import type { AttachmentView } from '../../../protocol/media.ts';
import type { ConversationView, MessageView } from '../../../protocol/views.ts';
import { makeTranslate } from '../i18n/translate.ts';
import { ana, ben, conv, me, member, msg, stateWith } from './fixtures.test-helpers.ts';
import {
  badgeCount,
  badgeText,
  type NotifyContext,
  nextMuteEnd,
  notificationContent,
  shouldNotify,
  titleWithCount,
} from './notify.ts';

const NOW = Date.parse('2024-01-01T12:00:00.000Z');
const created = (conversationId: string, m: MessageView): DomainEvent => ({
  type: 'message.created',
  conversationId,
  message: { ...m, conversationId },
});
const ctx = (over: Partial<NotifyContext> = {}): NotifyContext => ({
  tabVisible: false,
  openConversationId: null,
  live: true,
  now: NOW,
  ...over,
});
const direct = (id: string, extra: Partial<ConversationView> = {}) =>
  conv({ id, kind: 'direct', title: null, members: [member(me), member(ana)], ...extra });
const muted = (c: ConversationView, mutedUntil: string | null): ConversationView => ({ ...c, mutedUntil });

test('shouldNotify: a live message from someone else, while the tab is hidden or another conversation is open', () => {
  const s = stateWith([direct('c1'), direct('c2', { members: [member(me), member(ben)] })]);
  const fromAna = created('c1', msg(1, ana.id));
  assert.equal(shouldNotify(s, fromAna, ctx({ tabVisible: false, openConversationId: 'c1' })), true, 'tab hidden');
  assert.equal(shouldNotify(s, fromAna, ctx({ tabVisible: true, openConversationId: 'c2' })), true, 'another one open');
  assert.equal(shouldNotify(s, fromAna, ctx({ tabVisible: true, openConversationId: null })), true, 'the list open');
  assert.equal(shouldNotify(s, fromAna, ctx({ tabVisible: true, openConversationId: 'c1' })), false, 'looking at it');
});

test('shouldNotify: never my own (sent from another device), a replay, a deleted message, nor another event', () => {
  const s = stateWith([direct('c1')]);
  assert.equal(shouldNotify(s, created('c1', msg(1, me.id)), ctx()), false, 'my own');
  assert.equal(shouldNotify(s, created('c1', msg(1, ana.id)), ctx({ live: false })), false, 'a catch-up replay');
  assert.equal(
    shouldNotify(s, created('c1', msg(1, ana.id, { deletedAt: '2024-01-01T11:00:00.000Z', text: null })), ctx()),
    false,
  );
  assert.equal(
    shouldNotify(s, { type: 'message.edited', conversationId: 'c1', message: msg(1, ana.id) }, ctx()),
    false,
  );
  assert.equal(shouldNotify(s, created('unknown', msg(1, ana.id)), ctx()), false, 'a conversation not known');
  const left = { ...s, removed: { c1: 'left' as const } };
  assert.equal(shouldNotify(left, created('c1', msg(1, ana.id)), ctx()), false, 'a conversation I left');
  assert.equal(shouldNotify({ ...s, me: null }, created('c1', msg(1, ana.id)), ctx()), false, 'signed out');
});

test('shouldNotify and the badge: a muted conversation is silent and not counted, until its mute ends', () => {
  const later = new Date(NOW + 3_600_000).toISOString();
  const earlier = new Date(NOW - 1).toISOString();
  const s0 = stateWith([muted(direct('c1'), MUTED_FOREVER), muted(direct('c2'), earlier)]);
  assert.equal(shouldNotify(s0, created('c1', msg(1, ana.id)), ctx()), false, 'muted "Always"');
  assert.equal(shouldNotify(s0, created('c2', msg(1, ana.id)), ctx()), true, 'the mute has ended');
  const s = stateWith([
    muted(direct('c1', { unread: 4, lastSeq: 4 }), later),
    direct('c2', { unread: 2, lastSeq: 2, members: [member(me), member(ben)] }),
    conv({ id: 'g', unread: 1, lastSeq: 1 }),
  ]);
  assert.equal(shouldNotify(s, created('c1', msg(5, ana.id)), ctx()), false);
  assert.equal(shouldNotify(s, created('c2', msg(3, ben.id)), ctx()), true);
  assert.equal(badgeCount(s, NOW), 3, 'the muted conversation’s 4 are not counted');
  assert.equal(badgeCount(s, Date.parse(later) + 1), 7, 'counted again once the mute ended');
  const left = { ...s, removed: { c2: 'left' as const } };
  assert.equal(badgeCount(left, NOW), 1, 'nor those of a conversation I left');
  // The count changes when the mute ends, with no event: the badge is drawn again then.
  assert.equal(nextMuteEnd(s, NOW), Date.parse(later));
  assert.equal(nextMuteEnd(s, Date.parse(later)), null, 'none ends after');
  const sooner = new Date(NOW + 60_000).toISOString();
  const two = stateWith([
    muted(direct('c1', { unread: 4, lastSeq: 4 }), later),
    muted(direct('c3', { unread: 1, lastSeq: 1 }), sooner),
    muted(direct('c4', { unread: 0, lastSeq: 1 }), new Date(NOW + 1_000).toISOString()),
  ]);
  assert.equal(nextMuteEnd(two, NOW), Date.parse(sooner), 'the first to end, among those with unread messages');
});

test('the title and the icon badge say the count, cleared at 0', () => {
  assert.equal(titleWithCount('Comptoir', 0), 'Comptoir');
  assert.equal(titleWithCount('Comptoir', 3), '(3) Comptoir');
  assert.deepEqual([0, 1, 99, 100, 1234].map(badgeText), ['', '1', '99', '99+', '99+']);
});

test('a notification says who wrote and the preview the list shows: the text, "Photo", "Voice message"…', () => {
  const s = stateWith([direct('c1'), conv({ id: 'g', title: 'Team' })]);
  const t = makeTranslate('en');
  assert.deepEqual(notificationContent(s, 'c1', msg(1, ana.id, { text: 'Lunch?' }), t), {
    title: 'Ana',
    body: 'Lunch?',
  });
  assert.deepEqual(notificationContent(s, 'g', msg(1, ben.id, { text: 'Hi all' }), t), {
    title: 'Ben in Team',
    body: 'Hi all',
  });
  const photo: AttachmentView = {
    id: 'a1',
    kind: 'image',
    mime: 'image/jpeg',
    name: 'p.jpg',
    size: 1,
    width: 1,
    height: 1,
    durationMs: null,
    voice: false,
    waveform: null,
    url: '/m/a1',
    thumbnailUrl: null,
  };
  assert.equal(notificationContent(s, 'c1', msg(2, ana.id, { text: '', attachments: [photo] }), t).body, 'Photo');
  const voice = { ...photo, kind: 'audio' as const, mime: 'audio/ogg', voice: true, durationMs: 12_000 };
  assert.match(
    notificationContent(s, 'c1', msg(3, ana.id, { text: '', attachments: [voice] }), t).body,
    /^Voice message/,
  );
  assert.deepEqual(notificationContent(s, 'c1', msg(4, 'u-stranger', { text: 'x' }), makeTranslate('fr')), {
    title: 'Quelqu’un',
    body: 'x',
  });
});
