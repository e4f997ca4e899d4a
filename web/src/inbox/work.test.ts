import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InboxNoteView, InboxSettingsView, InboxThreadView } from '../../../protocol/inbox.ts';
import { makeTranslate } from '../i18n/translate.ts';
import {
  applyCustomerMessage,
  applyInboxEvent,
  csatAgentLine,
  initialWork,
  matchCanned,
  shortDuration,
  timersOf,
} from './work.ts';

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
  });

  it('says durations in the person’s language: "j" for days in French', () => {
    const en = makeTranslate('en');
    const fr = makeTranslate('fr');
    assert.equal(shortDuration(en, 3 * 60_000 + 59_000), '3 min');
    assert.equal(shortDuration(en, 125 * 60_000), '2 h 05');
    assert.equal(shortDuration(en, 26 * 3600_000), '1 d 2 h');
    assert.equal(shortDuration(fr, 3 * 60_000), '3 min');
    assert.equal(shortDuration(fr, 125 * 60_000), '2 h 05');
    assert.equal(shortDuration(fr, 26 * 3600_000), '1 j 2 h');
    assert.equal(shortDuration(fr, 1500 * 24 * 3600_000), '1\u202f500 j 0 h', 'numbers in the locale’s way');
  });

  it('says each agent’s satisfaction in the person’s language, the average written the locale’s way', () => {
    const bea = { id: 'a1', username: 'bea', displayName: 'Bea' };
    const en = makeTranslate('en');
    const fr = makeTranslate('fr');
    assert.equal(csatAgentLine(en, { agent: bea, count: 2, average: 4.5 }), 'Bea — 2 answers · average 4.5 / 5');
    assert.equal(csatAgentLine(fr, { agent: bea, count: 2, average: 4.5 }), 'Bea — 2 réponses · moyenne 4,5 / 5');
    assert.equal(csatAgentLine(en, { agent: null, count: 1, average: 3 }), 'Unassigned — 1 answer · average 3 / 5');
    assert.equal(
      csatAgentLine(fr, { agent: null, count: 1, average: 3.67 }),
      'Sans attribution — 1 réponse · moyenne 3,67 / 5',
    );
  });

  it('a customer’s message moves their open, listed thread to the top; the same message twice, nothing more', () => {
    const at = '2026-01-01T11:00:00.000Z';
    const state = {
      ...initialWork,
      order: ['c2', 'c1'],
      threads: { c1: thread(), c2: thread({ conversationId: 'c2', lastCustomerAt: '2026-01-01T10:30:00.000Z' }) },
    };
    const moved = applyCustomerMessage(state, 'c1', at);
    assert.deepEqual(moved.order, ['c1', 'c2']);
    assert.equal(moved.threads.c1?.lastCustomerAt, at);
    assert.equal(applyCustomerMessage(moved, 'c1', at), moved, 'replayed: nothing');
    assert.equal(applyCustomerMessage(state, 'c9', at), state, 'a thread not known: its own event will come');
    // A pending, snoozed or resolved thread is reopened by the message: the server's thread_updated says so,
    // and the list is read again then.
    const pending = { ...state, threads: { ...state.threads, c1: thread({ status: 'pending' }) } };
    assert.deepEqual(applyCustomerMessage(pending, 'c1', at).order, ['c2', 'c1']);
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
