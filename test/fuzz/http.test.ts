import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  AppResponse,
  AppsResponse,
  DeliveriesResponse,
  DeliveryResponse,
  EventsResponse,
  MyPagesResponse,
  PageConversationResponse,
  PageMembersResponse,
  PagesResponse,
  PresenceResponse,
  WebhookResponse,
} from '../../protocol/api.ts';
import type { ComposeAppsResponse, ComposeResultsResponse } from '../../protocol/compose.ts';
import type {
  CannedReplyResponse,
  InboxLabelsResponse,
  InboxThreadResponse,
  InboxThreadsResponse,
} from '../../protocol/inbox.ts';
import { limits } from '../../protocol/limits.ts';
import type { ConversationView, MessageView, PageRole, PageView, SessionView, UserView } from '../../protocol/views.ts';
import { backends } from '../helpers/backends.ts';
import type { TestServer } from '../helpers/server.ts';
import { contentType, encodeAny, jsonEdge, mutated, oddText, padded, textMutation } from './arbitraries.ts';
import {
  assertWellFormed,
  errorIdOf,
  fuzzParams,
  fuzzServer,
  isPlainObject,
  type RawAnswer,
  type RawRequest,
  rawRequest,
  Stats,
  Watch,
} from './harness.ts';
import { type Actor, actorOf, plausibleActorOf, type Route, routeName, routes } from './routes.ts';
import { describeDiff, diffRows, pageInvariants, unknownToPage } from './rows.ts';
import { names, type Snapshot, World } from './world.ts';

/**
 * Fuzzing the HTTP API on both backends: every route of docs/PROTOCOL.md, with well-shaped input near the
 * limits and mutations of it (fields dropped, added, retyped; damaged JSON; other content types; oversized
 * bodies), from each of the world's people and from nobody. Properties, for every request:
 * 1. the answer is a known status with the error envelope and a catalogued id, never `internal`;
 * 2. nothing unhandled happens in the server process, and it logs no error;
 * 3. a batch of refused requests changes no stored row and nothing any person sees; an accepted one
 *    changes only the tables its route may change, and does what it says (one message per new client id,
 *    none for a retried one); a stranger never gets a 2xx on someone else's conversation or message;
 * 4. an app is its owner's alone (anyone else: `app_not_found`, before anything else happens: the URL,
 *    the page, the delivery, the webhook), it is connected only to a page its owner runs as admin, its log
 *    lists its own deliveries, and the server calls a webhook for a handshake only for its owner, only
 *    when the URL passed every check (deliveries come in the background).
 * 5. on business pages: only the people who run a page get a 2xx on its members, its inbox and its
 *    changes (its admins alone on changing it and who runs it, but for leaving it); the inbox acts as the
 *    page, only in the page's conversations; page search answers pages only and people search people
 *    only; after every batch, every page still has an admin, is run by people only, its account is in
 *    one-to-one conversations only, and it knows everyone it talks with by a page-scoped id.
 */

type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

interface Input {
  actor: Actor | 'forged';
  forgedCookie: string;
  params: Record<string, string>;
  query: [string, string][];
  body: Body;
  contentType: string;
  origin: 'own' | 'foreign' | 'none';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function inputOf(route: Route, w: World): fc.Arbitrary<Input> {
  const shaped = route.body?.(w);
  const body: fc.Arbitrary<Body> = shaped
    ? fc.oneof(
        { weight: 5, arbitrary: shaped.map((value): Body => ({ kind: 'json', value })) },
        { weight: 5, arbitrary: mutated(shaped).map((value): Body => ({ kind: 'json', value })) },
        {
          weight: 2,
          arbitrary: fc
            .tuple(shaped, textMutation)
            .map(([v, m]): Body => ({ kind: 'text', text: m(JSON.stringify(v)) })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(shaped, fc.constantFrom(64 * 1024, 64 * 1024 + 1, 300 * 1024))
            .map(([v, n]): Body => ({ kind: 'text', text: padded(v, n) })),
        },
      )
    : fc.oneof(
        { weight: 8, arbitrary: fc.constant<Body>({ kind: 'none' }) },
        { weight: 1, arbitrary: jsonEdge.map((value): Body => ({ kind: 'json', value })) },
        { weight: 1, arbitrary: textMutation.map((m): Body => ({ kind: 'text', text: m('{}') })) },
      );
  const hostile = fc.record({
    actor: fc.oneof(
      { weight: 8, arbitrary: actorOf(route) },
      { weight: 1, arbitrary: fc.constant<'forged'>('forged') },
    ),
    forgedCookie: fc.stringMatching(/^[A-Za-z0-9%_=.-]{0,150}$/),
    params: route.params?.(w) ?? fc.constant({}),
    query: route.query?.(w) ?? fc.constant<[string, string][]>([]),
    body,
    contentType,
    origin: fc.constantFrom<Input['origin']>('none', 'none', 'none', 'own', 'foreign'),
  });
  // As a client would send it (the values may still be odd): reaches the services, not only validation.
  const plausible = fc.record({
    actor: plausibleActorOf(route),
    forgedCookie: fc.constant(''),
    params: route.params?.(w) ?? fc.constant({}),
    query: route.query?.(w) ?? fc.constant<[string, string][]>([]),
    body: shaped ? shaped.map((value): Body => ({ kind: 'json', value })) : fc.constant<Body>({ kind: 'none' }),
    contentType: fc.constant('application/json'),
    origin: fc.constantFrom<Input['origin']>('none', 'own'),
  });
  return fc.oneof(plausible, hostile);
}

function requestOf(route: Route, input: Input, w: World): RawRequest {
  let path = route.path.replace(/:(\w+)/g, (_, k: string) => encodeAny(input.params[k] ?? ''));
  if (input.query.length > 0) path += `?${input.query.map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`).join('&')}`;
  const headers: Record<string, string> = {};
  if (input.actor === 'forged') headers.cookie = `comptoir_session=${input.forgedCookie}`;
  else if (input.actor !== 'anon') headers.cookie = w.cookieOf(input.actor);
  if (input.origin === 'own') headers.origin = w.s.url;
  if (input.origin === 'foreign') headers.origin = 'https://evil.example';
  let body: string | undefined;
  if (input.body.kind === 'json') body = JSON.stringify(input.body.value) ?? 'null';
  if (input.body.kind === 'text') body = input.body.text;
  if (body !== undefined && input.contentType !== '') headers['content-type'] = input.contentType;
  // A GET carries no body (browsers and fetch cannot send one).
  if (route.method === 'GET') body = undefined;
  return { method: route.method, path, headers, ...(body !== undefined ? { body } : {}) };
}

/** The body as the server parsed it (when it is JSON). */
function sentBody(input: Input): unknown {
  if (input.body.kind === 'json') return input.body.value;
  if (input.body.kind === 'text') {
    try {
      return JSON.parse(input.body.text);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A route of business pages (`/api/pages…`, `/api/me/pages`). */
const isPageRoute = (route: Route) => /^\/api\/(me\/)?pages/.test(route.path);
/** A route of a page's inbox (`/api/pages/:id/conversations/:conversationId…`): it acts as the page. */
const isInbox = (route: Route) => route.path.includes(':conversationId');
/** A route that sends a message, as a person or as a page. */
const isSend = (route: Route) => route.method === 'POST' && route.path.endsWith('/messages');
const isReceipt = (route: Route) => route.method === 'POST' && route.path.endsWith('/receipts');

/** The account a request acts as: the page on its inbox routes, else the person who sends it. */
function actingAs(route: Route, input: Input, w: World): string | null {
  if (input.actor === 'anon' || input.actor === 'forged') return null;
  return isInbox(route) ? (input.params.id ?? null) : w.user(input.actor).id;
}

/**
 * Text as storage keeps it: both backends store UTF-8, where a lone surrogate half (which JSON can carry,
 * as `"\ud83d"`) becomes U+FFFD (String.prototype.toWellFormed).
 */
const stored = (text: string) =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** What is known before a request, for the oracles after it. */
interface Before {
  me: string | null;
  /**
   * For a route on a conversation or message (or, for the inbox routes, on one of the page's
   * conversations): whether the account it acts as (the person, or the page) may act on it, and ever could.
   */
  member: boolean;
  everMember: boolean;
  /** For a send: the message that already has this client id (of the person, or of the page). */
  prior: { id: string; conversationId: string } | null;
  /** For a route on an app: whether the actor owns it. */
  ownsApp: boolean;
  /** Handshakes the world's webhook receiver had received (its deliveries, POSTs, come in the background). */
  handshakes: number;
  /** For a route on a page (or naming one, `:pageId`): the person's role on it (null: they do not run it). */
  pageRole: PageRole | null;
}

const handshakesOf = (w: World) => w.receiver.requests.filter((r) => r.method === 'GET').length;

async function beforeRequest(route: Route, input: Input, w: World): Promise<Before> {
  const me = input.actor === 'anon' || input.actor === 'forged' ? null : w.user(input.actor).id;
  const acting = actingAs(route, input, w);
  const reader = w.s.comptoir.storage.reader;
  let conversationId: string | null = null;
  if (route.idKind === 'conversation') conversationId = input.params.id ?? null;
  if (route.idKind === 'message') conversationId = await w.conversationOf(input.params.id ?? '');
  if (isInbox(route)) conversationId = input.params.conversationId ?? null;
  const row = conversationId && acting ? await reader.messaging.member(conversationId, acting) : null;
  let prior: Before['prior'] = null;
  const body = sentBody(input);
  if (isSend(route) && acting && isPlainObject(body)) {
    if (typeof body.clientId === 'string') prior = await reader.messaging.messageByClientId(acting, body.clientId);
  }
  const app = route.idKind === 'app' ? await reader.apps.appById(input.params.id ?? '') : null;
  const page = route.idKind === 'page' ? input.params.id : input.params.pageId;
  const pageRole = page !== undefined && me ? ((await reader.pages.pageMember(page, me))?.role ?? null) : null;
  return {
    me,
    member: row?.active === true,
    everMember: row !== null,
    prior,
    ownsApp: app !== null && app.ownerId === me,
    handshakes: handshakesOf(w),
    pageRole,
  };
}

/** Checks one answer against what the request was and who sent it. */
async function checkAnswer(route: Route, input: Input, b: Before, a: RawAnswer, w: World, what: string) {
  const ok = a.status < 300 || a.status === 304;
  if (route.file && ok) {
    // A file's bytes: only to someone who may read it (no fuzzed signature is ever valid).
    const readers =
      route.file === 'signed-in'
        ? new Set(names.map((n) => w.user(n).id))
        : route.file === 'preview'
          ? new Set([w.previews.get(input.params.token ?? '')])
          : w.mediaReaders.get(input.params.id ?? '');
    assert.ok(b.me !== null && readers?.has(b.me), `a file read by someone who may not: ${what}`);
    assert.ok([200, 206, 304].includes(a.status), `${a.status}: ${what}`);
    return;
  }
  assertWellFormed(a, what);
  const id = errorIdOf(a);
  // Refused for its origin (or, before any hook, for a URL that cannot be decoded).
  if (input.origin === 'foreign' && UNSAFE.has(route.method))
    assert.ok(id === 'forbidden_origin' || id === 'bad_request', `a write from another origin: ${what}`);
  // An empty parameter names another route (GET /api/conversations/ is the list).
  const sameRoute = Object.values(input.params).every((v) => v !== '');
  if (route.auth && b.me === null && sameRoute) {
    assert.ok(!ok, `signed out yet ${a.status}: ${what}`);
    assert.ok(
      // A signed link's fields answer media_link_expired without a session (docs/MEDIA.md).
      ['unauthenticated', 'forbidden_origin', 'not_found', 'bad_request', 'media_link_expired'].includes(id ?? ''),
      `signed out, answered ${id}: ${what}`,
    );
  }
  if (sameRoute && (route.idKind === 'conversation' || route.idKind === 'message' || isInbox(route))) {
    if (!b.member) assert.ok(!ok, `${a.status} for someone (or a page) not in the conversation: ${what}`);
    // Someone who never belonged learns nothing: not that it exists, nor who wrote a message.
    if (!b.everMember)
      assert.ok(
        !['not_member', 'not_admin', 'not_author', 'message_deleted'].includes(id ?? ''),
        `leak ${id}: ${what}`,
      );
  }
  if (sameRoute && route.idKind === 'app' && !b.ownsApp) {
    assert.ok(!ok, `${a.status} on someone else's app: ${what}`);
    assert.ok(
      ![
        'invalid_webhook_url',
        'webhook_address_forbidden',
        'webhook_verification_failed',
        'page_not_found',
        'delivery_not_found',
        'webhook_not_set',
        'app_not_connected',
        'app_icon_failed',
      ].includes(id ?? ''),
      `an app not theirs went past its ownership check (${id}): ${what}`,
    );
  }
  // The webhook was called only by a handshake that passed every check (its answer tells how it went).
  const called = handshakesOf(w) > b.handshakes;
  const handshook = routeName(route) === 'PUT /api/apps/:id/webhook' && (ok || id === 'webhook_verification_failed');
  if (called) assert.ok(handshook, `the webhook was called, answered ${a.status} ${id}: ${what}`);
  // Who runs a page decides what is done with it and as it; pages themselves are public.
  if (sameRoute && route.pageRole) {
    if (ok) assert.ok(b.pageRole !== null, `${a.status} for someone who does not run the page: ${what}`);
    if (route.pageRole === 'admin') assert.ok(!ok || b.pageRole === 'admin', `${a.status} for an agent: ${what}`);
    if (route.pageRole === 'admin-or-self' && input.params.userId !== b.me)
      assert.ok(!ok || b.pageRole === 'admin', `${a.status} for an agent removing another: ${what}`);
  }
  if (!ok || b.me === null || !sameRoute) return;
  const body = a.json as Record<string, unknown>;
  const reader = w.s.comptoir.storage.reader;
  const pageId = input.params.id ?? '';
  switch (routeName(route)) {
    case 'DELETE /api/sessions/:id':
      assert.equal(
        (await reader.accounts.sessionById(input.params.id ?? ''))?.userId,
        b.me,
        `revoked another's session`,
      );
      break;
    case 'PUT /api/me/avatar': {
      // A profile photo is readable by anyone signed in from now on (server/media/access.ts).
      const id = (body.user as UserView).avatar?.id;
      assert.equal(id, (sentBody(input) as { mediaId: string }).mediaId, `the photo set: ${what}`);
      w.mediaReaders.set(id ?? '', new Set(names.map((n) => w.user(n).id)));
      break;
    }
    case 'GET /api/sessions': {
      const mine = new Set((await reader.accounts.sessionsOfUser(b.me)).map((s) => s.id));
      for (const s of body.sessions as SessionView[]) assert.ok(mine.has(s.id), `another's session listed: ${what}`);
      break;
    }
    case 'GET /api/users': {
      const users = body.users as UserView[];
      assert.ok(
        users.length <= limits.userSearch.results && users.every((u) => u.id !== b.me),
        `search answer: ${what}`,
      );
      for (const u of users) {
        assert.ok(u.kind === undefined, `a page among people: ${JSON.stringify(u)} ${what}`);
        assert.equal((await reader.accounts.userById(u.id))?.kind, 'person', `not a person: ${u.id} ${what}`);
      }
      break;
    }
    case 'GET /api/presence': {
      // Only people who now share a conversation with the viewer, each once; never the viewer nor a page.
      const shared = new Set<string>();
      for (const c of await reader.messaging.conversationIdsOfUser(b.me))
        for (const m of await reader.messaging.membersOf(c)) if (m.active && m.userId !== b.me) shared.add(m.userId);
      const presence = (body as unknown as PresenceResponse).presence;
      assert.equal(new Set(presence.map((p) => p.userId)).size, presence.length, `twice: ${what}`);
      for (const p of presence) {
        assert.ok(shared.has(p.userId), `presence of someone who shares nothing: ${p.userId} ${what}`);
        assert.equal((await reader.accounts.userById(p.userId))?.kind, 'person', `not a person: ${p.userId} ${what}`);
      }
      break;
    }
    case 'GET /api/pages': {
      const pages = (body as unknown as PagesResponse).pages;
      assert.ok(pages.length <= limits.pageSearch.results, `${pages.length} pages: ${what}`);
      for (const p of pages) {
        assert.equal((await reader.accounts.userById(p.id))?.kind, 'page', `not a page: ${p.id} ${what}`);
        assert.ok(await reader.pages.pageById(p.id), `not a page: ${p.id} ${what}`);
      }
      break;
    }
    case 'GET /api/me/pages': {
      const mine = (body as unknown as MyPagesResponse).pages;
      for (const { page, role } of mine)
        assert.equal(
          (await reader.pages.pageMember(page.id, b.me))?.role,
          role,
          `a page not theirs, or not so: ${what}`,
        );
      assert.equal(mine.length, (await reader.pages.pagesOfUser(b.me)).length, `pages left out: ${what}`);
      break;
    }
    case 'GET /api/pages/:id':
      assert.equal((body.page as PageView).id, pageId, what);
      break;
    case 'GET /api/pages/:id/profile': {
      // Anyone reads a page's profile: what its apps set, the whitelisted domains left out.
      const p = await reader.pages.messengerProfile(pageId);
      assert.deepEqual(
        body.profile,
        { getStarted: p.getStarted ?? null, greeting: p.greeting ?? null, persistentMenu: p.persistentMenu ?? null },
        what,
      );
      break;
    }
    case 'POST /api/pages': {
      const page = body.page as PageView;
      assert.equal(
        (await reader.pages.pageMember(page.id, b.me))?.role,
        'admin',
        `its creator is not its admin: ${what}`,
      );
      assert.equal((await reader.accounts.userById(page.id))?.kind, 'page', what);
      w.addPage(page);
      break;
    }
    case 'PATCH /api/pages/:id': {
      const page = body.page as PageView;
      const sent = sentBody(input) as { name?: string; description?: string };
      assert.equal(page.id, pageId, what);
      if (sent.name !== undefined) assert.equal(page.name, stored(sent.name.trim()), what);
      if (sent.description !== undefined) assert.equal(page.description, stored(sent.description.trim()), what);
      break;
    }
    case 'GET /api/pages/:id/members':
    case 'POST /api/pages/:id/members':
    case 'PATCH /api/pages/:id/members/:userId': {
      const kept = (await reader.pages.pageMembers(pageId)).map((m) => [m.userId, m.role]);
      const answered = (body as unknown as PageMembersResponse).members.map((m) => [m.user.id, m.role]);
      assert.deepEqual(answered, kept, `the members answered are not those stored: ${what}`);
      if (route.method === 'GET') break;
      const sent = sentBody(input) as { username?: string; role: PageRole };
      let target: string | undefined = input.params.userId;
      if (sent.username !== undefined)
        target = (await reader.accounts.userByUsername(sent.username.trim().toLowerCase()))?.id;
      assert.equal((await reader.pages.pageMember(pageId, target ?? ''))?.role, sent.role, `role not set: ${what}`);
      break;
    }
    case 'DELETE /api/pages/:id/members/:userId':
      assert.equal(await reader.pages.pageMember(pageId, input.params.userId ?? ''), null, `still runs it: ${what}`);
      break;
    case 'POST /api/pages/:id/conversation': {
      const r = body as unknown as PageConversationResponse;
      const c = r.conversation;
      assert.equal(r.created, a.status === 201, what);
      assert.equal(c.kind, 'direct', what);
      assert.deepEqual(c.members.map((m) => m.user.id).sort(), [b.me, pageId].sort(), what);
      assert.equal(c.members.find((m) => m.user.id === pageId)?.user.kind, 'page', what);
      assert.match((await reader.pages.psidOf(pageId, b.me)) ?? '', /^[1-9][0-9]{15}$/, `no page-scoped id: ${what}`);
      if (r.created) assert.ok(!w.conversations.includes(c.id), `created again: ${what}`);
      if (!w.conversations.includes(c.id)) w.conversations.push(c.id);
      if (!w.pageConversations.includes(c.id)) w.pageConversations.push(c.id);
      break;
    }
    case 'GET /api/pages/:id/conversations':
      for (const c of body.conversations as ConversationView[])
        assert.ok(
          c.kind === 'direct' && c.members.some((m) => m.user.id === pageId),
          `not the page's: ${c.id} ${what}`,
        );
      break;
    case 'POST /api/pages/:id/inbox/labels':
      for (const l of (body as unknown as InboxLabelsResponse).labels) w.inboxLabels.push(l.id);
      break;
    case 'POST /api/pages/:id/inbox/canned-replies':
      w.cannedReplies.push((body as unknown as CannedReplyResponse).cannedReply.id);
      break;
    case 'GET /api/pages/:id/inbox/threads':
      for (const t of (body as unknown as InboxThreadsResponse).threads) {
        assert.equal(t.pageId, pageId, `another page's thread: ${what}`);
        assert.ok(await reader.messaging.member(t.conversationId, pageId), `not the page's: ${what}`);
      }
      break;
    case 'GET /api/pages/:id/inbox/threads/:conversationId':
    case 'PUT /api/pages/:id/inbox/threads/:conversationId/status':
    case 'PUT /api/pages/:id/inbox/threads/:conversationId/assignee': {
      const t = (body as unknown as InboxThreadResponse).thread;
      assert.deepEqual([t.pageId, t.conversationId], [pageId, input.params.conversationId], what);
      if (t.assignee) assert.ok(await reader.pages.pageMember(pageId, t.assignee.id), `assigned outside: ${what}`);
      break;
    }
    case 'GET /api/pages/:id/conversations/:conversationId':
      assert.equal((body.conversation as ConversationView).id, input.params.conversationId, what);
      break;
    case 'GET /api/pages/:id/conversations/:conversationId/messages':
      for (const m of body.messages as MessageView[])
        assert.equal(m.conversationId, input.params.conversationId, `another conversation's message: ${what}`);
      break;
    case 'GET /api/events':
      for (const { event } of (body as unknown as EventsResponse).events) {
        const c = 'conversationId' in event ? event.conversationId : null;
        if (c) assert.ok(await reader.messaging.member(c, b.me), `an event of a conversation never theirs: ${what}`);
        else if (event.type === 'user.updated') assert.equal(event.user.id, b.me, what);
        else if (event.type === 'session.revoked')
          assert.equal((await reader.accounts.sessionById(event.sessionId))?.userId, b.me, what);
        else if (event.type === 'page.membership_changed') assert.equal(event.userId, b.me, what);
      }
      break;
    case 'GET /api/conversations/:id':
      assert.equal((body.conversation as ConversationView).id, input.params.id, what);
      break;
    case 'POST /api/conversations/:id/messages':
    case 'POST /api/pages/:id/conversations/:conversationId/messages': {
      // From the person, or on the inbox from the page (its account), never from the person behind it.
      const sender = isInbox(route) ? pageId : b.me;
      const conversationId = isInbox(route) ? input.params.conversationId : input.params.id;
      const sent = sentBody(input) as { clientId: string };
      const m = body.message as MessageView;
      assert.deepEqual([m.clientId, m.conversationId, m.senderId], [sent.clientId, conversationId, sender], what);
      if (b.prior) {
        // A retry: the original, and nothing new.
        assert.equal(a.status, 200, `a used client id made a new message: ${what}`);
        assert.equal(m.id, b.prior.id, `a retry answered another message: ${what}`);
      } else {
        assert.equal(a.status, 201, what);
        w.addMessage(m.id, sender);
        w.clientIds.push({ clientId: sent.clientId, conversationId: m.conversationId, senderId: sender });
      }
      break;
    }
    case 'POST /api/conversations/direct':
    case 'POST /api/conversations/group': {
      const c = body.conversation as ConversationView;
      assert.ok(
        c.members.some((m) => m.user.id === b.me),
        what,
      );
      if (!w.conversations.includes(c.id)) w.conversations.push(c.id);
      if (c.members.some((m) => m.user.kind === 'page') && !w.pageConversations.includes(c.id))
        w.pageConversations.push(c.id);
      break;
    }
    case 'POST /api/auth/signup':
      w.users.push((body.user as UserView).id);
      break;
    case 'POST /api/apps':
      assert.equal(a.status, 201, what);
      assert.match(String(body.secret), /^[0-9a-f]{64}$/, what);
      w.addApp((body.app as { id: string }).id, b.me);
      break;
    case 'GET /api/apps':
      for (const app of (body as unknown as AppsResponse).apps)
        assert.equal(w.appOwners.get(app.id), b.me, `another's app listed: ${what}`);
      break;
    case 'GET /api/apps/:id':
      assert.equal((body as unknown as AppResponse).app.id, input.params.id, what);
      assert.deepEqual(Object.keys(body).sort(), ['app', 'pages', 'webhook'], `no secret shown again: ${what}`);
      for (const page of (body as unknown as AppResponse).pages)
        assert.deepEqual(Object.keys(page).sort(), ['connectedAt', 'pageId'], `no token shown again: ${what}`);
      break;
    case 'POST /api/apps/:id/pages/:pageId':
      assert.equal(a.status, 201, what);
      assert.match(String(body.pageAccessToken), /^\S{40,}$/, what);
      assert.ok(
        await reader.apps.activePageToken(input.params.id ?? '', input.params.pageId ?? ''),
        `no token kept: ${what}`,
      );
      break;
    case 'DELETE /api/apps/:id/pages/:pageId':
      assert.equal(
        await reader.apps.activePageToken(input.params.id ?? '', input.params.pageId ?? ''),
        null,
        `a token left: ${what}`,
      );
      break;
    case 'GET /api/apps/:id/deliveries': {
      const r = body as unknown as DeliveriesResponse;
      const limit = Number(new URLSearchParams(input.query).get('limit') ?? 50);
      assert.ok(r.deliveries.length <= limit, `${r.deliveries.length} deliveries past the limit: ${what}`);
      for (const d of r.deliveries) {
        assert.ok(await reader.webhooks.deliveryById(input.params.id ?? '', d.id), `another app's delivery: ${what}`);
        if (!w.deliveries.includes(d.id)) w.deliveries.push(d.id);
      }
      if (r.next !== null && !w.deliveryCursors.includes(r.next)) w.deliveryCursors.push(r.next);
      break;
    }
    case 'GET /api/apps/:id/deliveries/:deliveryId':
      assert.equal((body as unknown as DeliveryResponse).delivery.id, input.params.deliveryId, what);
      break;
    case 'POST /api/apps/:id/deliveries/:deliveryId/replay':
    case 'POST /api/apps/:id/webhook/test': {
      assert.deepEqual([a.status, body], [202, { queued: true }], what);
      const appId = input.params.id ?? '';
      assert.ok((await reader.apps.webhookOf(appId))?.verifiedAt, `queued with no webhook: ${what}`);
      if (route.path.endsWith('/replay'))
        assert.ok(await reader.webhooks.deliveryById(appId, input.params.deliveryId ?? ''), `replayed: ${what}`);
      else {
        const named = (sentBody(input) as { pageId?: string } | undefined)?.pageId;
        const page = named ?? (await reader.webhooks.connectedPages(appId))[0] ?? '';
        assert.ok(await reader.apps.activePageToken(appId, page), `a test for a page not connected: ${what}`);
      }
      break;
    }
    case 'GET /api/openapi.json':
      assert.match(String(body.openapi), /^3\.1\./, what);
      break;
    case 'GET /api/compose-apps/:appId/results':
      // Each preview a link of Comptoir's for this person (never the app's URL).
      for (const r of (body as unknown as ComposeResultsResponse).results) {
        assert.match(r.previewUrl, /^\/api\/compose-apps\/[^/]+\/preview\/[A-Za-z0-9_-]+$/, what);
        w.previews.set(r.previewUrl.split('/').pop() ?? '', b.me);
      }
      break;
    case 'POST /api/compose-apps/:appId/send': {
      const m = body.message as MessageView;
      const sent = sentBody(input) as { clientId: string; conversationId: string };
      assert.deepEqual([m.clientId, m.conversationId, m.senderId], [sent.clientId, sent.conversationId, b.me], what);
      assert.ok(await reader.messaging.member(m.conversationId, b.me), `sent where not a member: ${what}`);
      assert.equal(m.via?.appId, input.params.appId, `not via the app: ${what}`);
      assert.ok(await reader.compose.isEnabled(b.me, input.params.appId ?? ''), `an app not turned on: ${what}`);
      if (a.status === 201) {
        w.addMessage(m.id, b.me);
        w.clientIds.push({ clientId: sent.clientId, conversationId: m.conversationId, senderId: b.me });
      }
      break;
    }
    case 'GET /api/compose-apps':
      for (const app of (body as unknown as ComposeAppsResponse).apps)
        assert.equal(app.enabled, await reader.compose.isEnabled(b.me, app.appId), what);
      break;
    case 'PUT /api/apps/:id/compose-extension':
      assert.equal(w.appOwners.get(input.params.id ?? ''), b.me, `another's app given an extension: ${what}`);
      break;
    case 'PUT /api/apps/:id/webhook': {
      const hook = (body as unknown as WebhookResponse).webhook;
      assert.equal(hook.verified, true, what);
      assert.ok(hook.url.startsWith(`${w.receiver.origin}/echo/`), `a webhook stored for ${hook.url}: ${what}`);
      break;
    }
  }
}

/** Everything one batch of requests may change, given which were accepted. */
function checkChanges(route: Route, before: Snapshot, after: Snapshot, accepted: Input[], w: World, what: string) {
  for (const problem of pageInvariants(after.rows)) assert.fail(`${problem}: ${what}`);
  const diff = diffRows(before.rows, after.rows);
  if (accepted.length === 0) {
    assert.equal(diff.size, 0, `refused requests changed stored rows:\n${describeDiff(diff)}\n${what}`);
    assert.equal(after.head, before.head, `refused requests moved the log head: ${what}`);
    assert.deepEqual(after.views, before.views, `refused requests changed what people see: ${what}`);
    return;
  }
  for (const table of diff.keys())
    assert.ok(route.touches.includes(table), `${routeName(route)} changed ${table}:\n${describeDiff(diff)}\n${what}`);
  // Sends and receipts change the rows of the account they act as (the person, or the page) and no other.
  if (isSend(route) || isReceipt(route)) {
    const acting = new Set(accepted.map((i) => actingAs(route, i, w)));
    const conversations = new Set(accepted.map((i) => (isInbox(route) ? i.params.conversationId : i.params.id)));
    const d = diff.get('members');
    for (const r of [...(d?.removed ?? []), ...(d?.added ?? [])]) {
      const m = JSON.parse(r) as { user_id: string; conversation_id: string };
      assert.ok(acting.has(m.user_id), `the watermarks of ${m.user_id} moved: ${what}`);
      assert.ok(conversations.has(m.conversation_id), `a member of ${m.conversation_id} changed: ${what}`);
    }
    for (const r of diff.get('messages')?.added ?? []) {
      const m = JSON.parse(r) as { sender_id: string; conversation_id: string };
      assert.ok(acting.has(m.sender_id), `a message from ${m.sender_id}: ${what}`);
      assert.ok(conversations.has(m.conversation_id), `a message in ${m.conversation_id}: ${what}`);
    }
  }
  if (isSend(route)) {
    // One new message per new client id, none for a retried one.
    const fresh = new Set(accepted.map((i) => (sentBody(i) as { clientId: string }).clientId));
    const added = (diff.get('messages')?.added ?? []).map((r) => JSON.parse(r) as { client_id: string; seq: number });
    const removed = new Set((diff.get('messages')?.removed ?? []).map((r) => (JSON.parse(r) as { id: string }).id));
    const created = added.filter((r) => !removed.has((r as unknown as { id: string }).id));
    assert.ok(created.length <= fresh.size, `more messages than new client ids: ${what}`);
    for (const r of created) assert.ok(fresh.has(r.client_id), `a message with client id ${r.client_id}: ${what}`);
  }
}

const viewers = ['ana', 'eve'] as const;

const describeInput = (input: Input, r: RawRequest) =>
  `${input.actor} ${r.method} ${r.path.slice(0, 300)} ${JSON.stringify(r.headers)} ${String(r.body ?? '').slice(0, 300)}`;

/**
 * Route properties: how many runs each (a run is a batch of one to four requests). Fewer of sign-up and
 * sign-in (password hashing), and of the routes of pages (their reads most: they share their checks with
 * the inbox's writes and the views), for the suite's time.
 */
function runsOf(route: Route): number {
  if (route.path.startsWith('/api/auth/sign') && route.method === 'POST') return 12;
  // Its well-formed answers need the app's owner, a valid body and a callback that answers: more runs.
  if (route.path === '/api/apps/:id/webhook' && route.method === 'PUT') return 50;
  // A content app's send and extension: the member, the result of a search and a body all valid at once.
  if (route.path === '/api/compose-apps/:appId/send' || route.path === '/api/apps/:id/compose-extension')
    return route.method === 'GET' ? 25 : 50;
  if (isPageRoute(route)) return route.method === 'GET' ? 15 : 20;
  // An app's page tokens and delivery log: their owner and a known app must meet; more runs.
  if (/^\/api\/apps\/:id\/(pages|deliveries|webhook\/test)/.test(route.path)) return 35;
  return 25;
}

for (const backend of backends) {
  describe(`fuzzing the HTTP API (${backend.name})`, () => {
    const watch = new Watch();
    const stats = new Stats();
    let s: TestServer;
    let w: World;
    let skip: string | false = false;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await fuzzServer(backend, watch);
      w = await World.create(s);
    });
    // Whatever went wrong in the server during a property is that property's failure (and not the next one's).
    afterEach(() => watch.check('after the property'));
    after(async () => {
      if (skip) return;
      stats.print(`HTTP answers (${backend.name})`);
      // A setup that failed half-way leaves some of these unset: close what there is, or the file hangs.
      await w?.close();
      await s?.close();
    });

    for (const route of routes) {
      it(`${routeName(route)}: known answers, no crash, only the intended change`, async (t) => {
        if (skip) return t.skip(skip);
        // The snapshot after one run is the one before the next; a run that failed half-way leaves none.
        let last: Snapshot | null = null;
        // What people see of pages (their pages, the inboxes) is compared on the routes of pages only.
        const onPages = isPageRoute(route);
        const property = fc.asyncProperty(
          fc.array(inputOf(route, w), { minLength: 1, maxLength: 4 }),
          async (batch) => {
            const before = last ?? (await w.snapshot(viewers, onPages));
            last = null;
            const accepted: Input[] = [];
            const done: string[] = [];
            for (const input of batch) {
              const b = await beforeRequest(route, input, w);
              const req = requestOf(route, input, w);
              const what = describeInput(input, req);
              const a = await rawRequest(s.url, req);
              done.push(`${what} → ${a.status} ${a.text.slice(0, 200)}`);
              stats.add(routeName(route), `${a.status}${errorIdOf(a) ? ` ${errorIdOf(a)}` : ''}`);
              await checkAnswer(route, input, b, a, w, what);
              if (a.status < 300) accepted.push(input);
            }
            // A sign-out or a revoked session ends the actor's session: they get a new one (a row in sessions).
            if (route.touches.includes('sessions')) await w.restoreSessions();
            const now = await w.snapshot(viewers, onPages);
            checkChanges(route, before, now, accepted, w, done.join('\n'));
            // Whichever route opened it, a page knows everyone it talks with by a page-scoped id.
            const unknown = unknownToPage(now.rows);
            assert.deepEqual(
              unknown,
              [],
              `a page talks with someone it knows by no page-scoped id:\n${done.join('\n')}`,
            );
            watch.check(done.join('\n'));
            const health = await rawRequest(s.url, { method: 'GET', path: '/healthz' });
            assert.deepEqual([health.status, health.json], [200, { ok: true }]);
            last = now;
          },
        );
        await fc.assert(property, fuzzParams(runsOf(route)));
      });
    }

    it('unknown routes, methods and malformed URLs: known answers, nothing changes', async (t) => {
      if (skip) return t.skip(skip);
      const known = routes.map((r) => r.path.replace(/:(\w+)/g, (_, k: string) => k.slice(0, 1)));
      const path = fc.oneof(
        fc.constantFrom(...known),
        fc.tuple(fc.constantFrom(...known), oddText(20)).map(([p, x]) => `${p}/${encodeAny(x)}`),
        fc.constantFrom(
          '/api',
          '/api/',
          '/api/nope',
          '/api//me',
          '/api/../api/me',
          '/api/%2e%2e/me',
          '/api/me%00',
          '/api/conversations/%',
          '/api/conversations/%zz',
          '/api/conversations/%E0%A4%A',
          '/api/conversations/%ED%A0%80',
          '/api/conversations/x?%=%',
          '/api/events?after=1&after=2',
          '/api/events?after[]=1',
          '/api/events?__proto__[after]=1',
          `/api/conversations/${'a'.repeat(5000)}`,
          '/ws',
          '/ws?x=1',
          '/healthz/../api/me',
          '*',
        ),
        oddText(30).map((x) => `/api/${encodeAny(x)}`),
      );
      const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND');
      const property = fc.asyncProperty(
        fc.array(fc.record({ method, path, who: fc.constantFrom('ana', 'anon') }), { minLength: 1, maxLength: 6 }),
        async (batch) => {
          const before = await w.snapshot([]);
          for (const { method, path, who } of batch) {
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (who === 'ana') headers.cookie = w.cookieOf('ana');
            const body = method === 'GET' ? undefined : '{}';
            const a = await rawRequest(s.url, { method, path, headers, ...(body ? { body } : {}) });
            const what = `${who} ${method} ${path.slice(0, 200)}`;
            // A GET outside the API (`*`, `/healthz/x`) is the web app's: its index.html, or without a build a
            // line saying how to make one (server/http/web.ts).
            const webApp =
              method === 'GET' &&
              !/^\/(api\/|api$|ws)/.test(path) &&
              a.status === 200 &&
              !String(a.headers['content-type']).startsWith('application/json');
            if (webApp) assert.match(String(a.headers['content-type']), /^text\/(html|plain); charset=utf-8$/, what);
            // Known routes with a wrong method or odd ids may succeed (a GET of /api/me); else well-formed errors.
            else assertWellFormed(a, what);
          }
          const after = await w.snapshot([]);
          // POST /api/auth/signout (and other known writes) may be among them: compare only when none was one.
          const writes = batch.some(
            (x) => x.method !== 'GET' && x.who === 'ana' && known.some((k) => x.path.startsWith(k)),
          );
          if (!writes) assert.equal(diffRows(before.rows, after.rows).size, 0, JSON.stringify(batch));
          watch.check(JSON.stringify(batch));
          await w.restoreSessions();
        },
      );
      await fc.assert(property, fuzzParams(40));
    });
  });
}
