import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ErrorId } from '../../protocol/errors.ts';
import type { DomainEvent } from '../../protocol/events.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import { limits } from '../../protocol/limits.ts';
import { catalogue } from '../../server/errors.ts';
import { backends } from '../helpers/backends.ts';
import { SocketClient } from '../helpers/client.ts';
import type { TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';
import { encodeAny, jsonEdge, mutated, nearLimit, oddKey, oddText, padded, textMutation } from './arbitraries.ts';
import { acceptableErrorId, fuzzParams, fuzzServer, isPlainObject, rawRequest, Stats, Watch } from './harness.ts';
import { clientIdArb, idFrom, pick, reactionEmojiArb } from './routes.ts';
import { describeDiff, diffRows, pageInvariants } from './rows.ts';
import { type Name, type Snapshot, World } from './world.ts';

/**
 * Fuzzing the WebSocket gateway on both backends: every client frame type (hello, send, edit, delete, hide,
 * receipt, typing, ping), unknown types, mutated frames, damaged JSON, binary and oversized frames, on a
 * Fuzzing the WebSocket gateway on both backends: every client frame type (hello, send, edit, delete,
 * receipt, typing, ping, react), unknown types, mutated frames, damaged JSON, binary and oversized frames, on a
 * live socket and before hello. Properties, for every batch of frames:
 * 1. each is answered as PROTOCOL.md says — an `error` with a catalogued id (never `internal`), an `ack`,
 *    a `pong` — at most once per ref; the socket stays open and answers a ping and a hello afterwards;
 * 2. nothing unhandled happens in the server process, and it logs no error;
 * 3. every stored change has its event, and every `message.*` event of the sender has the `ack` that
 *    carried its pos (and the other way round); no client id is used twice; when nothing was accepted, no
 *    row changed and nobody sees anything new; someone outside a conversation receives nothing of it.
 * The same holds on a socket acting as a business page (`/ws?page=<id>`, opened by its agent): its frames
 * act as the page, in the page's conversations only, and the page's admin (not in them) receives nothing
 * of them on her own socket. An upgrade acting as a page opens for the people who run it, and is refused
 * as PROTOCOL.md says otherwise: `403 not_page_member`, `404 page_not_found`, `400 bad_request` for an
 * empty, repeated or over-long id.
 */

type Frame = { kind: 'json'; value: unknown } | { kind: 'text'; text: string } | { kind: 'binary'; bytes: Buffer };

/** A ref that the run replaces with a unique one, so that the answer can be matched. */
const AUTO = '\u0000auto';
const ref = fc.oneof(
  { weight: 8, arbitrary: fc.constant<unknown>(AUTO) },
  { weight: 1, arbitrary: fc.constant<unknown>(undefined) },
  { weight: 1, arbitrary: fc.oneof(jsonEdge, nearLimit(1, 64)) },
);
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 2, arbitrary: oddText(60) },
  { weight: 1, arbitrary: nearLimit(1, limits.messageText.max) },
);
const seq = fc.oneof({ weight: 4, arbitrary: fc.nat(40) }, { weight: 1, arbitrary: jsonEdge });
const drop = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const opt = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

/**
 * Who the frames of a socket act as: a person (ana), or a business page (ana's, on a socket its agent
 * opened); the conversations and messages that are theirs (where requests can succeed).
 */
interface Seat {
  name: string;
  /** The account the frames act as: the person's, or the page's. */
  me: () => string;
  socket: () => SocketClient;
  own: () => readonly string[];
  ownMessages: () => readonly string[];
  /** The events after a position that the account may see. */
  events: (after: number) => Promise<{ pos: number; event: DomainEvent }[]>;
  /** Whether the views compared hold what people see of pages (their inboxes): for a page's seat. */
  pages: boolean;
  /** Other sockets (of people) that must receive nothing of the conversations their person is not in. */
  observers: () => { socket: SocketClient; userId: string }[];
}

/** Well-shaped frames of every type (values near and past the limits), and unknown types. */
function shaped(w: World, seat: Seat): fc.Arbitrary<Record<string, unknown>> {
  // Mostly the seat's own conversations and messages: requests that can succeed.
  const conversationId = fc.oneof(
    { weight: 2, arbitrary: pick(seat.own) },
    idFrom(() => w.conversations),
  );
  const messageId = fc.oneof(
    { weight: 2, arbitrary: pick(() => (seat.ownMessages().length > 0 ? seat.ownMessages() : ['none'])) },
    idFrom(() => w.messages),
  );
  const receipt = fc.oneof(
    fc.record({ type: fc.constant('receipt'), ref, conversationId, deliveredSeq: seq }),
    fc.record({ type: fc.constant('receipt'), ref, conversationId, readSeq: seq }),
    fc.record({ type: fc.constant('receipt'), ref, conversationId, deliveredSeq: opt(seq), readSeq: opt(seq) }),
  );
  const unknown = fc.record({
    type: fc.oneof(
      fc.constantFrom('HELLO', 'Send', 'pong', 'ack', 'event', 'ready', '__proto__', 'constructor', 'toString', ''),
      oddText(20),
      jsonEdge,
    ),
    ref,
  });
  return fc
    .oneof(
      {
        weight: 1,
        arbitrary: fc.record({
          type: fc.constant('hello'),
          cursor: fc.oneof(fc.constant(null), fc.nat(2000), jsonEdge),
          ref,
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          type: fc.constant('send'),
          ref,
          conversationId,
          clientId: clientIdArb(w),
          text,
          replyToId: opt(messageId),
        }),
      },
      { weight: 2, arbitrary: fc.record({ type: fc.constant('edit'), ref, messageId, text }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('delete'), ref, messageId }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('hide'), ref, messageId }) },
      { weight: 2, arbitrary: receipt },
      {
        weight: 2,
        arbitrary: fc.record({
          type: fc.constant('typing'),
          conversationId,
          typing: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: jsonEdge }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('ping'), ref }) },
      { weight: 1, arbitrary: unknown },
      {
        weight: 2,
        arbitrary: fc.record({
          type: fc.constant('react'),
          ref,
          messageId,
          emoji: reactionEmojiArb,
          on: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: jsonEdge }),
        }),
      },
    )
    .map(drop);
}

function frames(w: World, seat: Seat): fc.Arbitrary<Frame> {
  const s = shaped(w, seat);
  return fc.oneof(
    { weight: 10, arbitrary: s.map((value): Frame => ({ kind: 'json', value })) },
    { weight: 4, arbitrary: mutated(s).map((value): Frame => ({ kind: 'json', value })) },
    {
      weight: 2,
      arbitrary: fc.tuple(s, textMutation).map(([v, m]): Frame => ({ kind: 'text', text: m(JSON.stringify(v)) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(s, fc.constantFrom(limits.frameBytes, limits.frameBytes + 1, 200 * 1024))
        .map(([v, n]): Frame => ({ kind: 'text', text: padded(v, n) })),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.uint8Array({ maxLength: 64 }).map((b): Frame => ({ kind: 'binary', bytes: Buffer.from(b) })),
        s.map((v): Frame => ({ kind: 'binary', bytes: Buffer.from(JSON.stringify(v)) })),
        fc.tuple(oddKey, oddText(20)).map(([k, v]): Frame => ({ kind: 'text', text: `${k}${v}` })),
      ),
    },
  );
}

let refCounter = 0;

/**
 * Sends a frame, with AUTO refs made unique. Answers the ref its answer must echo, if any: the usable
 * `ref` (a string of at most 64 characters) of a frame the server reads — not one over 16 KiB — and that
 * is not a hello (answered by ready or reset).
 */
function sendFrame(c: SocketClient, f: Frame): string | null {
  let data: string | Buffer;
  if (f.kind === 'json') {
    const unique = isPlainObject(f.value) && f.value.ref === AUTO ? `f${++refCounter}` : null;
    data = JSON.stringify(unique ? { ...(f.value as Record<string, unknown>), ref: unique } : f.value) ?? 'null';
  } else data = f.kind === 'text' ? f.text : f.bytes;
  c.ws.send(data, { binary: f.kind === 'binary' });
  if (Buffer.byteLength(data) > limits.frameBytes) return null;
  try {
    const v: unknown = JSON.parse(data.toString());
    const hello = isPlainObject(v) && v.type === 'hello' && f.kind !== 'binary';
    return hello ? null : echoedRef(v, f.kind === 'binary');
  } catch {
    return null;
  }
}

const refOfFrame = (f: ServerFrame) => ('ref' in f ? f.ref : undefined);

/**
 * The ref the server echoes in its answers to a (JSON-parsed) frame, or null: a string of at most 64 code
 * points, counted the same way by the frame schema (protocol/frames.ts) and by `refOf` for a frame it
 * cannot read (server/realtime/frames.ts), so that a client can match every answer to its request.
 */
function echoedRef(v: unknown, _binary: boolean): string | null {
  const ref = isPlainObject(v) ? v.ref : undefined;
  return typeof ref === 'string' && [...ref].length <= 64 ? ref : null;
}

/**
 * How many answers with `ref: null` a frame gets: 'one' (a frame that is not read, not JSON, not a known
 * type, or a request without a usable ref), 'maybe' (a receipt or typing without ref: nothing when it
 * succeeds; a hello without ref: an error only when invalid), or 'none' (its answer echoes its ref).
 */
function nullAnswers(f: Frame): 'one' | 'maybe' | 'none' {
  const text =
    f.kind === 'binary' ? f.bytes.toString('utf8') : f.kind === 'text' ? f.text : (JSON.stringify(f.value) ?? 'null');
  if (Buffer.byteLength(text) > limits.frameBytes) return 'one';
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'one';
  }
  const ref = isPlainObject(v) ? v.ref : undefined;
  if (echoedRef(v, f.kind === 'binary') !== null || (isPlainObject(v) && v.ref === AUTO)) return 'none';
  // A binary frame is refused whatever it holds (its ref echoed when it has one).
  if (f.kind === 'binary') return 'one';
  const type = isPlainObject(v) ? v.type : undefined;
  if (ref === undefined && (type === 'receipt' || type === 'typing' || type === 'hello')) return 'maybe';
  return 'one';
}

for (const backend of backends) {
  describe(`fuzzing the WebSocket gateway (${backend.name})`, () => {
    const watch = new Watch();
    const stats = new Stats();
    let s: TestServer;
    let w: World;
    let ana: SocketClient;
    let eve: SocketClient;
    /** ben's socket acting as ana's page (ben is its agent). */
    let page: SocketClient;
    let skip: string | false = false;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await fuzzServer(backend, watch);
      w = await World.create(s);
      ana = await w.socket('ana');
      eve = await w.socket('eve');
      page = await SocketClient.connect(pageUrl(w.page.id), w.cookieOf('ben'));
      page.send({ type: 'hello', cursor: null });
      await page.next((f) => f.type === 'ready');
    });
    const pageUrl = (id: string) => `${s.wsUrl}?page=${encodeURIComponent(id)}`;
    const asAna: Seat = {
      name: 'ana',
      me: () => w.user('ana').id,
      socket: () => ana,
      // Her one-to-one conversation with ben, and the group.
      own: () => w.base.slice(0, 2),
      ownMessages: () => w.sentBy.get(w.user('ana').id) ?? [],
      events: async (after) => (await w.eventsAfter('ana', after)).events,
      pages: false,
      observers: () => [{ socket: eve, userId: w.user('eve').id }],
    };
    const asPage: Seat = {
      name: "ana's page",
      me: () => w.page.id,
      socket: () => page,
      own: () => w.pageConversations,
      ownMessages: () => w.sentBy.get(w.page.id) ?? [],
      events: (after) => w.feedOf(w.page.id, after),
      pages: true,
      // ana runs the page but is not in its conversations: her own socket gets nothing of them.
      observers: () => [
        { socket: ana, userId: w.user('ana').id },
        { socket: eve, userId: w.user('eve').id },
      ],
    };
    // Whatever went wrong in the server during a property is that property's failure (and not the next one's).
    afterEach(() => watch.check('after the property'));
    after(async () => {
      if (skip) return;
      stats.print(`socket answers (${backend.name})`);
      // A setup that failed half-way leaves some of these unset: close what there is, or the file hangs.
      ana?.close();
      eve?.close();
      page?.close();
      await w?.close();
      await s?.close();
    });

    /**
     * The socket takes a hello (from now on: a `reset` may have left it waiting for one) and answers a
     * ping again; the HTTP API still serves.
     */
    async function stillServing(c: SocketClient) {
      assert.equal(c.closed, null, `the socket was closed: ${JSON.stringify(c.closed)}`);
      const from = c.frames.length;
      c.send({ type: 'hello', cursor: null });
      await c.next((f) => f.type === 'ready', 5000, from);
      const r = `alive${++refCounter}`;
      c.send({ type: 'ping', ref: r });
      await c.next((f) => f.type === 'pong' && f.ref === r, 5000, from);
      const health = await rawRequest(s.url, { method: 'GET', path: '/healthz' });
      assert.equal(health.status, 200);
    }

    /** Frames of every type from the seat's socket: the properties above, for `runs` batches. */
    async function liveFrames(seat: Seat, runs: number) {
      const me = seat.me();
      const sock = seat.socket();
      let last: Snapshot | null = null;
      const property = fc.asyncProperty(fc.array(frames(w, seat), { minLength: 1, maxLength: 6 }), async (batch) => {
        const before = last ?? (await w.snapshot(['ana', 'eve'], seat.pages));
        last = null;
        // Client ids are the sender's: the seat's own used ones.
        const usedClientIds = new Set(w.clientIds.filter((c) => c.senderId === me).map((c) => c.clientId));
        const from = sock.frames.length;
        const observers = seat.observers().map((o) => ({ ...o, from: o.socket.frames.length }));
        const expected: string[] = [];
        let hellos = 0;
        const nulls = batch.map(nullAnswers);
        const nullAtLeast = nulls.filter((n) => n === 'one').length;
        const nullAtMost = nullAtLeast + nulls.filter((n) => n === 'maybe').length;
        for (const f of batch) {
          const echo = sendFrame(sock, f);
          if (echo !== null) expected.push(echo);
          if (f.kind === 'json' && isPlainObject(f.value) && f.value.type === 'hello') hellos++;
        }
        const what = () =>
          `sent ${JSON.stringify(batch).slice(0, 1500)}\ngot ${JSON.stringify(sock.frames.slice(from)).slice(0, 1500)}`;
        // Every request is answered, unless the socket was told to start over (`reset`: the client reloads
        // and resends), or a second hello came while a catch-up ran (it starts over from its cursor).
        const excused = () =>
          hellos > 1 ||
          sock.frames
            .slice(from)
            .some((f) => f.type === 'reset' || (f.type === 'error' && f.error.id === 'hello_required'));
        const answered = () => sock.frames.slice(from).map(refOfFrame);
        const nullAnswered = () =>
          sock.frames.slice(from).filter((f) => ['ack', 'error', 'pong'].includes(f.type) && refOfFrame(f) === null)
            .length;
        await until(
          what,
          () => {
            const seen = answered();
            const owed = expected.every(
              (r) => seen.filter((x) => x === r).length >= expected.filter((x) => x === r).length,
            );
            return excused() || (owed && nullAnswered() >= nullAtLeast);
          },
          5000,
          5,
        );
        await s.comptoir.committer.drain();
        const settle = `settle${++refCounter}`;
        sock.send({ type: 'ping', ref: settle });
        // A pong, or hello_required when a hello with a cursor ahead left the socket waiting for another.
        await sock.next((f) => refOfFrame(f) === settle, 5000, from);
        const got = sock.frames.slice(from);

        // 1. Known answers, at most one per ref.
        const perRef = new Map<string, number>();
        for (const f of got) {
          if (f.type === 'error') {
            assert.ok(acceptableErrorId(f.error.id), `error ${f.error.id}: ${what()}`);
            assert.equal(typeof f.error.message, 'string');
            stats.add('error', f.error.id);
          } else stats.add(f.type, f.type === 'ack' ? (f.pos ? 'with pos' : 'no pos') : '');
          const r = refOfFrame(f);
          if (typeof r === 'string' && r.startsWith('f')) perRef.set(r, (perRef.get(r) ?? 0) + 1);
          if (f.type === 'ack' && f.message) assert.equal(f.message.senderId, me, what());
        }
        for (const [r, n] of perRef) assert.equal(n, 1, `${n} answers to ${r}: ${what()}`);
        assert.ok(
          nullAnswered() <= nullAtMost,
          `${nullAnswered()} answers without ref, ${nullAtMost} at most: ${what()}`,
        );

        // 3. Changes: each has its event; sender's message events ⇔ acks with pos.
        const now = await w.snapshot(['ana', 'eve'], seat.pages);
        const diff = diffRows(before.rows, now.rows);
        const events = await seat.events(before.head);
        assert.equal(now.head, events.at(-1)?.pos ?? before.head, `events ${seat.name} cannot see: ${what()}`);
        const ackPos = new Set(got.flatMap((f) => (f.type === 'ack' && f.pos ? [f.pos] : [])));
        const eventPos = new Set<number>();
        for (const { pos, event } of events) {
          if (event.type === 'receipt.updated') {
            assert.equal(event.userId, me, what());
            continue;
          }
          assert.ok(
            event.type.startsWith('message.') || event.type === 'reaction.updated',
            `a ${event.type} event from frames: ${what()}`,
          );
          if (event.type === 'reaction.updated')
            assert.equal(event.userId, me, `not ${seat.name}'s reaction: ${what()}`);
          eventPos.add(pos);
          if (event.type === 'message.created') {
            const clientId = (event as { message: { clientId: string } }).message.clientId;
            assert.ok(!usedClientIds.has(clientId), `client id ${clientId} used twice: ${what()}`);
            usedClientIds.add(clientId);
            w.addMessage((event as { message: { id: string } }).message.id, me);
            w.clientIds.push({ clientId, conversationId: event.conversationId, senderId: me });
          }
        }
        for (const p of ackPos) assert.ok(eventPos.has(p), `an ack at ${p} without its event: ${what()}`);
        if (!excused())
          for (const p of eventPos) assert.ok(ackPos.has(p), `an event at ${p} without its ack: ${what()}`);
        if (events.length === 0) {
          assert.equal(diff.size, 0, `rows changed without an event:\n${describeDiff(diff)}\n${what()}`);
          assert.deepEqual(now.views, before.views, `what people see changed: ${what()}`);
        }
        // member_periods: a one-to-one conversation's first message brings it to the other person.
        for (const table of diff.keys())
          assert.ok(
            // hidden_messages: a `hide` frame (delete for me), the seat's own (below).
            // message_reactions: a `react` frame.
            [
              'messages',
              'conversations',
              'members',
              'events',
              'hidden_messages',
              'member_periods',
              'message_reactions',
            ].includes(table),
            `${table}: ${what()}`,
          );
        // Frames act as the seat: its messages, its watermarks, and no one else's.
        for (const r of diff.get('messages')?.added ?? [])
          assert.equal(
            (JSON.parse(r) as { sender_id: string }).sender_id,
            me,
            `a message not from ${seat.name}: ${what()}`,
          );
        for (const r of diff.get('hidden_messages')?.added ?? [])
          assert.equal((JSON.parse(r) as { user_id: string }).user_id, me, `hidden for another: ${what()}`);
        const d = diff.get('members');
        for (const r of [...(d?.removed ?? []), ...(d?.added ?? [])])
          assert.equal((JSON.parse(r) as { user_id: string }).user_id, me, `another's watermarks moved: ${what()}`);
        for (const problem of pageInvariants(now.rows)) assert.fail(`${problem}: ${what()}`);

        // Fan-out: the seat receives only what is of its conversations (a catch-up replays those it has
        // left), the observers nothing of conversations they are not in.
        const received = (c: SocketClient, from: number) =>
          c.frames.slice(from).flatMap((f) => {
            const id =
              f.type === 'event'
                ? f.event.conversationId
                : f.type === 'signal' && f.signal.type === 'typing'
                  ? f.signal.conversationId
                  : null;
            return id ? [{ id, f }] : [];
          });
        for (const { id, f } of received(sock, from))
          assert.ok(await w.wasMember(id, me), `${seat.name} received ${JSON.stringify(f)}`);
        for (const o of observers)
          for (const { id, f } of received(o.socket, o.from))
            assert.ok(await w.isMember(id, o.userId), `${o.userId} received ${JSON.stringify(f)}`);

        watch.check(what());
        await stillServing(sock);
        last = now;
      });
      await fc.assert(property, fuzzParams(runs));
    }

    it('frames of every type, mutated and damaged, on a live socket', async (t) => {
      if (skip) return t.skip(skip);
      await liveFrames(asAna, 120);
    });

    it("frames of every type on a socket acting as a page (/ws?page=…): as the page, in the page's conversations only", async (t) => {
      if (skip) return t.skip(skip);
      await liveFrames(asPage, 30);
    });

    it('upgrades acting as a page: open for the people who run it, else refused as PROTOCOL.md says', async (t) => {
      if (skip) return t.skip(skip);
      const param = fc.oneof(
        { weight: 4, arbitrary: pick(() => w.pages).map((id) => `page=${id}`) },
        { weight: 2, arbitrary: idFrom(() => w.pages).map((id) => `page=${encodeAny(id)}`) },
        pick(() => w.pages).map((id) => `page=${id}&page=${id}`),
        pick(() => w.users).map((id) => `page=${id}`),
        fc.constantFrom('page=', 'page', `page=${'x'.repeat(65)}`, 'page=%ZZ', 'page=%00', 'page[]=x', 'x=1&page=nope'),
      );
      const who = fc.constantFrom<Name | 'anon'>('ana', 'ben', 'cat', 'eve', 'anon');
      const property = fc.asyncProperty(
        fc.array(fc.record({ who, param }), { minLength: 1, maxLength: 3 }),
        async (batch) => {
          for (const { who, param } of batch) {
            const what = `${who} /ws?${param}`;
            const url = `${s.wsUrl}?${param}`;
            // What the server reads: the query as the client sends it (a WHATWG URL), decoded as
            // URLSearchParams does (server/realtime/upgrade.ts).
            const values = new URLSearchParams(new URL(url).search).getAll('page');
            const me = who === 'anon' ? null : w.user(who).id;
            const pages = w.s.comptoir.storage.reader.pages;
            let expected: 'open' | ErrorId;
            if (me === null) expected = 'unauthenticated';
            // No `page` at all (`page[]=x`): the person's own socket.
            else if (values.length === 0) expected = 'open';
            else if (values.length > 1 || !values[0] || values[0].length > 64) expected = 'bad_request';
            else if (await pages.pageMember(values[0], me)) expected = 'open';
            else if (await pages.pageById(values[0])) expected = 'not_page_member';
            else expected = 'page_not_found';
            let sock: SocketClient | null = null;
            try {
              sock = await SocketClient.connect(url, me === null ? null : w.cookieOf(who as Name));
            } catch (e) {
              const { status, body } = e as { status?: number; body?: string };
              assert.ok(status !== undefined, `${what}: ${String(e)}`);
              stats.add('upgrade ?page', String(status));
              const error = (JSON.parse(body ?? '') as { error: { id: string } }).error;
              assert.ok(acceptableErrorId(error.id), `${what}: ${body}`);
              assert.equal(status, catalogue[error.id as ErrorId].status, `${what}: ${body}`);
              assert.equal(error.id, expected, `${what}: ${status} ${body}`);
            }
            if (sock) {
              stats.add('upgrade ?page', 'open');
              try {
                assert.equal(expected, 'open', `${what}: opened, not ${expected}`);
                sock.send({ type: 'hello', cursor: null });
                await sock.next((f) => f.type === 'ready');
              } finally {
                sock.close();
              }
            }
          }
          watch.check(JSON.stringify(batch));
        },
      );
      await fc.assert(property, fuzzParams(20));
    });

    it('frames before hello: refused, nothing stored, hello still works', async (t) => {
      if (skip) return t.skip(skip);
      const early = fc.oneof(frames(w, asAna), fc.constant<Frame>({ kind: 'text', text: 'not json' }));
      const property = fc.asyncProperty(
        fc
          .array(early, { minLength: 1, maxLength: 4 })
          .filter((b) => b.every((f) => !(f.kind === 'json' && isPlainObject(f.value) && f.value.type === 'hello'))),
        async (batch) => {
          const before = await w.snapshot([]);
          const sock = await SocketClient.connect(s.wsUrl, w.cookieOf('ben'));
          try {
            for (const f of batch) sendFrame(sock, f);
            const settle = `early${++refCounter}`;
            sock.send({ type: 'ping', ref: settle });
            await sock.next((f) => f.type === 'error' && f.ref === settle);
            for (const f of sock.frames) {
              assert.equal(f.type, 'error', `before hello: ${JSON.stringify(f)}`);
              if (f.type === 'error') assert.ok(acceptableErrorId(f.error.id), JSON.stringify(f));
            }
            await s.comptoir.committer.drain();
            const after = await w.snapshot([]);
            assert.equal(diffRows(before.rows, after.rows).size, 0, JSON.stringify(batch).slice(0, 1000));
            watch.check(JSON.stringify(batch).slice(0, 1000));
            await stillServing(sock);
          } finally {
            sock.close();
          }
        },
      );
      await fc.assert(property, fuzzParams(15));
    });

    it('a frame over 1 MiB closes the socket (1009); the server goes on', async (t) => {
      if (skip) return t.skip(skip);
      const property = fc.asyncProperty(fc.integer({ min: 1024 * 1024 + 1, max: 1536 * 1024 }), async (size) => {
        const sock = await SocketClient.live(s.wsUrl, w.people.ben);
        sock.ws.send(padded({ type: 'ping', ref: 'big' }, size));
        assert.equal((await sock.waitClose()).code, 1009);
        watch.check(`a frame of ${size} bytes`);
        await stillServing(ana);
      });
      await fc.assert(property, fuzzParams(3));
    });
  });
}
