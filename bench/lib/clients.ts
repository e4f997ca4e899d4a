import WebSocket from 'ws';
import type { CpuMeter } from './database.ts';

/** One benchmark client: a socket that said hello, and the conversation it talks in. */
export interface BenchClient {
  ws: WebSocket;
  index: number;
  conversationId: string;
  onFrame: (data: Buffer) => void;
}

export interface ClientSpec {
  cookie: string;
  conversationId: string;
  /** More upgrade headers (an `X-Forwarded-For` that gives the client an address of its own). */
  headers?: Record<string, string>;
}

const A = 'a'.charCodeAt(0);
const E = 'e'.charCodeAt(0);
const V = 'v'.charCodeAt(0);
const OTHER = 0;
/** Frames start with {"type":"…: bytes 9 and 10 tell an ack from an event without parsing. */
const kind = (data: Buffer) => {
  if (data[9] === A) return A;
  if (data[9] === E && data[10] === V) return E;
  if (data.includes('"type":"error"')) throw new Error(`the server answered an error: ${String(data)}`);
  return OTHER;
};

function connectOne(wsUrl: string, spec: ClientSpec, index: number): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { ...spec.headers, cookie: spec.cookie }, perMessageDeflate: false });
    const client: BenchClient = { ws, index, conversationId: spec.conversationId, onFrame: () => {} };
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send('{"type":"hello","cursor":null}');
    });
    ws.on('message', (data: Buffer) => {
      if (data.includes('"type":"ready"')) {
        client.onFrame = () => {};
        resolve(client);
        return;
      }
      client.onFrame(data);
    });
  });
}

/** Opens and greets sockets, `concurrency` handshakes at a time. */
export async function connectAll(wsUrl: string, specs: ClientSpec[], concurrency = 100): Promise<BenchClient[]> {
  const out: BenchClient[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      out[i] = await connectOne(wsUrl, specs[i] as ClientSpec, i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

export async function closeAll(clients: BenchClient[]) {
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close();
        }),
    ),
  );
}

let runId = 0;
const sendFrame = (c: BenchClient, n: number, run: number) =>
  `{"type":"send","ref":"r","conversationId":"${c.conversationId}","clientId":"bench${run}x${c.index}x${n}","text":"bench message number ${n}"}`;

/**
 * Closed loop: every client keeps one message in flight, sending the next when the previous is
 * acknowledged. Answers messages delivered to recipients per second over the measured window.
 */
export async function closedLoop(
  clients: BenchClient[],
  warmupMs: number,
  measureMs: number,
  cpuMs: () => number = () => 0,
  meters: CpuMeter[] = [],
): Promise<{ rate: number; cpuUsPerMessage: number; metersUsPerMessage: number[] }> {
  const run = ++runId;
  let delivered = 0;
  let counting = false;
  let stopped = false;
  for (const c of clients) {
    let n = 0;
    c.onFrame = (data) => {
      const k = kind(data);
      if (k === E) {
        if (counting) delivered++;
      } else if (k === A && !stopped) {
        c.ws.send(sendFrame(c, ++n, run));
      }
    };
  }
  for (const c of clients) c.ws.send(sendFrame(c, 0, run));
  await sleep(warmupMs);
  counting = true;
  await Promise.all(meters.map((m) => m.start()));
  const t0 = performance.now();
  const cpu0 = cpuMs();
  await sleep(measureMs);
  counting = false;
  const elapsed = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  const metered = await Promise.all(meters.map((m) => m.stop()));
  stopped = true;
  await sleep(500); // let the last messages drain
  for (const c of clients) c.onFrame = () => {};
  const perMessage = (ms: number) => (ms * 1000) / Math.max(1, delivered);
  return {
    rate: (delivered / elapsed) * 1000,
    cpuUsPerMessage: perMessage(cpu),
    metersUsPerMessage: metered.map(perMessage),
  };
}

export interface OpenLoopOptions {
  /** Called when the measured window opens (after the warm-up)… */
  onMeasure?: () => void;
  /** …and when it closes, before the drain. */
  onEnd?: () => void;
  /** After the window, how long to wait for messages still on their way (1000 ms); they count when they arrive. */
  drainMs?: number;
}

/**
 * Sends `total` messages as fast as the server acknowledges them, each client keeping one in flight
 * (to seed history). Resolves when every one has been acknowledged.
 */
export function fill(clients: BenchClient[], total: number): Promise<void> {
  const run = ++runId;
  let sent = 0;
  let acked = 0;
  return new Promise((resolve) => {
    if (total <= 0) return resolve();
    const next = (c: BenchClient) => {
      if (sent < total) c.ws.send(sendFrame(c, sent++, run));
    };
    for (const c of clients) {
      c.onFrame = (data) => {
        if (kind(data) !== A) return;
        if (++acked === total) {
          for (const x of clients) x.onFrame = () => {};
          resolve();
        } else next(c);
      };
    }
    for (const c of clients) next(c);
  });
}

/**
 * Open loop: sends `rate` messages per second spread over the clients, on a fixed schedule that does not
 * wait for answers, and measures each message from its scheduled send time to its arrival at the
 * recipient. Answers the latencies (ms) and how many never arrived (within `drainMs` after the window).
 */
export async function openLoop(
  clients: BenchClient[],
  rate: number,
  warmupMs: number,
  measureMs: number,
  options: OpenLoopOptions = {},
): Promise<{ latencies: number[]; lost: number; offered: number }> {
  const run = ++runId;
  const scheduled = new Map<string, number>();
  const latencies: number[] = [];
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + measureMs;
  for (const c of clients) {
    c.onFrame = (data) => {
      if (kind(data) !== E) return;
      const clientId = clientIdOf(data);
      const at = clientId === null ? undefined : scheduled.get(clientId);
      if (clientId === null || at === undefined) return;
      scheduled.delete(clientId);
      if (at >= measureFrom) latencies.push(performance.now() - at);
    };
  }
  let sent = 0;
  let offered = 0;
  let measuring = false;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!measuring && now >= measureFrom) {
        measuring = true;
        options.onMeasure?.();
      }
      const due = Math.floor(((Math.min(now, end) - start) * rate) / 1000);
      while (sent < due) {
        const at = start + (sent * 1000) / rate;
        const c = clients[sent % clients.length] as BenchClient;
        const clientId = `open${run}x${c.index}x${sent}`;
        scheduled.set(clientId, at);
        if (at >= measureFrom) offered++;
        c.ws.send(
          `{"type":"send","ref":"r","conversationId":"${c.conversationId}","clientId":"${clientId}","text":"bench message number ${sent}"}`,
        );
        sent++;
      }
      if (now >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  options.onEnd?.();
  const outstanding = () => {
    let n = 0;
    for (const at of scheduled.values()) if (at >= measureFrom) n++;
    return n;
  };
  const drainUntil = performance.now() + (options.drainMs ?? 1000);
  while (performance.now() < drainUntil && outstanding() > 0) await sleep(10);
  const lost = outstanding();
  for (const c of clients) c.onFrame = () => {};
  return { latencies, lost, offered };
}

const CLIENT_ID = Buffer.from('"clientId":"');
/** The clientId of an event frame, read without parsing the whole frame. */
function clientIdOf(data: Buffer): string | null {
  const at = data.indexOf(CLIENT_ID);
  if (at < 0) return null;
  const start = at + CLIENT_ID.length;
  const end = data.indexOf(34, start); // "
  return end < 0 ? null : data.toString('latin1', start, end);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
