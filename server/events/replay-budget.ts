import { limits } from '../../protocol/limits.ts';
import { RateLimiter } from '../lib/ratelimit.ts';

/**
 * How many events of the log one account may have replayed per second — by socket catch-ups and by
 * `GET /api/events` together (`RATE_CATCHUP_EVENTS_PER_SECOND`), in bursts of at most one HTTP page
 * (1,000 events). A catch-up waits for it; an HTTP page that would exceed it is refused (429).
 */
export class ReplayBudget {
  private readonly bucket: RateLimiter;

  constructor(
    readonly eventsPerSecond: number,
    burst: number = limits.eventsPage.max,
  ) {
    this.bucket = new RateLimiter(burst, (burst / eventsPerSecond) * 1000);
  }

  /** Takes `events` for the account: 0 when taken, else the milliseconds to wait (nothing taken). */
  take(userId: string, events: number): number {
    return this.bucket.take(userId, events);
  }

  /** Gives back what a page took and did not use. */
  give(userId: string, events: number) {
    if (events > 0) this.bucket.give(userId, events);
  }
}
