/**
 * Setting the GIF Box up in Comptoir through its public API, as its developer would by hand (README.md):
 * sign in, make the app (its secret is shown once: kept in a state file when one is given, readable by its
 * owner only), and set its compose extension — name, icon, kinds, query URL. Run again, it reuses the app it
 * made, and sets the extension again (the app's URL may have changed).
 */
import fs from 'node:fs';

export class ComptoirError extends Error {
  constructor(
    readonly status: number,
    readonly id: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** One developer's session with Comptoir (a cookie). */
class Session {
  private cookie = '';
  constructor(private readonly base: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
    if (set.length > 0) this.cookie = set.join('; ');
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async expect<T>(what: string, ok: number, method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call<T & { error?: { id: string; message: string } }>(method, path, body);
    if (r.status !== ok) {
      const e = r.body?.error;
      throw new ComptoirError(r.status, e?.id ?? null, `${what}: Comptoir answered ${r.status} ${e?.message ?? ''}`);
    }
    return r.body;
  }
}

export interface SetupOptions {
  comptoirUrl: string;
  username: string;
  password: string;
  /** Where the app id and secret are kept between runs (null: nowhere, a new app each run). */
  stateFile: string | null;
  /** Where Comptoir reaches this app. */
  appUrl: string;
  name: string;
}

interface State {
  appId: string;
  secret: string;
}

function readState(file: string | null): State | null {
  if (!file) return null;
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<State>;
    return typeof s.appId === 'string' && typeof s.secret === 'string' ? { appId: s.appId, secret: s.secret } : null;
  } catch {
    return null;
  }
}

/**
 * Makes (or finds again) the app and sets its extension. The app must be listening already: Comptoir
 * fetches its icon when the extension is set, and the app must know its secret before the first query —
 * `onSecret` is called with it before the extension is set.
 */
export async function setUpInComptoir(o: SetupOptions, onSecret: (secret: string) => void): Promise<State> {
  const s = new Session(o.comptoirUrl);
  await s.expect('signing in', 200, 'POST', '/api/auth/signin', { username: o.username, password: o.password });
  let state = readState(o.stateFile);
  if (state && (await s.call('GET', `/api/apps/${encodeURIComponent(state.appId)}`)).status !== 200) state = null;
  if (!state) {
    const made = await s.expect<{ app: { id: string }; secret: string }>('making the app', 201, 'POST', '/api/apps', {
      name: o.name,
    });
    state = { appId: made.app.id, secret: made.secret };
    if (o.stateFile) fs.writeFileSync(o.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
  onSecret(state.secret);
  await s.expect('setting the compose extension', 200, 'PUT', `/api/apps/${state.appId}/compose-extension`, {
    name: o.name,
    iconUrl: `${o.appUrl}/icon.png`,
    kinds: ['gif', 'audio'],
    queryUrl: `${o.appUrl}/query`,
  });
  return state;
}
