/**
 * At most `limit` tasks at once, and at most `maxQueued` waiting for their turn; past that `run` refuses
 * at once (`full` answers the error to throw). Password hashing goes through one: argon2 runs on libuv's
 * thread pool, which fsync also needs, and a flood of sign-ins must neither starve it nor queue without
 * bound.
 */
export class Semaphore {
  private running = 0;
  private peak = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxQueued: number,
    private readonly full: () => Error,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxQueued) throw this.full();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
      this.peak = Math.max(this.peak, this.running);
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running and waiting, and the most that ever ran at once (for tests and diagnostics). */
  get load() {
    return { running: this.running, waiting: this.waiting.length, peak: this.peak };
  }
}
