import { type DomainEvent, domainEventTypes } from '../../protocol/events.ts';
import { AppError } from '../errors.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { ReplayBudget } from './replay-budget.ts';
import type { EventRecord } from './store.ts';

const peopleTypes: ReadonlySet<string> = new Set(domainEventTypes);

/**
 * Whether an event of the log is one the people's clients are sent. The log stores every event of every
 * domain; the people's protocol (protocol/events.ts, DomainEvent) is what sockets and `GET /api/events`
 * present. An event made for another consumer (a webhook's) never reaches the web app's reducer, even
 * in a scope a person reads.
 */
export const isPeopleEvent = (type: string): boolean => peopleTypes.has(type);

/**
 * One person's feed of the log: what a socket's catch-up replays and `GET /api/events` answers — the
 * events of the conversations during the periods they were a member and those addressed to them, up to
 * the newest position that is committed and on disk.
 */
export class EventFeed {
  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    /** Shared with the socket catch-ups: an account's replays of the log, per second. */
    private readonly replay: ReplayBudget,
  ) {}

  /** The newest position of the log that may be read back: committed and on disk. */
  async head(): Promise<number> {
    return Math.min(await this.storage.reader.events.headPosition(), this.committer.durablePosition);
  }

  /**
   * A page of the log as one person may see it after `cursor`, up to `head`, each event as its stored JSON
   * (what sockets send as is); `through`: the page is complete up to there. Throws `cursor_expired` when
   * retention has deleted events after the cursor (checked after the read, so that a deletion racing
   * with it cannot go unnoticed).
   */
  async feedPage(
    userId: string,
    cursor: number,
    limit: number,
    head: number,
  ): Promise<{ events: { pos: number; json: string }[]; through: number }> {
    const r = this.storage.reader;
    const page = await r.events.eventsFor(userId, cursor, limit, head);
    if (cursor < (await r.events.logFloor())) throw new AppError('cursor_expired');
    return {
      events: page.events.filter(forPeople).map((e) => ({ pos: e.pos, json: e.payload })),
      through: page.through,
    };
  }

  /** `GET /api/events`: the events after `cursor` that the person may see, in order. */
  async feed(
    userId: string,
    cursor: number,
    limit: number,
  ): Promise<{ events: { pos: number; event: DomainEvent }[]; cursor: number; hasMore: boolean }> {
    const head = await this.head();
    if (cursor >= head) {
      if (cursor < (await this.storage.reader.events.logFloor())) throw new AppError('cursor_expired');
      return { events: [], cursor, hasMore: false };
    }
    // The same budget as the socket catch-ups: taken for the whole page first, the unused part given back.
    const wait = this.replay.take(userId, limit);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    let page: Awaited<ReturnType<EventFeed['feedPage']>>;
    try {
      page = await this.feedPage(userId, cursor, limit, head);
    } catch (e) {
      this.replay.give(userId, limit);
      throw e;
    }
    this.replay.give(userId, limit - page.events.length);
    const events = page.events.map((r) => ({ pos: r.pos, event: JSON.parse(r.json) as DomainEvent }));
    return { events, cursor: page.through, hasMore: page.through < head };
  }
}

const forPeople = (e: EventRecord) => isPeopleEvent(e.type);
