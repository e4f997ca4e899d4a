import { AppError } from '../errors.ts';
import { type Draw, giveAll, RateLimiter, takeAll } from '../lib/ratelimit.ts';

/** How long a failure counts: the buckets refill over this window. */
export const FAILURE_WINDOW_MS = 15 * 60_000;

/** One sign-in attempt that holds its tokens until the password has been checked. */
export interface Attempt {
  /**
   * `wrong`: the tokens stay spent. `right`: they go back. `unchecked`: the password was never checked
   * (the hashing was refused, the database failed): they go back too.
   */
  settle(outcome: 'right' | 'wrong' | 'unchecked'): void;
}

/**
 * The sign-in limits. Every bucket an attempt counts against gives up its token *before* the password is
 * checked, and gets it back only when the password was right, so parallel guesses cannot pass the limit:
 * the 11th of 60 simultaneous wrong guesses finds the bucket empty and is refused without hashing.
 *
 * Failures are keyed so that nobody can lock a victim out:
 * - from a device where the person signed in before (a device cookie): that device's own bucket only.
 *   Strangers' failures never slow it down;
 * - from anywhere else: (username, address), then the address across usernames (one address spraying
 *   many accounts), then the username across addresses (many addresses guessing one account) — ×3 each.
 * Buckets refill continuously (`failures` per 15 minutes): the limit slows guessing down to the refill
 * rate, it never locks an account; a refused attempt is told when to retry.
 */
export class SignInGuard {
  private readonly perPair: RateLimiter;
  private readonly perAddress: RateLimiter;
  private readonly perUsername: RateLimiter;
  private readonly perDevice: RateLimiter;

  constructor(failures: number, clock: () => number = Date.now) {
    this.perPair = new RateLimiter(failures, FAILURE_WINDOW_MS, clock);
    this.perDevice = new RateLimiter(failures, FAILURE_WINDOW_MS, clock);
    this.perAddress = new RateLimiter(failures * 3, FAILURE_WINDOW_MS, clock);
    this.perUsername = new RateLimiter(failures * 3, FAILURE_WINDOW_MS, clock);
  }

  /**
   * Takes the attempt's tokens, or throws `rate_limited` (with the wait) having taken none.
   * `knownDeviceId`: the device cookie's device, when it belongs to the account being signed in to.
   */
  begin(username: string, address: string, knownDeviceId: string | null): Attempt {
    const draws: Draw[] = knownDeviceId
      ? [[this.perDevice, knownDeviceId]]
      : [
          [this.perPair, `${username}\u0000${address}`],
          [this.perAddress, address],
          [this.perUsername, username],
        ];
    const wait = takeAll(draws);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    let settled = false;
    return {
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        if (outcome !== 'wrong') giveAll(draws);
      },
    };
  }
}
