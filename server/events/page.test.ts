import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EventWindows, pageOfEvents } from './page.ts';
import type { EventRecord } from './store.ts';

/** A log of `size` events, every `every`-th one visible to the reader; counts what each page spans. */
function log(size: number, visible: (pos: number) => boolean) {
  const mine = [] as number[];
  for (let pos = 1; pos <= size; pos++) if (visible(pos)) mine.push(pos);
  let spanned = 0;
  let queries = 0;
  const event = (pos: number): EventRecord => ({
    pos,
    conversationId: 'c',
    userId: null,
    scope: null,
    type: 'x',
    payload: '{}',
    createdAt: 0,
  });
  const source: EventWindows = {
    nextVisiblePos: async (_u, after) => {
      queries++;
      return mine.find((p) => p > after) ?? null;
    },
    eventsInWindow: async (_u, after, upTo, limit) => {
      queries++;
      spanned += upTo - after; // the positions a window reads through an index range
      return mine
        .filter((p) => p > after && p <= upTo)
        .slice(0, limit)
        .map(event);
    },
  };
  return { source, mine, spanned: () => spanned, queries: () => queries };
}

describe('a page of events', () => {
  it('costs what it returns: a replay from 0 reads windows near what it returns, not the log behind', async () => {
    // A million events, one in a thousand visible: the old query read all of them to answer a page.
    const l = log(1_000_000, (p) => p % 1000 === 0);
    const page = await pageOfEvents(l.source, 'u', 0, 500, 1_000_000);
    assert.ok(page.events.length > 0);
    assert.ok(l.spanned() <= 8 * 500 * 4, `spanned ${l.spanned()} positions`);
    assert.ok(l.queries() <= 8);
    assert.ok(page.through > 0 && page.through < 1_000_000, 'it answers what it has and says how far');
  });

  it('is complete up to `through`, and pages cover everything exactly once', async () => {
    const l = log(20_000, (p) => p % 7 === 0 || (p > 5000 && p < 5600));
    const got: number[] = [];
    let cursor = 0;
    while (cursor < 20_000) {
      const page = await pageOfEvents(l.source, 'u', cursor, 100, 20_000);
      assert.ok(page.through > cursor);
      for (const e of page.events) {
        assert.ok(e.pos > cursor && e.pos <= page.through);
        got.push(e.pos);
      }
      cursor = page.through;
    }
    assert.deepEqual(got, l.mine);
  });

  it('stops at the head it is given', async () => {
    const l = log(100, () => true);
    const page = await pageOfEvents(l.source, 'u', 0, 500, 40);
    assert.equal(page.events.length, 40);
    assert.equal(page.through, 40);
  });
});
