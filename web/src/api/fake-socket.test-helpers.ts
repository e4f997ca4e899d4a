import type { ServerFrame } from '../../../protocol/frames.ts';

/** A WebSocket stand-in driven by the test. */
export class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  // Test side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** Installs the browser globals the socket client uses. */
export function installBrowserGlobals(): Record<string, unknown> {
  const g = globalThis as Record<string, unknown>;
  g.WebSocket = FakeSocket;
  g.window ??= new EventTarget();
  g.location ??= { protocol: 'http:', host: 'test.local', pathname: '/' };
  g.document ??= Object.assign(new EventTarget(), { visibilityState: 'visible' });
  return g;
}
