import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DomainEvent } from '../../protocol/events.ts';
import { type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import type { PublishedEvent } from '../bus/types.ts';

/** The writes sockets make while `run` runs: each goes through `_write`, or `_writev` for several frames. */
function countWrites(run: () => void): number {
  const proto: Pick<net.Socket, '_write' | '_writev'> = net.Socket.prototype;
  const { _write, _writev } = proto;
  let writes = 0;
  proto._write = function (this: net.Socket, ...args) {
    writes++;
    return _write.apply(this, args);
  };
  if (_writev) {
    proto._writev = function (this: net.Socket, ...args) {
      writes++;
      return _writev.apply(this, args);
    };
  }
  try {
    run();
  } finally {
    proto._write = _write;
    proto._writev = _writev;
  }
  return writes;
}

describe('fan-out', () => {
  let s: TestServer;
  const people: Person[] = [];
  const sockets: SocketClient[] = [];
  before(async () => {
    s = await startServer({});
    for (let i = 0; i < 10; i++) people.push(await signUp(s.url));
    for (const p of people) sockets.push(await SocketClient.live(s.wsUrl, p));
  });
  after(async () => {
    for (const c of sockets) c.close();
    await s.close();
  });

  it('sends each socket the frames of one batch in a single write', async () => {
    // A batch of 30 events, each for every one of the 10 people: 30 frames per socket. The gateway's
    // fan-out is synchronous, so the server sockets' writes during onEvents are exactly the batch's.
    const audience = people.map((p) => p.user.id);
    const head = await s.comptoir.storage.reader.events.headPosition();
    const batch: PublishedEvent[] = Array.from({ length: 30 }, (_, i) => {
      const event: DomainEvent = {
        type: 'conversation.updated',
        conversationId: 'fanout',
        title: `title ${i}`,
        history: 'joined',
        by: audience[0] as string,
      };
      return {
        pos: head + 1 + i,
        event,
        conversationId: 'fanout',
        scope: null,
        json: JSON.stringify(event),
        audience,
        origin: null,
        createdAt: 0,
      };
    });
    const writes = countWrites(() => s.comptoir.gateway.onEvents(batch));
    assert.equal(writes, people.length, `${writes} writes for 10 sockets × 30 frames`);
    for (const c of sockets) {
      const last = batch.at(-1) as PublishedEvent;
      await c.next((f) => f.type === 'event' && f.pos === last.pos);
      assert.equal(c.frames.filter((f) => f.type === 'event' && f.pos > head).length, 30, 'each got every frame');
    }
  });
});
