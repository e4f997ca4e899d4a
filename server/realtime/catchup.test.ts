import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type WebSocket from 'ws';
import type { DomainEvent } from '../../protocol/events.ts';
import type { PublishedEvent } from '../bus/types.ts';
import { createLogger } from '../lib/logger.ts';
import type { MessagesService } from '../messaging/messages.ts';
import { catchUp } from './catchup.ts';
import { Gateway } from './gateway.ts';

/**
 * The catch-up against a log that grows while it is read: the feed yields to the event loop between pages
 * (as PostgreSQL does), and new events are committed and published at every yield.
 */
function harness(initial: number, pageYields: (commit: () => void) => void) {
  const log: { pos: number; json: string }[] = [];
  let pos = 0;
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
    const published: PublishedEvent = { pos, event: e, json, audience: ['u'], origin: null, createdAt: 0 };
    gw.onEvents([published]);
  };
  const messages = {
    head: async () => pos,
    feedRaw: async (_user: string, cursor: number, limit: number) => {
      const page = log.filter((e) => e.pos > cursor).slice(0, limit);
      await new Promise((r) => setImmediate(r));
      pageYields(commit);
      return page;
    },
  } as unknown as MessagesService;
  const gw = new Gateway(
    messages,
    createLogger('silent'),
    { perAccount: 10, perAddress: 10, framesPerSecond: 10 },
    () => {},
    { endsAt: async () => null },
  );
  const sent: string[] = [];
  const ws = {
    readyState: 1,
    bufferedAmount: 0,
    send: (f: string) => sent.push(f),
    on: () => ws,
    close: () => {},
  } as unknown as WebSocket;
  for (let i = 0; i < initial; i++) commit();
  gw.accept(ws, 'u', 's', '127.0.0.1', Number.POSITIVE_INFINITY);
  const conn = [
    ...((gw as unknown as { byUser: Map<string, Set<import('./connection.ts').Connection>> }).byUser.get('u') ?? []),
  ][0];
  assert.ok(conn);
  /**
   * This socket's own send, committed (in the log, where a catch-up reads it) but published only when the
   * returned function is called — as when the commit lands between a hello and its catch-up's reads.
   */
  const commitOwn = (ref: string) => {
    pos++;
    const message = { id: `m${pos}`, conversationId: 'c', seq: pos, senderId: 'u', clientId: ref, text: 'hi' };
    const e = { type: 'message.created', conversationId: 'c', message } as unknown as DomainEvent;
    const json = JSON.stringify(e);
    log.push({ pos, json });
    const published: PublishedEvent = {
      pos,
      event: e,
      json,
      audience: ['u'],
      origin: { connectionId: conn.id, ref },
      createdAt: 0,
    };
    return () => gw.onEvents([published]);
  };
  return { gw, conn, sent, commit, commitOwn, head: () => pos, close: () => gw.close() };
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
