/**
 * Token buckets keyed by a string (an account id, an address, a username). A bucket holds `capacity`
 * tokens and refills `capacity` tokens per `periodMs`, continuously. Buckets that are full again are
 * forgotten, so memory follows the number of recent actors, not of all actors.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerMs: number;
  private sweepAt = 0;

  constructor(
    readonly capacity: number,
    readonly periodMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.ratePerMs = capacity / periodMs;
  }

  private level(key: string, now: number): number {
    const b = this.buckets.get(key);
    if (!b) return this.capacity;
    return Math.min(this.capacity, b.tokens + (now - b.at) * this.ratePerMs);
  }

  /** Takes `cost` tokens: answers 0 when allowed, else the milliseconds to wait. */
  take(key: string, cost = 1): number {
    const now = this.clock();
    this.sweep(now);
    const tokens = this.level(key, now);
    if (tokens < cost) return Math.ceil((cost - tokens) / this.ratePerMs);
    this.buckets.set(key, { tokens: tokens - cost, at: now });
    return 0;
  }

  /**
   * Gives back `cost` tokens taken earlier (never above capacity): a sign-in takes its token before the
   * password is checked, and gets it back when the password was right.
   */
  give(key: string, cost = 1) {
    const now = this.clock();
    const tokens = this.level(key, now) + cost;
    if (tokens >= this.capacity) this.buckets.delete(key);
    else this.buckets.set(key, { tokens, at: now });
  }

  /** Answers the milliseconds to wait before `cost` tokens are there, without taking them. */
  check(key: string, cost = 1): number {
    const tokens = this.level(key, this.clock());
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) / this.ratePerMs);
  }

  reset(key: string) {
    this.buckets.delete(key);
  }

  private sweep(now: number) {
    if (now < this.sweepAt) return;
    this.sweepAt = now + this.periodMs;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.ratePerMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

/** One draw from one bucket: a limiter, its key, and how many tokens (1 by default). */
export type Draw = readonly [limiter: RateLimiter, key: string, cost?: number];

/**
 * Takes every draw, or none: answers 0 when all were taken, else the milliseconds until all could be
 * (nothing taken). An action that counts against several budgets spends none of them when one refuses.
 */
export function takeAll(draws: readonly Draw[]): number {
  const wait = Math.max(0, ...draws.map(([limiter, key, cost = 1]) => limiter.check(key, cost)));
  if (wait > 0) return wait;
  for (const [limiter, key, cost = 1] of draws) limiter.take(key, cost);
  return 0;
}

/** Gives back what `takeAll` took. */
export function giveAll(draws: readonly Draw[]) {
  for (const [limiter, key, cost = 1] of draws) limiter.give(key, cost);
}
