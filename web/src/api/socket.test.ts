import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { ServerFrame } from '../../../protocol/frames.ts';
import type { ConnectionState } from '../state/types.ts';
import { FakeSocket, installBrowserGlobals } from './fake-socket.test-helpers.ts';

const g = installBrowserGlobals();

const { SocketClient, PING_INTERVAL_MS, PONG_TIMEOUT_MS, pageSocketUrl } = await import('./socket.ts');

let cursor: number | null = 7;
let statuses: ConnectionState[] = [];
let frames: ServerFrame[] = [];
let ended = 0;
let client: InstanceType<typeof SocketClient>;
const last = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  FakeSocket.all = [];
  cursor = 7;
  statuses = [];
  frames = [];
  ended = 0;
  client = new SocketClient(
    {
      getCursor: () => cursor,
      onFrame: (f) => frames.push(f),
      onStatus: (s) => statuses.push(s),
      onSessionEnded: () => ended++,
    },
    () => 'ws://test/ws',
  );
});
afterEach(() => {
  client.stop();
  mock.timers.reset();
});

test('hello carries the cursor; ready makes it online', () => {
  client.start();
  assert.equal(FakeSocket.all.length, 1);
  last().open();
  assert.deepEqual(last().sent[0], { type: 'hello', cursor: 7 });
  assert.equal(client.isReady(), false);
  last().receive({ type: 'ready', cursor: 9 });
  assert.equal(client.isReady(), true);
  assert.deepEqual(statuses, ['connecting', 'online']);
  assert.deepEqual(frames, [{ type: 'ready', cursor: 9 }]);
});

test('a dropped connection is retried with backoff, and hello uses the newer cursor', () => {
  client.start();
  last().open();
  last().receive({ type: 'ready', cursor: 7 });
  cursor = 12;
  last().drop(1006);
  assert.equal(statuses.at(-1), 'offline');
  assert.equal(FakeSocket.all.length, 1, 'not at once');
  mock.timers.tick(600); // first delay is at most 500 ms
  assert.equal(FakeSocket.all.length, 2);
  last().open();
  assert.deepEqual(last().sent[0], { type: 'hello', cursor: 12 });
  // Failing again waits longer (up to 1 s), never reconnecting twice in parallel.
  last().drop(1006);
  mock.timers.tick(400);
  const before = FakeSocket.all.length;
  mock.timers.tick(700);
  assert.ok(FakeSocket.all.length <= before + 1);
  assert.equal(FakeSocket.all.length, 3);
});

test('close code 4001 ends the session and never reconnects', () => {
  client.start();
  last().open();
  last().drop(4001);
  assert.equal(ended, 1);
  mock.timers.tick(120_000);
  assert.equal(FakeSocket.all.length, 1);
});

test('a socket acting as a page: 4003 (no longer runs the page) stops it for good; without the handler it retries', () => {
  let acting = 0;
  const page = new SocketClient(
    {
      getCursor: () => 1,
      onFrame: () => {},
      onStatus: (s) => statuses.push(s),
      onSessionEnded: () => ended++,
      onActingEnded: () => acting++,
    },
    () => pageSocketUrl('p 1', { protocol: 'https:', host: 'chat.example' }),
  );
  try {
    page.start();
    assert.equal(last().url, 'wss://chat.example/ws?page=p%201');
    last().open();
    last().drop(4003);
    assert.deepEqual([acting, ended], [1, 0]);
    assert.equal(statuses.at(-1), 'offline');
    mock.timers.tick(120_000);
    assert.equal(FakeSocket.all.length, 1, 'never reconnects');
  } finally {
    page.stop();
  }
  // The person's own socket has no such handler: 4003 means nothing special there.
  client.start();
  last().open();
  last().drop(4003);
  mock.timers.tick(600);
  assert.equal(FakeSocket.all.length, 3);
});

test('no pong within 10 s drops the link and reconnects; a pong keeps it', () => {
  client.start();
  last().open();
  last().receive({ type: 'ready', cursor: 7 });
  mock.timers.tick(PING_INTERVAL_MS);
  const ping = last().sent.at(-1);
  assert.equal(ping?.type, 'ping');
  last().receive({ type: 'pong', ref: String(ping?.ref) });
  mock.timers.tick(PONG_TIMEOUT_MS + 1);
  assert.equal(FakeSocket.all.length, 1, 'answered in time: kept');
  assert.equal(frames.filter((f) => f.type === 'pong').length, 0, 'pongs are handled inside');

  mock.timers.tick(PING_INTERVAL_MS - PONG_TIMEOUT_MS - 1);
  assert.equal(last().sent.filter((f) => f.type === 'ping').length, 2);
  mock.timers.tick(PONG_TIMEOUT_MS);
  assert.notEqual(FakeSocket.all[0]?.closedWith, null, 'dead link closed');
  assert.equal(statuses.at(-1), 'offline');
  mock.timers.tick(600);
  assert.equal(FakeSocket.all.length, 2, 'and reconnected');
});

test('coming back online reconnects at once instead of waiting', () => {
  client.start();
  last().open();
  for (let i = 0; i < 6; i++) {
    last().drop(1006);
    mock.timers.tick(30_000);
  }
  const n = FakeSocket.all.length;
  last().drop(1006);
  (g.window as EventTarget).dispatchEvent(new Event('online'));
  assert.equal(FakeSocket.all.length, n + 1);
});

test('rehello says hello again on the open connection', () => {
  client.start();
  last().open();
  last().receive({ type: 'ready', cursor: 7 });
  cursor = 3;
  client.rehello();
  assert.deepEqual(last().sent.at(-1), { type: 'hello', cursor: 3 });
  assert.equal(client.isReady(), false);
  assert.equal(FakeSocket.all.length, 1);
});

test('frames cannot be sent while disconnected', () => {
  client.start();
  assert.equal(client.send({ type: 'typing', conversationId: 'c', typing: true }), false);
  last().open();
  assert.equal(client.send({ type: 'typing', conversationId: 'c', typing: true }), true);
});

test('while the browser is offline it waits for the online event instead of retrying', () => {
  Object.defineProperty(globalThis, 'navigator', { value: { onLine: false }, configurable: true, writable: true });
  try {
    client.start();
    last().open();
    last().drop(1006);
    mock.timers.tick(120_000);
    assert.equal(FakeSocket.all.length, 1);
    assert.equal(statuses.at(-1), 'offline');
    Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true, writable: true });
    (g.window as EventTarget).dispatchEvent(new Event('online'));
    assert.equal(FakeSocket.all.length, 2);
  } finally {
    Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true, writable: true });
  }
});
