import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { giveAll, RateLimiter, takeAll } from './ratelimit.ts';

describe('RateLimiter', () => {
  it('allows a burst, refuses past it with the wait, and refills over time', () => {
    let now = 0;
    const r = new RateLimiter(3, 3000, () => now);
    assert.deepEqual([r.take('a'), r.take('a'), r.take('a')], [0, 0, 0]);
    assert.equal(r.take('a'), 1000, 'one token comes back per second');
    assert.equal(r.take('b'), 0, 'keys are separate');
    now = 1000;
    assert.equal(r.take('a'), 0);
    assert.ok(r.take('a') > 0);
    now = 100_000;
    assert.equal(r.check('a', 3), 0, 'full again, never above capacity');
    assert.ok(r.check('a', 4) > 0);
  });

  it('forgets full buckets and can be reset', () => {
    let now = 0;
    const r = new RateLimiter(2, 1000, () => now);
    r.take('x');
    r.take('x');
    r.reset('x');
    assert.equal(r.take('x'), 0);
    now = 10_000;
    r.take('y'); // sweeps
    assert.equal((r as unknown as { buckets: Map<string, unknown> }).buckets.has('x'), false);
  });
});

describe('RateLimiter.give', () => {
  it('gives back what was taken, never above capacity', () => {
    const r = new RateLimiter(2, 1000, () => 0);
    r.take('a');
    r.take('a');
    assert.ok(r.check('a') > 0);
    r.give('a');
    assert.equal(r.take('a'), 0, 'the token came back');
    r.give('a', 10);
    assert.equal(r.check('a', 2), 0);
    assert.ok(r.check('a', 3) > 0, 'capped at capacity');
  });
});

describe('takeAll', () => {
  it('takes from every bucket or from none', () => {
    const a = new RateLimiter(2, 1000, () => 0);
    const b = new RateLimiter(1, 1000, () => 0);
    assert.equal(
      takeAll([
        [a, 'k'],
        [b, 'k'],
      ]),
      0,
    );
    assert.ok(
      takeAll([
        [a, 'k'],
        [b, 'k'],
      ]) > 0,
      'b is empty',
    );
    assert.equal(a.check('k'), 0, 'so a was not spent');
    giveAll([[b, 'k']]);
    assert.equal(
      takeAll([
        [a, 'k', 1],
        [b, 'k'],
      ]),
      0,
    );
  });
});
