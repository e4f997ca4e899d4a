import { limits } from '../../protocol/limits.ts';
import type { Connection } from './connection.ts';
import type { Gateway } from './gateway.ts';

/**
 * `hello {cursor}`: sends every event after the cursor that the person may see, in order, then `ready`,
 * then live events. Live events published meanwhile wait in the connection's buffer and are sent after
 * the replay unless already replayed (pos ≤ lastPos), so nothing is lost or sent twice. When the buffer
 * overflows, the replay reads on from the log until it reaches the head.
 */
export async function catchUp(gw: Gateway, conn: Connection, requested: number | null): Promise<void> {
  const generation = ++conn.generation;
  const reader = gw.messages;
  conn.phase = 'catching_up';
  conn.buffer = [];
  conn.overflowed = false;
  const head = await reader.head();
  if (generation !== conn.generation || !conn.open) return;
  if (requested !== null && requested > head) {
    conn.phase = 'awaiting_hello';
    conn.buffer = null;
    conn.sendRaw(JSON.stringify({ type: 'reset', reason: 'cursor_ahead' }));
    return;
  }
  let cursor = requested ?? head;
  conn.lastPos = cursor;
  const page = limits.eventsPage.default;
  for (;;) {
    const events = await reader.feedRaw(conn.userId, cursor, page);
    if (generation !== conn.generation || !conn.open) return;
    for (const { pos, json } of events) {
      if (pos <= conn.lastPos) continue;
      conn.lastPos = pos;
      conn.sendRaw(`{"type":"event","pos":${pos},"event":${json}}`);
    }
    if (events.length > 0) cursor = conn.lastPos;
    if (events.length < page) {
      if (!conn.overflowed) break;
      // Live events were dropped from the buffer: read them from the log with a fresh buffer.
      conn.overflowed = false;
      conn.buffer = [];
    }
  }
  const buffered = conn.buffer ?? [];
  conn.buffer = null;
  conn.phase = 'live';
  for (const e of buffered) gw.deliver(conn, e);
  conn.sendRaw(JSON.stringify({ type: 'ready', cursor: conn.lastPos }));
}
