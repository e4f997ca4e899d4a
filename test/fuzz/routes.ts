import fc from 'fast-check';
import { limits, messageSearch } from '../../protocol/limits.ts';
import { webhookFields } from '../../protocol/schemas.ts';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { jsonEdge, nearLimit, numericParam, oddKey, oddText } from './arbitraries.ts';
import { composeRoutes } from './compose-routes.ts';
import { type Name, names, type World } from './world.ts';

/**
 * Every route of docs/PROTOCOL.md's HTTP table, with generators of well-shaped input drawn from the zod
 * schemas (protocol/schemas.ts) and the tables an accepted request may change. The fuzz properties
 * mutate what these generate.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As in PROTOCOL.md; `:id`, `:userId` and the other parameters are filled from `params`. */
  path: string;
  auth: boolean;
  /** What `:id` names, for the authorisation oracle. */
  idKind?: 'conversation' | 'message' | 'session' | 'app' | 'page';
  /**
   * For a route on a page (`idKind: 'page'`, or the `:pageId` of an app's route), who alone may get a 2xx:
   * the people who run it (`agent`: an agent or an admin), its admins (`admin`), or its admins and, for
   * their own membership, each of them (`admin-or-self`). Absent: anyone signed in (pages are public).
   */
  pageRole?: 'agent' | 'admin' | 'admin-or-self';
  /** Who sends it (besides nobody and a forged cookie); default ana (twice), ben and eve. */
  actors?: readonly Name[];
  params?: (w: World) => fc.Arbitrary<Record<string, string>>;
  query?: (w: World) => fc.Arbitrary<[string, string][]>;
  /** A body of the right shape, values near and past the limits; absent: the route takes none. */
  body?: (w: World) => fc.Arbitrary<unknown>;
  /** Tables an accepted request may change (none for reads). */
  touches: string[];
  /**
   * Its successes are a file's bytes (200, 206, 304), not JSON: `true`, a media read (`:id` one of
   * `World.media`, for its readers only); `signed-in`, for anyone signed in (a content app's icon);
   * `preview`, a content app's preview for the person its `:token` was made for only.
   */
  file?: true | 'signed-in' | 'preview';
}

/** An element of a pool that grows as the fuzzing goes (picked by index, so a seed picks the same). */
export const pick = (pool: () => readonly string[]) =>
  fc.nat().map((i) => {
    const p = pool();
    return p[i % p.length] as string;
  });

/** An id: mostly a real one from the pool, else odd text, near the 64-character limit, nobody's, or with a NUL. */
export const idFrom = (pool: () => readonly string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: pick(pool) },
    { weight: 1, arbitrary: nearLimit(1, 64) },
    { weight: 1, arbitrary: oddText(20) },
    { weight: 1, arbitrary: fc.constantFrom('nobody', '0', '-1', 'null', '..', '%2F', 'me', ' ') },
    // A NUL: PostgreSQL refuses it in any text, so every store must answer "no such" without asking.
    { weight: 1, arbitrary: fc.constantFrom('nul\u0000', '\u0000') },
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

/** A reaction's emoji: mostly a real one (several code points too), else text, two of them, near the limits. */
export const reactionEmojiArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('👍', '❤️', '\u2764', '😂', '👍🏽', '🏳️‍🌈', '🇫🇷', '👨‍👩‍👧‍👦', '1️⃣') },
  { weight: 1, arbitrary: fc.constantFrom('👍👍', 'a', ':+1:', '\u200d', '\ud83d', '👨‍👩‍👧‍👦👨‍👩‍👧‍👦') },
  { weight: 1, arbitrary: nearLimit(1, 64) },
  { weight: 1, arbitrary: oddText(20) },
);

const conversationId = (w: World) => idFrom(() => w.conversations);
const messageId = (w: World) => idFrom(() => w.messages);
const userId = (w: World) => idFrom(() => w.users);
const sessionIds = (w: World) => () =>
  Object.values(w.people).flatMap((p) => [p.sessionId, p.spareSessionId]) as readonly string[];

const usernames = (w: World) => () => Object.values(w.people).map((p) => p.user.username);
const pageUsernames = (w: World) => () => w.pageUsernames;
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
const pageName = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  nearLimit(limits.pageName.min, limits.pageName.max),
  oddText(100),
  fc.constantFrom('   ', ' Café du Port ', 'İSTANBUL ß', '100%_off'),
);
const pageDescription = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  nearLimit(0, limits.pageDescription.max),
  oddText(60),
);
/** A role on a page: mostly one of the two, else odd. */
const pageRole = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('admin', 'agent') },
  fc.constantFrom('ADMIN', ' agent', 'owner', 'member', ''),
  jsonEdge,
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
/**
 * For the routes of an app's page tokens and delivery log: mostly ana's or eve's first app (connected to
 * their pages, with a webhook and, ana's, deliveries), so that their owners get past the checks, else any.
 */
const subscribedAppId = (w: World) =>
  fc.oneof({ weight: 3, arbitrary: pick(() => w.apps.slice(0, 2)) }, { weight: 2, arbitrary: appId(w) });
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

/** A page id: mostly ana's page (ben an agent of it, cat talking with it), else eve's, another, or none. */
const pageId = (w: World) =>
  fc.oneof(
    { weight: 4, arbitrary: pick(() => [w.page.id]) },
    { weight: 1, arbitrary: pick(() => [w.evesPage.id]) },
    { weight: 3, arbitrary: idFrom(() => w.pages) },
  );
/** A conversation of a page's inbox, mostly: a person's conversation with a page, else any, or none. */
const pageConversationId = (w: World) =>
  fc.oneof(
    { weight: 4, arbitrary: pick(() => [w.pageConversation]) },
    { weight: 3, arbitrary: idFrom(() => w.pageConversations) },
    { weight: 2, arbitrary: conversationId(w) },
  );
/** Someone who may run a page, or not: the world's people by name (so that oneself comes up), or any id. */
const pageMemberId = (w: World) =>
  fc.oneof({ weight: 2, arbitrary: pick(() => names.map((n) => w.user(n).id)) }, { weight: 1, arbitrary: userId(w) });
const pageParams = (w: World) => fc.record({ id: pageId(w) });
/** An app and a page, for connecting one to the other. */
const appPageParams = (w: World) => fc.record({ id: subscribedAppId(w), pageId: pageId(w) });
/** A delivery of a webhook log: mostly one of ana's app, else odd or nobody's. */
const deliveryParams = (w: World) => fc.record({ id: subscribedAppId(w), deliveryId: idFrom(() => w.deliveries) });
/**
 * A page of a delivery log (`before` is the `next` of a page: `<event position>.<part>`): cursors seen,
 * made-up ones near the bounds of the format (15 and 5 digits), malformed ones; `limit` 1–100 and past it.
 */
const deliveriesQuery = (w: World) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          opt(
            fc.oneof(
              { weight: 3, arbitrary: pick(() => [...w.deliveryCursors, '1.0']) },
              fc.tuple(fc.nat(40), fc.nat(3)).map(([pos, part]) => `${pos}.${part}`),
              fc.constantFrom(
                '999999999999999.99999',
                '9999999999999999.0',
                '1.999999',
                '0.0',
                '1',
                '.1',
                '1.',
                '-1.0',
                '1.0.0',
                '１.0',
                '1e3.0',
                ' 1.0',
              ),
              nearLimit(31, 33),
            ),
          ),
          opt(fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, 101, -1))),
        )
        .map(([before, limit]) => {
          const q: [string, string][] = [];
          if (before !== undefined) q.push(['before', before]);
          if (limit !== undefined) q.push(['limit', String(limit)]);
          return q;
        }),
    },
    { weight: 1, arbitrary: queryOf(['before', 'limit']) },
  );
const inboxParams = (w: World) => fc.record({ id: pageId(w), conversationId: pageConversationId(w) });
/** Who acts on pages: the admin (ana), the agent (ben), the customer (cat), the stranger with a page of her own (eve). */
const pageActors: readonly Name[] = ['ana', 'ana', 'ben', 'ben', 'cat', 'eve'];

/** `POST /api/media`'s query: a name (odd ones too), a voice clip's fields, right, wrong or half there. */
const uploadQuery = fc
  .record({
    name: opt(
      fc.oneof(fc.constantFrom('photo.jpg', 'notes.txt', 'clip.mp4', 'a.pdf'), oddText(20), nearLimit(250, 260)),
    ),
    voice: opt(fc.constantFrom('1', '0', 'yes')),
    durationMs: opt(fc.oneof(fc.integer({ min: -5, max: 16 * 60_000 }).map(String), oddText(5))),
    waveform: opt(fc.oneof(fc.constantFrom('0,128,255', '256', '1,,2'), oddText(10), nearLimit(250, 260))),
  })
  .map((q) =>
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]): [string, string] => [k, v as string]),
  );
/** A media read's query: none mostly (the session reads), else a signed link's fields, odd or half there. */
const mediaQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constant<[string, string][]>([]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        opt(fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }).map(String), oddText(8))),
        opt(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), oddText(50))),
      )
      .map(([expires, sig]) => {
        const q: [string, string][] = [];
        if (expires !== undefined) q.push(['expires', expires]);
        if (sig !== undefined) q.push(['sig', sig]);
        return q;
      }),
  },
  { weight: 1, arbitrary: fc.constant<[string, string][]>([['other', '1']]) },
);
const historyQuery = fc.oneof(
  fc.tuple(opt(fc.integer({ min: 1, max: 40 })), opt(fc.integer({ min: 1, max: 100 }))).map(([before, limit]) => {
    const q: [string, string][] = [];
    if (before !== undefined) q.push(['before', String(before)]);
    if (limit !== undefined) q.push(['limit', String(limit)]);
    return q;
  }),
  queryOf(['before', 'limit']),
);
/** A person's thread history: also `after` and `around` a seq (a window opened at a search result), or both. */
const threadHistoryQuery = fc.oneof(
  historyQuery,
  fc
    .tuple(
      fc.constantFrom('after', 'around', 'before'),
      fc.integer({ min: 0, max: 40 }),
      opt(fc.integer({ min: 1, max: 100 })),
    )
    .map(([key, at, limit]) => {
      const q: [string, string][] = [[key, String(at)]];
      if (limit !== undefined) q.push(['limit', String(limit)]);
      return q;
    }),
  queryOf(['after', 'around', 'before', 'limit']),
);
/** Message search: words, FTS5 and tsquery syntax, quotes, near the limits, a cursor and a conversation. */
const messageSearchQuery = (w: World) =>
  fc.oneof(
    fc
      .tuple(
        fc.oneof(
          oddText(20),
          nearLimit(messageSearch.queryMin, messageSearch.queryMax),
          fc.constantFrom(
            'message',
            'mess',
            '"',
            '*',
            'NEAR(a b)',
            '(',
            '-x',
            'body:x',
            '^a',
            "a' & b:*",
            '  ',
            'café',
          ),
        ),
        opt(conversationId(w)),
        opt(messageId(w)),
        opt(fc.integer({ min: 0, max: 60 })),
      )
      .map(([q, conversation, before, limit]) => {
        const out: [string, string][] = [['q', q]];
        if (conversation !== undefined) out.push(['conversationId', conversation]);
        if (before !== undefined) out.push(['before', before]);
        if (limit !== undefined) out.push(['limit', String(limit)]);
        return out;
      }),
    queryOf(['q', 'conversationId', 'before', 'limit']),
  );
const sendBody = (w: World) => fc.record({ clientId: clientIdArb(w), text, replyToId: opt(messageId(w)) }).map(defined);
/** A receiver of a page in the handover protocol: the inbox, an app (connected or not), or odd. */
const receiverId = (w: World) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(PAGE_INBOX_APP_ID) },
    { weight: 3, arbitrary: idFrom(() => w.apps) },
    { weight: 1, arbitrary: nearLimit(63, 65) },
  );
const metadata = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: nearLimit(999, 1001) },
  { weight: 1, arbitrary: jsonEdge },
);
const threadControlBody = (w: World) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ action: fc.constant('take'), metadata }, { requiredKeys: ['action'] }) },
    {
      weight: 3,
      arbitrary: fc.record(
        { action: fc.constant('pass'), targetAppId: receiverId(w), metadata },
        { requiredKeys: ['action'] },
      ),
    },
    { weight: 1, arbitrary: fc.record({ action: fc.oneof(fc.constant('request'), jsonEdge) }) },
  );

const receiptBody = () =>
  fc.oneof(
    fc.record({ deliveredSeq: seq }),
    fc.record({ readSeq: seq }),
    fc.record({ deliveredSeq: opt(seq), readSeq: opt(seq) }).map(defined),
  );
/** Search text: near the limits, odd, LIKE wildcards, and what the pools hold (people's and pages' usernames, prefixes of them). */
const searchQuery = (w: World, min: number, max: number) =>
  fc.oneof(
    fc
      .oneof(
        oddText(20),
        nearLimit(min, max),
        fc.constantFrom('a', '%', '_', '\\', 'pa', 'PA', '  pa  ', 'boulangerie', 'EMILE', 'épicerie'),
        pick(usernames(w)),
        pick(pageUsernames(w)),
        fc.tuple(pick(pageUsernames(w)), fc.integer({ min: 2, max: 8 })).map(([u, n]) => u.slice(0, n)),
      )
      .map((q) => [['q', q]] as [string, string][]),
    queryOf(['q']),
  );

/**
 * In the table's order, but for the removal of members of a conversation, the changes of who runs a page
 * and an app's disconnection from a page last (they change who is in what the others fuzz, and what an
 * app receives); the webhook's deletion after its log's routes (a replay or test needs a webhook).
 */
// The business inbox (server/inbox/routes.ts, protocol/inbox.ts).
const labelPool = (w: World) => idFrom(() => (w.inboxLabels.length ? w.inboxLabels : ['nolabel']));
const cannedPool = (w: World) => idFrom(() => (w.cannedReplies.length ? w.cannedReplies : ['noreply']));
const threadLabelParams = (w: World) =>
  fc.record({ id: pageId(w), conversationId: pageConversationId(w), labelId: labelPool(w) });
const threadCannedParams = (w: World) =>
  fc.record({ id: pageId(w), conversationId: pageConversationId(w), replyId: cannedPool(w) });
const pageLabelParams = (w: World) => fc.record({ id: pageId(w), labelId: labelPool(w) });
const pageCannedParams = (w: World) => fc.record({ id: pageId(w), replyId: cannedPool(w) });
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const statusBody = () =>
  fc.oneof(
    fc.record({ status: fc.constantFrom('open', 'pending', 'resolved') }),
    fc.record({
      status: fc.constant('snoozed'),
      until: fc.oneof(
        fc.integer({ min: -86_400_000, max: 400 * 86_400_000 }).map(iso),
        oddText(30),
        fc.constantFrom('2020-01-01T00:00:00Z', 'tomorrow', ''),
      ),
    }),
    fc.record({ status: oddText(10) }),
  );
const labelNameArb = fc.oneof(nearLimit(1, 40), oddText(20), fc.constantFrom('', ' ', 'VIP', 'vip', 'Élan'));
const shortcutArb = fc.oneof(
  fc.stringMatching(/^[a-z0-9_-]{1,32}$/),
  nearLimit(1, 32),
  oddText(10),
  fc.constantFrom('', 'a b', 'hello', 'HELLO'),
);
const cannedTextArb = fc.oneof(
  nearLimit(1, 2000),
  oddText(40),
  fc.constantFrom('Hi {{first_name}}', '{{order_number}}'),
);
const minutesArb = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -5, max: 50_000 }),
  fc.double({ noNaN: true, min: 0, max: 100 }),
);
const inboxRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/threads',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () =>
      fc.oneof(
        noQuery,
        fc
          .tuple(
            opt(fc.constantFrom('all', 'open', 'pending', 'resolved', 'snoozed', 'mine', 'unassigned', 'bot', 'x')),
            opt(fc.oneof(fc.string({ maxLength: 10 }), nearLimit(1, 100))),
            opt(fc.oneof(fc.constantFrom('1_A', '999999999999999_Z', 'x'), oddText(10))),
            opt(fc.integer({ min: -1, max: 200 })),
          )
          .map(([filter, q, cursor, limit]) => {
            const out: [string, string][] = [];
            if (filter !== undefined) out.push(['filter', filter]);
            if (q !== undefined) out.push(['q', q]);
            if (cursor !== undefined) out.push(['cursor', cursor]);
            if (limit !== undefined) out.push(['limit', String(limit)]);
            return out;
          }),
      ),
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/threads/:conversationId',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'PUT',
    path: '/api/pages/:id/inbox/threads/:conversationId/status',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    body: statusBody,
    // Resolving may record (and send) the satisfaction question when the page asks it.
    touches: ['inbox_threads', 'inbox_csat', 'events', 'messages', 'conversations', 'members'],
  },
  {
    method: 'PUT',
    path: '/api/pages/:id/inbox/threads/:conversationId/assignee',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    body: (w) =>
      fc.record({
        userId: fc.oneof(
          fc.constant(null),
          idFrom(() => w.users),
        ),
      }),
    touches: ['inbox_threads', 'events'],
  },
  {
    method: 'PUT',
    path: '/api/pages/:id/inbox/threads/:conversationId/labels/:labelId',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: threadLabelParams,
    touches: ['inbox_threads', 'inbox_thread_labels', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/pages/:id/inbox/threads/:conversationId/labels/:labelId',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: threadLabelParams,
    touches: ['inbox_threads', 'inbox_thread_labels', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/threads/:conversationId/notes',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/inbox/threads/:conversationId/notes',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    body: () => fc.record({ text }),
    touches: ['inbox_threads', 'inbox_notes', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/threads/:conversationId/canned-replies/:replyId',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: threadCannedParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/labels',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/inbox/labels',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    body: () => fc.record({ name: labelNameArb }),
    touches: ['inbox_labels', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/pages/:id/inbox/labels/:labelId',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageLabelParams,
    touches: ['inbox_labels', 'inbox_thread_labels', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/canned-replies',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/inbox/canned-replies',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    body: () => fc.record({ shortcut: shortcutArb, text: cannedTextArb }),
    touches: ['inbox_canned_replies', 'events'],
  },
  {
    method: 'PATCH',
    path: '/api/pages/:id/inbox/canned-replies/:replyId',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageCannedParams,
    body: () => fc.record({ shortcut: opt(shortcutArb), text: opt(cannedTextArb) }).map(defined),
    touches: ['inbox_canned_replies', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/pages/:id/inbox/canned-replies/:replyId',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageCannedParams,
    touches: ['inbox_canned_replies', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/commerce-policy',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'PUT',
    path: '/api/pages/:id/commerce-policy',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    body: () => {
      const rule = fc.record({
        until: fc.constantFrom('never', 'placed', 'processing'),
        approval: fc.constantFrom('automatic', 'manual'),
      });
      return fc.oneof(
        fc.record({
          changeAddress: rule,
          changeItems: rule,
          cancel: rule,
          returns: fc.record({
            days: fc.integer({ min: -1, max: 400 }),
            approval: fc.constantFrom('automatic', 'manual'),
          }),
          oneOpenRequest: fc.boolean(),
        }),
        anyBody,
      );
    },
    touches: ['order_request_policies'],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/orders/:number/requests/:requestId/answer',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: (w) =>
      fc.record({ id: pageId(w), number: idFrom(() => ['N-unknown']), requestId: idFrom(() => ['r-unknown']) }),
    body: () =>
      fc.oneof(
        fc.record({ decision: fc.constantFrom('accept', 'reject', 'needs_info'), message: opt(text) }).map(defined),
        anyBody,
      ),
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/settings',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'PUT',
    path: '/api/pages/:id/inbox/settings',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    body: () =>
      fc
        .record({
          firstResponseTargetMinutes: opt(minutesArb),
          resolutionTargetMinutes: opt(minutesArb),
          csatEnabled: opt(fc.boolean()),
        })
        .map(defined),
    touches: ['inbox_settings', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/inbox/csat',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
];

export const routes: Route[] = [
  { method: 'GET', path: '/healthz', auth: false, query: () => noQuery, touches: [] },
  { method: 'GET', path: '/api/openapi.json', auth: false, query: () => noQuery, touches: [] },
  { method: 'GET', path: '/api/instance', auth: false, query: () => noQuery, touches: [] },
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
  { method: 'GET', path: '/api/me', auth: true, query: () => noQuery, touches: [] },
  {
    method: 'PATCH',
    path: '/api/me',
    auth: true,
    body: () => fc.record({ displayName }),
    touches: ['users', 'events'],
  },
  // Account control: the fuzzed passwords are never the actor's (the world's people stay), so these
  // exercise the refusals — wrong_password, weak_password, bad bodies, the sign-in limits.
  {
    method: 'POST',
    path: '/api/me/password',
    auth: true,
    body: () =>
      fc.record(
        {
          currentPassword: fc.oneof(fc.string({ maxLength: 40 }), oddText(20), nearLimit(1000, 1030)),
          newPassword: fc.oneof(fc.string({ maxLength: 40 }), nearLimit(limits.password.min, limits.password.max + 4)),
          signOutOtherDevices: opt(fc.oneof(fc.boolean(), jsonEdge)),
        },
        { requiredKeys: ['currentPassword', 'newPassword'] },
      ),
    touches: ['users', 'sessions', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/me',
    auth: true,
    body: () => fc.record({ password: fc.oneof(fc.string({ maxLength: 40 }), oddText(20), nearLimit(1000, 1030)) }),
    touches: [
      'users',
      'sessions',
      'devices',
      'members',
      'member_periods',
      'events',
      'page_members',
      'page_tokens',
      'app_webhooks',
      'media',
      'conversations',
    ],
  },
  {
    method: 'PUT',
    path: '/api/me/avatar',
    auth: true,
    body: (w) => fc.record({ mediaId: idFrom(() => w.media) }),
    touches: ['users', 'media', 'events'],
  },
  { method: 'DELETE', path: '/api/me/avatar', auth: true, touches: ['users', 'media', 'events'] },
  { method: 'GET', path: '/api/sessions', auth: true, query: () => noQuery, touches: [] },
  // An order as a card in a thread shows it (the Orders API itself takes a page token: orders.test.ts).
  {
    method: 'GET',
    path: '/api/orders/:id',
    auth: true,
    params: () => fc.record({ id: idFrom(() => ['nobody', 'o-unknown']) }),
    touches: [],
  },
  // Customers' requests on orders: for an order nobody has, or another person's, nothing changes.
  {
    method: 'POST',
    path: '/api/orders/:id/requests',
    auth: true,
    params: () => fc.record({ id: idFrom(() => ['nobody', 'o-unknown']) }),
    body: () =>
      fc.oneof(
        fc.record({ kind: fc.constant('cancel'), note: opt(text) }).map(defined),
        fc.record({
          kind: fc.constant('change'),
          change: fc.record({
            items: fc.array(fc.record({ item: fc.nat(120), quantity: fc.nat(5) }), { maxLength: 3 }),
          }),
        }),
        fc.record({ kind: fc.constant('return'), reason: fc.constantFrom('damaged', 'other', 'nope') }),
        anyBody,
      ),
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/orders/:id/requests/:requestId/reply',
    auth: true,
    params: () => fc.record({ id: idFrom(() => ['nobody']), requestId: idFrom(() => ['r-unknown']) }),
    body: () => fc.oneof(fc.record({ text }), anyBody),
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/orders/:id/requests/:requestId/withdraw',
    auth: true,
    params: () => fc.record({ id: idFrom(() => ['nobody']), requestId: idFrom(() => ['r-unknown']) }),
    body: () => anyBody,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/orders/:id/support',
    auth: true,
    params: () => fc.record({ id: idFrom(() => ['nobody', 'o-unknown']) }),
    body: () => fc.oneof(fc.record({ text: opt(text) }).map(defined), anyBody),
    touches: [],
  },
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
    // cat shares a conversation with ana's page: the people she may find by prefix include its account.
    actors: ['ana', 'ben', 'cat', 'eve'],
    query: (w) => searchQuery(w, limits.userSearch.queryMin, limits.userSearch.queryMax),
    touches: [],
  },
  { method: 'GET', path: '/api/conversations', auth: true, query: () => noQuery, touches: [] },
  {
    method: 'POST',
    path: '/api/conversations/direct',
    auth: true,
    body: (w) => fc.record({ userId: userId(w) }),
    // With a page's account: the id the page knows the person by too.
    touches: ['conversations', 'members', 'member_periods', 'events', 'page_scoped_ids'],
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
    touches: ['conversations', 'members', 'member_periods', 'events', 'conversation_activity'],
  },
  {
    method: 'GET',
    path: '/api/conversations/:id',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    query: () => noQuery,
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
    touches: ['conversations', 'events', 'conversation_activity'],
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
    touches: ['members', 'member_periods', 'events', 'conversation_activity'],
  },
  {
    method: 'GET',
    path: '/api/conversations/:id/messages',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    query: () => threadHistoryQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/conversations/:id/messages',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    body: sendBody,
    // A thread's first message takes a short link's ref waiting with the page-scoped id (platform/referrals.ts),
    // and brings a one-to-one conversation to the person who did not open it (their member period).
    touches: ['messages', 'conversations', 'members', 'events', 'page_scoped_ids', 'inbox_threads', 'member_periods'],
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
    // Its reactions go with it.
    touches: ['messages', 'events', 'message_reactions'],
  },
  ...(['PUT', 'DELETE'] as const).map(
    (method): Route => ({
      method,
      path: '/api/conversations/:id/messages/:messageId/reactions/:emoji',
      auth: true,
      idKind: 'conversation',
      params: (w) => fc.record({ id: conversationId(w), messageId: messageId(w), emoji: reactionEmojiArb }),
      touches: ['message_reactions', 'events'],
    }),
  ),
  {
    method: 'POST',
    path: '/api/conversations/:id/receipts',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    body: receiptBody,
    touches: ['members', 'events'],
  },
  // Media: uploads (any bytes: the fuzzed bodies are files too), reads by session or signed link.
  {
    method: 'POST',
    path: '/api/media',
    auth: true,
    query: () => uploadQuery,
    body: () => fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), jsonEdge),
    touches: ['media'],
  },
  {
    method: 'GET',
    path: '/api/media/:id',
    auth: true,
    file: true,
    params: (w) => fc.record({ id: idFrom(() => w.media) }),
    query: () => mediaQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/media/:id/thumbnail',
    auth: true,
    file: true,
    params: (w) => fc.record({ id: idFrom(() => w.media) }),
    query: () => mediaQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/events',
    auth: true,
    query: () =>
      fc.oneof(
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
  { method: 'GET', path: '/api/apps', auth: true, query: () => noQuery, touches: [] },
  {
    method: 'GET',
    path: '/api/apps/:id',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: appId(w) }),
    query: () => noQuery,
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
    method: 'POST',
    path: '/api/apps/:id/pages/:pageId',
    auth: true,
    idKind: 'app',
    pageRole: 'admin',
    actors: pageActors,
    params: appPageParams,
    body: () => anyBody,
    touches: ['page_tokens'],
  },
  {
    method: 'GET',
    path: '/api/apps/:id/deliveries',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: subscribedAppId(w) }),
    query: deliveriesQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/apps/:id/deliveries/:deliveryId',
    auth: true,
    idKind: 'app',
    params: deliveryParams,
    query: () => noQuery,
    touches: [],
  },
  // A replay and a test event are events of the log (`events`, scoped to the app); the deliveries they
  // become are written in the background, left out of the snapshots (rows.ts).
  {
    method: 'POST',
    path: '/api/apps/:id/deliveries/:deliveryId/replay',
    auth: true,
    idKind: 'app',
    params: deliveryParams,
    body: () => anyBody,
    touches: ['events'],
  },
  {
    method: 'POST',
    path: '/api/apps/:id/webhook/test',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: subscribedAppId(w) }),
    body: (w) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constant({}) },
        { weight: 3, arbitrary: fc.record({ pageId: pageId(w) }) },
        { weight: 1, arbitrary: fc.record({ pageId: fc.oneof(nearLimit(64, 65), jsonEdge) }) },
      ),
    touches: ['events'],
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
    method: 'POST',
    path: '/api/pages',
    auth: true,
    body: (w) =>
      fc
        .record({
          name: pageName,
          username: fc.oneof({ weight: 3, arbitrary: username(w) }, pick(pageUsernames(w))),
          description: opt(pageDescription),
        })
        .map(defined),
    touches: ['users', 'pages', 'page_members', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages',
    auth: true,
    actors: pageActors,
    query: (w) =>
      fc.oneof(
        { weight: 3, arbitrary: searchQuery(w, limits.pageSearch.queryMin, limits.pageSearch.queryMax) },
        // A short link's page, by its exact username (or not quite).
        searchQuery(w, 1, 256).map((q) => q.map(([k, v]) => [k === 'q' ? 'username' : k, v] as [string, string])),
        fc
          .tuple(pick(pageUsernames(w)), fc.constantFrom('', 'x', '%', ' '))
          .map(([u, extra]) => [['username', `${u}${extra}`]] as [string, string][]),
        queryOf(['q', 'username']),
      ),
    touches: [],
  },
  { method: 'GET', path: '/api/me/pages', auth: true, actors: pageActors, query: () => noQuery, touches: [] },
  {
    method: 'GET',
    path: '/api/pages/:id',
    auth: true,
    idKind: 'page',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/profile',
    auth: true,
    idKind: 'page',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'PATCH',
    path: '/api/pages/:id',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    body: () =>
      fc.oneof(
        fc.record({ name: pageName }),
        fc.record({ description: pageDescription }),
        fc.record({ name: opt(pageName), description: opt(pageDescription) }).map(defined),
      ),
    touches: ['pages', 'users', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/members',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/apps',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/conversation',
    auth: true,
    idKind: 'page',
    actors: pageActors,
    params: pageParams,
    // Through the page's short link, with a ref (limits.ref) or none.
    body: () =>
      fc.oneof(
        fc.constant({}),
        fc.record({
          ref: fc.oneof(
            { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9+/=\-.:_]{1,40}$/) },
            nearLimit(limits.ref.min, limits.ref.max),
            oddText(30),
            fc.constantFrom('', 'a b', 'café', 'a&b', '?ref=x'),
          ),
        }),
      ),
    // A ref is a referral event (and when it is last), or waits with the page-scoped id for the first message.
    touches: ['page_scoped_ids', 'conversations', 'members', 'member_periods', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/conversations',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/conversations/:conversationId',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/conversations/:conversationId/messages',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    query: () => historyQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/conversations/:conversationId/messages',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    body: sendBody,
    // A thread's first message takes a short link's ref waiting with the page-scoped id (platform/referrals.ts).
    touches: ['messages', 'conversations', 'members', 'events', 'page_scoped_ids', 'inbox_threads'],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/conversations/:conversationId/receipts',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    body: receiptBody,
    touches: ['members', 'events'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/handover',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: pageParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'PUT',
    path: '/api/pages/:id/handover',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    body: (w) => fc.record({ primaryAppId: fc.oneof(fc.constant(null), receiverId(w)) }),
    touches: ['page_primary_receivers'],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/conversations/:conversationId/thread-control',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    query: () => noQuery,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/conversations/:conversationId/thread-control',
    auth: true,
    idKind: 'page',
    pageRole: 'agent',
    actors: pageActors,
    params: inboxParams,
    body: threadControlBody,
    touches: ['thread_owners', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/apps/:id/pages/:pageId',
    auth: true,
    idKind: 'app',
    actors: pageActors,
    params: appPageParams,
    touches: ['page_tokens'],
  },
  {
    method: 'DELETE',
    path: '/api/conversations/:id/members/:userId',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w), userId: userId(w) }),
    // One's own settings of the conversation go with the membership.
    touches: ['members', 'member_periods', 'events', 'conversation_activity', 'conversation_settings'],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/members',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: pageParams,
    body: (w) =>
      fc.record({
        username: fc.oneof(
          { weight: 4, arbitrary: pick(usernames(w)) },
          pick(pageUsernames(w)),
          pick(usernames(w)).map((u) => ` ${u.toUpperCase()} `),
          username(w),
          nearLimit(255, 257),
        ),
        role: pageRole,
      }),
    touches: ['page_members', 'events'],
  },
  {
    method: 'PATCH',
    path: '/api/pages/:id/members/:userId',
    auth: true,
    idKind: 'page',
    pageRole: 'admin',
    actors: pageActors,
    params: (w) => fc.record({ id: pageId(w), userId: pageMemberId(w) }),
    body: () => fc.record({ role: pageRole }),
    touches: ['page_members', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/pages/:id/members/:userId',
    auth: true,
    idKind: 'page',
    pageRole: 'admin-or-self',
    actors: pageActors,
    params: (w) => fc.record({ id: pageId(w), userId: pageMemberId(w) }),
    touches: ['page_members', 'events'],
  },
  ...inboxRoutes,
  // Opt-in at checkout and the person's standing with pages (server/platform/optin-routes.ts). The world's
  // pages whitelist no domain: an opt-in is refused (origin_not_allowed) unless the input is bad first.
  {
    method: 'POST',
    path: '/api/optins',
    auth: true,
    actors: pageActors,
    body: (w) =>
      fc.record(
        {
          pageId: pageId(w),
          userRef: fc.oneof(
            { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/) },
            nearLimit(1, 250),
            oddText(30),
            fc.constantFrom('', 'a b', 'café', 'a/b'),
          ),
          ref: fc.oneof(fc.stringMatching(/^[A-Za-z0-9+/=\-.:_]{1,40}$/), oddText(20), fc.constant('')),
          origin: fc.constantFrom('https://shop.example', 'http://localhost:8080', 'javascript:x', '', 'null'),
          returnTo: fc.constantFrom('https://shop.example/thanks', 'ftp://x', 'https://u:p@shop.example/'),
          how: fc.constantFrom('checkbox', 'link', 'other'),
        },
        { requiredKeys: ['pageId', 'userRef', 'how'] },
      ),
    touches: ['optins', 'page_consents', 'events'],
  },
  {
    method: 'POST',
    path: '/api/optins/revoke',
    auth: true,
    actors: pageActors,
    body: (w) =>
      fc.record({ pageId: pageId(w), userRef: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,20}$/), oddText(20)) }),
    touches: ['optins'],
  },
  { method: 'GET', path: '/api/optins', auth: true, actors: pageActors, query: () => noQuery, touches: [] },
  {
    method: 'GET',
    path: '/api/optins/check',
    auth: true,
    actors: pageActors,
    query: (w) =>
      fc
        .record({
          page_id: pageId(w),
          user_ref: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/), oddText(20)),
          return_to: fc.constantFrom('https://shop.example/x', 'javascript:alert(1)', ''),
        })
        .map((q) => Object.entries(q)),
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/pages/:id/consent',
    auth: true,
    idKind: 'page',
    actors: pageActors,
    params: pageParams,
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/pages/:id/consent',
    auth: true,
    idKind: 'page',
    actors: pageActors,
    params: pageParams,
    body: () =>
      fc.record(
        {
          updates: fc.constantFrom('stopped', 'allowed', 'never'),
          blocked: fc.oneof(fc.boolean(), fc.constant('yes')),
        },
        { requiredKeys: [] },
      ),
    // Stopping or blocking revokes the person's opt-ins with the page.
    touches: ['page_consents', 'optins'],
  },
  // Content apps (server/compose/routes.ts): test/fuzz/compose-routes.ts.
  ...composeRoutes,
  // Chat management (server/messaging/settings.ts).
  {
    method: 'PATCH',
    path: '/api/conversations/:id/settings',
    auth: true,
    idKind: 'conversation',
    params: (w) => fc.record({ id: conversationId(w) }),
    body: () =>
      fc.record(
        {
          mutedUntil: fc.oneof(
            fc.constant(null),
            fc.constantFrom('9999-12-31T23:59:59.999Z', '2001-01-01T00:00:00Z', '2999-01-01T00:00:00+02:00', 'always'),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            jsonEdge,
          ),
          pinned: fc.oneof(fc.boolean(), jsonEdge),
          archived: fc.oneof(fc.boolean(), jsonEdge),
        },
        { requiredKeys: [] },
      ),
    touches: ['conversation_settings', 'events'],
  },
  {
    method: 'POST',
    path: '/api/messages/:id/hide',
    auth: true,
    idKind: 'message',
    params: (w) => fc.record({ id: messageId(w) }),
    touches: ['hidden_messages', 'events'],
  },
  {
    method: 'POST',
    path: '/api/messages/:id/forward',
    auth: true,
    idKind: 'message',
    params: (w) => fc.record({ id: messageId(w) }),
    body: (w) =>
      fc.record({
        clientId: clientIdArb(w),
        conversationIds: fc.oneof(
          fc.uniqueArray(conversationId(w), { minLength: 1, maxLength: 6 }),
          fc.array(conversationId(w), { maxLength: 3 }),
        ),
      }),
    // Each copy is a send (messaging's send path) with copies of the media.
    touches: ['messages', 'conversations', 'members', 'events', 'media', 'page_scoped_ids', 'inbox_threads'],
  },
  // Presence (server/presence/routes.ts): people's ids, strangers' and none, comma-separated, near the limit.
  {
    method: 'GET',
    path: '/api/presence',
    auth: true,
    query: (w) =>
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc.array(userId(w), { minLength: 1, maxLength: 5 }).map((ids) => [['userIds', ids.join(',')]]),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(0, 1, 199, 200, 201)
            .map((n) => [['userIds', Array.from({ length: n }, (_, i) => `u${i}`).join(',')]]),
        },
        { weight: 1, arbitrary: queryOf(['userIds']) },
      ) as fc.Arbitrary<[string, string][]>,
    touches: [],
  },
  { method: 'GET', path: '/api/me/settings', auth: true, query: () => noQuery, touches: [] },
  {
    method: 'PATCH',
    path: '/api/me/settings',
    auth: true,
    body: () =>
      fc.oneof(
        { weight: 3, arbitrary: fc.record({ showPresence: fc.boolean() }) },
        fc.record({ showPresence: fc.constantFrom('yes', 1, null, 'false') }),
      ),
    touches: ['users'],
  },
  // Blocking people (server/blocks/routes.ts).
  { method: 'GET', path: '/api/blocks', auth: true, query: () => noQuery, touches: [] },
  {
    method: 'POST',
    path: '/api/blocks',
    auth: true,
    body: (w) => fc.record({ userId: userId(w) }),
    touches: ['blocks', 'events'],
  },
  {
    method: 'DELETE',
    path: '/api/blocks/:userId',
    auth: true,
    params: (w) => fc.record({ userId: userId(w) }),
    touches: ['blocks', 'events'],
  },
  { method: 'GET', path: '/api/search/messages', auth: true, query: messageSearchQuery, touches: [] },
];

export const routeName = (r: Route) => `${r.method} ${r.path}`;

/** Who makes a request: one of the world's people, or nobody signed in. */
export type Actor = Name | 'anon';
const defaultActors: readonly Name[] = ['ana', 'ana', 'ben', 'eve', 'eve'];
/** Who sends a hostile request to the route: its actors or nobody. */
export const actorOf = (r: Route): fc.Arbitrary<Actor> =>
  fc.constantFrom<Actor>(...(r.actors ?? defaultActors), 'anon');
/** Who sends a plausible request to the route: one of its actors. */
export const plausibleActorOf = (r: Route): fc.Arbitrary<Actor> =>
  fc.constantFrom<Actor>(...(r.actors ?? ['ana', 'ana', 'ben', 'eve']));
