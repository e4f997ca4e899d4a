/**
 * The registry of frame handlers and the one rule of acks, against a gateway that knows no domain: the
 * handlers here are the test's, the socket a plain object, the feed an empty log.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainEvent } from '../../protocol/events.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import type { MessageView } from '../../protocol/views.ts';
import { type FakeSocket, fakeSocket } from '../../test/helpers/fake-socket.ts';
import type { Origin, PublishedEvent, PublishedSignal } from '../bus/types.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../lib/logger.ts';
import { Gateway } from './gateway.ts';
import { type FrameContext, FrameHandlers } from './registry.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function messageView(seq: number, clientId: string): MessageView {
  return {
    id: `m${seq}`,
    conversationId: 'c',
    seq,
    senderId: 'ana',
    clientId,
    text: `message ${seq}`,
    replyTo: null,
    createdAt: new Date(0).toISOString(),
    editedAt: null,
    deletedAt: null,
  };
}

function created(pos: number, message: MessageView, origin: Origin | null): PublishedEvent {
  const event: DomainEvent = { type: 'message.created', conversationId: 'c', message };
  return {
    pos,
    event,
    conversationId: 'c',
    scope: null,
    json: JSON.stringify(event),
    audience: ['ana', 'ben'],
    origin,
    createdAt: 0,
  };
}

interface Harness {
  gw: Gateway;
  /** Ana's socket (she sends the requests) and Ben's (he is in every event's audience too). */
  ana: FakeSocket;
  ben: FakeSocket;
  signals: PublishedSignal[];
  /** The frames a socket was sent after its `ready`. */
  frames: (ws: FakeSocket) => ServerFrame[];
}

/** A gateway with only the handlers `register` adds, and two sockets that have said hello. */
async function harness(register: (frames: FrameHandlers, gw: () => Gateway) => void): Promise<Harness> {
  const frames = new FrameHandlers();
  const signals: PublishedSignal[] = [];
  const gw = new Gateway(
    {
      feed: { head: async () => 0, feedPage: async () => ({ events: [], through: 0 }) },
      handlers: frames,
      signal: (s) => signals.push(s),
      sessions: { endsAt: async () => null },
    },
    createLogger('silent'),
    { perAccount: 10, perAddress: 10, framesPerSecond: 100 },
  );
  register(frames, () => gw);
  const ana = fakeSocket();
  const ben = fakeSocket();
  gw.accept(ana, 'ana', 's1', '127.0.0.1', Number.POSITIVE_INFINITY);
  gw.accept(ben, 'ben', 's2', '127.0.0.1', Number.POSITIVE_INFINITY);
  for (const ws of [ana, ben]) ws.receive({ type: 'hello', cursor: null });
  await settle();
  const received = (ws: FakeSocket) => {
    const all = ws.sent.map((f): ServerFrame => JSON.parse(f));
    assert.equal(all[0]?.type, 'ready');
    return all.slice(1);
  };
  return { gw, ana, ben, signals, frames: received };
}

describe('frame handlers', () => {
  it('refuses a second handler for the same frame type', () => {
    const frames = new FrameHandlers().register('send', () => undefined);
    assert.throws(() => frames.register('send', () => undefined), /already registered/);
    assert.ok(frames.has('send'));
    assert.ok(!frames.has('edit'));
  });

  it('answers a frame type nobody registered like one the protocol does not know', async () => {
    const h = await harness((frames) => frames.register('send', () => assert.fail('not this one')));
    h.ana.receive({ type: 'edit', ref: 'r1', messageId: 'm1', text: 'hi' });
    h.ana.receive({ type: 'teleport', ref: 'r2' });
    await settle();
    const answers = h.frames(h.ana).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    assert.deepEqual(answers, [
      {
        type: 'error',
        ref: 'r1',
        error: { id: 'unknown_frame', message: 'Unknown frame type', details: { type: 'edit' } },
      },
      {
        type: 'error',
        ref: 'r2',
        error: { id: 'unknown_frame', message: 'Unknown frame type', details: { type: 'teleport' } },
      },
    ]);
    h.gw.close();
  });

  it('acks an outcome with a position from the fan-out, in its event’s place, and only there', async () => {
    const contexts: FrameContext[] = [];
    const h = await harness((frames, gw) =>
      frames.register('send', (ctx, f) => {
        contexts.push(ctx);
        // The committer publishes the batch (someone else's message, this one, another) before the
        // service's promise settles.
        const message = messageView(2, f.clientId);
        gw().onEvents([
          created(1, messageView(1, 'other-1'), null),
          created(2, message, ctx.origin),
          created(3, messageView(3, 'other-3'), { connectionId: 'another-socket', ref: 'x' }),
        ]);
        return { pos: 2, message };
      }),
    );
    h.ana.receive({ type: 'send', ref: 'r1', conversationId: 'c', clientId: 'client-0001', text: 'hi' });
    await settle();
    const [ctx] = contexts;
    const connectionId = h.gw.connectionsOf('ana')[0]?.id;
    assert.ok(ctx && connectionId);
    assert.deepEqual(
      [ctx.userId, ctx.connectionId, ctx.ref, ctx.origin],
      ['ana', connectionId, 'r1', { connectionId, ref: 'r1' }],
    );
    const anaGot = h.frames(h.ana).map((f) => (f.type === 'event' || f.type === 'ack' ? [f.type, f.pos] : [f.type]));
    assert.deepEqual(anaGot, [
      ['event', 1],
      ['ack', 2],
      ['event', 3],
    ]);
    const ack = h.frames(h.ana)[1];
    assert.deepEqual(ack, { type: 'ack', ref: 'r1', pos: 2, message: messageView(2, 'client-0001') });
    assert.deepEqual(
      h.frames(h.ben).map((f) => f.type === 'event' && f.pos),
      [1, 2, 3],
      'everyone else gets the event',
    );
    h.gw.close();
  });

  it('acks an outcome without a position at once; no outcome, only a request with a ref', async () => {
    const h = await harness((frames) =>
      frames
        .register('send', (_ctx, f) => ({ pos: null, message: messageView(7, f.clientId) }))
        .register('receipt', () => undefined)
        .register('typing', () => undefined),
    );
    h.ana.receive({ type: 'send', conversationId: 'c', clientId: 'client-0007', text: 'again' });
    h.ana.receive({ type: 'receipt', ref: 'r2', conversationId: 'c', readSeq: 7 });
    h.ana.receive({ type: 'receipt', conversationId: 'c', readSeq: 7 });
    h.ana.receive({ type: 'typing', conversationId: 'c', typing: true });
    h.ana.receive({ type: 'ping', ref: 'p' });
    await settle();
    assert.deepEqual(h.frames(h.ana), [
      { type: 'pong', ref: 'p' },
      { type: 'ack', ref: null, message: messageView(7, 'client-0007') },
      { type: 'ack', ref: 'r2' },
    ]);
    assert.deepEqual(h.frames(h.ben), [], 'nothing for anyone else');
    h.gw.close();
  });

  it('answers a handler that throws with an error frame, and relays its signals to others', async () => {
    const h = await harness((frames) =>
      frames
        .register('edit', () => {
          throw new AppError('not_author');
        })
        .register('delete', async () => {
          throw new AppError('message_deleted');
        })
        .register('typing', (ctx, f) => {
          ctx.signal(['ben'], {
            type: 'typing',
            conversationId: f.conversationId,
            userId: ctx.userId,
            typing: f.typing,
          });
        }),
    );
    h.ana.receive({ type: 'edit', ref: 'e1', messageId: 'm1', text: 'mine?' });
    h.ana.receive({ type: 'delete', ref: 'd1', messageId: 'm1' });
    h.ana.receive({ type: 'typing', conversationId: 'c', typing: true });
    await settle();
    assert.deepEqual(
      h.frames(h.ana).map((f) => f.type === 'error' && [f.ref, f.error.id]),
      [
        ['e1', 'not_author'],
        ['d1', 'message_deleted'],
      ],
    );
    assert.deepEqual(h.signals, [
      {
        signal: { type: 'typing', conversationId: 'c', userId: 'ana', typing: true },
        audience: ['ben'],
        exceptConnection: h.gw.connectionsOf('ana')[0]?.id,
      },
    ]);
    h.gw.close();
  });
});
