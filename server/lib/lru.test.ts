import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lru } from './lru.ts';

describe('Lru', () => {
  it('keeps at most max entries, and always the max/2 most recently used', () => {
    const lru = new Lru<number, string>(10);
    for (let i = 0; i < 100; i++) {
      lru.set(i, `v${i}`);
      assert.ok(lru.size <= 10, `size ${lru.size} after ${i}`);
      for (let j = Math.max(0, i - 4); j <= i; j++) assert.equal(lru.get(j), `v${j}`, `${j} kept after ${i}`);
    }
    assert.equal(lru.get(0), undefined, 'the oldest is forgotten');
  });

  it('keeps what is used: a read moves an entry forward', () => {
    const lru = new Lru<string, number>(4);
    lru.set('hot', 1);
    for (let i = 0; i < 50; i++) {
      lru.set(`k${i}`, i);
      assert.equal(lru.get('hot'), 1, `hot kept after ${i}`);
    }
  });

  it('updates, deletes, clears, lists each value once; null is a value', () => {
    const lru = new Lru<string, number | null>(6);
    lru.set('a', 1);
    lru.set('b', null);
    lru.set('c', 3); // the young generation is full: a, b and c become the old one
    lru.set('a', 10);
    assert.equal(lru.get('a'), 10);
    assert.equal(lru.get('b'), null);
    assert.deepEqual([...lru.values()].sort(), [10, 3, null].sort());
    assert.equal(lru.size, 3);
    lru.delete('a');
    assert.equal(lru.get('a'), undefined);
    lru.clear();
    assert.equal(lru.size, 0);
    assert.deepEqual([...lru.values()], []);
  });
});
