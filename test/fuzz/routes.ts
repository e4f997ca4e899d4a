import fc from 'fast-check';
import { limits } from '../../protocol/limits.ts';
import { webhookFields } from '../../protocol/schemas.ts';
import { jsonEdge, nearLimit, numericParam, oddKey, oddText } from './arbitraries.ts';
import type { Name, World } from './world.ts';

/**
 * Every route of docs/PROTOCOL.md's HTTP table, with generators of well-shaped input drawn from the zod
 * schemas (protocol/schemas.ts) and the tables an accepted request may change. The fuzz properties
 * mutate what these generate.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As in PROTOCOL.md; `:id` and `:userId` are filled from `params`. */
  path: string;
  auth: boolean;
  /** What `:id` names, for the authorisation oracle. */
  idKind?: 'conversation' | 'message' | 'session' | 'app';
  params?: (w: World) => fc.Arbitrary<Record<string, string>>;
  query?: fc.Arbitrary<[string, string][]>;
  /** A body of the right shape, values near and past the limits; absent: the route takes none. */
  body?: (w: World) => fc.Arbitrary<unknown>;
  /** Tables an accepted request may change (none for reads). */
  touches: string[];
}

/** An element of a pool that grows as the fuzzing goes (picked by index, so a seed picks the same). */
export const pick = (pool: () => readonly string[]) =>
  fc.nat().map((i) => {
    const p = pool();
    return p[i % p.length] as string;
  });

/** An id: mostly a real one from the pool, else odd text, near the 64-character limit, or nobody's. */
export const idFrom = (pool: () => readonly string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: pick(pool) },
    { weight: 1, arbitrary: nearLimit(1, 64) },
    { weight: 1, arbitrary: oddText(20) },
    { weight: 1, arbitrary: fc.constantFrom('nobody', '0', '-1', 'null', '..', '%2F', 'me', ' ') },
  );

const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 2, arbitrary: oddText(60) },
  { weight: 2, arbitrary: nearLimit(1, limits.messageText.max) },
);

export const clientIdArb = (w: World) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) },
    { weight: 3, arbitrary: pick(() => w.clientIds.map((c) => c.clientId)) },
    { weight: 1, arbitrary: nearLimit(limits.clientId.min, limits.clientId.max) },
    { weight: 1, arbitrary: oddText(20) },
  );

const seq = fc.oneof(
  { weight: 4, arbitrary: fc.nat(30) },
  fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 32, -1, 0.5, 2 ** 53 + 2, 1e300),
  jsonEdge,
);

/** Query strings: the route's keys with numeric-ish values, unknown and repeated keys. */
function queryOf(keys: string[]): fc.Arbitrary<[string, string][]> {
  const known = fc.tuple(fc.constantFrom(...keys), numericParam);
  const odd = fc.tuple(oddKey, oddText(8));
  return fc.array(fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: odd }), { maxLength: 3 });
}

const noQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constant<[string, string][]>([]) },
  { weight: 1, arbitrary: fc.array(fc.tuple(oddKey, oddText(8)), { maxLength: 2 }) },
);

const conversationId = (w: World) => idFrom(() => w.conversations);
const messageId = (w: World) => idFrom(() => w.messages);
const userId = (w: World) => idFrom(() => w.users);
const sessionIds = (w: World) => () =>
  Object.values(w.people).flatMap((p) => [p.sessionId, p.spareSessionId]) as readonly string[];

const usernames = (w: World) => () => Object.values(w.people).map((p) => p.user.username);
const username = (w: World) =>
  fc.oneof(
    fc.stringMatching(/^[a-z0-9][a-z0-9_.]{2,31}$/),
    pick(usernames(w)),
    nearLimit(limits.username.min, limits.username.max),
    oddText(20),
  );
/** Likely strong enough for zxcvbn (random, 16+ characters), or near the length limits, or odd. */
const password = fc.oneof(
  fc.string({
    unit: fc.constantFrom(...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!?#'),
    minLength: 16,
    maxLength: 24,
  }),
  nearLimit(limits.password.min, limits.password.max),
  oddText(40),
);
const displayName = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  nearLimit(limits.displayName.min, limits.displayName.max),
  oddText(70),
);
const title = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  nearLimit(limits.groupTitle.min, limits.groupTitle.max),
  oddText(120),
);
const history = fc.constantFrom('joined', 'full', 'joined', 'full', 'JOINED', '', 'none');
/** An optional field: left out three times in four. */
const opt = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
/** Drops undefined fields (an optional field left out). */
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const anyBody = fc.oneof(fc.constant({}), jsonEdge);

const appId = (w: World) => idFrom(() => w.apps);
const appName = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  nearLimit(limits.appName.min, limits.appName.max),
  oddText(90),
);
/** The verify token the world's receiver expects (World.webhookToken). */
const verifyToken = (w: World) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constant(w.webhookToken) },
    nearLimit(limits.verifyToken.min, limits.verifyToken.max),
    oddText(30),
  );
/** Mostly the world's receiver in one of its modes; else refused addresses and schemes, odd and long text. */
const webhookUrl = (w: World) =>
  fc.oneof(
    {
      weight: 16,
      arbitrary: fc
        .constantFrom('echo', 'echo', 'echo', 'wrong', 'error', 'redirect', 'newline')
        .map((mode) => w.receiver.url(mode as 'echo', w.webhookToken)),
    },
    {
      weight: 1,
      arbitrary: oddText(20).map((q) => `${w.receiver.url('echo', w.webhookToken)}?${q}`),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'http://10.0.0.1/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/',
        'http://[::ffff:127.0.0.2]/',
        'http://0.0.0.0/',
        'http://localhost:1/',
        'http://nowhere.invalid/',
        'javascript:alert(1)',
        'ftp://127.0.0.1/',
        'file:///etc/passwd',
        'http://user:pw@127.0.0.1/',
        'http://',
        '//127.0.0.1/',
      ),
    },
    { weight: 1, arbitrary: nearLimit(1, limits.webhookUrl.max) },
    { weight: 1, arbitrary: oddText(40) },
  );
const fields = fc.oneof(
  { weight: 20, arbitrary: fc.subarray([...webhookFields], { minLength: 1 }) },
  fc.constant([]),
  fc.array(fc.oneof(fc.constantFrom(...webhookFields), fc.constantFrom('feed', 'MESSAGES', ''), oddText(10)), {
    maxLength: 5,
  }),
  fc.constantFrom(65, 300).map((n) => Array.from({ length: n }, () => 'messages')),
);

/** In the table's order, but for the removal of members last (it changes who is in what the others fuzz). */
export const routes: Route[] = [
  { method: 'GET', path: '/healthz', auth: false, query: noQuery, touches: [] },
  { method: 'GET', path: '/api/instance', auth: false, query: noQuery, touches: [] },
  {
    method: 'POST',
    path: '/api/auth/signup',
    auth: false,
    body: (w) => fc.record({ username: username(w), password, displayName: opt(displayName) }).map(defined),
    touches: ['users', 'sessions', 'devices'],
  },
  {
    method: 'POST',
    path: '/api/auth/signin',
    auth: false,
    body: (w) =>
      fc.record({
        username: fc.oneof(pick(usernames(w)), username(w), nearLimit(255, 256)),
        password: fc.oneof(fc.constant('correct horse battery'), password, nearLimit(1023, 1024)),
      }),
    touches: ['sessions', 'devices'],
  },
  { method: 'POST', path: '/api/auth/signout', auth: true, body: () => anyBody, touches: ['sessions', 'events'] },
  { method: 'GET', path: '/api/me', auth: true, query: noQuery, touches: [] },
  {
    method: 'PATCH',
    path: '/api/me',
    auth: true,
    body: () => fc.record({ displayName }),
    touches: ['users', 'events'],
  },
  { method: 'GET', path: '/api/sessions', auth: true, query: noQuery, touches: [] },
  {
    method: 'DELETE',
    path: '/api/sessions/:id',
    auth: true,
    idKind: 'session',
    params: (w) => fc.record({ id: idFrom(sessionIds(w)) }),
    touches: ['sessions', 'events'],
  },
  {
    method: 'GET',
    path: '/api/users',
    auth: true,
    query: fc.oneof(
      fc
        .tuple(fc.oneof(oddText(20), nearLimit(1, limits.userSearch.queryMax), fc.constantFrom('a', '%', '_', '\\')))
        .map(([q]) => [['q', q]] as [string, string][]),
      queryOf(['q']),
    ),
    touches: [],
  },
  { method: 'GET', path: '/api/conversations', auth: true, query: noQuery, touches: [] },
  {
    method: 'POST',
    path: '/api/conversations/direct',
    auth: true,
    body: (w) => fc.record({ userId: userId(w) }),
    touches: ['conversations', 'members', 'member_periods', 'events'],
  },
  {
    method: 'POST',
    path: '/api/conversations/group',
    auth: true,
    body: (w) =>
      fc
        .record({
          title,
          memberIds: fc.oneof(
            {
              weight: 3,
              arbitrary: fc.array(
                pick(() => w.users),
                { maxLength: 4 },
              ),
            },
            fc.array(userId(w), { maxLength: 4 }),
            fc.constantFrom(254, 255, 256, 300).map((n) => Array.from({ length: n }, (_, i) => `nobody-${i}`)),
          ),
          history: opt(history),
        })
        .map(defined),
    touches: ['conversations', 'members', 'member_periods', 'events'],
  },
  {
    method: 'GET',
    path: '/api/conversations/:id',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    query: noQuery,
    touches: [],
  },
  {
    method: 'PATCH',
    path: '/api/conversations/:id',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    body: () =>
      fc.oneof(
        fc.record({ title }),
        fc.record({ history }),
        fc.record({ title: opt(title), history: opt(history) }).map(defined),
      ),
    touches: ['conversations', 'events'],
  },
  {
    method: 'POST',
    path: '/api/conversations/:id/members',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    body: (w) =>
      fc.record({
        userIds: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.array(
              pick(() => w.users),
              { minLength: 1, maxLength: 3 },
            ),
          },
          fc.array(userId(w), { maxLength: 3 }),
          fc.constantFrom(256, 257).map((n) => Array.from({ length: n }, (_, i) => `nobody-${i}`)),
        ),
      }),
    touches: ['members', 'member_periods', 'events'],
  },
  {
    method: 'GET',
    path: '/api/conversations/:id/messages',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    query: fc.oneof(
      fc.tuple(opt(fc.integer({ min: 1, max: 40 })), opt(fc.integer({ min: 1, max: 100 }))).map(([before, limit]) => {
        const q: [string, string][] = [];
        if (before !== undefined) q.push(['before', String(before)]);
        if (limit !== undefined) q.push(['limit', String(limit)]);
        return q;
      }),
      queryOf(['before', 'limit']),
    ),
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/conversations/:id/messages',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    body: (w) => fc.record({ clientId: clientIdArb(w), text, replyToId: opt(messageId(w)) }).map(defined),
    touches: ['messages', 'conversations', 'members', 'events'],
  },
  {
    method: 'PATCH',
    path: '/api/messages/:id',
    auth: true,
    idKind: 'message',
    params: (w) => fc.record({ id: messageId(w) }),
    body: () => fc.record({ text }),
    touches: ['messages', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/messages/:id',
    auth: true,
    idKind: 'message',
    params: (w) => fc.record({ id: messageId(w) }),
    touches: ['messages', 'events'],
  },
  {
    method: 'POST',
    path: '/api/conversations/:id/receipts',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    body: () =>
      fc.oneof(
        fc.record({ deliveredSeq: seq }),
        fc.record({ readSeq: seq }),
        fc.record({ deliveredSeq: opt(seq), readSeq: opt(seq) }).map(defined),
      ),
    touches: ['members', 'events'],
  },
  {
    method: 'GET',
    path: '/api/events',
    auth: true,
    query: fc.oneof(
      fc.tuple(fc.nat(50), fc.option(fc.integer({ min: 1, max: 1000 }))).map(([after, limit]) => {
        const q: [string, string][] = [['after', String(after)]];
        if (limit !== null) q.push(['limit', String(limit)]);
        return q;
      }),
      queryOf(['after', 'limit']),
    ),
    touches: [],
  },
  { method: 'POST', path: '/api/apps', auth: true, body: () => fc.record({ name: appName }), touches: ['apps'] },
  { method: 'GET', path: '/api/apps', auth: true, query: noQuery, touches: [] },
  {
    method: 'GET',
    path: '/api/apps/:id',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: appId(w) }),
    query: noQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/apps/:id/secret',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: appId(w) }),
    body: () => anyBody,
    touches: ['apps'],
  },
  {
    method: 'PUT',
    path: '/api/apps/:id/webhook',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: appId(w) }),
    body: (w) => fc.record({ url: webhookUrl(w), verifyToken: verifyToken(w), fields }),
    touches: ['app_webhooks'],
  },
  {
    method: 'DELETE',
    path: '/api/apps/:id/webhook',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: appId(w) }),
    touches: ['app_webhooks'],
  },
  {
    method: 'DELETE',
    path: '/api/conversations/:id/members/:userId',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w), userId: userId(w) }),
    touches: ['members', 'member_periods', 'events'],
  },
];

export const routeName = (r: Route) => `${r.method} ${r.path}`;

/** Who makes a request: one of the world's people, or nobody signed in. */
export type Actor = Name | 'anon';
export const actor: fc.Arbitrary<Actor> = fc.constantFrom<Actor>('ana', 'ana', 'ben', 'eve', 'eve', 'anon');
