import type { ErrorBody } from '../../protocol/errors.ts';
import type { PublishedEvent } from '../bus/types.ts';
import type { AppError } from '../errors.ts';

/** Above this many bytes queued for a socket, the client is too slow: it is closed and will catch up. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Live events kept while a catch-up runs; past that the catch-up reads them from the log instead. */
export const MAX_CATCHUP_BUFFER = 10_000;

export const CloseCode = {
  goingAway: 1001,
  tooBig: 1009,
  tryAgainLater: 1013,
  sessionEnded: 4001,
  /** A socket acting as a page whose person no longer helps run it. */
  pageAccessEnded: 4003,
  tooSlow: 4008,
  noHello: 4009,
} as const;

/**
 * What the gateway uses of a `ws` WebSocket (a port: a test hands it a plain object). `_socket` is the
 * net.Socket that `ws` keeps under that name and does not declare; it is corked around a batch's frames
 * when there is one.
 */
export interface SocketPort {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly _socket?: { cork(): void; uncork(): void } | null;
  send(frame: string): void;
  ping(): void;
  terminate(): void;
  close(code: number, reason: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'pong' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
}

/**
 * One socket of one signed-in person. Before `hello` it receives nothing; while it catches up, live
 * events wait in `buffer` (or, past its size, are read back from the log); then it is live.
 */
export class Connection {
  phase: 'awaiting_hello' | 'catching_up' | 'live' = 'awaiting_hello';
  /** Highest pos sent to this socket: nothing at or below it is sent again. */
  lastPos = 0;
  buffer: PublishedEvent[] | null = null;
  overflowed = false;
  /** Bumped by each hello, so that an older catch-up still running stops. */
  generation = 0;
  alive = true;
  /** Writes are held (Gateway.onEvents) until the batch has been fanned out. */
  corked = false;
  /** Frames are being refused for flooding (one error was sent). */
  throttled = false;
  helloTimer: NodeJS.Timeout | null = null;
  /** When the session ends, as known; the heartbeat checks it again then (it may have slid). */
  sessionEndsAt = Number.POSITIVE_INFINITY;
  checkingSession = false;
  /** Bytes queued on the socket when last seen (the gateway's total across sockets counts it). */
  queued = 0;

  constructor(
    readonly id: string,
    readonly ws: SocketPort,
    readonly userId: string,
    readonly sessionId: string,
    readonly address: string,
    /** Told after every send (the gateway keeps the budget of bytes queued across sockets). */
    private readonly onQueued: (conn: Connection) => void = () => {},
    /**
     * The person behind the socket. Usually `userId` itself; on a socket acting as a business page
     * (`/ws?page=…`), `userId` is the page's account and this is the page member using it.
     */
    readonly actorId: string = userId,
  ) {}

  /**
   * Holds this socket's writes until `uncork`: the frames one batch sends it leave in one write. (Corking
   * `ws`'s net.Socket is what `ws` itself does around each frame.)
   */
  cork(): boolean {
    const socket = this.ws._socket;
    if (!socket) return false;
    socket.cork();
    return true;
  }

  uncork() {
    this.ws._socket?.uncork();
  }

  get open() {
    return this.ws.readyState === 1;
  }

  sendRaw(frame: string) {
    if (!this.open) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.closedTooSlow = true;
      this.close(CloseCode.tooSlow, 'too slow');
      return;
    }
    this.ws.send(frame);
    this.onQueued(this);
  }

  /** Closed for having too much queued (4008), by its own limit or the budget across sockets. */
  closedTooSlow = false;
  /** The most a socket may have queued before it is closed as too slow (4008). */
  maxBufferedBytes = MAX_BUFFERED_BYTES;

  sendError(ref: string | null | undefined, error: AppError | ErrorBody) {
    const body: ErrorBody = 'toBody' in error ? error.toBody() : error;
    this.sendRaw(JSON.stringify({ type: 'error', ref: ref ?? null, error: body }));
  }

  close(code: number, reason: string) {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    if (this.ws.readyState === 0 || this.ws.readyState === 1) this.ws.close(code, reason);
  }
}
