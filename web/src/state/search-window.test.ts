import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ana, ben, cat, conv, me, member, msg, stateWith } from './fixtures.test-helpers.ts';
import { applyHistory, applyWindow } from './local.ts';
import { conversationIdsMatching } from './selectors.ts';
import { appendNewer, emptyThread, upsertMessage, windowPage } from './thread.ts';

const seqs = (t: { messages: { seq: number }[] } | undefined) => t?.messages.map((m) => m.seq);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => msg(a + i, ana.id));
const page = (a: number, b: number, hasMore: boolean, hasNewer: boolean) => ({
  messages: range(a, b),
  hasMore,
  hasNewer,
  users: [],
});

test('a window around a search result takes no live message past it, until newer pages join the tail', () => {
  let t = windowPage(range(10, 20), true, true);
  assert.equal(t.hasNewer, true);
  assert.equal(upsertMessage(t, msg(200, ben.id)), t, 'a live message would leave a hole: it waits');
  t = upsertMessage(t, msg(15, ben.id, { id: 'm15', text: 'edited', editedAt: '2026-01-01T00:00:00.000Z' }));
  t = appendNewer(t, range(21, 30), true);
  assert.deepEqual(
    seqs(t),
    range(10, 30).map((m) => m.seq),
  );
  assert.equal(appendNewer(t, range(40, 45), true), t, 'a page that does not follow is ignored');
  t = appendNewer(t, range(31, 35), false);
  assert.equal(t.hasNewer, false);
  assert.equal(upsertMessage(t, msg(36, ben.id)).messages.length, t.messages.length + 1, 'live again');
});

test('a latest page replaces a window far from it; older pages keep the window a window', () => {
  let s = stateWith([conv({ id: 'c1', lastSeq: 300 })]);
  s = applyWindow(s, 'c1', page(100, 120, true, true), 'around');
  s = applyHistory(s, 'c1', page(80, 99, true, false), 'older');
  assert.deepEqual(
    seqs(s.threads.c1),
    range(80, 120).map((m) => m.seq),
  );
  assert.equal(s.threads.c1?.hasNewer, true);
  s = applyHistory(s, 'c1', page(251, 300, true, false), 'latest');
  assert.deepEqual(
    seqs(s.threads.c1),
    range(251, 300).map((m) => m.seq),
  );
  assert.equal(s.threads.c1?.hasNewer, undefined);
  s = applyWindow(s, 'c1', page(1, 20, false, true), 'around');
  assert.equal(s.threads.c1?.hasMore, false);
  s = applyWindow(s, 'c1', page(21, 60, false, false), 'newer');
  assert.equal(s.threads.c1?.hasNewer, false);
  assert.deepEqual(
    seqs(s.threads.c1),
    range(1, 60).map((m) => m.seq),
  );
  assert.equal(emptyThread.hasNewer, undefined);
});

test('the search box filters the list by title and members’ names, diacritics and case aside', () => {
  const s = stateWith([
    conv({ id: 'g', kind: 'group', title: 'Équipe vélo', members: [member(me), member(ana)] }),
    conv({ id: 'd', kind: 'direct', title: null, members: [member(me), member(ben)] }),
    conv({ id: 'e', kind: 'direct', title: null, members: [member(me), member(cat)] }),
  ]);
  assert.deepEqual(conversationIdsMatching(s, 'velo').sort(), ['g']);
  assert.deepEqual(conversationIdsMatching(s, 'BEN'), ['d']);
  assert.deepEqual(conversationIdsMatching(s, 'an').sort(), ['g']);
  assert.deepEqual(conversationIdsMatching(s, ' ').length, 3);
  assert.deepEqual(conversationIdsMatching(s, 'me'), [], 'not by my own name');
});
