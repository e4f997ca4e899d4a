import { HourlyJob } from '../lib/hourly.ts';
import type { Logger } from '../lib/logger.ts';
import type { Committer } from '../storage/commit.ts';

/** Events deleted per transaction: a batch stays short, other writes go on between batches. */
const ROWS_PER_JOB = 1000;

/**
 * Event log retention (`EVENT_RETENTION_DAYS`): events older than that are deleted, oldest first, a
 * thousand per transaction through the committer, once an hour (and a minute after start). Their
 * messages stay — the log holds changes, history holds messages — but a device whose cursor is older than
 * what the log keeps is told `reset {reason: "cursor_expired"}` (or `410 cursor_expired` over HTTP) and
 * reloads its conversation list. Membership periods that ended before the floor go with them.
 */
export class LogRetention {
  private readonly job: HourlyJob;

  constructor(
    private readonly committer: Committer,
    readonly keepMs: number,
    private readonly log: Logger,
  ) {
    this.job = new HourlyJob((now) => this.trim(now - this.keepMs), log, 'event log retention failed');
  }

  start(firstAfterMs?: number, everyMs?: number) {
    this.job.start(firstAfterMs, everyMs);
  }

  /** Deletes every event older than the retention; answers how many. One run at a time. */
  run(now = Date.now()): Promise<number> {
    return this.job.run(now);
  }

  stop() {
    this.job.stop();
  }

  private async trim(createdBefore: number): Promise<number> {
    let total = 0;
    while (!this.job.stopped) {
      const n = await this.committer.run(({ tx }) => tx.events.trimLog(createdBefore, ROWS_PER_JOB));
      total += n;
      if (n < ROWS_PER_JOB) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.log.info({ deleted: total }, 'event log trimmed');
    return total;
  }
}
