import type { ClientFrame, ServerFrame } from '../../../protocol/frames.ts';
import { backoffDelay } from '../lib/backoff.ts';
import type { ConnectionState } from '../state/types.ts';

/**
 * The WebSocket client: connects, says hello with the cursor it is given, keeps the link alive with pings,
 * and reconnects with exponential backoff and jitter. It knows nothing of the state: frames go to `onFrame`.
 */
export interface SocketHandlers {
  /** The cursor to hello with, read at each (re)connection. */
  getCursor(): number | null;
  onFrame(frame: ServerFrame): void;
  onStatus(status: ConnectionState): void;
  /** Close code 4001: the session was revoked or expired. No reconnection follows. */
  onSessionEnded(): void;
  /**
   * Close code 4003, on a socket acting as a page (`/ws?page=`): the person no longer helps run it. No
   * reconnection follows. Without this handler 4003 is retried like any other close.
   */
  onActingEnded?(): void;
}

export const PING_INTERVAL_MS = 25_000;
export const PONG_TIMEOUT_MS = 10_000;

export function socketUrl(loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

/** The socket that acts as a business page, for a person who helps run it (docs/PROTOCOL.md). */
export function pageSocketUrl(pageId: string, loc: { protocol: string; host: string } = location): string {
  return `${socketUrl(loc)}?page=${encodeURIComponent(pageId)}`;
}

export class SocketClient {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private running = false;
  private ready = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private pingCount = 0;

  constructor(
    private readonly handlers: SocketHandlers,
    private readonly url: () => string = () => socketUrl(),
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.connect();
  }

  stop(): void {
    this.running = false;
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.clearTimers();
    this.drop(1000);
  }

  /** Closes the current connection and opens a new one now (e.g. after a reset). */
  restart(): void {
    if (!this.running) return;
    this.drop(1000);
    this.clearTimers();
    this.attempt = 0;
    this.connect();
  }

  /**
   * Says hello again with the current cursor (after a `reset` and a reload): on the open connection when
   * there is one (the server restarts its catch-up), else by reconnecting now.
   */
  rehello(): void {
    if (!this.running) return;
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      this.ready = false;
      this.handlers.onStatus('connecting');
      ws.send(JSON.stringify({ type: 'hello', cursor: this.handlers.getCursor() } satisfies ClientFrame));
      return;
    }
    this.restart();
  }

  /** True once `ready` arrived on the current connection. */
  isReady(): boolean {
    return this.ready && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if connected (after hello); returns false when it could not be sent. */
  send(frame: ClientFrame): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  private connect(): void {
    if (!this.running || this.ws) return;
    this.handlers.onStatus('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.ready = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      ws.send(JSON.stringify({ type: 'hello', cursor: this.handlers.getCursor() } satisfies ClientFrame));
      this.startPing();
    };
    ws.onmessage = (e: MessageEvent) => {
      if (this.ws !== ws || typeof e.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(e.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'pong') {
        this.clearPongTimer();
        return;
      }
      if (frame.type === 'ready') {
        this.ready = true;
        this.attempt = 0;
        this.handlers.onStatus('online');
      }
      this.handlers.onFrame(frame);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ws !== ws) return;
      this.onClosed(e.code);
    };
    ws.onerror = () => {
      // A close event follows; nothing to do here.
    };
  }

  private onClosed(code: number): void {
    this.ws = null;
    this.ready = false;
    this.stopPing();
    if (!this.running) return;
    if (code === 4001) {
      this.running = false;
      this.handlers.onStatus('offline');
      this.handlers.onSessionEnded();
      return;
    }
    if (code === 4003 && this.handlers.onActingEnded) {
      this.running = false;
      this.handlers.onStatus('offline');
      this.handlers.onActingEnded();
      return;
    }
    this.scheduleReconnect(code === 1013 ? 4 : 0);
  }

  private scheduleReconnect(extraAttempts = 0): void {
    this.handlers.onStatus('offline');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = backoffDelay(this.attempt + extraAttempts);
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // The browser says there is no network: stay offline and wait (the `online` event wakes us up).
      if (globalThis.navigator?.onLine === false) this.scheduleReconnect();
      else this.connect();
    }, delay);
  }

  /** Drops the current connection at once, without waiting for the close handshake. */
  private drop(code: number): void {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    this.stopPing();
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(code);
      } catch {
        // already closing
      }
    }
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      this.pingCount++;
      if (!this.send({ type: 'ping', ref: `ping-${this.pingCount}` })) return;
      if (this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        // No pong: the link is dead even if the browser has not noticed. Drop it and reconnect.
        this.drop(4000);
        if (this.running) this.scheduleReconnect();
      }, PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.clearPongTimer();
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPing();
  }

  /** Network back, or the tab visible again: retry now instead of waiting for the backoff. */
  private readonly wake = (): void => {
    if (!this.running || this.ws) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.connect();
  };

  private readonly onOffline = (): void => {
    // The browser knows the network is gone: don't wait for pings to find out.
    if (!this.running || !this.ws) return;
    this.drop(4000);
    this.scheduleReconnect();
  };

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible') this.wake();
  };
}
