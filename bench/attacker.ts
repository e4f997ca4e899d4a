/**
 * One attacker, in a process of its own so that what it receives does not slow down the benchmark's
 * clients' event loop (it still shares the machine's cores, as the server does). Started by bench/abuse.ts
 * (bench/lib/attack.ts): prints `ATTACKER READY <pid>`, attacks from the line `go` on its standard input
 * until the line `stop`, then prints `ATTACK {json}` (what it sent and what the server answered) and exits.
 *
 *   attacker.ts replay <wsUrl> <cookie> <sockets> <address>
 *     keeps <sockets> sockets of one account open (from <address>, as X-Forwarded-For); each sends
 *     `hello {cursor: 0}`, and again as soon as the replay ends (`ready`), or when the server says it may
 *     (`rate_limited` → after retryAfter). A socket the server closes is reopened at once, an upgrade it
 *     refuses is retried 100 ms later.
 *   attacker.ts signin <baseUrl> <username> <perSecond>
 *     POSTs /api/auth/signin with a wrong password for <username>, <perSecond> times a second on a fixed
 *     schedule (open loop), each from an address of its own (X-Forwarded-For, 198.18.0.0/15: the range
 *     set aside for benchmarks), without a device cookie.
 */
import http from 'node:http';
import readline from 'node:readline';
import WebSocket from 'ws';
import { percentile, round } from './lib/stats.ts';

const [mode, ...args] = process.argv.slice(2);
const count = (map: Record<string, number>, key: string | number) => {
  map[key] = (map[key] ?? 0) + 1;
};

interface Attack {
  go(): void;
  /** Stops attacking and answers what happened. */
  stop(): Promise<Record<string, unknown>>;
}

const E = 'e'.charCodeAt(0);
const V = 'v'.charCodeAt(0);
const UPGRADE_RETRY_MS = 100;

function replay(wsUrl: string, cookie: string, sockets: number, address: string): Attack {
  const s = {
    hellos: 0,
    replays: 0,
    events: 0,
    bytes: 0,
    connects: 0,
    /** `hello` frames answered with `rate_limited`. */
    refusedHellos: 0,
    /** Upgrades answered with an HTTP error, by status. */
    refusedUpgrades: {} as Record<string, number>,
    /** Sockets closed by the server, by close code. */
    closes: {} as Record<string, number>,
    resets: 0,
    errors: {} as Record<string, number>,
  };
  const open = new Set<WebSocket>();
  let running = false;
  let t0 = 0;

  const connect = () => {
    if (!running) return;
    const ws = new WebSocket(wsUrl, {
      headers: { cookie, 'x-forwarded-for': address },
      perMessageDeflate: false,
    });
    open.add(ws);
    let upgraded = false;
    const hello = () => {
      if (!running || ws.readyState !== WebSocket.OPEN) return;
      s.hellos++;
      ws.send('{"type":"hello","cursor":0}');
    };
    ws.on('open', () => {
      upgraded = true;
      s.connects++;
      hello();
    });
    ws.on('unexpected-response', (_req, res) => {
      count(s.refusedUpgrades, res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('message', (data: Buffer) => {
      if (!running) return;
      s.bytes += data.length;
      if (data[9] === E && data[10] === V) {
        s.events++;
        return;
      }
      const f = JSON.parse(String(data)) as { type: string; error?: { id: string; details?: { retryAfter?: number } } };
      if (f.type === 'ready') {
        s.replays++;
        hello();
      } else if (f.type === 'reset') {
        s.resets++;
        hello();
      } else if (f.type === 'error') {
        const id = f.error?.id ?? 'unknown';
        if (id === 'rate_limited') s.refusedHellos++;
        else count(s.errors, id);
        setTimeout(hello, id === 'rate_limited' ? (f.error?.details?.retryAfter ?? 1) * 1000 : UPGRADE_RETRY_MS);
      }
    });
    ws.on('error', () => {}); // a close follows
    ws.on('close', (code) => {
      open.delete(ws);
      if (!running) return;
      if (upgraded) {
        count(s.closes, code);
        connect();
      } else setTimeout(connect, UPGRADE_RETRY_MS);
    });
  };

  return {
    go() {
      running = true;
      t0 = performance.now();
      for (let i = 0; i < sockets; i++) connect();
    },
    async stop() {
      running = false;
      const seconds = (performance.now() - t0) / 1000;
      for (const ws of open) ws.terminate();
      return { ...s, seconds: round(seconds, 3), eventsPerSecond: Math.round(s.events / seconds) };
    },
  };
}

function signin(baseUrl: string, username: string, perSecond: number): Attack {
  const byStatus: Record<string, number> = {};
  const latencies: Record<string, number[]> = {};
  const failures: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let running = false;
  let start = 0;
  let lastAnswer = 0;
  let timer: NodeJS.Timeout | null = null;

  // Plain node:http on kept-alive connections: a cheaper client than fetch, so the attacker takes less of
  // the cores it shares with the server.
  const agent = new http.Agent({ keepAlive: true });
  const url = new URL('/api/auth/signin', baseUrl);
  const post = (address: string, body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-forwarded-for': address,
          },
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(body);
    });

  const guess = (n: number) => {
    // 198.18.0.0/15, one address per guess.
    const address = `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
    const at = performance.now();
    const p = post(address, JSON.stringify({ username, password: `wrong guess number ${n}` }))
      .then((status) => {
        lastAnswer = performance.now();
        count(byStatus, status);
        const xs = latencies[status] ?? [];
        xs.push(lastAnswer - at);
        latencies[status] = xs;
      })
      .catch((e: Error) => count(failures, e.message))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const tick = () => {
    const due = Math.floor(((performance.now() - start) * perSecond) / 1000);
    while (sent < due) guess(sent++);
    if (running) timer = setTimeout(tick, 1);
  };

  return {
    go() {
      running = true;
      start = performance.now();
      tick();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      const sendingSeconds = (performance.now() - start) / 1000;
      await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 10_000))]);
      agent.destroy();
      const latency: Record<string, { p50: number; p99: number }> = {};
      for (const [status, xs] of Object.entries(latencies))
        latency[status] = { p50: round(percentile(xs, 50)), p99: round(percentile(xs, 99)) };
      return {
        sent,
        byStatus,
        failures,
        unanswered: inFlight.size,
        sendingSeconds: round(sendingSeconds, 3),
        /** From the first guess sent to the last answer: every check the server made lies within it. */
        spanMs: round(Math.max(lastAnswer, start) - start, 1),
        latencyMs: latency,
      };
    },
  };
}

function attackFor(): Attack {
  if (mode === 'replay' && args.length === 4) {
    const [wsUrl, cookie, sockets, address] = args as [string, string, string, string];
    return replay(wsUrl, cookie, Number(sockets), address);
  }
  if (mode === 'signin' && args.length === 3) {
    const [baseUrl, username, perSecond] = args as [string, string, string];
    return signin(baseUrl, username, Number(perSecond));
  }
  throw new Error(
    'usage: attacker.ts replay <wsUrl> <cookie> <sockets> <address> | signin <baseUrl> <username> <perSecond>',
  );
}

const attack = attackFor();
// The attack stops by itself if nobody says stop (the benchmark died): bounded in time whatever happens.
const deadline = setTimeout(() => process.exit(3), 10 * 60_000);
deadline.unref();
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'go') attack.go();
  else if (line === 'stop') {
    void attack.stop().then((result) => {
      process.stdout.write(`ATTACK ${JSON.stringify(result)}\n`, () => process.exit(0));
    });
  }
});
// Standard input closed (the benchmark is gone): stop at once.
lines.on('close', () => process.exit(0));
process.stdout.write(`ATTACKER READY ${process.pid}\n`);
