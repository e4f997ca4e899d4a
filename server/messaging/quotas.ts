import { AppError } from '../errors.ts';
import { type Draw, giveAll, RateLimiter, takeAll } from '../lib/ratelimit.ts';

/**
 * What one account may make the server write through groups: groups created and people added, per hour.
 * Creating a group of 255 writes a member row, a period and a place in one snapshot for each of them;
 * the quotas bound how much of that one account can cause. A refused or failed operation costs nothing.
 */
export class GroupQuotas {
  private readonly groups: RateLimiter;
  private readonly adds: RateLimiter;

  constructor(limits: { groupsPerHour: number; memberAddsPerHour: number }) {
    this.groups = new RateLimiter(limits.groupsPerHour, 60 * 60_000);
    this.adds = new RateLimiter(limits.memberAddsPerHour, 60 * 60_000);
  }

  /**
   * Runs `work` — a group's creation (`group` true) adding `people`, or an addition of `people` — within
   * the quotas: refused with `rate_limited` past them, refunded if the work fails.
   */
  async spend<T>(userId: string, people: number, work: () => Promise<T>, group = false): Promise<T> {
    const cost = Math.min(people, this.adds.capacity);
    const draws: Draw[] = [];
    if (group) draws.push([this.groups, userId]);
    if (cost > 0) draws.push([this.adds, userId, cost]);
    const wait = takeAll(draws);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    try {
      return await work();
    } catch (e) {
      giveAll(draws);
      throw e;
    }
  }
}
