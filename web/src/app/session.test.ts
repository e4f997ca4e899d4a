import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { MessageView } from '../../../protocol/views.ts';
import { FakeSocket, installBrowserGlobals } from '../api/fake-socket.test-helpers.ts';
import { ana, conv, me, msg, stateWith } from '../state/fixtures.test-helpers.ts';

/**
 * The wiring of store, socket and outbox, with a fake WebSocket and fetch: optimistic sends, acks,
 * re-sends after reconnection, failures, receipts, reset.
 */
const g = installBrowserGlobals();
const fetched: string[] = [];
let conversationsAnswer: unknown = { cursor: 50, conversations: [] };
g.fetch = async (url: string) => {
  fetched.push(url);
  // The reload reads the blocks beside the list; presence is read after `ready`.
  const answer = url.startsWith('/api/blocks')
    ? { blocks: [] }
    : url.startsWith('/api/presence')
      ? { presence: [] }
      : conversationsAnswer;
  return new Response(JSON.stringify(answer), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
};

const { store } = await import('../state/store.ts');
const { socket } = await import('./connection.ts');
await import('./session.ts');
const { sendMessage, retrySend } = await import('./outbox.ts');
const { threadItems } = await import('../state/selectors.ts');

const ws = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;
const sends = (s: FakeSocket) => s.sent.filter((f) => f.type === 'send');
function connect() {
  ws().open();
  ws().receive({ type: 'ready', cursor: store.getSnapshot().cursor ?? 0 });
}

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  FakeSocket.all = [];
  store.update(() =>
    stateWith(
      [
        conv({
          members: [
            { user: me, role: 'admin', deliveredSeq: 0, readSeq: 0 },
            { user: ana, role: 'member', deliveredSeq: 0, readSeq: 0 },
          ],
        }),
      ],
      10,
    ),
  );
  socket.start();
});
afterEach(() => {
  socket.stop();
  mock.timers.reset();
});

test('a message is shown pending at once, sent with its clientId as ref, and replaced by the ack', () => {
  connect();
  assert.ok(sendMessage('c1', 'hello', null));
  const [item] = store.getSnapshot().outbox;
  assert.ok(item);
  assert.match(item.clientId, /^[A-Za-z0-9_-]{8,64}$/);
  assert.deepEqual(
    threadItems(store.getSnapshot(), 'c1').map((i) => i.kind),
    ['pending'],
  );
  assert.deepEqual(sends(ws())[0], {
    type: 'send',
    ref: item.clientId,
    conversationId: 'c1',
    clientId: item.clientId,
    text: 'hello',
  });

  const stored: MessageView = msg(1, me.id, { clientId: item.clientId, text: 'hello' });
  ws().receive({ type: 'ack', ref: item.clientId, pos: 11, message: stored });
  const s = store.getSnapshot();
  assert.equal(s.outbox.length, 0);
  assert.deepEqual(
    threadItems(s, 'c1').map((i) => (i.kind === 'message' ? i.message.id : 'pending')),
    ['m1'],
  );
  assert.equal(s.cursor, 11);
  assert.equal(s.conversations.c1?.lastSeq, 1);
});

test('empty and white-space-only messages are refused', () => {
  assert.equal(sendMessage('c1', '   \n ', null), false);
  assert.equal(sendMessage('c1', 'x'.repeat(4001), null), false);
  assert.equal(store.getSnapshot().outbox.length, 0);
});

test('offline sends queue up; unacknowledged sends are re-sent with the same clientId after reconnecting', () => {
  sendMessage('c1', 'queued', null);
  assert.equal(sends(ws()).length, 0, 'not connected yet');
  connect();
  const first = sends(ws());
  assert.equal(first.length, 1);
  ws().drop(1006);
  mock.timers.tick(1000);
  connect();
  const again = sends(ws());
  assert.equal(again.length, 1);
  assert.equal(again[0]?.clientId, first[0]?.clientId);
  // The catch-up of another connection may deliver it as an event: it replaces the pending bubble.
  ws().receive({
    type: 'event',
    pos: 12,
    event: {
      type: 'message.created',
      conversationId: 'c1',
      message: msg(1, me.id, { clientId: String(first[0]?.clientId) }),
    },
  });
  assert.equal(store.getSnapshot().outbox.length, 0);
  assert.equal(threadItems(store.getSnapshot(), 'c1').length, 1);
});

test('an error answer marks the bubble failed; retry sends it again', () => {
  connect();
  sendMessage('c1', 'oops', null);
  const clientId = store.getSnapshot().outbox[0]?.clientId ?? '';
  ws().receive({ type: 'error', ref: clientId, error: { id: 'rate_limited', message: 'slow down' } });
  assert.equal(store.getSnapshot().outbox[0]?.status, 'failed');
  assert.equal(store.getSnapshot().outbox[0]?.error, 'rate_limited');
  retrySend(clientId);
  assert.equal(store.getSnapshot().outbox[0]?.status, 'pending');
  assert.equal(sends(ws()).length, 2);
});

test('messages from others are acknowledged as delivered, debounced', () => {
  connect();
  for (const seq of [1, 2, 3]) {
    ws().receive({
      type: 'event',
      pos: 10 + seq,
      event: { type: 'message.created', conversationId: 'c1', message: msg(seq, ana.id) },
    });
  }
  assert.equal(ws().sent.filter((f) => f.type === 'receipt').length, 0);
  mock.timers.tick(300);
  assert.deepEqual(
    ws().sent.filter((f) => f.type === 'receipt'),
    [{ type: 'receipt', conversationId: 'c1', deliveredSeq: 3 }],
  );
  assert.equal(store.getSnapshot().conversations.c1?.unread, 3);
  assert.equal(store.getSnapshot().cursor, 13);
});

test('replayed events at or below the cursor change nothing', () => {
  connect();
  const e = { type: 'message.created' as const, conversationId: 'c1', message: msg(1, ana.id) };
  ws().receive({ type: 'event', pos: 11, event: e });
  const before = store.getSnapshot();
  ws().receive({ type: 'event', pos: 11, event: e });
  ws().receive({ type: 'event', pos: 9, event: { ...e, message: msg(2, ana.id) } });
  assert.equal(store.getSnapshot(), before);
});

/** Lets the reload's requests (the list, the blocks) answer: a few turns of the event loop, at most 50. */
async function settled(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) await new Promise((r) => setImmediate(r));
}

test('reset reloads the conversation list and says hello with its cursor', async () => {
  connect();
  conversationsAnswer = { cursor: 3, conversations: [conv({ id: 'c9', title: 'Fresh' })] };
  ws().receive({ type: 'reset', reason: 'cursor_ahead' });
  await settled(() => store.getSnapshot().cursor === 3);
  const s = store.getSnapshot();
  assert.ok(fetched.includes('/api/conversations'));
  assert.deepEqual(Object.keys(s.conversations), ['c9']);
  assert.equal(s.cursor, 3);
  assert.deepEqual(ws().sent.at(-1), { type: 'hello', cursor: 3 });
});

test('a cursor older than what the log keeps (cursor_expired) reloads the same way, keeping the outbox', async () => {
  connect();
  sendMessage('c1', 'written while away', null);
  conversationsAnswer = { cursor: 900, conversations: [conv({ id: 'c1', title: 'Still here' })] };
  ws().receive({ type: 'reset', reason: 'cursor_expired' });
  await settled(() => store.getSnapshot().cursor === 900);
  const s = store.getSnapshot();
  assert.equal(s.cursor, 900);
  assert.equal(s.conversations.c1?.title, 'Still here');
  assert.equal(s.outbox.length, 1, 'what was written is not lost');
  assert.deepEqual(ws().sent.at(-1), { type: 'hello', cursor: 900 });
});

test('being removed from a group hides it from the list, fails its pending sends and says so', async () => {
  const { getToasts } = await import('../ui/toasts.ts');
  const { conversationList } = await import('../state/selectors.ts');
  connect();
  sendMessage('c1', 'too late', null);
  ws().receive({
    type: 'event',
    pos: 11,
    event: { type: 'member.removed', conversationId: 'c1', userId: me.id, by: ana.id, reason: 'removed' },
  });
  const s = store.getSnapshot();
  assert.deepEqual(conversationList(s), []);
  assert.equal(s.outbox[0]?.status, 'failed');
  assert.match(getToasts().at(-1)?.text ?? '', /removed from “Team”/);
});
