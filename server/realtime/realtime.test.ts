import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { ServerFrame } from '../../protocol/frames.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';

type EventFrame = Extract<ServerFrame, { type: 'event' }>;
type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;
const isEvent =
  (type: string, pred: (f: EventFrame) => boolean = () => true) =>
  (f: ServerFrame) =>
    f.type === 'event' && f.event.type === type && pred(f);
const isError = (id: string) => (f: ServerFrame) => f.type === 'error' && f.error.id === id;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends) {
  describe(`realtime gateway (${backend.name})`, () => {
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let eve: Person;
    const sockets: SocketClient[] = [];
    const live = async (p: Person, cursor: number | null = null) => {
      const c = await SocketClient.live(s.wsUrl, p, cursor);
      sockets.push(c);
      return c;
    };

    let skip: string | false = false;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '100', RATE_FRAMES_PER_SECOND: '30' });
      ana = await signUp(s.url);
      ben = await signUp(s.url);
      eve = await signUp(s.url);
    });
    after(async () => {
      if (skip) return;
      for (const c of sockets) c.close();
      await s.close();
    });

    it('refuses an upgrade without a session, with a forged one, or from another origin', async (t) => {
      if (skip) return t.skip(skip);
      await assert.rejects(SocketClient.connect(s.wsUrl, null), (e: Error & { status?: number; body?: string }) => {
        assert.equal(e.status, 401);
        assert.match(e.body ?? '', /"unauthenticated"/);
        return true;
      });
      await assert.rejects(SocketClient.connect(s.wsUrl, 'comptoir_session=forged'), { status: 401 });
      await assert.rejects(SocketClient.connect(s.wsUrl, ana.http.cookie, { origin: 'https://evil.example' }), {
        status: 403,
      });
      const ok = await SocketClient.connect(s.wsUrl, ana.http.cookie, { origin: s.url });
      ok.close();
    });

    it('answers bad frames with error frames and keeps the connection', async (t) => {
      if (skip) return t.skip(skip);
      const c = await SocketClient.connect(s.wsUrl, ana.http.cookie);
      sockets.push(c);
      c.send({ type: 'send', ref: 'early', conversationId: 'x', clientId: 'abcdefgh', text: 'hi' });
      const early = await c.next<ErrorFrame>(isError('hello_required'));
      assert.equal(early.ref, 'early');
      c.send({ type: 'hello', cursor: null });
      await c.next((f) => f.type === 'ready');
      c.send('this is not json');
      await c.next(isError('invalid_frame'));
      c.send({ type: 'teleport', ref: 'r1' });
      const unknown = await c.next<ErrorFrame>(isError('unknown_frame'));
      assert.equal(unknown.ref, 'r1');
      c.send({ type: 'send', ref: 'r2', conversationId: 'x', clientId: 'short', text: 'hi' });
      const invalid = await c.next<ErrorFrame>((f) => f.type === 'error' && f.ref === 'r2');
      assert.equal(invalid.error.id, 'invalid_frame');
      c.send({ type: 'send', ref: 'r3', conversationId: 'no-such-conversation', clientId: 'abcdefgh123', text: 'hi' });
      assert.equal(
        (await c.next<ErrorFrame>((f) => f.type === 'error' && f.ref === 'r3')).error.id,
        'conversation_not_found',
      );
      c.send({ type: 'send', ref: 'long', conversationId: 'x', clientId: 'abcdefgh456', text: 'y'.repeat(4001) });
      assert.equal(
        (await c.next<ErrorFrame>((f) => f.type === 'error' && f.ref === 'long')).error.id,
        'message_too_long',
      );
      c.send({ type: 'send', ref: 'blank', conversationId: 'x', clientId: 'abcdefgh789', text: ' \n ' });
      assert.equal(
        (await c.next<ErrorFrame>((f) => f.type === 'error' && f.ref === 'blank')).error.id,
        'message_empty',
      );
      c.send({ type: 'ping', ref: 'big', pad: 'x'.repeat(20_000) });
      await c.next(isError('frame_too_large'));
      c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      await c.next((f) => f.type === 'error' && f.error.id === 'invalid_frame' && /JSON text/.test(f.error.message));
      c.send({ type: 'ping', ref: 'still-alive' });
      await c.next((f) => f.type === 'pong' && f.ref === 'still-alive');
      assert.equal(c.closed, null);
    });

    it('closes a connection that sends a frame over 1 MiB (1009), and the server goes on', async (t) => {
      if (skip) return t.skip(skip);
      const c = await SocketClient.live(s.wsUrl, ana);
      c.ws.send('x'.repeat(1024 * 1024 + 10));
      assert.equal((await c.waitClose()).code, 1009);
      const again = await live(ana);
      again.send({ type: 'ping', ref: 'p' });
      await again.next((f) => f.type === 'pong');
    });

    it('sends nothing to a socket before hello', async (t) => {
      if (skip) return t.skip(skip);
      // The timeout is 10 s in production; here we only check the socket is not fed before hello.
      const c = await SocketClient.connect(s.wsUrl, ben.http.cookie);
      sockets.push(c);
      const conv = await startDirect(ana, ben);
      await (await live(ana)).sendMessage(conv.id, 'before hello');
      // The barrier: the message was fanned out before its ack reached Ana; a hello sent after that is
      // answered after anything that fan-out would have given this socket.
      c.send({ type: 'hello', cursor: null });
      await c.next((f) => f.type === 'ready');
      assert.deepEqual(
        c.frames.map((f) => f.type),
        ['ready'],
        'nothing before hello',
      );
    });

    it('closes a socket that never says hello (4009)', async (t) => {
      if (skip) return t.skip(skip);
      const gw = s.comptoir.gateway;
      const previous = gw.helloTimeoutMs;
      gw.helloTimeoutMs = 100;
      try {
        const silent = await SocketClient.connect(s.wsUrl, ana.http.cookie);
        const greeted = await SocketClient.connect(s.wsUrl, ana.http.cookie);
        greeted.send({ type: 'hello', cursor: null });
        await greeted.next((f) => f.type === 'ready');
        assert.equal((await silent.waitClose()).code, 4009);
        // The greeted socket's timer was cleared by its hello: it can never fire.
        const live = gw.connectionsOf(ana.user.id).filter((c) => c.phase === 'live');
        assert.ok(live.length > 0 && live.every((c) => c.helloTimer === null));
        greeted.send({ type: 'ping', ref: 'after' });
        await greeted.next((f) => f.type === 'pong' && f.ref === 'after');
        assert.equal(greeted.closed, null, 'a socket that said hello stays');
        greeted.close();
      } finally {
        gw.helloTimeoutMs = previous;
      }
    });

    it('drops a socket that stops answering pings, and keeps the others', async (t) => {
      if (skip) return t.skip(skip);
      const dead = await new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(s.wsUrl, { headers: { cookie: ana.http.cookie ?? '' }, autoPong: false });
        ws.once('open', () => {
          ws.send(JSON.stringify({ type: 'hello', cursor: null }));
          resolve(ws);
        });
        ws.once('error', reject);
      });
      const alive = await live(ana);
      const closed = new Promise<number>((resolve) => dead.once('close', (code) => resolve(code)));
      s.comptoir.gateway.beat(); // ping everyone
      // The live socket answers: wait until the server has its pong (the dead one never answers).
      const answered = () => s.comptoir.gateway.connectionsOf(ana.user.id).some((c) => c.phase === 'live' && c.alive);
      for (let waited = 0; !answered(); waited += 10) {
        assert.ok(waited < 5000, 'the live socket answered the ping');
        await sleep(10);
      }
      s.comptoir.gateway.beat(); // no pong since the last beat: terminated
      const timeout = sleep(3000).then(() => 'still open');
      assert.equal(await Promise.race([closed, timeout]), 1006);
      alive.send({ type: 'ping', ref: 'still' });
      await alive.next((f) => f.type === 'pong' && f.ref === 'still');
    });

    it('delivers a message live to members, acks the sender, and tells nobody else', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const withEve = await startDirect(ana, eve);
      const anaPhone = await live(ana);
      const anaLaptop = await live(ana);
      const benSock = await live(ben);
      const eveSock = await live(eve);
      const before = anaPhone.frames.length;
      const { message, pos } = await anaPhone.sendMessage(conv.id, 'hello ben', 'client-hello-1');
      assert.equal(message.text, 'hello ben');
      assert.equal(message.clientId, 'client-hello-1');
      assert.ok(typeof pos === 'number');
      const got = await benSock.next<EventFrame>(isEvent('message.created', (f) => f.pos === pos));
      assert.equal(got.event.type === 'message.created' && got.event.message.id, message.id);
      await anaLaptop.next(isEvent('message.created', (f) => f.pos === pos));
      // The sending socket gets the ack in place of the event, not both; a non-member gets nothing. The
      // barrier (a later message Ana sends Eve) arrives after anything earlier that was meant for them.
      await barrier(anaPhone, withEve.id, eveSock);
      assert.equal(anaPhone.frames.slice(before).filter((f) => f.type === 'event' && f.pos === pos).length, 0);
      assert.equal(
        eveSock.events().filter((f) => f.event.conversationId === conv.id).length,
        0,
        'a non-member hears nothing',
      );
    });

    it('returns the original message when a send is retried with the same client id', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const a = await live(ana);
      const b = await live(ben);
      const first = await a.sendMessage(conv.id, 'once', 'client-retry-1');
      const second = await a.sendMessage(conv.id, 'once', 'client-retry-1');
      assert.equal(second.message.id, first.message.id);
      assert.equal(second.pos, undefined, 'no new event');
      await barrier(a, conv.id, b);
      assert.equal(
        b
          .events('message.created')
          .filter((f) => f.event.type === 'message.created' && f.event.message.clientId === 'client-retry-1').length,
        1,
      );
      const history = await ana.http.get<{ messages: { clientId: string }[] }>(
        `/api/conversations/${conv.id}/messages`,
      );
      assert.equal(history.body.messages.filter((m) => m.clientId === 'client-retry-1').length, 1);
    });

    it('refuses writing to a conversation one is not a member of', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const e = await live(eve);
      e.send({ type: 'send', ref: 'x1', conversationId: conv.id, clientId: 'eve-intrudes-1', text: 'let me in' });
      assert.equal(
        (await e.next<ErrorFrame>((f) => f.type === 'error' && f.ref === 'x1')).error.id,
        'conversation_not_found',
      );
      e.send({ type: 'typing', conversationId: conv.id, typing: true });
      await e.next(isError('conversation_not_found'));
      e.send({ type: 'receipt', ref: 'x2', conversationId: conv.id, readSeq: 1 });
      await e.next((f) => f.type === 'error' && f.ref === 'x2');
    });

    it('relays typing to the other members only, and receipts to all', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const withEve = await startDirect(ana, eve);
      const a = await live(ana);
      const b = await live(ben);
      const e = await live(eve);
      a.send({ type: 'typing', conversationId: conv.id, typing: true });
      const typing = await b.next((f) => f.type === 'signal');
      assert.deepEqual(typing.type === 'signal' && typing.signal, {
        type: 'typing',
        conversationId: conv.id,
        userId: ana.user.id,
        typing: true,
      });
      const { message } = await a.sendMessage(conv.id, 'read me');
      b.send({ type: 'receipt', ref: 'rr', conversationId: conv.id, deliveredSeq: message.seq });
      await b.next((f) => f.type === 'ack' && f.ref === 'rr');
      const delivered = await a.next<EventFrame>(
        isEvent('receipt.updated', (f) => f.event.type === 'receipt.updated' && f.event.userId === ben.user.id),
      );
      assert.equal(delivered.event.type === 'receipt.updated' && delivered.event.deliveredSeq, message.seq);
      b.send({ type: 'receipt', conversationId: conv.id, readSeq: message.seq + 1000 });
      const read = await a.next<EventFrame>(
        isEvent('receipt.updated', (f) => f.event.type === 'receipt.updated' && f.event.readSeq === message.seq),
      );
      assert.ok(read, 'clamped to the last message');
      // Ana's typing signal was relayed while her frame was handled, before her later message: once
      // the barrier (that message, to Eve) is there, a wrong signal would be there too.
      await barrier(a, withEve.id, e);
      assert.equal(a.frames.filter((f) => f.type === 'signal').length, 0, 'the typist does not hear themselves');
      assert.equal(e.frames.filter((f) => f.type === 'signal').length, 0, 'nor does a non-member');
      assert.equal(e.events().filter((f) => f.event.conversationId === conv.id).length, 0);
    });

    it('stops telling a removed member anything', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Removal', [ben, eve]);
      const withEve = await startDirect(ana, eve);
      const a = await live(ana);
      const b = await live(ben);
      const e = await live(eve);
      await a.sendMessage(group.id, 'everyone');
      await e.next(isEvent('message.created'));
      const res = await ana.http.delete(`/api/conversations/${group.id}/members/${eve.user.id}`);
      assert.equal(res.status, 204);
      const removal = await e.next<EventFrame>(isEvent('member.removed'));
      assert.equal(removal.event.type === 'member.removed' && removal.event.userId, eve.user.id);
      const count = e.frames.length;
      await a.sendMessage(group.id, 'without eve');
      await b.next(
        isEvent('message.created', (f) => f.event.type === 'message.created' && f.event.message.text === 'without eve'),
      );
      a.send({ type: 'typing', conversationId: group.id, typing: true });
      await b.next((f) => f.type === 'signal');
      await barrier(a, withEve.id, e); // anything meant for Eve before this marker has arrived
      assert.deepEqual(
        e.frames.slice(count).map((f) => (f.type === 'event' ? f.event.conversationId : f.type)),
        [withEve.id],
        'nothing about the group after the removal: only the marker, in another conversation',
      );
      e.send({ type: 'send', ref: 'gone', conversationId: group.id, clientId: 'eve-after-removal', text: 'hello?' });
      assert.equal((await e.next<ErrorFrame>((f) => f.type === 'error' && f.ref === 'gone')).error.id, 'not_member');
    });

    it('catches a returning client up exactly once, in order, even while messages keep coming', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const a = await live(ana);
      const b1 = await live(ben);
      await a.sendMessage(conv.id, 'first');
      const seen = await b1.next<EventFrame>(isEvent('message.created'));
      const cursor = seen.pos;
      b1.close();
      await b1.waitClose();
      const missed: string[] = [];
      for (let i = 0; i < 30; i++) missed.push((await a.sendMessage(conv.id, `missed ${i}`)).message.id);
      // Ben returns while Ana keeps sending.
      const b2 = await SocketClient.connect(s.wsUrl, ben.http.cookie);
      sockets.push(b2);
      b2.send({ type: 'hello', cursor });
      const during: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++)
        during.push(a.sendMessage(conv.id, `during ${i}`).then((r) => missed.push(r.message.id)));
      await Promise.all(during);
      await b2.next((f) => f.type === 'ready');
      await b2.next(
        isEvent('message.created', (f) => f.event.type === 'message.created' && f.event.message.id === missed.at(-1)),
      );
      const created = b2.events('message.created');
      const ids = created.map((f) => (f.event.type === 'message.created' ? f.event.message.id : ''));
      assert.equal(new Set(ids).size, ids.length, 'exactly once');
      assert.deepEqual(new Set(ids), new Set(missed), 'every missed message');
      const positions = b2.frames.flatMap((f) => (f.type === 'event' ? [f.pos] : []));
      assert.deepEqual(
        positions,
        [...positions].sort((x, y) => x - y),
        'in order',
      );
      assert.ok(positions.every((p) => p > cursor));
    });

    it('resets a client whose cursor is ahead of the server', async (t) => {
      if (skip) return t.skip(skip);
      const c = await SocketClient.connect(s.wsUrl, ana.http.cookie);
      sockets.push(c);
      c.send({ type: 'hello', cursor: 10_000_000 });
      const f = await c.next((x) => x.type === 'reset');
      assert.equal(f.type === 'reset' && f.reason, 'cursor_ahead');
      c.send({ type: 'hello', cursor: null });
      await c.next((x) => x.type === 'ready');
    });

    it('closes the sockets of a revoked session, and only those', async (t) => {
      if (skip) return t.skip(skip);
      const other = await signUp(s.url);
      const second = new (ana.http.constructor as typeof import('../../test/helpers/client.ts').HttpClient)(s.url);
      const signin = await second.post('/api/auth/signin', { username: other.user.username, password: other.password });
      assert.equal(signin.status, 200);
      const first = await live(other);
      const secondSock = await SocketClient.live(s.wsUrl, { ...other, http: second });
      sockets.push(secondSock);
      const sessions = await other.http.get<{ sessions: { id: string; current: boolean }[] }>('/api/sessions');
      const target = sessions.body.sessions.find((x) => !x.current);
      assert.ok(target);
      assert.equal((await other.http.delete(`/api/sessions/${target.id}`)).status, 204);
      assert.equal((await secondSock.waitClose()).code, 4001);
      await first.next(isEvent('session.revoked'));
      assert.equal(first.closed, null);
      const gone = await second.get('/api/me');
      assert.equal(gone.status, 401);
      assert.equal((gone.body as { error: { id: string } }).error.id, 'session_expired');
    });

    it('limits a flood of sends per account with an error frame, and keeps the connection', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, eve);
      const flooder = await signUp(s.url);
      const flood = await startDirect(flooder, eve);
      const c = await live(flooder);
      for (let i = 0; i < 200; i++) {
        c.send({
          type: 'send',
          ref: `f${i}`,
          conversationId: flood.id,
          clientId: `flood-${i}-xxxxxx`,
          text: `flood ${i}`,
        });
      }
      await c.next(isError('rate_limited'));
      // Every send is answered: an ack, or a rate_limited error with its ref.
      const answered = () =>
        c.frames.filter((f) => (f.type === 'ack' || f.type === 'error') && f.ref?.startsWith('f')).length;
      for (let i = 0; i < 200 && answered() < 200; i++) await sleep(25);
      const acks = () => c.frames.filter((f) => f.type === 'ack').length;
      assert.equal(answered(), 200);
      assert.ok(acks() >= 100 && acks() < 200, `some sends were accepted, the rest refused (${acks()} acks)`);
      const limited = c.frames.find(isError('rate_limited')) as ErrorFrame;
      assert.ok(typeof limited.error.details?.retryAfter === 'number');
      c.send({ type: 'ping', ref: 'after-flood' });
      await c.next((f) => f.type === 'pong' && f.ref === 'after-flood');
      assert.equal(c.closed, null);
      // Others are not affected.
      const a = await live(ana);
      await a.sendMessage(conv.id, 'unaffected');
    });

    it('refuses a connection past the per-account limit', async (t) => {
      if (skip) return t.skip(skip);
      const small = await startServer({ MAX_SOCKETS_PER_ACCOUNT: '2' });
      try {
        const p = await signUp(small.url);
        const one = await SocketClient.connect(small.wsUrl, p.http.cookie);
        const two = await SocketClient.connect(small.wsUrl, p.http.cookie);
        const third = await SocketClient.connect(small.wsUrl, p.http.cookie);
        const closed = await third.waitClose();
        assert.equal(closed.code, 1013, 'opened and closed at once: a browser can tell why');
        assert.match(closed.reason, /Too many connections/);
        one.close();
        await one.waitClose();
        // Once the server has let go of it (its close handler ran), there is room again.
        for (let waited = 0; small.comptoir.gateway.connectionsOf(p.user.id).length > 1; waited += 5) {
          assert.ok(waited < 5000, 'the server forgets a closed socket');
          await sleep(5);
        }
        const three = await SocketClient.connect(small.wsUrl, p.http.cookie);
        three.send({ type: 'hello', cursor: null });
        await three.next((f) => f.type === 'ready'); // a socket closed with 1013 would never get there
        two.close();
        three.close();
      } finally {
        await small.close();
      }
    });

    it('answers an unknown socket path with 404', async (t) => {
      if (skip) return t.skip(skip);
      await assert.rejects(
        new Promise((resolve, reject) => {
          const ws = new WebSocket(s.wsUrl.replace('/ws', '/nope'));
          ws.once('open', resolve);
          ws.once('unexpected-response', (_q, r) =>
            reject(Object.assign(new Error('refused'), { status: r.statusCode })),
          );
          ws.once('error', reject);
        }),
        { status: 404 },
      );
    });
  });
}
