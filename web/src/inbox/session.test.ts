import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { ConversationView, MessageView, PageView, UserView } from '../../../protocol/views.ts';
import { FakeSocket, installBrowserGlobals } from '../api/fake-socket.test-helpers.ts';
import { ana, member, msg } from '../state/fixtures.test-helpers.ts';

/**
 * A page's inbox session with a fake WebSocket and fetch: it reads the page's conversations, goes live
 * from their cursor on the page's socket, answers over HTTP with a client id (a retry keeps it), sends the
 * page's receipts on its socket, and closes for good when the person no longer runs the page.
 */
const g = installBrowserGlobals();

interface Call {
  method: string;
  url: string;
  body: unknown;
}
let calls: Call[] = [];
/** The answer to the next request of each kind (method and path). */
let answers: Record<string, { status: number; body: unknown }> = {};
g.fetch = async (url: string, init: { method?: string; body?: string } = {}) => {
  const method = init.method ?? 'GET';
  const path = url.split('?')[0] ?? url;
  calls.push({ method, url, body: init.body ? JSON.parse(init.body) : undefined });
  const a = answers[`${method} ${path}`] ?? { status: 404, body: { error: { id: 'not_found', message: 'no' } } };
  if (a.status === 204) return new Response(null, { status: 204 });
  return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
};

const { InboxSession } = await import('./session.ts');
const { threadItems } = await import('../state/selectors.ts');

const page: PageView = { id: 'p1', username: 'shop', name: 'Shop', description: '', createdAt: '2024-01-01T00:00:00Z' };
const pageUser: UserView = { id: 'p1', username: 'shop', displayName: 'Shop', kind: 'page' };
const withAna: ConversationView = {
  id: 'c1',
  kind: 'direct',
  title: null,
  history: 'full',
  createdBy: 'u-ana',
  createdAt: '2024-01-01T09:00:00.000Z',
  lastActivityAt: '2024-01-01T09:00:00.000Z',
  lastSeq: 0,
  members: [member(ana), member(pageUser)],
  formerMembers: [],
  lastMessage: null,
  unread: 0,
  mutedUntil: null,
  pinnedAt: null,
  archived: false,
};
const list = { cursor: 5, conversations: [withAna] };
const ws = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;
/** Lets the fake requests settle (a few turns of the event loop) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), 'settled');
}
let session: InstanceType<typeof InboxSession>;

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  FakeSocket.all = [];
  calls = [];
  answers = { 'GET /api/pages/p1/conversations': { status: 200, body: list } };
  session = new InboxSession(page);
});
afterEach(() => {
  session.stop();
  mock.timers.reset();
});

async function live() {
  await session.start();
  ws().open();
  ws().receive({ type: 'ready', cursor: 5 });
}

test('reads the page’s conversations, then says hello on the page’s socket with their cursor', async () => {
  await session.start();
  assert.deepEqual(session.status.getSnapshot(), { phase: 'ready', error: null });
  // The conversations first; then the business inbox's settings and canned replies (web/src/inbox/work.ts).
  assert.deepEqual(
    calls.map((c) => `${c.method} ${c.url}`),
    ['GET /api/pages/p1/conversations', 'GET /api/pages/p1/inbox/settings', 'GET /api/pages/p1/inbox/canned-replies'],
  );
  assert.equal(ws().url, 'ws://test.local/ws?page=p1');
  ws().open();
  assert.deepEqual(ws().sent[0], { type: 'hello', cursor: 5 });
  const s = session.store.getSnapshot();
  assert.equal(s.me?.id, 'p1');
  assert.deepEqual(Object.keys(s.conversations), ['c1']);
});

test('a person’s message arrives live: unread, then delivered and read as the page, on its socket', async () => {
  await live();
  ws().receive({
    type: 'event',
    pos: 6,
    event: { type: 'message.created', conversationId: 'c1', message: msg(1, ana.id) },
  });
  assert.equal(session.store.getSnapshot().conversations.c1?.unread, 1);
  assert.equal(session.store.getSnapshot().cursor, 6);
  mock.timers.tick(300);
  assert.deepEqual(ws().sent.at(-1), { type: 'receipt', conversationId: 'c1', deliveredSeq: 1 });
  session.markRead('c1');
  assert.equal(session.store.getSnapshot().conversations.c1?.unread, 0, 'at once, here');
  mock.timers.tick(300);
  assert.deepEqual(ws().sent.at(-1), { type: 'receipt', conversationId: 'c1', readSeq: 1 });
  const sent = ws().sent.length;
  session.markRead('c1');
  mock.timers.tick(300);
  assert.equal(ws().sent.length, sent, 'read already: nothing more');
});

test('receipts wait for the socket: sent once it is ready again', async () => {
  await live();
  ws().receive({
    type: 'event',
    pos: 6,
    event: { type: 'message.created', conversationId: 'c1', message: msg(1, ana.id) },
  });
  ws().drop(1006);
  mock.timers.tick(300);
  mock.timers.tick(1000); // reconnects
  ws().open();
  assert.deepEqual(ws().sent.at(-1), { type: 'hello', cursor: 6 });
  ws().receive({ type: 'ready', cursor: 6 });
  mock.timers.tick(300);
  assert.deepEqual(ws().sent.at(-1), { type: 'receipt', conversationId: 'c1', deliveredSeq: 1 });
});

test('an answer goes over HTTP as the page: pending, then stored; a failure kept with its client id for a retry', async () => {
  await live();
  const stored = (clientId: string): MessageView => ({ ...msg(1, 'p1'), clientId, text: 'Bonjour !' });
  answers['POST /api/pages/p1/conversations/c1/messages'] = {
    status: 500,
    body: { error: { id: 'internal', message: 'x' } },
  };
  assert.equal(session.send('c1', '   '), false, 'nothing to send');
  assert.equal(session.send('c1', 'Bonjour !'), true);
  const [pending] = threadItems(session.store.getSnapshot(), 'c1');
  assert.equal(pending?.kind === 'pending' && pending.item.status, 'pending');
  const clientId = pending?.kind === 'pending' ? pending.item.clientId : '';
  await until(() => session.store.getSnapshot().outbox[0]?.status === 'failed');
  const post = calls.find((c) => c.method === 'POST');
  assert.deepEqual(post?.body, { clientId, text: 'Bonjour !' });
  const [failed] = threadItems(session.store.getSnapshot(), 'c1');
  assert.deepEqual(failed?.kind === 'pending' && [failed.item.status, failed.item.error], ['failed', 'internal']);
  assert.equal(session.status.getSnapshot().phase, 'ready', 'the inbox stays live');
  answers['POST /api/pages/p1/conversations/c1/messages'] = { status: 201, body: { message: stored(clientId) } };
  session.retry(clientId);
  await until(() => session.store.getSnapshot().outbox.length === 0);
  const posts = calls.filter((c) => c.method === 'POST');
  assert.equal(posts.length, 2);
  assert.deepEqual(posts[1]?.body, { clientId, text: 'Bonjour !' }, 'the same client id: never sent twice');
  const items = threadItems(session.store.getSnapshot(), 'c1');
  assert.deepEqual(
    items.map((i) => (i.kind === 'message' ? i.message.text : `pending ${i.item.text}`)),
    ['Bonjour !'],
  );
  assert.deepEqual(session.store.getSnapshot().outbox, []);
});

test('4003 (no longer runs the page): closed for good, no reconnection', async () => {
  await live();
  ws().drop(4003);
  assert.deepEqual(session.status.getSnapshot(), { phase: 'gone', error: 'not_page_member' });
  mock.timers.tick(120_000);
  assert.equal(FakeSocket.all.length, 1);
  assert.equal(session.send('c1', 'too late'), false);
});

test('refused from the start (not a member any more), or failing: gone, or failed and retried', async () => {
  answers['GET /api/pages/p1/conversations'] = {
    status: 403,
    body: { error: { id: 'not_page_member', message: 'no' } },
  };
  await session.start();
  assert.deepEqual(session.status.getSnapshot(), { phase: 'gone', error: 'not_page_member' });
  assert.equal(FakeSocket.all.length, 0, 'no socket opened');

  const other = new InboxSession(page);
  try {
    answers['GET /api/pages/p1/conversations'] = {
      status: 503,
      body: { error: { id: 'storage_unavailable', message: 'x' } },
    };
    await other.start();
    assert.deepEqual(other.status.getSnapshot(), { phase: 'failed', error: 'storage_unavailable' });
    answers['GET /api/pages/p1/conversations'] = { status: 200, body: list };
    await other.start();
    assert.deepEqual(other.status.getSnapshot(), { phase: 'ready', error: null });
    assert.equal(FakeSocket.all.length, 1);
  } finally {
    other.stop();
  }
});

test('reset: the list read again, then hello again with its cursor', async () => {
  await live();
  answers['GET /api/pages/p1/conversations'] = { status: 200, body: { ...list, cursor: 40 } };
  ws().receive({ type: 'reset', reason: 'cursor_expired' });
  await until(() => ws().sent.filter((f) => f.type === 'hello').length === 2);
  assert.deepEqual(ws().sent.at(-1), { type: 'hello', cursor: 40 });
});
