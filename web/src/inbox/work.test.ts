import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InboxNoteView, InboxSettingsView, InboxThreadView } from '../../../protocol/inbox.ts';
import { applyInboxEvent, initialWork, matchCanned, shortDuration, timersOf } from './work.ts';

const thread = (over: Partial<InboxThreadView> = {}): InboxThreadView => ({
  conversationId: 'c1',
  pageId: 'p1',
  customer: { id: 'u1', username: 'ana', displayName: 'Ana' },
  status: 'open',
  snoozedUntil: null,
  assignee: null,
  labels: [],
  botOwned: false,
  ownerAppId: '263902037430900',
  openedAt: '2026-01-01T10:00:00.000Z',
  firstResponseAt: null,
  resolvedAt: null,
  lastCustomerAt: '2026-01-01T10:00:00.000Z',
  csat: null,
  ...over,
});
const note = (id: string): InboxNoteView => ({
  id,
  conversationId: 'c1',
  author: { id: 'a1', username: 'bea', displayName: 'Bea' },
  text: `note ${id}`,
  createdAt: '2026-01-01T10:01:00.000Z',
});
const settings: InboxSettingsView = {
  firstResponseTargetMinutes: 5,
  resolutionTargetMinutes: 60,
  csatEnabled: false,
  labels: [],
};

describe('the business inbox’s state (web)', () => {
  it('applies thread, note, settings and canned reply events idempotently', () => {
    const t1 = applyInboxEvent(initialWork, {
      type: 'inbox.thread_updated',
      conversationId: null,
      pageId: 'p1',
      thread: thread({ status: 'pending' }),
    });
    assert.equal(t1.threads.c1?.status, 'pending');
    const e = { type: 'inbox.note_created', conversationId: null, pageId: 'p1', note: note('n1') } as const;
    assert.equal(applyInboxEvent(t1, e), t1, 'notes of a conversation not opened are not kept');
    const opened = { ...t1, notes: { c1: [] } };
    const once = applyInboxEvent(opened, e);
    assert.deepEqual(
      once.notes.c1?.map((n) => n.id),
      ['n1'],
    );
    assert.equal(applyInboxEvent(once, e), once, 'the same note twice changes nothing');
    const s = applyInboxEvent(once, { type: 'inbox.settings_updated', conversationId: null, pageId: 'p1', settings });
    assert.equal(s.settings, settings);
  });

  it('times the first response and the resolution against the targets', () => {
    const now = Date.parse('2026-01-01T10:07:00.000Z');
    const open = timersOf(thread(), settings, now);
    assert.deepEqual(open.firstResponse, { ms: 7 * 60_000, done: false, overdue: true });
    assert.deepEqual(open.resolution, { ms: 7 * 60_000, done: false, overdue: false });
    const answered = timersOf(thread({ firstResponseAt: '2026-01-01T10:02:00.000Z' }), settings, now);
    assert.deepEqual(answered.firstResponse, { ms: 2 * 60_000, done: true, overdue: false });
    assert.equal(timersOf(thread(), null, now).firstResponse.overdue, false, 'no target, never overdue');
    assert.equal(shortDuration(125 * 60_000), '2 h 05');
    assert.equal(shortDuration(26 * 3600_000), '1 d 2 h');
  });

  it('finds canned replies by shortcut first, then by text', () => {
    const c = (id: string, shortcut: string, text: string) => ({ id, shortcut, text, updatedAt: '' });
    const all = [c('1', 'refund', 'We refund'), c('2', 'hello', 'Hi there'), c('3', 'thanks', 'hello again')];
    assert.deepEqual(
      matchCanned(all, 'HEL').map((x) => x.id),
      ['2', '3'],
    );
    assert.deepEqual(
      matchCanned(all, '').map((x) => x.id),
      ['1', '2', '3'],
    );
  });
});
