import assert from 'node:assert/strict';
import type {
  AppSecretResponse,
  PageAccessTokenResponse,
  PageConversationResponse,
  PageResponse,
} from '../../protocol/api.ts';
import type { Person } from './client.ts';
import type { TestServer } from './server.ts';

/** A Graph error object, as Messenger clients read it. */
export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  fbtrace_id: string;
}
export interface GraphAnswer<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: GraphErrorBody };
}

export interface GraphCallOptions {
  /** The page access token (null: none); sent as `?access_token=` unless `bearer`. */
  token: string | null;
  bearer?: boolean;
  proof?: string;
  /** Query parameters besides the credentials. */
  query?: Record<string, string>;
  /** JSON (default), form fields each holding JSON, or a raw body with its content type. */
  body?: unknown;
  form?: boolean;
  raw?: { contentType: string; body: string | Buffer };
}

/** Calls the Graph API as a bot does, over plain HTTP. */
export async function graphCall<T = Record<string, unknown>>(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  o: GraphCallOptions,
): Promise<GraphAnswer<T>> {
  const q = new URLSearchParams(o.query ?? {});
  if (o.token !== null && !o.bearer) q.set('access_token', o.token);
  if (o.proof !== undefined) q.set('appsecret_proof', o.proof);
  const headers: Record<string, string> = {};
  if (o.bearer && o.token) headers.authorization = `Bearer ${o.token}`;
  let payload: string | Uint8Array<ArrayBuffer> | null = null;
  if (o.raw) {
    headers['content-type'] = o.raw.contentType;
    payload = typeof o.raw.body === 'string' ? o.raw.body : new Uint8Array(o.raw.body);
  } else if (o.body !== undefined && o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const f = new URLSearchParams();
    for (const [k, v] of Object.entries(o.body as Record<string, unknown>)) f.set(k, JSON.stringify(v));
    payload = f.toString();
  } else if (o.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(o.body);
  }
  const res = await fetch(`${baseUrl}${path}?${q}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: res.status, body: body as GraphAnswer<T>['body'] };
}

/** Asserts a Graph error: a 4xx with the error object Messenger clients read. */
export function assertGraphError(a: GraphAnswer<unknown>, code: number, subcode?: number, message?: RegExp) {
  assert.ok(a.status >= 400 && a.status < 500, `status ${a.status}: ${JSON.stringify(a.body)}`);
  assert.equal(a.body.error?.code, code, JSON.stringify(a.body));
  assert.equal(typeof a.body.error?.fbtrace_id, 'string');
  assert.equal(typeof a.body.error?.type, 'string');
  if (subcode !== undefined) assert.equal(a.body.error?.error_subcode, subcode, JSON.stringify(a.body));
  if (message) assert.match(a.body.error?.message ?? '', message);
}

/** A multipart/form-data body of text fields and files (their bytes as given), as clients send uploads. */
export function multipart(parts: { name: string; value: string | Buffer; filename?: string; type?: string }[]) {
  const boundary = `----comptoir${Math.random().toString(16).slice(2)}`;
  const chunks = parts.flatMap((p) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n` +
        `${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
    ),
    typeof p.value === 'string' ? Buffer.from(p.value) : p.value,
    Buffer.from('\r\n'),
  ]);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]),
  };
}

/** A page made by `owner` (its admin). */
export async function makePage(owner: Person, name: string, username: string): Promise<string> {
  const page = await owner.http.post<PageResponse>('/api/pages', { name, username });
  assert.equal(page.status, 201, JSON.stringify(page.body));
  return page.body.page.id;
}

/** An app of `owner`: its id and secret. */
export async function makeApp(owner: Person, name: string): Promise<{ id: string; secret: string }> {
  const app = await owner.http.post<AppSecretResponse>('/api/apps', { name });
  assert.equal(app.status, 201, JSON.stringify(app.body));
  return { id: app.body.app.id, secret: app.body.secret };
}

/** Connects an app of `owner` to a page `owner` administers: its page access token. */
export async function connectApp(owner: Person, appId: string, pageId: string): Promise<string> {
  const r = await owner.http.post<PageAccessTokenResponse>(`/api/apps/${appId}/pages/${pageId}`);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.pageAccessToken;
}

/** A person writes to a page: their conversation with it, and the id the page knows them by. */
export async function writeToPage(
  s: TestServer,
  person: Person,
  pageId: string,
  text = 'Hello?',
): Promise<{ conversationId: string; psid: string }> {
  const conv = await person.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
  const conversationId = conv.body.conversation.id;
  const sent = await person.http.post(`/api/conversations/${conversationId}/messages`, {
    clientId: `w-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`,
    text,
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const psid = await s.comptoir.storage.reader.pages.psidOf(pageId, person.user.id);
  assert.ok(psid);
  return { conversationId, psid };
}
