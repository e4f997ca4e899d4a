/**
 * What one slow or noisy client can make the gateway hold or send: bytes queued per socket and across
 * sockets (4008), typing signals per member and per conversation.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { barrier, createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { until } from '../../test/helpers/until.ts';
import type { Connection } from './connection.ts';

/**
 * A client on a dead link: it opens the socket, says hello, then never reads again (a raw TCP socket,
 * paused: nothing resumes it, as `ws` would). Its side fills up on the server.
 */
async function deadReader(s: TestServer, p: Person): Promise<net.Socket> {
  const url = new URL(s.wsUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      `Cookie: ${p.http.cookie}\r\n\r\n`,
  );
  await new Promise<void>((resolve) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.removeListener('data', onData);
      socket.pause();
      resolve();
    };
    socket.on('data', onData);
  });
  // A masked text frame, as clients send: {"type":"hello","cursor":null}
  const payload = Buffer.from(JSON.stringify({ type: 'hello', cursor: null }));
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
  return socket;
}

/** The gateway's connections of a person (the server side of their sockets). */
function connectionsOf(s: TestServer, userId: string): readonly Connection[] {
  return s.comptoir.gateway.connectionsOf(userId);
}

/** Sends `count` messages of about 4 KB from `c` in `conversationId`, waiting for each ack. */
async function flood(c: SocketClient, conversationId: string, count: number, done: () => boolean) {
  const text = 'x'.repeat(3900);
  for (let i = 0; i < count && !done(); i++) await c.sendMessage(conversationId, `${i} ${text}`);
}

describe('outbound budgets', () => {
  let s: TestServer;
  const people: Person[] = [];
  before(async () => {
    s = await startServer({
      RATE_MESSAGES_BURST: '100000',
      RATE_MESSAGES_PER_SECOND: '100000',
      RATE_FRAMES_PER_SECOND: '100000',
      MAX_QUEUED_MB: '1',
    });
    for (let i = 0; i < 3; i++) people.push(await signUp(s.url));
  });
  after(() => s.close());

  it('closes a socket that falls too far behind (4008); it catches up when it comes back', async () => {
    const [ana, ben] = people as [Person, Person];
    const conv = await startDirect(ana, ben);
    const a = await SocketClient.live(s.wsUrl, ana);
    const gw = s.comptoir.gateway;
    const budget = gw.budgets.maxQueuedBytes;
    gw.budgets.maxQueuedBytes = Number.MAX_SAFE_INTEGER; // this test is about one socket's own limit
    const dead = await deadReader(s, ben);
    try {
      await until('the socket is live', () => connectionsOf(s, ben.user.id)[0]?.phase === 'live');
      const [conn] = connectionsOf(s, ben.user.id);
      assert.ok(conn);
      conn.maxBufferedBytes = 256 * 1024;
      await flood(a, conv.id, 20_000, () => conn.closedTooSlow);
      assert.ok(conn.closedTooSlow, 'closed (4008) for falling behind');
      assert.equal(gw.outbound.closedOverBudget, 0, 'by its own limit');
    } finally {
      gw.budgets.maxQueuedBytes = budget;
      dead.destroy();
    }
    const back = await SocketClient.live(s.wsUrl, ben, 0);
    assert.ok(back.events('message.created').length > 0, 'the missed messages come with the catch-up');
    back.close();
    a.close();
  });

  it('keeps a budget across sockets: past it, the sockets that are behind are closed first', async () => {
    const [ana, ben, cleo] = people as [Person, Person, Person];
    const group = await createGroup(ana, 'Slow readers', [ben, cleo]);
    const a = await SocketClient.live(s.wsUrl, ana);
    const dead = [await deadReader(s, ben), await deadReader(s, cleo)];
    try {
      await until('both sockets are live', () =>
        [ben, cleo].every((p) => connectionsOf(s, p.user.id)[0]?.phase === 'live'),
      );
      const slow = [ben, cleo].flatMap((p) => connectionsOf(s, p.user.id));
      assert.equal(slow.length, 2);
      // Each socket alone may queue 4 MiB; together they may not queue more than the 1 MiB budget.
      await flood(a, group.id, 20_000, () => slow.every((c) => c.closedTooSlow));
      assert.ok(
        slow.every((c) => c.closedTooSlow),
        'both closed (4008)',
      );
      assert.ok(s.comptoir.gateway.outbound.closedOverBudget >= 1, 'by the budget across sockets');
      assert.equal(a.closed, null, 'the sender, who reads, stays');
    } finally {
      for (const d of dead) d.destroy();
    }
    a.close();
  });
});

describe('typing signals', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_FRAMES_PER_SECOND: '1000' });
  });
  after(() => s.close());

  it('are limited per member and per conversation, whatever the frame budget', async () => {
    const [ana, ben, cleo] = [await signUp(s.url), await signUp(s.url), await signUp(s.url)];
    const group = await createGroup(ana, 'Typists', [ben, cleo]);
    const a = await SocketClient.live(s.wsUrl, ana);
    const b = await SocketClient.live(s.wsUrl, ben);
    const c = await SocketClient.live(s.wsUrl, cleo);
    for (let i = 0; i < 50; i++) a.send({ type: 'typing', conversationId: group.id, typing: i % 2 === 0 });
    await a.next((f) => f.type === 'error' && f.error.id === 'rate_limited');
    // A message from Ana, handled after every typing frame before it, is the barrier: once Cleo has it,
    // every typing signal Ana's frames caused has reached her.
    await a.sendMessage(group.id, 'done typing');
    await c.next((f) => f.type === 'event' && f.event.type === 'message.created');
    const signals = c.frames.filter((f) => f.type === 'signal').length;
    assert.ok(signals >= 1 && signals <= 5, `${signals} typing signals reached Cleo for 50 frames`);
    // Ana's refused frames took nothing from the conversation's budget: Ben may still type.
    b.send({ type: 'typing', conversationId: group.id, typing: true });
    await barrier(b, group.id, c);
    assert.ok(
      c.frames.some((f) => f.type === 'signal' && f.signal.userId === ben.user.id),
      "Ben's typing reached Cleo",
    );
    for (const x of [a, b, c]) x.close();
  });
});

describe('typing signals per conversation', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_FRAMES_PER_SECOND: '1000', RATE_TYPING_PER_10S: '2' });
  });
  after(() => s.close());

  it('are limited per conversation: many members together cannot fan out more than six members’ share', async () => {
    const people = await Promise.all(Array.from({ length: 8 }, () => signUp(s.url)));
    const [owner, ...others] = people as [Person, ...Person[]];
    const group = await createGroup(owner, 'Crowd', others);
    const sockets = await Promise.all(people.map((p) => SocketClient.live(s.wsUrl, p)));
    // Six members type twice each (their own share): the conversation's 12 (6 × 2) are spent.
    for (const [i, sock] of sockets.slice(0, 6).entries()) {
      for (let k = 0; k < 2; k++) sock.send({ type: 'typing', conversationId: group.id, typing: true });
      // Once the pong is back, the typing frames before it have taken their tokens (the next frame this
      // test sends comes in a later turn of the server's event loop than their handling).
      sock.send({ type: 'ping', ref: `p${i}` });
      await sock.next((f) => f.type === 'pong' && f.ref === `p${i}`);
    }
    assert.ok(!sockets.slice(0, 6).some((x) => x.frames.some((f) => f.type === 'error')), 'each within its share');
    const seventh = sockets[6] as SocketClient;
    seventh.send({ type: 'typing', conversationId: group.id, typing: true });
    const refused = await seventh.next((f) => f.type === 'error');
    assert.equal(refused.type === 'error' && refused.error.id, 'rate_limited', 'the seventh member waits');
    for (const sock of sockets) sock.close();
  });
});

describe('replaying the log over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_CATCHUP_EVENTS_PER_SECOND: '10' });
  });
  after(() => s.close());

  it('draws on the same budget as socket catch-ups: a page is refused past it (429), then allowed again', async () => {
    const [ana, ben] = [await signUp(s.url), await signUp(s.url)];
    await startDirect(ana, ben);
    const first = await ana.http.get<{ events: unknown[] }>('/api/events?after=0&limit=1000');
    assert.equal(first.status, 200);
    assert.ok(first.body.events.length > 0);
    // What the first page did not use came back, but not the events it returned: 1,000 are not there.
    const second = await ana.http.get<{ error: { id: string; details: { retryAfter: number } } }>(
      '/api/events?after=0&limit=1000',
    );
    assert.deepEqual([second.status, second.body.error.id], [429, 'rate_limited']);
    assert.ok(second.body.error.details.retryAfter >= 1);
    assert.equal((await ana.http.get('/api/events?after=0&limit=10')).status, 200, 'a smaller page fits');
    // The socket catch-up of the same account now waits for the budget too (it is shared).
    const budget = s.comptoir.replay;
    assert.ok(budget.take(ana.user.id, 1000) > 0);
  });
});
