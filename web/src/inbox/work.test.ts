import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type {
  InboxCounts,
  InboxNoteView,
  InboxSettingsView,
  InboxThreadsResponse,
  InboxThreadView,
} from '../../../protocol/inbox.ts';
import { inboxApi } from '../api/inbox.ts';
import { makeTranslate } from '../i18n/translate.ts';
import {
  appendPage,
  applyCustomerMessage,
  applyInboxEvent,
  csatAgentLine,
  InboxWork,
  initialWork,
  matchCanned,
  shortDuration,
  THREADS_PAGE,
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

/**
 * The list's pages: a fake server (inboxApi.threads mocked) pages each filter's threads with `cursor` and
 * `limit`, as the inbox's route does; its answers can be held to reorder them.
 */
describe('the business inbox’s list, page after page (web)', () => {
  type Query = Parameters<typeof inboxApi.threads>[1];
  const counts: InboxCounts = { all: 0, open: 0, pending: 0, resolved: 0, snoozed: 0, mine: 0, unassigned: 0, bot: 0 };
  const many = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => thread({ conversationId: `${prefix}${String(i + 1).padStart(3, '0')}` }));
  const listedIds = (prefix: string, n: number) => many(prefix, n).map((t) => t.conversationId);
  /** What the server lists per filter (and search `q`, as `filter:q`), newest customer message first. */
  let lists: Record<string, InboxThreadView[]>;
  let asked: Query[];
  /** Held answers: released by `release()`, in the order chosen. */
  let holding: boolean;
  let held: { q: Query; go: () => void }[];
  const answer = (q: Query): InboxThreadsResponse => {
    const all = lists[q.q ? `${q.filter}:${q.q}` : q.filter] ?? [];
    const start = q.cursor ? Number(q.cursor.slice(1)) : 0;
    const end = start + (q.limit ?? THREADS_PAGE);
    return { threads: all.slice(start, end), nextCursor: end < all.length ? `@${end}` : null, counts };
  };
  const flush = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  const ids = (w: InboxWork) => w.store.getSnapshot().order ?? [];
  let work: InboxWork;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    lists = {};
    asked = [];
    holding = false;
    held = [];
    mock.method(inboxApi, 'threads', (_pageId: string, q: Query) => {
      asked.push(q);
      const r = answer(q);
      if (!holding) return Promise.resolve(r);
      return new Promise<InboxThreadsResponse>((resolve) => held.push({ q, go: () => resolve(r) }));
    });
    work = new InboxWork('p1');
  });
  afterEach(() => {
    work.stop();
    mock.restoreAll();
    mock.timers.reset();
  });

  it('keeps the next page’s cursor, appends the next page with it, and a new filter starts again from the top', async () => {
    lists = { all: many('a', 120), open: many('o', 60) };
    await work.reload();
    let w = work.store.getSnapshot();
    assert.equal(ids(work).length, THREADS_PAGE);
    assert.equal(w.cursor, '@50');
    assert.equal(w.more, true);
    assert.equal(await work.loadMore(), true, 'a page appended');
    w = work.store.getSnapshot();
    assert.deepEqual(asked.at(-1), { filter: 'all', cursor: '@50', limit: THREADS_PAGE }, 'from the cursor kept');
    assert.deepEqual(ids(work), listedIds('a', 100), 'appended in order');
    assert.equal(w.cursor, '@100');
    await work.loadMore();
    w = work.store.getSnapshot();
    assert.deepEqual(ids(work), listedIds('a', 120), 'the 120 of them');
    assert.equal(w.cursor, null);
    assert.equal(w.more, false);
    assert.equal(w.loadingMore, false);
    const reads = asked.length;
    assert.equal(await work.loadMore(), false);
    assert.equal(asked.length, reads, 'at the end: nothing more is asked');

    work.setFilter('open');
    await flush();
    assert.equal(asked.at(-1)?.cursor, undefined, 'a new filter: its first page');
    assert.deepEqual(ids(work), listedIds('o', 50));
    assert.equal(work.store.getSnapshot().cursor, '@50', 'the new list’s own cursor');
  });

  it('never lists a thread twice: one already listed (it moved up meanwhile) keeps its place', async () => {
    const [c1, c2, c3] = many('c', 3) as [InboxThreadView, InboxThreadView, InboxThreadView];
    const state = {
      ...initialWork,
      order: ['c003', 'c001'],
      threads: { c001: c1, c003: c3 },
      cursor: '@2',
      more: true,
    };
    const moved = { ...c3, status: 'pending' as const };
    const next = appendPage(state, { threads: [moved, c2], nextCursor: null, counts });
    assert.deepEqual(next.order, ['c003', 'c001', 'c002']);
    assert.equal(next.threads.c003?.status, 'pending', 'its view the newest read');
    assert.equal(next.cursor, null);
    assert.equal(next.more, false);

    // Through loadMore: the server's list moved meanwhile (a thread came in at its top), so the page after
    // the first 50 begins with one already listed.
    lists = { all: many('a', 60) };
    await work.reload();
    lists.all = [thread({ conversationId: 'n001' }), ...many('a', 60)];
    await work.loadMore();
    const order = ids(work);
    assert.equal(asked.at(-1)?.cursor, '@50');
    assert.equal(new Set(order).size, order.length, 'no duplicates');
    assert.deepEqual(order, listedIds('a', 60));
  });

  it('drops a next page that answers after the filter or the search changed', async () => {
    lists = { all: many('a', 120), open: many('o', 60), 'all:x': many('x', 70) };
    await work.reload();
    holding = true;
    const more = work.loadMore();
    await flush();
    assert.equal(work.store.getSnapshot().loadingMore, true);
    assert.equal(held.length, 1);
    holding = false;
    work.setFilter('open');
    await flush();
    assert.deepEqual(ids(work), listedIds('o', 50));
    held.shift()?.go();
    assert.equal(await more, false, 'said not appended');
    assert.deepEqual(ids(work), listedIds('o', 50), 'the old filter’s page is not appended');
    assert.equal(work.store.getSnapshot().cursor, '@50', 'the new list’s cursor');
    assert.equal(work.store.getSnapshot().loadingMore, false);

    // The search typed while the next page is on its way (its read comes after a pause).
    work.setFilter('all');
    await flush();
    holding = true;
    const more2 = work.loadMore();
    await flush();
    holding = false;
    work.setSearch('x');
    held.shift()?.go();
    assert.equal(await more2, false);
    assert.deepEqual(ids(work), listedIds('a', 50), 'nothing appended for the old search');
    mock.timers.tick(300);
    await flush();
    assert.deepEqual(asked.at(-1), { filter: 'all', q: 'x', limit: THREADS_PAGE }, 'the search: its first page');
    assert.deepEqual(ids(work), listedIds('x', 50));
    assert.equal(work.store.getSnapshot().cursor, '@50');
  });

  it('a live change reads the list again as long as it was, the pages loaded kept; a reload goes back to one page', async () => {
    lists = { all: many('a', 180) };
    await work.reload();
    await work.loadMore();
    await work.loadMore();
    assert.equal(ids(work).length, 150);
    // A thread changes: the list is read again, as far as it was shown (the server gives 100 at most a read).
    const first = lists.all?.[0] as InboxThreadView;
    work.onEvent({ type: 'inbox.thread_updated', conversationId: null, pageId: 'p1', thread: first });
    const before = asked.length;
    mock.timers.tick(300);
    await flush();
    assert.deepEqual(
      asked.slice(before).map((q) => [q.cursor, q.limit]),
      [
        [undefined, 100],
        ['@100', 50],
      ],
    );
    assert.deepEqual(ids(work), listedIds('a', 150));
    assert.equal(work.store.getSnapshot().cursor, '@150', 'and more still to load after them');

    // A next page on its way when the change comes: the re-read waits for it, and keeps it too.
    holding = true;
    const more = work.loadMore();
    await flush();
    work.onEvent({ type: 'inbox.thread_updated', conversationId: null, pageId: 'p1', thread: first });
    mock.timers.tick(300);
    await flush();
    assert.equal(held.length, 1, 'the re-read waits for the page on its way');
    holding = false;
    held.shift()?.go();
    await more;
    await flush();
    assert.deepEqual(ids(work), listedIds('a', 180));
    assert.deepEqual(
      asked.slice(-2).map((q) => [q.cursor, q.limit]),
      [
        [undefined, 100],
        ['@100', 80],
      ],
    );

    // Another filter and back: the first page again.
    work.setFilter('open');
    work.setFilter('all');
    await flush();
    assert.equal(ids(work).length, THREADS_PAGE);
    assert.equal(work.store.getSnapshot().cursor, '@50');
  });
});
