import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppError } from '../errors.ts';
import { FAILURE_WINDOW_MS, SignInGuard } from './signin-guard.ts';

/** Runs `n` attempts that all fail; answers how many were let through to the password check. */
function guesses(guard: SignInGuard, n: number, username: string, address: string, device: string | null = null) {
  let checked = 0;
  for (let i = 0; i < n; i++) {
    try {
      guard.begin(username, address, device).settle('wrong');
      checked++;
    } catch (e) {
      assert.equal((e as AppError).id, 'rate_limited');
    }
  }
  return checked;
}

describe('sign-in limits', () => {
  it('takes the token before the check: concurrent attempts cannot pass the limit', () => {
    const guard = new SignInGuard(10, () => 0);
    // 60 attempts begun before any of them settles, as with 60 parallel requests.
    const begun: ReturnType<SignInGuard['begin']>[] = [];
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      try {
        begun.push(guard.begin('victim', '10.0.0.1', null));
      } catch {
        refused++;
      }
    }
    assert.equal(begun.length, 10);
    assert.equal(refused, 50);
    for (const a of begun) a.settle('wrong');
  });

  it('gives the token back on the right password or when nothing was checked', () => {
    const guard = new SignInGuard(2, () => 0);
    for (let i = 0; i < 10; i++) guard.begin('ana', '10.0.0.1', null).settle('right');
    for (let i = 0; i < 10; i++) guard.begin('ana', '10.0.0.1', null).settle('unchecked');
    assert.equal(guesses(guard, 5, 'ana', '10.0.0.1'), 2);
  });

  it("keys failures on (username, address): one address's guesses do not lock the account elsewhere", () => {
    const guard = new SignInGuard(10, () => 0);
    assert.equal(guesses(guard, 30, 'victim', '10.0.0.66'), 10);
    assert.doesNotThrow(() => guard.begin('victim', '192.168.1.5', null).settle('right'), 'the victim elsewhere');
    assert.doesNotThrow(() => guard.begin('someone', '10.0.0.66', null).settle('right'), 'other accounts');
  });

  it('limits one address spraying many usernames, and many addresses guessing one username', () => {
    const spray = new SignInGuard(10, () => 0);
    let checked = 0;
    for (let i = 0; i < 100; i++) checked += guesses(spray, 1, `user${i}`, '10.0.0.66');
    assert.equal(checked, 30, 'three times the limit per address');

    const botnet = new SignInGuard(10, () => 0);
    checked = 0;
    for (let i = 0; i < 100; i++) checked += guesses(botnet, 1, 'victim', `10.1.${i}.1`);
    assert.equal(checked, 30, 'three times the limit per username from devices that never signed in');
  });

  it('never slows down a device where the person signed in before', () => {
    const guard = new SignInGuard(10, () => 0);
    for (let i = 0; i < 100; i++) guesses(guard, 1, 'victim', `10.1.${i}.1`);
    assert.throws(() => guard.begin('victim', '192.168.1.5', null), { id: 'rate_limited' }, 'a new device waits');
    assert.doesNotThrow(() => guard.begin('victim', '192.168.1.5', 'device-1').settle('right'), 'a known one gets in');
    // A stolen device cookie buys no more than the limit.
    assert.equal(guesses(guard, 30, 'victim', '10.9.9.9', 'device-1'), 10);
  });

  it('slows down rather than locks: the buckets refill over the window', () => {
    let now = 0;
    const guard = new SignInGuard(10, () => now);
    assert.equal(guesses(guard, 20, 'victim', '10.0.0.66'), 10);
    now += FAILURE_WINDOW_MS / 10; // one token back
    assert.equal(guesses(guard, 5, 'victim', '10.0.0.66'), 1);
    let wait = 0;
    try {
      guard.begin('victim', '10.0.0.66', null);
    } catch (e) {
      wait = (e as AppError).details?.retryAfter as number;
    }
    assert.ok(wait > 0 && wait <= FAILURE_WINDOW_MS / 10 / 1000, `told when to retry (${wait} s)`);
  });
});
