import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.ts';

test('the ceiling doubles with each attempt', () => {
  const top = () => 0.999999;
  assert.equal(backoffDelay(0, { baseMs: 500, random: top }), 500);
  assert.equal(backoffDelay(1, { baseMs: 500, random: top }), 1000);
  assert.equal(backoffDelay(2, { baseMs: 500, random: top }), 2000);
  assert.equal(backoffDelay(3, { baseMs: 500, random: top }), 4000);
});

test('delays are capped at maxMs, even for huge attempt numbers', () => {
  for (const attempt of [10, 20, 100, 10_000]) {
    const d = backoffDelay(attempt, { baseMs: 500, maxMs: 30_000, random: () => 0.999999 });
    assert.ok(d <= 30_000, `attempt ${attempt} gave ${d}`);
    assert.ok(d >= 29_999);
  }
});

test('jitter stays within [ceiling/2, ceiling]', () => {
  assert.equal(backoffDelay(2, { baseMs: 1000, random: () => 0 }), 2000);
  assert.equal(backoffDelay(2, { baseMs: 1000, random: () => 0.5 }), 3000);
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(4, { baseMs: 100 });
    assert.ok(d >= 800 && d <= 1600, `got ${d}`);
  }
});

test('jitter actually varies the delay', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) seen.add(backoffDelay(5, { baseMs: 1000 }));
  assert.ok(seen.size > 5);
});

test('negative or fractional attempts are treated sanely', () => {
  assert.equal(backoffDelay(-3, { baseMs: 400, random: () => 0 }), 200);
  assert.equal(backoffDelay(1.7, { baseMs: 400, random: () => 0 }), 400);
});
