import type { Logger } from '../lib/logger.ts';
import type { Committer } from '../storage/commit.ts';

/** Events deleted per transaction: a batch stays short, other writes go on between batches. */
const ROWS_PER_JOB = 1000;
const HOUR = 60 * 60 * 1000;

/**
 * Event log retention (`EVENT_RETENTION_DAYS`): events older than that are deleted, oldest first, a
 * thousand per transaction through the committer, once an hour (and a minute after start). Their
 * messages stay — the log holds changes, history holds messages — but a device whose cursor is older than
 * what the log keeps is told `reset {reason: "cursor_expired"}` (or `410 cursor_expired` over HTTP) and
 * reloads its conversation list. Membership periods that ended before the floor go with them.
 */
export class LogRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly committer: Committer,
    readonly keepMs: number,
    private readonly log: Logger,
  ) {}

  start(firstAfterMs = 60_000, everyMs = HOUR) {
    const tick = (delay: number) => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.run()
          .catch((err: unknown) => this.log.error({ err }, 'event log retention failed'))
          .finally(() => tick(everyMs));
      }, delay);
      this.timer.unref();
    };
    tick(firstAfterMs);
  }

  /** Deletes every event older than the retention; answers how many. One run at a time. */
  run(now = Date.now()): Promise<number> {
    this.running ??= this.trim(now - this.keepMs).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async trim(createdBefore: number): Promise<number> {
    let total = 0;
    while (!this.stopped) {
      const n = await this.committer.run(({ tx }) => tx.events.trimLog(createdBefore, ROWS_PER_JOB));
      total += n;
      if (n < ROWS_PER_JOB) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.log.info({ deleted: total }, 'event log trimmed');
    return total;
  }

  /** No run starts after this; the one under way, if any, is awaited by Core.close (committer.drain). */
  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
