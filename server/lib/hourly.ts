import type { Logger } from './logger.ts';

const HOUR = 60 * 60 * 1000;

/**
 * A background job run once an hour (and a minute after start): at most one run at a time, a failed run
 * logged and tried again at the next hour, nothing started once stopped. The event log's retention and the
 * sweep of unsent media are such jobs; `work` answers how many rows it handled and should check `stopped`
 * between its rounds.
 */
export class HourlyJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private halted = false;

  constructor(
    private readonly work: (now: number) => Promise<number>,
    private readonly log: Logger,
    /** What the log says when a run fails. */
    private readonly failure: string,
  ) {}

  get stopped(): boolean {
    return this.halted;
  }

  start(firstAfterMs = 60_000, everyMs = HOUR) {
    const tick = (delay: number) => {
      if (this.halted) return;
      this.timer = setTimeout(() => {
        void this.run()
          .catch((err: unknown) => this.log.error({ err }, this.failure))
          .finally(() => tick(everyMs));
      }, delay);
      this.timer.unref();
    };
    tick(firstAfterMs);
  }

  /** Runs the job now (or joins the run under way); answers what it handled. */
  run(now = Date.now()): Promise<number> {
    this.running ??= this.work(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** No run starts after this; the one under way, if any, is awaited by Core.close (committer.drain). */
  stop() {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
