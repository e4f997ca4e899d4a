import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../lib/logger.ts';
import type { Committer } from '../storage/commit.ts';
import { LogRetention } from './retention.ts';

describe('log retention', () => {
  it('trims a thousand events per transaction until none is left, and starts nothing once stopped', async () => {
    const left = [2500];
    let runs = 0;
    let release = () => {};
    let hold: Promise<void> | null = null;
    const committer = {
      run: async (
        job: (uow: { tx: { events: { trimLog: (before: number, max: number) => Promise<number> } } }) => unknown,
      ) => {
        runs++;
        if (hold) await hold;
        return job({
          tx: {
            events: {
              trimLog: async (_before, max) => {
                const n = Math.min(max, left[0] as number);
                left[0] = (left[0] as number) - n;
                return n;
              },
            },
          },
        });
      },
    } as unknown as Committer;
    const retention = new LogRetention(committer, 1000, createLogger('silent'));
    assert.equal(await retention.run(), 2500);
    assert.equal(runs, 3, '1,000 + 1,000 + 500');

    // Stopped while a run is under way: that run ends, and no timer starts again.
    left[0] = 5000;
    runs = 0;
    hold = new Promise((r) => {
      release = r;
    });
    retention.start(0, 1);
    while (runs === 0) await new Promise((r) => setTimeout(r, 1));
    retention.stop();
    release();
    hold = null;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(runs, 1, 'the run under way stopped after its transaction, and none followed');
  });
});
