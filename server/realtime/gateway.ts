import { randomUUID } from 'node:crypto';
import type { Signal } from '../../protocol/events.ts';
import type { EventConsumer, Origin, PublishedEvent, PublishedSignal } from '../bus/types.ts';
import { AppError, toAppError } from '../errors.ts';
import { isPeopleEvent } from '../events/feed.ts';
import { ReplayBudget } from '../events/replay-budget.ts';
import type { Logger } from '../lib/logger.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import { ackInPlaceOf, ackOf } from './acks.ts';
import { CATCHUP_PAGE, catchUp, type FeedReader } from './catchup.ts';
import { CloseCode, Connection, MAX_CATCHUP_BUFFER, type SocketPort } from './connection.ts';
import { parseFrame, refOf } from './frames.ts';
import { OutboundBudget } from './outbound.ts';
import type { FrameContext, FrameHandlers } from './registry.ts';

const HELLO_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 30_000;
/** A catch-up sends its next page once the socket has less than this queued. */
const CATCHUP_LOW_WATER = 64 * 1024;

/** What one account may make the gateway do, besides its requests (budgets per account or socket). */
export interface Budgets {
  /** Events one account may have replayed per second, by its catch-ups and GET /api/events together. */
  replay: ReplayBudget;
  /** `hello` frames per socket per minute (each restarts a catch-up). */
  hellosPerMinute: number;
  /** Bytes queued for all sockets together; past it, sockets that are behind are closed (4008). */
  maxQueuedBytes: number;
}

/** The defaults (README's): a new replay budget each time, since it holds each account's tokens. */
export function defaultBudgets(): Budgets {
  return { replay: new ReplayBudget(5000), hellosPerMinute: 6, maxQueuedBytes: 256 * 1024 * 1024 };
}

/** How many sockets, and how many frames a second on each. */
export interface ConnectionLimits {
  perAccount: number;
  perAddress: number;
  framesPerSecond: number;
}

/** What the gateway uses of the rest of the server, and nothing more; app.ts wires them. */
export interface GatewayPorts {
  /** The event log, as catch-ups read it. */
  feed: FeedReader;
  /** The handlers of request frames, which the domains registered. */
  handlers: FrameHandlers;
  /** Publishes an ephemeral signal (on the bus, which hands it back to `onSignal`). */
  signal: (s: PublishedSignal) => void;
  /** When a session ends, as stored now (its expiry slides with use); null once ended or revoked. */
  sessions: { endsAt(sessionId: string): Promise<number | null> };
  /**
   * Told when a person's own socket opens and closes (not one acting as a page): who is online
   * (presence/service.ts). Optional: without it nobody is counted.
   */
  presence?: { opened(userId: string): void; closed(userId: string): void };
}

/**
 * The WebSocket gateway: it keeps who is connected, consumes the event stream and sends each event to
 * the sockets of the people in its audience — nobody else — in pos order, and it hands request frames to
 * the handlers the domains registered, answering each with its ack (acks.ts). It answers `hello` (the
 * catch-up) and `ping` itself, and knows no domain. It is a consumer of the bus: services never call it.
 */
export class Gateway implements EventConsumer {
  readonly name = 'realtime';
  /** The event log, as catch-ups read it (catchup.ts). */
  readonly feed: FeedReader;
  private readonly handlers: FrameHandlers;
  private readonly publishSignal: (s: PublishedSignal) => void;
  private readonly sessions: GatewayPorts['sessions'];
  private readonly presence: GatewayPorts['presence'];
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly bySession = new Map<string, Set<Connection>>();
  private readonly byAddress = new Map<string, number>();
  /** Sockets per person, whoever they act as (themselves, or pages they help run): the per-account limit. */
  private readonly byActor = new Map<string, number>();
  /** Frames of any kind per connection (a flood guard under the per-account message limit). */
  private readonly frameRate: RateLimiter;
  private readonly helloRate: RateLimiter;
  /** Bytes queued for all sockets together (outbound.ts). */
  readonly outbound: OutboundBudget;
  private readonly heartbeat: NodeJS.Timeout;
  /** Live events kept per socket while it catches up; past that they are read back from the log. */
  maxCatchupBuffer = MAX_CATCHUP_BUFFER;
  /** A socket that has not said hello by then is closed (4009). */
  helloTimeoutMs = HELLO_TIMEOUT_MS;

  constructor(
    ports: GatewayPorts,
    readonly log: Logger,
    readonly limits: ConnectionLimits,
    readonly budgets: Budgets = defaultBudgets(),
  ) {
    this.feed = ports.feed;
    this.handlers = ports.handlers;
    this.publishSignal = ports.signal;
    this.sessions = ports.sessions;
    this.presence = ports.presence;
    // A burst of ten seconds' worth of frames, refilled continuously.
    this.frameRate = new RateLimiter(limits.framesPerSecond * 10, 10_000);
    this.helloRate = new RateLimiter(budgets.hellosPerMinute, 60_000);
    this.outbound = new OutboundBudget(() => this.budgets.maxQueuedBytes, log);
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Whether one more socket is allowed for this account and address. */
  admit(userId: string, address: string): AppError | null {
    if ((this.byActor.get(userId) ?? 0) >= this.limits.perAccount) return new AppError('too_many_connections');
    if ((this.byAddress.get(address) ?? 0) >= this.limits.perAddress) return new AppError('too_many_connections');
    return null;
  }

  /**
   * A socket of `actorId` (the person whose session it is), acting as `userId`: themselves, or a business
   * page they help run (its account; `/ws?page=…`), whose conversations it then reads and answers.
   */
  accept(
    ws: SocketPort,
    userId: string,
    sessionId: string,
    address: string,
    sessionEndsAt: number,
    actorId: string = userId,
  ) {
    const conn = new Connection(
      randomUUID(),
      ws,
      userId,
      sessionId,
      address,
      (c) => this.outbound.noteQueued(c),
      actorId,
    );
    conn.sessionEndsAt = sessionEndsAt;
    this.byActor.set(actorId, (this.byActor.get(actorId) ?? 0) + 1);
    addTo(this.byUser, userId, conn);
    addTo(this.bySession, sessionId, conn);
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1);
    conn.helloTimer = setTimeout(() => {
      if (conn.phase === 'awaiting_hello') conn.close(CloseCode.noHello, 'no hello');
    }, this.helloTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (err) => this.log.debug({ err, connection: conn.id }, 'socket error'));
    ws.on('close', () => this.forget(conn));
    if (conn.userId === conn.actorId) this.presence?.opened(conn.userId);
  }

  /** The people's sockets, as the gateway holds them (for tests and diagnostics: a copy to read). */
  connectionsOf(userId: string): readonly Connection[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  private onFrame(conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) {
    const wait = this.frameRate.take(conn.id);
    if (wait > 0) {
      // Answer the first refused frame of a burst, then drop frames silently until the bucket refills.
      if (!conn.throttled)
        conn.sendError(refOf(data), new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) }));
      conn.throttled = true;
      return;
    }
    conn.throttled = false;
    let frame: ReturnType<typeof parseFrame>;
    try {
      frame = parseFrame(data, isBinary);
    } catch (e) {
      conn.sendError(refOf(data), toAppError(e));
      return;
    }
    if (frame.type === 'hello') {
      const helloWait = this.helloRate.take(conn.id);
      if (helloWait > 0) {
        // The catch-up under way (or the live stream) goes on; this hello is not taken.
        conn.sendError(frame.ref, new AppError('rate_limited', undefined, { retryAfter: Math.ceil(helloWait / 1000) }));
        return;
      }
      if (conn.helloTimer) clearTimeout(conn.helloTimer);
      conn.helloTimer = null;
      void catchUp(this, conn, frame.cursor).catch((e) => this.fail(conn, frame.ref, e));
      return;
    }
    const ref = 'ref' in frame ? (frame.ref ?? null) : null;
    if (conn.phase === 'awaiting_hello') {
      conn.sendError(ref, new AppError('hello_required'));
      return;
    }
    if (frame.type === 'ping') {
      conn.sendRaw(JSON.stringify({ type: 'pong', ref }));
      return;
    }
    this.handlers
      .handle(this.contextOf(conn, ref), frame.type, frame)
      .then((outcome) => {
        const ack = ackOf(ref, outcome);
        if (ack) conn.sendRaw(ack);
      })
      .catch((e) => this.fail(conn, ref, e));
  }

  /** What a handler knows of its request (registry.ts). */
  private contextOf(conn: Connection, ref: string | null): FrameContext {
    return new SocketRequest(conn, ref, this.publishSignal);
  }

  private fail(conn: Connection, ref: string | null | undefined, e: unknown) {
    const err = toAppError(e);
    if (err.reportable) this.log.error({ err: err.cause ?? err, connection: conn.id }, 'socket request failed');
    conn.sendError(ref, err);
  }

  onEvents(events: readonly PublishedEvent[]) {
    // Each socket's frames of this batch leave in one write.
    const corked: Connection[] = [];
    for (const e of events) {
      let frame: string | null = null;
      for (const userId of e.audience) {
        const conns = this.byUser.get(userId);
        if (!conns) continue;
        for (const conn of conns) {
          if (!conn.corked && conn.phase === 'live' && conn.cork()) {
            conn.corked = true;
            corked.push(conn);
          }
          frame ??= `{"type":"event","pos":${e.pos},"event":${e.json}}`;
          this.deliver(conn, e, frame);
        }
      }
      if (e.event.type === 'session.revoked') {
        for (const conn of this.bySession.get(e.event.sessionId) ?? [])
          conn.close(CloseCode.sessionEnded, 'session ended');
      }
      if (e.event.type === 'page.membership_changed' && e.event.role === null) {
        const person = e.event.userId;
        for (const conn of this.byUser.get(e.event.page.id) ?? [])
          if (conn.actorId === person) conn.close(CloseCode.pageAccessEnded, 'no longer runs this page');
      }
    }
    for (const conn of corked) {
      conn.corked = false;
      conn.uncork();
    }
  }

  /**
   * Before each catch-up page: the socket has drained what it was sent, the account's page budget allows
   * another page (it waits, it is not refused), and the event loop has had a turn.
   */
  async pace(conn: Connection): Promise<void> {
    while (conn.open && conn.ws.bufferedAmount > CATCHUP_LOW_WATER) await sleep(5);
    for (let wait = this.budgets.replay.take(conn.userId, CATCHUP_PAGE); wait > 0 && conn.open; ) {
      await sleep(wait);
      wait = this.budgets.replay.take(conn.userId, CATCHUP_PAGE);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Sends one event to one socket, or keeps it for after the catch-up. */
  deliver(conn: Connection, e: PublishedEvent, frame?: string) {
    if (conn.phase === 'awaiting_hello') return;
    if (conn.phase === 'catching_up') {
      if (conn.buffer && conn.buffer.length < this.maxCatchupBuffer) conn.buffer.push(e);
      else {
        conn.buffer = null;
        conn.overflowed = true;
      }
      return;
    }
    // The socket whose request caused the event gets the ack in its place (acks.ts).
    const ack = ackInPlaceOf(e, conn.id);
    if (e.pos <= conn.lastPos) {
      // A catch-up read it from the log before it was published (a hello after the request): the socket
      // has the event, but its request still needs the ack that answers it.
      if (ack) conn.sendRaw(ack);
      return;
    }
    conn.lastPos = e.pos;
    if (ack) {
      conn.sendRaw(ack);
      return;
    }
    // The log holds other consumers' events too (a webhook's): a socket is sent the people's only.
    if (!isPeopleEvent(e.event.type)) return;
    conn.sendRaw(frame ?? `{"type":"event","pos":${e.pos},"event":${e.json}}`);
  }

  onSignal(s: PublishedSignal) {
    let frame: string | null = null;
    for (const userId of s.audience) {
      for (const conn of this.byUser.get(userId) ?? []) {
        if (conn.id === s.exceptConnection || conn.phase !== 'live') continue;
        frame ??= JSON.stringify({ type: 'signal', signal: s.signal });
        conn.sendRaw(frame);
      }
    }
  }

  private forget(conn: Connection) {
    if (conn.helloTimer) clearTimeout(conn.helloTimer);
    conn.buffer = null;
    removeFrom(this.byUser, conn.userId, conn);
    removeFrom(this.bySession, conn.sessionId, conn);
    const a = (this.byActor.get(conn.actorId) ?? 1) - 1;
    if (a <= 0) this.byActor.delete(conn.actorId);
    else this.byActor.set(conn.actorId, a);
    const n = (this.byAddress.get(conn.address) ?? 1) - 1;
    if (n <= 0) this.byAddress.delete(conn.address);
    else this.byAddress.set(conn.address, n);
    this.frameRate.reset(conn.id);
    this.helloRate.reset(conn.id);
    this.outbound.forget(conn);
    if (conn.userId === conn.actorId) this.presence?.closed(conn.userId);
  }

  /**
   * Drops sockets that stopped answering pings (a vanished network leaves no close behind), and closes
   * those whose session has ended (4001).
   */
  beat(now = Date.now()) {
    for (const conns of this.byUser.values()) {
      for (const conn of conns) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        if (now >= conn.sessionEndsAt) this.checkSession(conn);
        conn.alive = false;
        if (conn.open) conn.ws.ping();
      }
    }
  }

  /** The session's expiry as the socket knew it has passed: it may have slid since; else close (4001). */
  private checkSession(conn: Connection) {
    if (conn.checkingSession) return;
    conn.checkingSession = true;
    this.sessions
      .endsAt(conn.sessionId)
      .then((end) => {
        if (end === null) conn.close(CloseCode.sessionEnded, 'session ended');
        else conn.sessionEndsAt = end;
      })
      .catch((err: unknown) => this.log.warn({ err, connection: conn.id }, 'session check failed'))
      .finally(() => {
        conn.checkingSession = false;
      });
  }

  /** Closes every socket (server shutdown): clients reconnect elsewhere or later, with their cursor. */
  close() {
    clearInterval(this.heartbeat);
    this.outbound.close();
    for (const conns of this.byUser.values())
      for (const c of conns) c.close(CloseCode.goingAway, 'server shutting down');
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A socket request's context: a class, not an object literal with a closure, made once per frame. */
class SocketRequest implements FrameContext {
  readonly userId: string;
  readonly actorId: string;
  readonly connectionId: string;
  readonly origin: Origin;
  constructor(
    conn: Connection,
    readonly ref: string | null,
    private readonly publish: (s: PublishedSignal) => void,
  ) {
    this.userId = conn.userId;
    this.actorId = conn.actorId;
    this.connectionId = conn.id;
    this.origin = { connectionId: conn.id, ref };
  }
  signal(audience: readonly string[], signal: Signal) {
    this.publish({ signal, audience, exceptConnection: this.connectionId });
  }
}
