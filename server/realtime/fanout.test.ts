import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';

describe('fan-out', () => {
  let s: TestServer;
  const people: Person[] = [];
  const sockets: SocketClient[] = [];
  before(async () => {
    s = await startServer({ RATE_MESSAGES_BURST: '1000', RATE_FRAMES_PER_SECOND: '1000' });
    for (let i = 0; i < 20; i++) people.push(await signUp(s.url));
    for (const p of people) sockets.push(await SocketClient.live(s.wsUrl, p));
  });
  after(async () => {
    for (const c of sockets) c.close();
    await s.close();
  });

  it('sends each socket the frames of one batch in a single write', async () => {
    const convs: { id: string }[] = [];
    for (let i = 0; i < 20; i += 2) convs.push(await startDirect(people[i] as Person, people[i + 1] as Person));
    // Count the writes of every socket of this process: the clients' own sends (one each) and the server's.
    let writes = 0;
    const proto = net.Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = { write: proto._write, writev: proto._writev } as Record<string, (...args: unknown[]) => unknown>;
    for (const name of ['_write', '_writev']) {
      const fn = proto[name] as (...args: unknown[]) => unknown;
      proto[name] = function (this: unknown, ...args: unknown[]) {
        writes++;
        return fn.apply(this, args);
      };
    }
    try {
      // Everyone sends at once: each socket gets its ack and its partner's message in the same batch.
      await Promise.all(sockets.map((c, i) => c.sendMessage(convs[Math.floor(i / 2)]?.id as string, 'together')));
    } finally {
      proto._write = original.write as (...args: unknown[]) => unknown;
      proto._writev = original.writev as (...args: unknown[]) => unknown;
    }
    // 20 client sends + 20 server writes (not 40: ack + event corked together).
    assert.ok(writes <= 40 + 2, `${writes} writes for 20 messages`);
    for (const c of sockets) {
      const together = c
        .events('message.created')
        .filter((f) => f.event.type === 'message.created' && f.event.message.text === 'together');
      assert.equal(together.length, 1, 'each person got the partner message once');
    }
  });
});
