import type { Logger } from '../lib/logger.ts';
import { CloseCode, type Connection, MAX_BUFFERED_BYTES } from './connection.ts';

/**
 * The budget of bytes queued for all sockets together (`MAX_QUEUED_MB`). Each socket's own queue is
 * capped at 4 MiB (Connection.sendRaw); this caps their sum: past it, a socket that is behind (more than
 * 1/16 of its own cap queued) is closed (4008) and catches up when it comes back.
 *
 * The total is the sum of what each socket had queued when last seen: updated on every send, and
 * recounted every second for the sockets that had something queued (they drain without telling).
 */
export class OutboundBudget {
  /** Bytes queued across sockets, as last seen on each (Connection.queued). */
  queuedBytes = 0;
  /** Sockets closed because the total went past the budget. */
  closedOverBudget = 0;
  private readonly backlogged = new Set<Connection>();
  private readonly recount: NodeJS.Timeout;

  constructor(
    readonly maxQueuedBytes: () => number,
    private readonly log: Logger,
  ) {
    this.recount = setInterval(() => this.recountQueued(), 1000);
    this.recount.unref();
  }

  /** After bytes were queued on a socket. */
  noteQueued(conn: Connection) {
    const now = conn.ws.bufferedAmount;
    this.queuedBytes += now - conn.queued;
    conn.queued = now;
    if (now > 0) this.backlogged.add(conn);
    if (this.queuedBytes > this.maxQueuedBytes() && now > MAX_BUFFERED_BYTES / 16) {
      this.log.warn({ connection: conn.id, queued: now, total: this.queuedBytes }, 'outbound budget exceeded');
      this.closedOverBudget++;
      this.forget(conn);
      conn.closedTooSlow = true;
      conn.close(CloseCode.tooSlow, 'too slow');
    }
  }

  /** A socket that is gone counts no more. */
  forget(conn: Connection) {
    this.queuedBytes -= conn.queued;
    conn.queued = 0;
    this.backlogged.delete(conn);
  }

  /** Recounts the sockets that had something queued (those that drained since are forgotten). */
  recountQueued() {
    for (const conn of this.backlogged) {
      const now = conn.open ? conn.ws.bufferedAmount : 0;
      this.queuedBytes += now - conn.queued;
      conn.queued = now;
      if (now === 0) this.backlogged.delete(conn);
    }
  }

  close() {
    clearInterval(this.recount);
  }
}
