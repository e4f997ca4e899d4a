/** What a backend answers so that a page of someone's events costs what it returns. */
/** Any event of the log: a page needs only its position. */
interface Positioned {
  pos: number;
}

export interface EventWindows<E extends Positioned = Positioned> {
  /** The first position after `after` holding an event `userId` may see; null when there is none. */
  nextVisiblePos(userId: string, after: number): Promise<number | null>;
  /** The events `userId` may see in (after, upTo], in pos order, at most `limit`. */
  eventsInWindow(userId: string, after: number, upTo: number, limit: number): Promise<E[]>;
}

/** A window spans this many positions per event wanted: it holds at most that many rows of anyone's. */
const WINDOW_PER_EVENT = 4;
/** Queries one page may run before answering what it has (the caller asks again, after yielding). */
const MAX_QUERIES = 8;

/**
 * A page of the events `userId` may see after `cursor` and up to `head`: at most `limit`, in pos order,
 * and `through`, the position up to which the page is complete (the next page starts after it).
 *
 * It never reads "everything after the cursor": it jumps to the next event the person may see (one index
 * seek per conversation they were in) and reads a window of `limit × 4` positions from there — a window
 * holds at most that many events, whoever they belong to, and reads only the person's. Long quiet
 * stretches cost a jump, not a scan; a page does at most 8 queries and answers what it has.
 */
export async function pageOfEvents<E extends Positioned>(
  source: EventWindows<E>,
  userId: string,
  cursor: number,
  limit: number,
  head: number,
): Promise<{ events: E[]; through: number }> {
  const events: E[] = [];
  let through = cursor;
  for (let q = 0; q < MAX_QUERIES && through < head && events.length < limit; q += 2) {
    const next = await source.nextVisiblePos(userId, through);
    if (next === null || next > head) {
      through = head;
      break;
    }
    const want = limit - events.length;
    const upTo = Math.min(head, next - 1 + want * WINDOW_PER_EVENT);
    const rows = await source.eventsInWindow(userId, next - 1, upTo, want);
    for (const r of rows) events.push(r);
    const last = rows.at(-1);
    through = rows.length === want && last ? last.pos : upTo;
  }
  return { events, through };
}
