import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeliveryView } from '../../../protocol/views.ts';
import { forgetApp, setApps } from './apps.ts';
import { addOlderDeliveries, setDeliveries, setDelivery } from './deliveries.ts';
import { stateWith } from './fixtures.test-helpers.ts';
import { signedOut } from './local.ts';

const delivery = (n: number, over: Partial<DeliveryView> = {}): DeliveryView => ({
  id: `d${n}`,
  field: 'messages',
  pageId: 'p1',
  standby: false,
  state: 'delivered',
  attempts: 1,
  createdAt: new Date(Date.UTC(2024, 0, 1, 10, n)).toISOString(),
  lastAttemptAt: null,
  nextAttemptAt: null,
  deliveredAt: null,
  status: 200,
  latencyMs: 4,
  error: null,
  responseSnippet: 'EVENT_RECEIVED',
  event: { n },
  ...over,
});
/** Newest first, as the server pages them: from `from` down to `to`. */
const run = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => delivery(from - i));
const ids = (s: ReturnType<typeof stateWith>, app = 'a1') => s.deliveries[app]?.deliveries.map((d) => d.id);

describe('the delivery log', () => {
  test('the newest page, then older ones after it without repeats, up to the end', () => {
    const s0 = stateWith([]);
    const s1 = setDeliveries(s0, 'a1', { deliveries: run(10, 8), next: '8.0' });
    assert.deepEqual(ids(s1), ['d10', 'd9', 'd8']);
    assert.equal(s1.deliveries.a1?.next, '8.0');
    assert.equal(setDeliveries(s1, 'a1', { deliveries: run(10, 8), next: '8.0' }), s1, 'the same page: unchanged');
    // A page that overlaps what is loaded (a delivery came in between) adds only the new ones.
    const s2 = addOlderDeliveries(s1, 'a1', { deliveries: run(8, 6), next: '6.0' });
    assert.deepEqual(ids(s2), ['d10', 'd9', 'd8', 'd7', 'd6']);
    assert.equal(s2.deliveries.a1?.deliveries[0], s1.deliveries.a1?.deliveries[0], 'loaded ones keep their objects');
    const s3 = addOlderDeliveries(s2, 'a1', { deliveries: run(5, 5), next: null });
    assert.equal(s3.deliveries.a1?.next, null, 'the end of the log');
    assert.equal(addOlderDeliveries(s3, 'a1', { deliveries: [], next: null }), s3);
  });

  test('read again: new deliveries on top, what was loaded further back kept while the page reaches it', () => {
    const s1 = addOlderDeliveries(setDeliveries(stateWith([]), 'a1', { deliveries: run(10, 8), next: '8.0' }), 'a1', {
      deliveries: run(7, 5),
      next: '5.0',
    });
    // Two new deliveries, and d9 delivered since (it was retrying).
    const fresh = [delivery(12), delivery(11), delivery(10), delivery(9, { attempts: 2 })];
    const s2 = setDeliveries(s1, 'a1', { deliveries: fresh, next: '9.0' });
    assert.deepEqual(ids(s2), ['d12', 'd11', 'd10', 'd9', 'd8', 'd7', 'd6', 'd5']);
    assert.equal(s2.deliveries.a1?.next, '5.0', 'the older cursor is kept');
    assert.equal(s2.deliveries.a1?.deliveries[2], s1.deliveries.a1?.deliveries[0], 'an unchanged one keeps its object');
    assert.equal(s2.deliveries.a1?.deliveries[3]?.attempts, 2, 'a changed one is replaced');
    // A page that no longer reaches what was loaded (many came in between) replaces it.
    const s3 = setDeliveries(s2, 'a1', { deliveries: run(40, 30), next: '30.0' });
    assert.deepEqual(ids(s3)?.length, 11);
    assert.equal(s3.deliveries.a1?.next, '30.0');
    // The whole log in one page: exactly it.
    const s4 = setDeliveries(s2, 'a1', { deliveries: run(12, 11), next: null });
    assert.deepEqual(ids(s4), ['d12', 'd11']);
    assert.equal(s4.deliveries.a1?.next, null);
  });

  test('one delivery read again replaces it in place; another app, an unknown one: unchanged', () => {
    const s1 = setDeliveries(stateWith([]), 'a1', { deliveries: run(3, 1), next: null });
    const retried = delivery(2, { state: 'pending', attempts: 3, status: 500 });
    const s2 = setDelivery(s1, 'a1', retried);
    assert.deepEqual(s2.deliveries.a1?.deliveries[1], retried);
    assert.equal(s2.deliveries.a1?.deliveries[0], s1.deliveries.a1?.deliveries[0]);
    assert.equal(setDelivery(s2, 'a1', retried), s2);
    assert.equal(setDelivery(s2, 'a1', delivery(99)), s2, 'not in the log: not added');
    assert.equal(setDelivery(s2, 'a2', retried), s2);
  });

  test('forgotten with its app, and on sign-out', () => {
    const s1 = setDeliveries(setApps(stateWith([]), []), 'a1', { deliveries: run(2, 1), next: null });
    assert.deepEqual(forgetApp(s1, 'a1').deliveries, {});
    assert.deepEqual(signedOut(s1).deliveries, {});
    assert.deepEqual(signedOut(s1).pageApps, {});
  });
});
