import WebSocket from 'ws';
import type { ServerFrame } from '../../protocol/frames.ts';
import type { ConversationView, MessageView, SelfView } from '../../protocol/views.ts';

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** An HTTP client with its cookies (the session, the device), like one browser. */
export class HttpClient {
  private readonly jar = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  /** The Cookie header this client sends (null when it has none); setting it replaces every cookie. */
  get cookie(): string | null {
    return this.jar.size === 0 ? null : [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  set cookie(header: string | null) {
    this.jar.clear();
    for (const part of (header ?? '').split(';')) {
      const at = part.indexOf('=');
      if (at > 0) this.jar.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
    }
  }
  /** One cookie's value, e.g. `comptoir_session` (or `__Host-comptoir_session` under https). */
  cookieValue(name: string): string | null {
    return this.jar.get(name) ?? null;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: payload ?? null });
    for (const set of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = set.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (value === '' || expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = Record<string, unknown>>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  patch<T = Record<string, unknown>>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {});
  }
  delete<T = Record<string, unknown>>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

/** A signed-up person: an HTTP client with their session, and their user. */
export interface Person {
  http: HttpClient;
  user: SelfView;
  password: string;
}

let counter = 0;
export async function signUp(baseUrl: string, name?: string, password = 'correct horse battery'): Promise<Person> {
  const username = name ?? `user${process.pid}_${++counter}_${Math.floor(Math.random() * 1e6)}`;
  const http = new HttpClient(baseUrl);
  const r = await http.post<{ user: SelfView }>('/api/auth/signup', {
    username,
    password,
    displayName: `Name ${username}`,
  });
  if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { http, user: r.body.user, password };
}

/** Signs an existing person in on a (re)started server: the same person with a new session. */
export async function signIn(baseUrl: string, p: Person): Promise<Person> {
  const http = new HttpClient(baseUrl);
  const r = await http.post('/api/auth/signin', { username: p.user.username, password: p.password });
  if (r.status !== 200) throw new Error(`signin failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...p, http };
}

export async function startDirect(a: Person, b: Person): Promise<ConversationView> {
  const r = await a.http.post<{ conversation: ConversationView }>('/api/conversations/direct', { userId: b.user.id });
  if (r.status !== 201 && r.status !== 200) throw new Error(`direct failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.conversation;
}

/** A conversation's whole history as `p` reads it over HTTP, oldest first, page by page. */
export async function history(p: Person, conversationId: string): Promise<MessageView[]> {
  const all: MessageView[] = [];
  let before: number | undefined;
  for (;;) {
    const q = before ? `?limit=100&before=${before}` : '?limit=100';
    const r = await p.http.get<{ messages: MessageView[]; hasMore: boolean }>(
      `/api/conversations/${conversationId}/messages${q}`,
    );
    if (r.status !== 200) throw new Error(`history failed: ${r.status} ${JSON.stringify(r.body)}`);
    all.unshift(...r.body.messages);
    if (!r.body.hasMore || r.body.messages.length === 0) return all;
    before = r.body.messages[0]?.seq;
  }
}

export async function createGroup(owner: Person, title: string, members: Person[]): Promise<ConversationView> {
  const r = await owner.http.post<{ conversation: ConversationView }>('/api/conversations/group', {
    title,
    memberIds: members.map((m) => m.user.id),
  });
  if (r.status !== 201) throw new Error(`group failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.conversation;
}

/** A WebSocket client that records every frame and can wait for one. */
export class SocketClient {
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  private closeWaiters: ((c: { code: number; reason: string }) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      for (const w of this.closeWaiters) w(this.closed);
    });
  }

  static connect(wsUrl: string, cookie: string | null, headers: Record<string, string> = {}): Promise<SocketClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
      const client = new SocketClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c;
        });
        res.on('end', () =>
          reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })),
        );
      });
      ws.once('error', reject);
    });
  }

  /** Connects and says hello; resolves at `ready`. */
  static async live(wsUrl: string, person: Person, cursor: number | null = null): Promise<SocketClient> {
    const c = await SocketClient.connect(wsUrl, person.http.cookie);
    c.send({ type: 'hello', cursor });
    await c.next((f) => f.type === 'ready' || f.type === 'reset');
    return c;
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame already received, or to come, that matches. */
  next<T extends ServerFrame = ServerFrame>(
    pred: (f: ServerFrame) => boolean,
    timeoutMs = 5000,
    fromIndex = 0,
  ): Promise<T> {
    const seen = this.frames.slice(fromIndex).find(pred);
    if (seen) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as T);
        },
      });
    });
  }

  /** Frames that arrive from now on. */
  after(pred: (f: ServerFrame) => boolean, timeoutMs = 5000) {
    return this.next(pred, timeoutMs, this.frames.length);
  }

  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.closeWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  events(type?: string) {
    return this.frames.flatMap((f) => (f.type === 'event' && (!type || f.event.type === type) ? [f] : []));
  }

  /** Sends a message and waits for its ack. */
  async sendMessage(
    conversationId: string,
    text: string,
    clientId = `c${Math.random().toString(36).slice(2, 12)}`,
  ): Promise<{ message: MessageView; pos: number | undefined }> {
    const from = this.frames.length;
    this.send({ type: 'send', ref: clientId, conversationId, clientId, text });
    const f = await this.next((x) => (x.type === 'ack' || x.type === 'error') && x.ref === clientId, 5000, from);
    if (f.type === 'error') throw new Error(`send failed: ${f.error.id}`);
    if (f.type !== 'ack' || !f.message) throw new Error('no message in ack');
    return { message: f.message, pos: f.pos };
  }

  close() {
    this.ws.close();
  }
}

/**
 * A barrier for "receives nothing": `from` sends a marker message in `conversationId`, and this resolves
 * once `observer` (a member of it) has received it. Events reach a socket in pos order, so once the marker
 * is there, every event committed before it that was meant for the observer has arrived too: a check
 * made then cannot miss a late wrong delivery, on however loaded a machine.
 */
export async function barrier(from: SocketClient, conversationId: string, observer: SocketClient): Promise<void> {
  const marker = `barrier ${Math.random().toString(36).slice(2, 12)}`;
  await from.sendMessage(conversationId, marker);
  await observer.next(
    (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === marker,
    10_000,
  );
}
