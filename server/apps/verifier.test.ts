import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resolve } from '../lib/outbound.ts';
import { WebhookVerifier } from './webhooks.ts';

describe('webhook verifier', () => {
  it('runs a few host-name lookups at once, whoever asks, and refuses past its queue', async () => {
    let running = 0;
    let peak = 0;
    const pending: (() => void)[] = [];
    // A resolver whose answers come when the test says: a slow DNS server, on purpose.
    const slow: Resolve = () =>
      new Promise((resolve) => {
        running++;
        peak = Math.max(peak, running);
        pending.push(() => {
          running--;
          resolve([{ address: '10.0.0.1', family: 4 }]);
        });
      });
    const verifier = new WebhookVerifier({
      allowance: 'none',
      timeoutMs: 5000,
      resolve: slow,
      lookups: { concurrent: 2, queued: 2 },
    });
    const attempt = (i: number) =>
      verifier.verify(new URL(`https://host${i}.example/`), 't').then(
        () => 'ok',
        (e: { id?: string }) => e.id,
      );
    const outcomes = [1, 2, 3, 4, 5].map(attempt);
    assert.equal(await outcomes[4], 'rate_limited', 'the fifth: two running, two waiting');
    assert.equal(peak, 2);
    while (pending.length > 0 || running > 0) {
      pending.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await Promise.all(outcomes.slice(0, 4)), Array(4).fill('webhook_address_forbidden'));
    assert.equal(peak, 2, 'never more than two at once');
  });
});
