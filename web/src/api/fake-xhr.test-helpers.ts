/**
 * An XMLHttpRequest stand-in driven by the test (Node has none): it records what was opened and sent, and
 * the test answers it — progress, an answer with a status and body, a network error.
 */
export class FakeXhr {
  static all: FakeXhr[] = [];
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown = null;
  status = 0;
  statusText = '';
  responseText = '';
  aborted = false;
  readonly upload: { onprogress: ((e: { loaded: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.all.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }

  // Test side
  /** The query of the request's URL. */
  get query(): URLSearchParams {
    return new URL(this.url, 'http://test.local').searchParams;
  }
  progress(loaded: number) {
    this.upload.onprogress?.({ loaded });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.statusText = String(status);
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
  fail() {
    this.onerror?.();
  }

  static install(): void {
    (globalThis as Record<string, unknown>).XMLHttpRequest = FakeXhr;
  }
  static last(): FakeXhr {
    const x = FakeXhr.all[FakeXhr.all.length - 1];
    if (!x) throw new Error('no request was made');
    return x;
  }
}
