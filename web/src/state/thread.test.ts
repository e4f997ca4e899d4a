import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ana, msg } from './fixtures.test-helpers.ts';
import { emptyThread, mergePage, upsertMessage } from './thread.ts';

const seqs = (t: { messages: { seq: number }[] }) => t.messages.map((m) => m.seq);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => msg(a + i, ana.id));

test('a latest page drops sparse older messages that would leave a hole', () => {
  let t = upsertMessage(emptyThread, msg(3, ana.id)); // seen in an event long ago
  t = upsertMessage(t, msg(101, ana.id)); // seen just now
  t = mergePage(t, range(52, 101), true, 'latest');
  assert.deepEqual(
    seqs(t),
    range(52, 101).map((m) => m.seq),
  );
  assert.equal(t.loaded, true);
  assert.equal(t.hasMore, true);
});

test('older pages extend the run backwards; seq 1 means nothing more', () => {
  let t = mergePage(emptyThread, range(51, 100), true, 'latest');
  t = mergePage(t, range(1, 50), false, 'older');
  assert.deepEqual(
    seqs(t),
    range(1, 100).map((m) => m.seq),
  );
  assert.equal(t.hasMore, false);
  // Overlapping pages do not duplicate.
  t = mergePage(t, range(40, 60), false, 'older');
  assert.equal(t.messages.length, 100);
});

test('once loaded, a message older than the loaded run is not inserted (no holes)', () => {
  const t = mergePage(emptyThread, range(51, 100), true, 'latest');
  assert.equal(upsertMessage(t, msg(10, ana.id)), t);
  assert.equal(upsertMessage(mergePage(emptyThread, range(1, 5), false, 'latest'), msg(3, ana.id)).messages.length, 5);
});

test('a newer page version wins over an older local copy, never the reverse', () => {
  const edited = msg(2, ana.id, { text: 'new', editedAt: '2024-02-01T00:00:00.000Z' });
  let t = mergePage(emptyThread, [msg(1, ana.id), edited], false, 'latest');
  t = mergePage(t, [msg(1, ana.id), msg(2, ana.id)], false, 'latest');
  assert.equal(t.messages[1]?.text, 'new');
});
