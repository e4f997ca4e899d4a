import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Semaphore } from './semaphore.ts';

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, queues up to `maxQueued`, refuses past that', async () => {
    const s = new Semaphore(2, 3, () => new Error('full'));
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const task = () =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return 'done';
      });
    const accepted = Array.from({ length: 5 }, task);
    await assert.rejects(task(), /full/);
    assert.deepEqual(s.load, { running: 2, waiting: 3, peak: 2 });
    // Release them one by one: each freed slot goes to the next in line.
    for (let i = 0; i < 5; i++) {
      while (gates.length === 0) await new Promise((r) => setImmediate(r));
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await Promise.all(accepted), Array(5).fill('done'));
    assert.equal(peak, 2);
    assert.deepEqual(s.load, { running: 0, waiting: 0, peak: 2 });
  });

  it('frees the slot when a task throws', async () => {
    const s = new Semaphore(1, 0, () => new Error('full'));
    await assert.rejects(
      s.run(async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await s.run(async () => 1), 1);
  });
});
