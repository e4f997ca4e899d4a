/**
 * What `npm run demo` puts in its own Comptoir, through the public HTTP API only (as any merchant would):
 * three accounts (the page's admin, an agent, a customer), the page "Fromagerie Demo" with the agent as a
 * member, an app of the admin's connected to the page (its page access token), and — once the shop listens —
 * the shop's origin whitelisted for the checkbox plugin and its webhook subscribed to `messaging_optins`.
 * Run again, it reuses all of it: the accounts sign in, the page and app are found, a token that still works
 * is kept (the app's secret and token are shown once by Comptoir, so they are kept in `<dir>/demo.json`).
 * The example content app (examples/gif-app) sets itself up as the admin's second app (its own state in
 * `<dir>/gif-app.json`); `enableContentApp` turns it on for the three people.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const DEMO_PASSWORD = 'fromage de garde 2026';
export const DEMO_PAGE = { name: 'Fromagerie Demo', username: 'fromagerie_demo' } as const;
export const DEMO_PEOPLE = {
  admin: { username: 'margot', displayName: 'Margot (Fromagerie)' },
  agent: { username: 'ben', displayName: 'Ben (agent)' },
  customer: { username: 'cleo', displayName: 'Cleo Martin' },
} as const;

/** What Comptoir shows once and the demo keeps (in `<dir>/demo.json`, readable by its owner only). */
export interface DemoState {
  pageId: string;
  appId: string;
  appSecret: string;
  pageToken: string;
  verifyToken: string;
}

/** A client with a cookie jar: one person's session. */
class Session {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.base + p, {
      method,
      headers: h,
      body: body === undefined ? null : JSON.stringify(body),
    });
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      if (at > 0) this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : null) as T & { error?: { id: string; message: string } },
    };
  }
}

function expect(what: string, r: { status: number; body: unknown }, ...ok: number[]): void {
  if (!ok.includes(r.status)) throw new Error(`${what}: Comptoir answered ${r.status} ${JSON.stringify(r.body)}`);
}

/** Signs in, or signs up the first time. */
async function person(base: string, p: { username: string; displayName: string }): Promise<Session> {
  const s = new Session(base);
  const signin = await s.call('POST', '/api/auth/signin', { username: p.username, password: DEMO_PASSWORD });
  if (signin.status === 200) return s;
  const signup = await s.call('POST', '/api/auth/signup', { ...p, password: DEMO_PASSWORD });
  expect(`signing up ${p.username}`, signup, 201);
  return s;
}

function readState(file: string): Partial<DemoState> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DemoState>;
  } catch {
    return {};
  }
}

/** Seeds `base` (Comptoir's URL); the state is kept in `dir`. */
export async function seedDemo(base: string, dir: string): Promise<{ state: DemoState; admin: Session }> {
  const file = path.join(dir, 'demo.json');
  const kept = readState(file);
  const admin = await person(base, DEMO_PEOPLE.admin);
  await person(base, DEMO_PEOPLE.agent);
  await person(base, DEMO_PEOPLE.customer);

  // The page: found among the admin's pages, else made.
  const mine = await admin.call<{ pages: { page: { id: string; username: string } }[] }>('GET', '/api/me/pages');
  expect('listing the pages', mine, 200);
  let pageId = mine.body.pages.find((p) => p.page.username === DEMO_PAGE.username)?.page.id;
  if (!pageId) {
    const made = await admin.call<{ page: { id: string } }>('POST', '/api/pages', {
      ...DEMO_PAGE,
      description: 'The example shop of `npm run demo`: cheeses, delivered.',
    });
    expect('creating the page', made, 201);
    pageId = made.body.page.id;
  }

  // The agent, a member of the page.
  const members = await admin.call<{ members: { user: { username: string } }[] }>(
    'GET',
    `/api/pages/${pageId}/members`,
  );
  expect('listing the members', members, 200);
  if (!members.body.members.some((m) => m.user.username === DEMO_PEOPLE.agent.username)) {
    expect(
      'adding the agent',
      await admin.call('POST', `/api/pages/${pageId}/members`, { username: DEMO_PEOPLE.agent.username, role: 'agent' }),
      200,
    );
  }

  // The app (its secret is shown once: kept), and its page access token while it works.
  let { appId, appSecret, pageToken } = kept;
  if (!appId || !appSecret || (await admin.call('GET', `/api/apps/${appId}`)).status !== 200) {
    const app = await admin.call<{ app: { id: string }; secret: string }>('POST', '/api/apps', {
      name: 'Fromagerie Demo shop',
    });
    expect('creating the app', app, 201);
    appId = app.body.app.id;
    appSecret = app.body.secret;
    pageToken = undefined;
  }
  if (pageToken) {
    // A token that works reads orders: an unknown number is a 404, an unknown token a 401.
    const probe = await fetch(`${base}/api/commerce/orders/demo-probe`, {
      headers: { authorization: `Bearer ${pageToken}` },
    });
    if (probe.status === 401) pageToken = undefined;
  }
  if (!pageToken) {
    const t = await admin.call<{ pageAccessToken: string }>('POST', `/api/apps/${appId}/pages/${pageId}`);
    expect('connecting the app to the page', t, 201);
    pageToken = t.body.pageAccessToken;
  }
  const state: DemoState = {
    pageId,
    appId,
    appSecret,
    pageToken,
    verifyToken: kept.verifyToken ?? randomBytes(12).toString('hex'),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return { state, admin };
}

/** The content app is on in the three people's composers. */
export async function enableContentApp(base: string, appId: string): Promise<void> {
  for (const p of Object.values(DEMO_PEOPLE)) {
    const s = await person(base, p);
    expect(
      `turning the content app on for ${p.username}`,
      await s.call('PUT', `/api/compose-apps/${appId}/enabled`),
      200,
    );
  }
}

/** Once the shop listens: its origins may frame the plugin, and its webhook gets the opt-ins. */
export async function connectShop(
  base: string,
  admin: Session,
  state: DemoState,
  shop: { origins: string[]; webhook: string },
): Promise<void> {
  const profile = await fetch(`${base}/v19.0/me/messenger_profile`, {
    method: 'POST',
    headers: { authorization: `Bearer ${state.pageToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ whitelisted_domains: shop.origins }),
  });
  if (profile.status !== 200) throw new Error(`whitelisting the shop: ${profile.status} ${await profile.text()}`);
  expect(
    'subscribing the shop’s webhook',
    await admin.call('PUT', `/api/apps/${state.appId}/webhook`, {
      url: shop.webhook,
      verifyToken: state.verifyToken,
      fields: ['messaging_optins'],
    }),
    200,
  );
}
