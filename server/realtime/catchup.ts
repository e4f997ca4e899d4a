import type { PublishedEvent } from '../bus/types.ts';
import { isAppError } from '../errors.ts';
import type { Connection } from './connection.ts';

/**
 * Events per catch-up page: small enough that reading and sending one holds the event loop for a couple
 * of milliseconds, so that people's live messages pass between pages.
 */
export const CATCHUP_PAGE = 200;

/** A page of the log as one person may see it: each event as its stored JSON, complete up to `through`. */
export interface FeedPage {
  events: readonly { pos: number; json: string }[];
  through: number;
}

/** The event log, as a catch-up reads it (a port: messaging's feed serves it today). */
export interface FeedReader {
  /** The newest position that may be read back (committed and on disk). */
  head(): Promise<number>;
  /** What `userId` may see after `cursor`, up to `head`, at most `limit` events; throws `cursor_expired`. */
  feedPage(userId: string, cursor: number, limit: number, head: number): Promise<FeedPage>;
}

/** What a catch-up needs of the gateway that runs it. */
export interface CatchUpHost {
  readonly feed: FeedReader;
  /** Resolves when the next page may be sent: the socket has drained, the account's budget allows it. */
  pace(conn: Connection): Promise<void>;
  /** Sends a live event that waited for the catch-up (or the ack in its place), unless already sent. */
  deliver(conn: Connection, e: PublishedEvent): void;
}

/**
 * `hello {cursor}`: sends every event after the cursor that the person may see, in order, then `ready`,
 * then live events. Live events published meanwhile wait in the connection's buffer and are sent after
 * the replay unless already replayed (pos ≤ lastPos), so nothing is lost or sent twice. When the buffer
 * overflows, the replay reads on from the log until it reaches the new head.
 *
 * Paced, so that one account replaying the log cannot stall the server: a page at a time, each costing
 * what it returns (storage/events-page.ts); before each page the socket must have drained and the
 * account's page budget must allow it (`pace`), and the event loop gets a turn.
 */
export async function catchUp(gw: CatchUpHost, conn: Connection, requested: number | null): Promise<void> {
  const generation = ++conn.generation;
  const stale = () => generation !== conn.generation || !conn.open;
  conn.phase = 'catching_up';
  conn.buffer = [];
  conn.overflowed = false;
  let head = await gw.feed.head();
  if (stale()) return;
  if (requested !== null && requested > head) return reset(conn, 'cursor_ahead');
  let cursor = requested ?? head;
  conn.lastPos = cursor;
  for (;;) {
    while (cursor < head) {
      await gw.pace(conn);
      if (stale()) return;
      let page: FeedPage;
      try {
        page = await gw.feed.feedPage(conn.userId, cursor, CATCHUP_PAGE, head);
      } catch (e) {
        if (isAppError(e) && e.id === 'cursor_expired') return reset(conn, 'cursor_expired');
        throw e;
      }
      if (stale()) return;
      // The page's frames leave in one write.
      const corked = !conn.corked && conn.cork();
      for (const { pos, json } of page.events) {
        if (pos <= conn.lastPos) continue;
        conn.lastPos = pos;
        conn.sendRaw(`{"type":"event","pos":${pos},"event":${json}}`);
      }
      if (corked) conn.uncork();
      // The page is complete up to `through`: a live event at or below it was in the log, and sent.
      cursor = page.through;
      conn.lastPos = Math.max(conn.lastPos, cursor);
    }
    if (!conn.overflowed) break;
    // Live events were dropped from the buffer: read them from the log, up to its new head.
    conn.overflowed = false;
    conn.buffer = [];
    head = await gw.feed.head();
    if (stale()) return;
  }
  const buffered = conn.buffer ?? [];
  conn.buffer = null;
  conn.phase = 'live';
  for (const e of buffered) gw.deliver(conn, e);
  conn.sendRaw(JSON.stringify({ type: 'ready', cursor: conn.lastPos }));
}

function reset(conn: Connection, reason: 'cursor_ahead' | 'cursor_expired') {
  conn.phase = 'awaiting_hello';
  conn.buffer = null;
  conn.sendRaw(JSON.stringify({ type: 'reset', reason }));
}
