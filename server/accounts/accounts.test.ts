import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { DomainEvent } from '../../protocol/events.ts';
import type { SelfView, SessionView, UserView } from '../../protocol/views.ts';
import { HttpClient, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';

type Err = { error: { id: string; message: string; details?: Record<string, unknown> } };

describe('accounts', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_SIGNIN_FAILURES: '5' });
  });
  after(() => s.close());

  it('signs up with a hashed password and an HttpOnly SameSite session cookie', async () => {
    const http = new HttpClient(s.url);
    const r = await http.post<{ user: SelfView }>('/api/auth/signup', {
      username: '  Camille.R ',
      password: 'a long enough secret',
      displayName: 'Camille Roux',
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.user.username, 'camille.r', 'trimmed and lower-cased');
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('comptoir_session=')) ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'plain http here');
    const me = await http.get<{ user: SelfView; sessionId: string }>('/api/me');
    assert.equal(me.body.user.displayName, 'Camille Roux');
    const db = new Database(s.config.database.kind === 'sqlite' ? s.config.database.path : '', { readonly: true });
    const row = db.prepare('SELECT password_hash FROM users WHERE username = ?').get('camille.r') as {
      password_hash: string;
    };
    const session = db.prepare('SELECT token_hash FROM sessions WHERE id = ?').get(me.body.sessionId) as {
      token_hash: string;
    };
    db.close();
    assert.match(row.password_hash, /^\$argon2id\$/);
    const token = http.cookieValue('comptoir_session') ?? '';
    assert.notEqual(session.token_hash, token, 'the token is not stored');
    assert.match(session.token_hash, /^[0-9a-f]{64}$/);
  });

  it('refuses bad sign-ups with clear errors', async () => {
    const http = new HttpClient(s.url);
    const cases: [unknown, number, string][] = [
      [{ username: 'ab', password: 'long enough pw' }, 400, 'bad_request'],
      [{ username: 'has space', password: 'long enough pw' }, 400, 'bad_request'],
      [{ username: 'okname', password: 'short' }, 400, 'bad_request'],
      [{ username: 'okname', password: 'elevenchars' }, 400, 'bad_request'],
      [{ username: 'okname', password: 'password1234' }, 400, 'weak_password'],
      [{ username: 'okname', password: 'qwertyuiopasdf' }, 400, 'weak_password'],
      [{ username: 'okname', password: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, 400, 'weak_password'],
      [{ username: 'margaux.dubois', password: 'margaux.dubois2024' }, 400, 'weak_password'],
      [{ username: 'okname', password: 'x'.repeat(300) }, 400, 'bad_request'],
      [{ username: 'okname' }, 400, 'bad_request'],
      [{ username: 'camille.r', password: 'another secret' }, 409, 'username_taken'],
    ];
    for (const [body, status, id] of cases) {
      const r = await http.post<Err>('/api/auth/signup', body);
      assert.deepEqual([r.status, r.body.error.id], [status, id], JSON.stringify(body));
    }
    assert.equal(http.cookie, null);
    const weak = await http.post<Err>('/api/auth/signup', { username: 'okname', password: 'password1234' });
    assert.equal(weak.body.error.details?.reason, 'similarToCommon', 'the reason is named');
  });

  it('signs in and out; wrong passwords and unknown names get the same answer', async () => {
    const p = await signUp(s.url);
    const http = new HttpClient(s.url);
    const wrong = await http.post<Err>('/api/auth/signin', { username: p.user.username, password: 'not it at all' });
    const unknown = await http.post<Err>('/api/auth/signin', { username: 'nobody-here', password: 'not it at all' });
    assert.deepEqual([wrong.status, wrong.body.error.id], [401, 'invalid_credentials']);
    assert.deepEqual(unknown.body, wrong.body);
    const ok = await http.post('/api/auth/signin', { username: p.user.username.toUpperCase(), password: p.password });
    assert.equal(ok.status, 200);
    assert.equal((await http.get('/api/me')).status, 200);
    const before = http.cookie;
    assert.equal((await http.post('/api/auth/signout')).status, 204);
    assert.equal(http.cookieValue('comptoir_session'), null, 'the session cookie is cleared');
    assert.ok(http.cookieValue('comptoir_device'), 'the device is still known');
    const stale = new HttpClient(s.url);
    stale.cookie = before;
    const r = await stale.get<Err>('/api/me');
    assert.deepEqual([r.status, r.body.error.id], [401, 'session_expired']);
  });

  it('refuses forged and missing sessions', async () => {
    const http = new HttpClient(s.url);
    const none = await http.get<Err>('/api/me');
    assert.deepEqual([none.status, none.body.error.id], [401, 'unauthenticated']);
    http.cookie = 'comptoir_session=forged-token-value';
    const forged = await http.get<Err>('/api/conversations');
    assert.deepEqual([forged.status, forged.body.error.id], [401, 'unauthenticated']);
    http.cookie = `comptoir_session=${'x'.repeat(5000)}`;
    assert.equal((await http.get('/api/me')).status, 401);
  });

  it('refuses parallel guesses past the limit before checking them, and lets known devices in', async () => {
    const p = await signUp(s.url);
    const attacker = new HttpClient(s.url);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        attacker.post<Err>('/api/auth/signin', { username: p.user.username, password: `guess number ${i}` }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((x) => x === 401).length, 5, 'exactly the limit was checked against the password');
    assert.equal(statuses.filter((x) => x === 429).length, 55);
    const limited = answers.find((r) => r.status === 429) as (typeof answers)[number];
    assert.equal(limited.body.error.id, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // From the attacker's browser (same username, same address) the right password waits too…
    const fresh = new HttpClient(s.url);
    const waits = await fresh.post<Err>('/api/auth/signin', { username: p.user.username, password: p.password });
    assert.deepEqual([waits.status, waits.body.error.id], [429, 'rate_limited']);
    // …but the device where the person signed up, which carries its device cookie, gets in.
    const device = new HttpClient(s.url);
    device.cookie = `comptoir_device=${p.http.cookieValue('comptoir_device')}`;
    const known = await device.post('/api/auth/signin', { username: p.user.username, password: p.password });
    assert.equal(known.status, 200);
    // Existing sessions were never affected.
    assert.equal((await p.http.get('/api/me')).status, 200);
  });

  it('lists sessions per device and revokes one', async () => {
    const p = await signUp(s.url);
    const laptop = new HttpClient(s.url);
    await laptop.request(
      'POST',
      '/api/auth/signin',
      { username: p.user.username, password: p.password },
      { 'user-agent': 'Laptop/1.0' },
    );
    const sessions = (await p.http.get<{ sessions: SessionView[] }>('/api/sessions')).body.sessions;
    assert.equal(sessions.length, 2);
    assert.equal(sessions.filter((x) => x.current).length, 1);
    const other = sessions.find((x) => !x.current) as SessionView;
    assert.equal(other.userAgent, 'Laptop/1.0');
    const stranger = await signUp(s.url);
    const foreign = await stranger.http.delete<Err>(`/api/sessions/${other.id}`);
    assert.deepEqual([foreign.status, foreign.body.error.id], [404, 'session_not_found']);
    assert.equal((await p.http.delete(`/api/sessions/${other.id}`)).status, 204);
    assert.equal((await laptop.get('/api/me')).status, 401);
    assert.equal((await p.http.get<{ sessions: SessionView[] }>('/api/sessions')).body.sessions.length, 1);
  });

  it('expires sessions', async () => {
    const p = await signUp(s.url);
    const dataDir = s.dataDir;
    // A second server on the same database, started after the session expired (no cache).
    const db = new Database(s.config.database.kind === 'sqlite' ? s.config.database.path : '');
    db.prepare('UPDATE sessions SET expires_at = ? WHERE user_id = ?').run(Date.now() - 1000, p.user.id);
    db.close();
    const fresh = await startServer({}, { dataDir });
    try {
      const http = new HttpClient(fresh.url);
      http.cookie = p.http.cookie;
      const r = await http.get<Err>('/api/me');
      assert.deepEqual([r.status, r.body.error.id], [401, 'session_expired']);
      await assert.rejects(SocketClient.connect(fresh.wsUrl, p.http.cookie), { status: 401 });
    } finally {
      await fresh.comptoir.close();
    }
  });

  it('changes the display name and tells conversation partners live', async () => {
    const a = await signUp(s.url);
    const b = await signUp(s.url);
    await startDirect(a, b);
    const sock = await SocketClient.live(s.wsUrl, b);
    const r = await a.http.patch<{ user: SelfView }>('/api/me', { displayName: 'Zoé Éclair' });
    assert.equal(r.body.user.displayName, 'Zoé Éclair');
    const f = await sock.next((x) => x.type === 'event' && x.event.type === 'user.updated');
    assert.equal(
      f.type === 'event' && (f.event as Extract<DomainEvent, { type: 'user.updated' }>).user.displayName,
      'Zoé Éclair',
    );
    sock.close();
    const bad = await a.http.patch<Err>('/api/me', { displayName: '' });
    assert.equal(bad.status, 400);
  });

  it('finds strangers by exact username only, and contacts by username prefix or display name', async () => {
    const asker: Person = await signUp(s.url);
    const target = await signUp(s.url, `findme_${Date.now()}`);
    await target.http.patch('/api/me', { displayName: 'Hélène Dupont' });
    const strangers = (await asker.http.get<{ users: UserView[] }>('/api/users?q=helene%20dup')).body.users;
    assert.ok(!strangers.some((u) => u.id === target.user.id), 'a stranger is not found by display name');
    const exact = (await asker.http.get<{ users: UserView[] }>(`/api/users?q=${target.user.username}`)).body.users;
    assert.deepEqual(
      exact.map((u) => u.id),
      [target.user.id],
    );
    await startDirect(asker, target);
    const byName = (await asker.http.get<{ users: UserView[] }>('/api/users?q=helene%20dup')).body.users;
    assert.ok(
      byName.some((u) => u.id === target.user.id),
      'a contact is',
    );
    const byUsername = (
      await asker.http.get<{ users: UserView[] }>(`/api/users?q=${target.user.username.slice(0, 10)}`)
    ).body.users;
    assert.equal(byUsername[0]?.id, target.user.id);
    assert.ok(!('passwordHash' in (byUsername[0] ?? {})));
    const self = (await target.http.get<{ users: UserView[] }>(`/api/users?q=${target.user.username}`)).body.users;
    assert.ok(!self.some((u) => u.id === target.user.id), 'not yourself');
    assert.equal((await asker.http.get('/api/users?q=')).status, 400);
    assert.equal((await asker.http.get('/api/users?q=a')).status, 400, 'at least two characters');
    assert.equal((await asker.http.get(`/api/users?q=${'x'.repeat(100)}`)).status, 400);
  });
});

describe('password hashing under a flood', () => {
  let flood: TestServer;
  before(async () => {
    flood = await startServer({ RATE_SIGNIN_FAILURES: '1000', PASSWORD_HASH_CONCURRENCY: '2' });
  });
  after(() => flood.close());

  it('runs at most two password hashes at once, whatever arrives', async () => {
    const passwords = (flood.comptoir.accounts as unknown as { passwords: { load: { peak: number } } }).passwords;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        new HttpClient(flood.url).post('/api/auth/signin', { username: `nobody${i}`, password: 'not a password' }),
      ),
    );
    assert.ok(answers.every((r) => r.status === 401 || r.status === 429));
    assert.ok(passwords.load.peak <= 2, `peak ${passwords.load.peak}`);
  });
});

describe('HTTP edge', () => {
  let s: TestServer;
  let p: Person;
  before(async () => {
    s = await startServer({ RATE_REQUESTS_PER_MINUTE: '40', RATE_SIGNUPS_PER_HOUR: '3' });
    p = await signUp(s.url);
  });
  after(() => s.close());

  it('answers invalid JSON, wrong content types, oversized bodies and unknown routes with error ids', async () => {
    const bad = await p.http.request<Err>('POST', '/api/conversations/group', '{"title": ', {
      'content-type': 'application/json',
    });
    assert.deepEqual([bad.status, bad.body.error.id], [400, 'invalid_json']);
    const form = await p.http.request<Err>('POST', '/api/conversations/group', 'title=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.deepEqual([form.status, form.body.error.id], [415, 'unsupported_media_type']);
    const huge = await p.http.post<Err>('/api/conversations/group', {
      title: 'x',
      memberIds: [],
      pad: 'x'.repeat(70 * 1024),
    });
    assert.deepEqual([huge.status, huge.body.error.id], [413, 'payload_too_large']);
    const nowhere = await p.http.get<Err>('/api/nowhere');
    assert.deepEqual([nowhere.status, nowhere.body.error.id], [404, 'not_found']);
    assert.equal((await p.http.get('/api/me')).status, 200, 'the server goes on');
  });

  it('refuses state changes from another origin', async () => {
    const r = await p.http.request<Err>(
      'POST',
      '/api/conversations/group',
      { title: 'x', memberIds: [] },
      { origin: 'https://evil.example' },
    );
    assert.deepEqual([r.status, r.body.error.id], [403, 'forbidden_origin']);
    const same = await p.http.request(
      'POST',
      '/api/conversations/group',
      { title: 'x', memberIds: [] },
      { origin: s.url },
    );
    assert.equal(same.status, 201);
  });

  it('limits sign-ups per address', async () => {
    for (let i = 0; i < 2; i++) await signUp(s.url);
    const http = new HttpClient(s.url);
    const r = await http.post<Err>('/api/auth/signup', { username: `late${Date.now()}`, password: 'long enough pw' });
    assert.deepEqual([r.status, r.body.error.id], [429, 'rate_limited']);
  });

  it('limits requests per address and account', async () => {
    let limited: { status: number; body: Err } | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const r = await p.http.get<Err>('/api/me');
      if (r.status === 429) limited = r;
    }
    assert.ok(limited, 'a flood is refused');
    assert.equal(limited.body.error.id, 'rate_limited');
    assert.equal((await p.http.get<Err>('/healthz')).status, 200, 'health stays reachable');
  });
});

describe('cookies under https', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ PUBLIC_ORIGIN: 'https://chat.example.org' });
  });
  after(() => s.close());

  it('take the __Host- prefix: Secure, this host only, path /', async () => {
    const http = new HttpClient(s.url);
    const r = await http.post('/api/auth/signup', {
      username: `hostcookie${Date.now()}`,
      password: 'a long enough secret',
    });
    assert.equal(r.status, 201);
    const cookies = r.headers.getSetCookie();
    for (const name of ['__Host-comptoir_session', '__Host-comptoir_device']) {
      const c = cookies.find((x) => x.startsWith(`${name}=`));
      assert.ok(c, name);
      assert.match(c, /; Secure/i);
      assert.match(c, /; Path=\//);
      assert.doesNotMatch(c, /Domain=/i);
    }
    assert.ok(!cookies.some((c) => c.startsWith('comptoir_session=')), 'no unprefixed cookie');
    assert.equal((await http.get('/api/me')).status, 200);
    // The unprefixed name, which a sibling subdomain could set, is not read under https.
    const shadow = new HttpClient(s.url);
    shadow.cookie = `comptoir_session=${http.cookieValue('__Host-comptoir_session')}`;
    assert.equal((await shadow.get('/api/me')).status, 401);
  });
});

describe('closed sign-up', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ SIGNUP: 'closed' });
  });
  after(() => s.close());

  it('refuses sign-ups and says so to the sign-in screen; accounts made by the operator sign in', async () => {
    const http = new HttpClient(s.url);
    assert.deepEqual((await http.get('/api/instance')).body, { signup: 'closed' });
    const r = await http.post<Err>('/api/auth/signup', { username: 'newcomer', password: 'a long enough secret' });
    assert.deepEqual([r.status, r.body.error.id], [403, 'signup_closed']);
    await s.comptoir.accounts.createUser({ username: 'bymyoperator', password: 'a long enough secret' });
    const signin = await http.post('/api/auth/signin', { username: 'bymyoperator', password: 'a long enough secret' });
    assert.equal(signin.status, 200);
    const open = await startServer({});
    try {
      assert.deepEqual((await new HttpClient(open.url).get('/api/instance')).body, { signup: 'open' });
    } finally {
      await open.close();
    }
  });
});

describe('session ends while a socket is open', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({});
  });
  after(() => s.close());

  it('closes the socket (4001) once the session has expired, and keeps one that slid', async () => {
    const p = await signUp(s.url);
    const q = await signUp(s.url);
    const ending = await SocketClient.live(s.wsUrl, p);
    const lasting = await SocketClient.live(s.wsUrl, q);
    const db = new Database(s.config.database.kind === 'sqlite' ? s.config.database.path : '');
    db.prepare('UPDATE sessions SET expires_at = ? WHERE user_id = ?').run(Date.now() - 1000, p.user.id);
    db.close();
    // The heartbeat, a month later: both sockets' known expiries have passed; the database decides.
    s.comptoir.gateway.beat(Date.now() + 31 * 24 * 3600_000);
    assert.equal((await ending.waitClose()).code, 4001);
    lasting.send({ type: 'ping', ref: 'still' });
    await lasting.next((f) => f.type === 'pong');
    assert.equal(lasting.closed, null);
    lasting.close();
  });
});

describe('profile changes', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_PROFILE_CHANGES_PER_HOUR: '3' });
  });
  after(() => s.close());

  it('are limited per account: each one is told to every conversation', async () => {
    const p = await signUp(s.url);
    for (let i = 0; i < 3; i++) assert.equal((await p.http.patch('/api/me', { displayName: `Name ${i}` })).status, 200);
    const r = await p.http.patch<Err>('/api/me', { displayName: 'One too many' });
    assert.deepEqual([r.status, r.body.error.id], [429, 'rate_limited']);
    assert.equal((await p.http.patch('/api/me', { displayName: 'Name 2' })).status, 200, 'no change costs nothing');
  });
});

describe('per-address limits over IPv6', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ TRUST_PROXY: '127.0.0.1', RATE_SIGNUPS_PER_HOUR: '3' });
  });
  after(() => s.close());

  it('count an IPv6 host by its /64: new addresses in it do not buy new attempts', async () => {
    const signUpFrom = (address: string, i: number) =>
      new HttpClient(s.url).request<Err>(
        'POST',
        '/api/auth/signup',
        { username: `v6user${i}_${Date.now() % 100000}`, password: 'a long enough secret' },
        { 'x-forwarded-for': address },
      );
    for (let i = 0; i < 3; i++) assert.equal((await signUpFrom(`2001:db8:1:2::${i + 10}`, i)).status, 201);
    const refused = await signUpFrom('2001:db8:1:2:ffff:ffff:ffff:ffff', 3);
    assert.deepEqual([refused.status, refused.body.error.id], [429, 'rate_limited']);
    assert.equal((await signUpFrom('2001:db8:1:3::1', 4)).status, 201, 'another /64 is another address');
  });
});
