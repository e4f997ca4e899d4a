import fc from 'fast-check';
import { composeKinds, composeLimits } from '../../protocol/compose.ts';
import { jsonEdge, nearLimit, oddText } from './arbitraries.ts';
import { clientIdArb, idFrom, pick, type Route } from './routes.ts';
import type { World } from './world.ts';

/**
 * The content apps' routes (server/compose/routes.ts) for the HTTP fuzzer, spread into routes.ts's list.
 * The world's content app (test/helpers/content-app.ts, on 127.0.0.1) answers the queries and serves its
 * icon and GIFs; ana made it and enabled it, and so did ben. Generators only run inside the closures (this
 * module and routes.ts import each other).
 */

const composeAppId = (w: World) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(w.composeAppId) }, { weight: 2, arbitrary: idFrom(() => w.apps) });
/** Mostly the world's content app's own URLs; else refused addresses, odd schemes, odd or long text. */
const appUrl = (w: World, own: () => string) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(null).map(own) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        `${w.contentApp.origin}/missing.png`,
        'http://10.0.0.1/icon.png',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/',
        'http://localhost:1/',
        'http://nowhere.invalid/',
        'javascript:alert(1)',
        'ftp://127.0.0.1/',
        'http://user:pw@127.0.0.1/',
      ),
    },
    { weight: 1, arbitrary: nearLimit(1, composeLimits.url + 1) },
    { weight: 1, arbitrary: oddText(40) },
  );
const kinds = fc.oneof(
  { weight: 8, arbitrary: fc.subarray([...composeKinds], { minLength: 1 }) },
  fc.constant([]),
  fc.array(fc.oneof(fc.constantFrom(...composeKinds), fc.constantFrom('file', 'GIF', ''), oddText(8)), {
    maxLength: 5,
  }),
);
const extensionBody = (w: World) =>
  fc.record({
    name: fc.oneof(
      { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
      nearLimit(1, composeLimits.name + 1),
      oddText(40),
    ),
    iconUrl: appUrl(w, () => w.contentApp.iconUrl),
    // Kept on the world's app mostly: the other routes need it to answer.
    kinds: fc.oneof({ weight: 6, arbitrary: fc.constant(['gif']) }, { weight: 1, arbitrary: kinds }),
    queryUrl: appUrl(w, () => w.contentApp.queryUrl),
  });
const words = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('cat', 'dog', '', 'CAT', 'c') },
  { weight: 1, arbitrary: nearLimit(0, composeLimits.query + 1) },
  { weight: 2, arbitrary: oddText(20) },
);
/** Mostly absent (the first page) or a page the app gives; else odd. */
const offset = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constantFrom('2', '0') },
  { weight: 1, arbitrary: fc.constantFrom('-1', '', '4') },
  { weight: 1, arbitrary: nearLimit(0, composeLimits.offset + 1) },
  { weight: 1, arbitrary: oddText(8) },
);
/** Mostly none; else a message of the pools (readable or not by whoever asks). */
const replyTo = (w: World) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: idFrom(() => w.messages) });
const locale = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(undefined, 'en', 'fr-CA') },
  { weight: 1, arbitrary: fc.constantFrom('x', 'not a tag') },
  { weight: 1, arbitrary: oddText(8) },
);
const present = (entries: [string, string | undefined][]) =>
  entries.filter((e): e is [string, string] => e[1] !== undefined);
const resultsQuery = (w: World) =>
  fc.tuple(words, offset, replyTo(w), locale).map(([q, o, r, l]) =>
    present([
      ['q', q],
      ['offset', o],
      ['replyTo', r],
      ['locale', l],
    ]),
  );
const resultId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('cat-1', 'cat-2', 'cat-3', 'dog-1') },
  { weight: 1, arbitrary: nearLimit(1, composeLimits.resultId + 1) },
  { weight: 1, arbitrary: jsonEdge },
);
const sendBody = (w: World) =>
  fc
    .record({
      // Mostly ana and ben's conversation (the first of the world's), where they may send.
      conversationId: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null).map(() => w.base[0] as string) },
        { weight: 2, arbitrary: idFrom(() => w.conversations) },
      ),
      clientId: clientIdArb(w),
      resultId,
      q: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('cat', 'dog') }, { weight: 1, arbitrary: words }),
      offset,
      replyTo: replyTo(w),
      locale,
    })
    .map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)));

export const composeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/compose-apps',
    auth: true,
    touches: [],
  },
  {
    method: 'PUT',
    path: '/api/compose-apps/:appId/enabled',
    auth: true,
    params: (w) => fc.record({ appId: composeAppId(w) }),
    touches: ['compose_enabled'],
  },
  {
    method: 'GET',
    path: '/api/compose-apps/:appId/icon',
    auth: true,
    file: 'signed-in',
    params: (w) => fc.record({ appId: composeAppId(w) }),
    query: () => fc.oneof(fc.constant<[string, string][]>([]), fc.constant<[string, string][]>([['v', '1']])),
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/compose-apps/:appId/results',
    auth: true,
    params: (w) => fc.record({ appId: composeAppId(w) }),
    query: resultsQuery,
    touches: [],
  },
  {
    method: 'GET',
    path: '/api/compose-apps/:appId/preview/:token',
    auth: true,
    file: 'preview',
    params: (w) =>
      fc.record({
        appId: composeAppId(w),
        token: fc.oneof(
          { weight: 4, arbitrary: pick(() => [...w.previews.keys()]) },
          { weight: 1, arbitrary: oddText(40) },
        ),
      }),
    touches: [],
  },
  {
    method: 'POST',
    path: '/api/compose-apps/:appId/send',
    auth: true,
    params: (w) => fc.record({ appId: composeAppId(w) }),
    body: sendBody,
    // A message as a send makes one (in a page's thread too), with its media stored.
    touches: ['messages', 'conversations', 'members', 'events', 'page_scoped_ids', 'inbox_threads', 'media'],
  },
  {
    method: 'DELETE',
    path: '/api/compose-apps/:appId/enabled',
    auth: true,
    params: (w) => fc.record({ appId: composeAppId(w) }),
    touches: ['compose_enabled'],
  },
  {
    method: 'GET',
    path: '/api/apps/:id/compose-extension',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: composeAppId(w) }),
    touches: [],
  },
  {
    method: 'PUT',
    path: '/api/apps/:id/compose-extension',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: composeAppId(w) }),
    body: extensionBody,
    touches: ['compose_extensions'],
  },
  {
    method: 'DELETE',
    path: '/api/apps/:id/compose-extension',
    auth: true,
    idKind: 'app',
    params: (w) => fc.record({ id: composeAppId(w) }),
    touches: ['compose_extensions', 'compose_enabled'],
  },
];
