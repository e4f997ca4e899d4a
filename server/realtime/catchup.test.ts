import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainEvent } from '../../protocol/events.ts';
import type { MessageView } from '../../protocol/views.ts';
import { fakeSocket } from '../../test/helpers/fake-socket.ts';
import type { PublishedEvent } from '../bus/types.ts';
import { AppError } from '../errors.ts';
import { ReplayBudget } from '../events/replay-budget.ts';
import { createLogger } from '../lib/logger.ts';
import { catchUp, type FeedReader } from './catchup.ts';
import type { Connection } from './connection.ts';
import { type Budgets, defaultBudgets, Gateway } from './gateway.ts';
import { FrameHandlers } from './registry.ts';

/**
 * The catch-up against a log that grows while it is read: the feed yields to the event loop between pages
 * (as PostgreSQL does), and new events are committed and published at every yield.
 */
interface Harness {
  gw: Gateway;
  conn: Connection;
  ws: { bufferedAmount: number };
  sent: string[];
  commit: () => void;
  /** This socket's own send, in the log at once, published when the returned function is called. */
  commitOwn: (ref: string) => () => void;
  head: () => number;
  pagesRead: () => number;
  close: () => void;
}

function harness(
  initial: number,
  pageYields: (commit: () => void) => void,
  budgets: Partial<Budgets> = {},
  floor = () => 0,
): Harness {
  const log: { pos: number; json: string }[] = [];
  let pos = 0;
  let pagesRead = 0;
  const event = (n: number): DomainEvent => ({
    type: 'conversation.updated',
    conversationId: 'c',
    title: `t${n}`,
    history: 'joined',
    by: 'u',
  });
  const commit = () => {
    pos++;
    const e = event(pos);
    const json = JSON.stringify(e);
    log.push({ pos, json });
    const published: PublishedEvent = {
      pos,
      event: e,
      conversationId: 'c',
      scope: null,
      json,
      audience: ['u'],
      origin: null,
      createdAt: 0,
    };
    gw.onEvents([published]);
  };
  const feed: FeedReader = {
    head: async () => pos,
    feedPage: async (_user, cursor, limit, head) => {
      pagesRead++;
      const events = log.filter((e) => e.pos > cursor && e.pos <= head).slice(0, limit);
      await new Promise((r) => setImmediate(r));
      pageYields(commit);
      if (cursor < floor()) throw new AppError('cursor_expired');
      return { events, through: events.length === limit ? (events.at(-1)?.pos ?? head) : head };
    },
  };
  const gw = new Gateway(
    { feed, handlers: new FrameHandlers(), signal: () => {}, sessions: { endsAt: async () => null } },
    createLogger('silent'),
    { perAccount: 10, perAddress: 10, framesPerSecond: 10 },
    { ...defaultBudgets(), replay: new ReplayBudget(1_000_000), ...budgets },
  );
  const ws = fakeSocket();
  const sent = ws.sent;
  for (let i = 0; i < initial; i++) commit();
  gw.accept(ws, 'u', 's', '127.0.0.1', Number.POSITIVE_INFINITY);
  const conn = gw.connectionsOf('u')[0];
  assert.ok(conn);
  /**
   * This socket's own send, committed (in the log, where a catch-up reads it) but published only when the
   * returned function is called — as when the commit lands between a hello and its catch-up's reads.
   */
  const commitOwn = (ref: string) => {
    pos++;
    const message: MessageView = {
      id: `m${pos}`,
      conversationId: 'c',
      seq: pos,
      senderId: 'u',
      clientId: ref,
      text: 'hi',
      replyTo: null,
      createdAt: new Date(0).toISOString(),
      editedAt: null,
      deletedAt: null,
    };
    const e: DomainEvent = { type: 'message.created', conversationId: 'c', message };
    const json = JSON.stringify(e);
    log.push({ pos, json });
    const published: PublishedEvent = {
      pos,
      event: e,
      conversationId: 'c',
      scope: null,
      json,
      audience: ['u'],
      origin: { connectionId: conn.id, ref },
      createdAt: 0,
    };
    return () => gw.onEvents([published]);
  };
  return {
    gw,
    conn,
    ws,
    sent,
    commit,
    commitOwn,
    head: () => pos,
    pagesRead: () => pagesRead,
    close: () => gw.close(),
  };
}

function positions(sent: string[]) {
  return sent
    .map((f) => JSON.parse(f) as { type: string; pos?: number; cursor?: number })
    .filter((f) => f.type === 'event')
    .map((f) => f.pos as number);
}

describe('catch-up', () => {
  it('sends the backlog and the events committed meanwhile, once each, in order, then ready', async () => {
    let extra = 0;
    const h = harness(1200, (commit) => {
      if (extra++ < 5) for (let i = 0; i < 3; i++) commit();
    });
    await catchUp(h.gw, h.conn, 100);
    for (let i = 0; i < 4; i++) h.commit(); // live after ready
    const got = positions(h.sent);
    const expected = Array.from({ length: h.head() - 100 }, (_, i) => 101 + i);
    assert.deepEqual(got, expected);
    const ready = h.sent.map((f) => JSON.parse(f)).find((f) => f.type === 'ready');
    assert.ok(ready && ready.cursor >= 1200);
    h.close();
  });

  it('reads from the log instead when the buffer of live events overflows', async () => {
    let yields = 0;
    const h = harness(600, (commit) => {
      if (yields++ < 3) for (let i = 0; i < 20; i++) commit();
    });
    h.gw.maxCatchupBuffer = 5;
    await catchUp(h.gw, h.conn, 0);
    const got = positions(h.sent);
    assert.deepEqual(
      got,
      Array.from({ length: h.head() }, (_, i) => 1 + i),
    );
    h.close();
  });

  it('sends nothing before hello and everything after "now" for a null cursor', async () => {
    const h = harness(10, () => {});
    h.commit();
    assert.equal(h.sent.length, 0, 'nothing before hello');
    await catchUp(h.gw, h.conn, null);
    h.commit();
    assert.deepEqual(positions(h.sent), [12]);
    h.close();
  });

  it('waits for the socket to drain before sending the next page', async () => {
    const h = harness(1500, () => {});
    h.ws.bufferedAmount = 1024 * 1024; // the client is not reading
    const done = catchUp(h.gw, h.conn, 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.pagesRead(), 0, 'no page while the socket is full');
    h.ws.bufferedAmount = 0;
    await done;
    assert.equal(positions(h.sent).length, 1500);
    h.close();
  });

  it("paces an account's pages to its budget, waiting rather than refusing", async () => {
    // 800 events a second: a burst of two pages of 200, then a page every 250 ms.
    const h = harness(1200, () => {}, { replay: new ReplayBudget(800, 400) });
    const started = Date.now();
    await catchUp(h.gw, h.conn, 0);
    const elapsed = Date.now() - started;
    assert.equal(positions(h.sent).length, 1200, 'everything is sent in the end');
    assert.ok(h.pagesRead() >= 6);
    assert.ok(elapsed >= 700, `six pages, two at once then four a quarter second apart, took ${elapsed} ms`);
    h.close();
  });

  it('resets a client whose cursor is older than what the log keeps', async () => {
    const h = harness(
      100,
      () => {},
      {},
      () => 50,
    );
    await catchUp(h.gw, h.conn, 10);
    const frames = h.sent.map((f) => JSON.parse(f) as { type: string; reason?: string });
    assert.deepEqual(frames, [{ type: 'reset', reason: 'cursor_expired' }]);
    assert.equal(h.conn.phase, 'awaiting_hello');
    h.close();
  });

  // Found by the fuzz suite (test/fuzz/socket.test.ts): a send, then a hello, left the send without its ack.
  it("acks the socket's own request even when its event reached the socket first through a catch-up", async () => {
    for (const cursor of [0, null]) {
      const h = harness(3, () => {});
      const publish = h.commitOwn('r1');
      await catchUp(h.gw, h.conn, cursor);
      publish();
      const frames = h.sent.map((f) => JSON.parse(f) as { type: string; ref?: string; pos?: number });
      const acks = frames.filter((f) => f.type === 'ack');
      assert.deepEqual(
        acks.map((f) => [f.ref, f.pos]),
        [['r1', 4]],
        `cursor ${cursor}: ${JSON.stringify(frames)}`,
      );
      h.close();
    }
  });
});
