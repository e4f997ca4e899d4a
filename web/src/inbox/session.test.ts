import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { InboxThreadView } from '../../../protocol/inbox.ts';
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

// The business inbox's side of the session (work.ts): its state follows the socket too.

const threadView = (conversationId: string, lastCustomerAt: string): InboxThreadView => ({
  conversationId,
  pageId: 'p1',
  customer: { id: ana.id, username: ana.username, displayName: ana.displayName },
  status: 'open',
  snoozedUntil: null,
  assignee: null,
  labels: [],
  botOwned: false,
  ownerAppId: '263902037430900',
  openedAt: '2024-01-01T09:00:00.000Z',
  firstResponseAt: null,
  resolvedAt: null,
  lastCustomerAt,
  csat: null,
});
const counts = { all: 2, open: 2, pending: 0, resolved: 0, snoozed: 0, mine: 0, unassigned: 2, bot: 0 };
const settingsView = (csatEnabled: boolean) => ({
  settings: { firstResponseTargetMinutes: null, resolutionTargetMinutes: null, csatEnabled, labels: [] },
});
const noteView = (id: string) => ({
  id,
  conversationId: 'c1',
  author: { id: 'u-bea', username: 'bea', displayName: 'Bea' },
  text: `note ${id}`,
  createdAt: '2024-01-01T09:30:00.000Z',
});
const listed = (...threads: InboxThreadView[]) => ({
  status: 200,
  body: { threads, nextCursor: null, counts },
});
const reads = (path: string) => calls.filter((c) => c.method === 'GET' && c.url.split('?')[0] === path).length;

function inboxAnswers() {
  answers['GET /api/pages/p1/inbox/settings'] = { status: 200, body: settingsView(false) };
  answers['GET /api/pages/p1/inbox/canned-replies'] = { status: 200, body: { cannedReplies: [] } };
  answers['GET /api/pages/p1/inbox/csat'] = {
    status: 200,
    body: { report: { count: 0, average: null, distribution: [0, 0, 0, 0, 0], perAgent: [] } },
  };
  answers['GET /api/pages/p1/inbox/threads'] = listed(
    threadView('c2', '2024-01-01T09:40:00.000Z'),
    threadView('c1', '2024-01-01T09:00:00.000Z'),
  );
  answers['GET /api/pages/p1/inbox/threads/c1'] = {
    status: 200,
    body: { thread: threadView('c1', '2024-01-01T09:00:00.000Z') },
  };
  answers['GET /api/pages/p1/inbox/threads/c1/notes'] = { status: 200, body: { notes: [] } };
}

test('a customer writes again in an open thread: it moves to the top of the list at once, without a read', async () => {
  inboxAnswers();
  await live();
  await until(() => session.work.store.getSnapshot().order?.length === 2);
  assert.deepEqual(session.work.store.getSnapshot().order, ['c2', 'c1']);
  const listReads = reads('/api/pages/p1/inbox/threads');
  const created = { type: 'message.created', conversationId: 'c1', message: msg(1, ana.id) } as const;
  ws().receive({ type: 'event', pos: 6, event: created });
  const w = session.work.store.getSnapshot();
  assert.deepEqual(w.order, ['c1', 'c2'], 'newest customer message first');
  assert.equal(w.threads.c1?.lastCustomerAt, msg(1, ana.id).createdAt);
  // The same message again (a catch-up replays it): nothing moves.
  const other = {
    type: 'message.created',
    conversationId: 'c2',
    message: { ...msg(2, ana.id), conversationId: 'c2' },
  } as const;
  ws().receive({ type: 'event', pos: 7, event: other });
  assert.deepEqual(session.work.store.getSnapshot().order, ['c2', 'c1']);
  ws().receive({ type: 'event', pos: 6, event: created });
  assert.deepEqual(session.work.store.getSnapshot().order, ['c2', 'c1']);
  // The page's own answer moves nothing.
  ws().receive({
    type: 'event',
    pos: 8,
    event: { type: 'message.created', conversationId: 'c1', message: msg(3, 'p1') },
  });
  assert.deepEqual(session.work.store.getSnapshot().order, ['c2', 'c1']);
  mock.timers.tick(1000);
  await until(() => true);
  assert.equal(reads('/api/pages/p1/inbox/threads'), listReads, 'no read of the list for it');
});

test('a customer writes in a thread the list does not hold while it holds only the first page: the list is read again', async () => {
  inboxAnswers();
  answers['GET /api/pages/p1/inbox/threads'] = {
    status: 200,
    body: { threads: [threadView('c2', '2024-01-01T09:40:00.000Z')], nextCursor: 'more', counts },
  };
  await live();
  await until(() => session.work.store.getSnapshot().order?.length === 1);
  const listReads = reads('/api/pages/p1/inbox/threads');
  ws().receive({
    type: 'event',
    pos: 6,
    event: { type: 'message.created', conversationId: 'c1', message: msg(1, ana.id) },
  });
  mock.timers.tick(300);
  await until(() => reads('/api/pages/p1/inbox/threads') === listReads + 1);
});

test('reset: the inbox’s own state is read again too — settings, canned replies, the list, the open thread’s notes', async () => {
  inboxAnswers();
  await live();
  await until(() => session.work.store.getSnapshot().report !== null);
  await session.work.open('c1');
  // During the gap: a note on the open thread, the page's settings and canned replies changed.
  answers['GET /api/pages/p1/inbox/threads/c1/notes'] = { status: 200, body: { notes: [noteView('n1')] } };
  answers['GET /api/pages/p1/inbox/settings'] = { status: 200, body: settingsView(true) };
  answers['GET /api/pages/p1/inbox/canned-replies'] = {
    status: 200,
    body: { cannedReplies: [{ id: 'r1', shortcut: 'merci', text: 'Merci !', updatedAt: '2024-01-01T09:00:00.000Z' }] },
  };
  answers['GET /api/pages/p1/inbox/threads'] = listed(
    threadView('c1', '2024-01-01T09:50:00.000Z'),
    threadView('c2', '2024-01-01T09:40:00.000Z'),
  );
  ws().receive({ type: 'reset', reason: 'cursor_expired' });
  await until(() => {
    const w = session.work.store.getSnapshot();
    return w.notes.c1?.length === 1 && w.canned.length === 1 && w.order?.[0] === 'c1';
  });
  const w = session.work.store.getSnapshot();
  assert.equal(w.settings?.csatEnabled, true);
  assert.deepEqual(w.order, ['c1', 'c2']);
  assert.deepEqual(
    w.notes.c1?.map((n) => n.id),
    ['n1'],
  );
});
