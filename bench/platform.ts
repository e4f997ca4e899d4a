/**
 * `npm run bench:platform` — the developer platform on this machine: the Graph Send API, webhook
 * deliveries, and people's messaging while a bot's endpoint hangs.
 *
 * Seeding (once): PAGES pages, each with an app connected to it whose webhook is a local receiver
 * (bench/receiver.ts, a process of its own, answering 200 at once); CUSTOMERS people, each in a
 * conversation with one page, who say hello (the receiver learns their page-scoped ids from the
 * webhooks); a page whose app's endpoint never answers, with HANG_CUSTOMERS people; PAIRS people in
 * one-to-one conversations.
 *
 * Each of ROUNDS rounds, on a freshly started Comptoir:
 *   1. Send API: CONCURRENCY bots' HTTP loops call `POST /v19.0/me/messages` (page token, a PSID, text),
 *      one call in flight each, keep-alive; counted: calls answered 200 per second, and messages
 *      delivered to the people's sockets per second; latency of each call.
 *   2. webhooks: the customers send over their sockets, one message in flight each; counted: events the
 *      receiver got (signed POSTs, batched per app) per second, and each event's latency from the
 *      message's timestamp to its arrival.
 *   3. isolation: the pairs' closed loop (as bench:messaging) alone, then again while the hanging page's
 *      customers send HANG_RATE messages/s to it (its webhook POSTs hang until the 20 s timeout):
 *      the ratio of the two throughputs.
 * Prints a table of the rounds and their medians, then one line `RESULT {json}`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_PAGES (10), BENCH_CUSTOMERS (200),
 * BENCH_CONCURRENCY (64), BENCH_PAIRS (400), BENCH_DATABASE=postgres (as bench:messaging), BENCH_CONTROL=1
 * (the endpoint of phase 3 answers at once instead of hanging: what the page traffic alone costs),
 * BENCH_ONLY=send|webhooks|isolation (one phase; with BENCH_PROFILE=<dir>, CPU profiles of the server).
 */
import http from 'node:http';
import os from 'node:os';
import { type BenchClient, type ClientSpec, closeAll, closedLoop, connectAll, sleep } from './lib/clients.ts';
import { type BenchDatabase, openBenchDatabase } from './lib/database.ts';
import { benchDataDir, cpuMs, type Proc, startProcess, startComptoir as startServer, stop } from './lib/processes.ts';
import { seedPairs, signUpMany } from './lib/seed.ts';
import {
  openWithPages,
  pageWithApp,
  psidsFromHellos,
  receiverStats,
  request,
  resetReceiver,
  shopServerEnv,
} from './lib/shops.ts';
import { median, percentile, round, table } from './lib/stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PAGES = Number(process.env.BENCH_PAGES ?? 10);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 400);
const HANG_CUSTOMERS = 20;
const HANG_RATE = 100;
const WARMUP_MS = 2000;
/** BENCH_CONTROL=1: the "hanging" endpoint answers at once (the isolation phase's control experiment). */
const CONTROL = process.env.BENCH_CONTROL === '1';
/** BENCH_ONLY=send|webhooks|isolation: that phase only (for profiling: BENCH_PROFILE as bench:messaging). */
const ONLY = process.env.BENCH_ONLY;
const runs = (phase: 'send' | 'webhooks' | 'isolation') => ONLY === undefined || ONLY === phase;

const dataDir = benchDataDir('comptoir-bench-platform-');
let database: BenchDatabase | undefined;
const serverEnv = { DATA_DIR: dataDir, ...shopServerEnv };
const startComptoir = () => startServer({ ...serverEnv, ...database?.env });

interface Seeded {
  /** Per page: its token and the PSIDs of its customers. */
  bots: { token: string; psids: string[] }[];
  customers: ClientSpec[];
  hangCustomers: ClientSpec[];
  pairs: ClientSpec[];
}

async function seed(url: string, receiverPort: number): Promise<Seeded> {
  const [owner] = await signUpMany(url, 1, 'owner');
  if (!owner) throw new Error('no owner');
  const hook = (path: string) => `http://127.0.0.1:${receiverPort}/${path}`;
  const pages = [];
  for (let i = 0; i < PAGES; i++) pages.push(await pageWithApp(owner, i, hook('ok')));
  const hangPage = await pageWithApp(owner, PAGES, hook(CONTROL ? 'ok' : 'hang'));
  // Hello from each customer: the window opens, and the receiver learns their page-scoped ids.
  const customers = await openWithPages(
    await signUpMany(url, CUSTOMERS, 'customer'),
    pages.map((p) => p.pageId),
    true,
  );
  const hangCustomers = await openWithPages(await signUpMany(url, HANG_CUSTOMERS, 'hanger'), [hangPage.pageId]);
  const psids = await psidsFromHellos(receiverPort, CUSTOMERS);
  const { specs: pairs } = await seedPairs(url, PAIRS);
  return {
    bots: pages.map((p) => ({ token: p.token, psids: psids[p.pageId] ?? [] })),
    customers,
    hangCustomers,
    pairs,
  };
}

/** Counts message.created events arriving on the sockets. */
function countEvents(clients: BenchClient[]) {
  let n = 0;
  for (const c of clients) {
    c.onFrame = (data) => {
      if (data.includes('"type":"message.created"')) n++;
    };
  }
  return () => n;
}

/** Phase 1: CONCURRENCY loops of Send API calls. */
async function sendApi(port: number, serverPid: number, s: Seeded, sockets: BenchClient[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const delivered = countEvents(sockets);
  let stopped = false;
  let counting = false;
  let calls = 0;
  let failures = 0;
  const latencies: number[] = [];
  const call = async (path: string, body: string) => (await request(agent, port, 'POST', path, body)).status;
  const loop = async (w: number) => {
    let n = w;
    while (!stopped) {
      const bot = s.bots[n % s.bots.length] as Seeded['bots'][number];
      const psid = bot.psids[Math.floor(n / s.bots.length) % bot.psids.length] as string;
      n += CONCURRENCY;
      const body = JSON.stringify({
        recipient: { id: psid },
        messaging_type: 'RESPONSE',
        message: { text: `call ${n}` },
      });
      const t0 = performance.now();
      const status = await call(`/v19.0/me/messages?access_token=${bot.token}`, body);
      if (!counting) continue;
      if (status === 200) {
        calls++;
        latencies.push(performance.now() - t0);
      } else failures++;
    }
  };
  const loops = Array.from({ length: CONCURRENCY }, (_, w) => loop(w));
  await sleep(WARMUP_MS);
  counting = true;
  const d0 = delivered();
  const t0 = performance.now();
  const cpu0 = cpuMs(serverPid);
  const own0 = process.cpuUsage();
  await sleep(SECONDS * 1000);
  counting = false;
  const cpu = cpuMs(serverPid) - cpu0;
  const own = process.cpuUsage(own0);
  const elapsed = performance.now() - t0;
  const d = delivered() - d0;
  stopped = true;
  await Promise.all(loops);
  agent.destroy();
  for (const c of sockets) c.onFrame = () => {};
  return {
    callsPerS: (calls / elapsed) * 1000,
    cpuUsPerCall: calls > 0 ? (cpu * 1000) / calls : Number.NaN,
    /** The bots' side (this process: HTTP client and sockets), in cores: near 1, it is what limits the rate. */
    clientCores: (own.user + own.system) / 1000 / elapsed,
    serverCores: cpu / elapsed,
    deliveredPerS: (d / elapsed) * 1000,
    failures,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Phase 2: the customers send, one message in flight each; the receiver counts what reaches it. */
async function webhooks(receiverPort: number, serverPid: number, customers: BenchClient[]) {
  let stopped = false;
  let run = 0;
  run++;
  for (const c of customers) {
    let n = 0;
    c.onFrame = (data) => {
      if (data[9] === 97 /* a: ack */ && !stopped)
        c.ws.send(
          `{"type":"send","ref":"r","conversationId":"${c.conversationId}","clientId":"wh${run}x${c.index}x${++n}x${Date.now()}","text":"to the bot ${n}"}`,
        );
    };
  }
  for (const c of customers)
    c.ws.send(
      `{"type":"send","ref":"r","conversationId":"${c.conversationId}","clientId":"wh${run}x${c.index}x0x${Date.now()}","text":"to the bot"}`,
    );
  await sleep(WARMUP_MS);
  await resetReceiver(receiverPort);
  const t0 = performance.now();
  const cpu0 = cpuMs(serverPid);
  await sleep(SECONDS * 1000);
  const stats = await receiverStats(receiverPort);
  const cpu = cpuMs(serverPid) - cpu0;
  const elapsed = performance.now() - t0;
  stopped = true;
  await sleep(500);
  for (const c of customers) c.onFrame = () => {};
  return {
    perS: (stats.events / elapsed) * 1000,
    cpuUsPerEvent: stats.events > 0 ? (cpu * 1000) / stats.events : Number.NaN,
    eventsPerPost: stats.events / Math.max(1, stats.posts),
    p50: percentile(stats.latencies, 50),
    p99: percentile(stats.latencies, 99),
  };
}

/** Phase 3: the pairs' throughput, alone and while a hanging endpoint is being sent HANG_RATE events/s. */
async function isolation(pairs: BenchClient[], hangers: BenchClient[]) {
  const alone = await closedLoop(pairs, WARMUP_MS, SECONDS * 1000);
  await sleep(500);
  let sent = 0;
  const start = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) * HANG_RATE) / 1000);
    while (sent < due) {
      const c = hangers[sent % hangers.length] as BenchClient;
      c.ws.send(
        `{"type":"send","ref":"r","conversationId":"${c.conversationId}","clientId":"hang${Date.now()}x${sent}","text":"anyone?"}`,
      );
      sent++;
    }
  }, 5);
  const hung = await closedLoop(pairs, WARMUP_MS, SECONDS * 1000);
  clearInterval(timer);
  return { alone: alone.rate, hung: hung.rate, ratio: hung.rate / alone.rate };
}

interface Round {
  callsPerS: number;
  deliveredPerS: number;
  sendP50: number;
  sendP99: number;
  /** The server's CPU (all its threads) in the measured window, per call answered / event delivered. */
  cpuUsPerCall: number;
  /** CPU cores busy during the Send API phase: the server (all threads), the bots (this process). */
  serverCores: number;
  clientCores: number;
  failures: number;
  webhooksPerS: number;
  cpuUsPerEvent: number;
  eventsPerPost: number;
  webhookP50: number;
  webhookP99: number;
  alone: number;
  hung: number;
  ratio: number;
}

async function main() {
  const db = await openBenchDatabase(process.env.BENCH_DATABASE);
  database = db;
  const receiver: Proc = await startProcess(['bench/receiver.ts'], {}, /RECEIVER LISTENING (\d+)/);
  const seeder = await startComptoir();
  process.stdout.write(`Seeding ${PAGES} pages and apps, ${CUSTOMERS} customers, ${PAIRS} people in pairs… `);
  const seeded = await seed(`http://127.0.0.1:${seeder.port}`, receiver.port).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${seeder.output().slice(-3000)}`);
  });
  await stop(seeder);
  process.stdout.write('done\n');

  const rounds: Round[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const server = await startComptoir();
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    const customers = await connectAll(ws, seeded.customers);
    const pid = server.child.pid as number;
    const none = {
      callsPerS: Number.NaN,
      cpuUsPerCall: Number.NaN,
      clientCores: Number.NaN,
      serverCores: Number.NaN,
      deliveredPerS: Number.NaN,
      failures: 0,
      p50: Number.NaN,
      p99: Number.NaN,
    };
    const api = runs('send') ? await sendApi(server.port, pid, seeded, customers) : none;
    await sleep(500);
    const hooks = runs('webhooks')
      ? await webhooks(receiver.port, pid, customers)
      : { perS: Number.NaN, cpuUsPerEvent: Number.NaN, eventsPerPost: Number.NaN, p50: Number.NaN, p99: Number.NaN };
    await closeAll(customers);
    await sleep(500);
    let iso = { alone: Number.NaN, hung: Number.NaN, ratio: Number.NaN };
    if (runs('isolation')) {
      const pairs = await connectAll(ws, seeded.pairs);
      const hangers = await connectAll(ws, seeded.hangCustomers);
      iso = await isolation(pairs, hangers);
      await closeAll(pairs);
      await closeAll(hangers);
    }
    await stop(server);
    const round_: Round = {
      callsPerS: api.callsPerS,
      cpuUsPerCall: api.cpuUsPerCall,
      clientCores: api.clientCores,
      serverCores: api.serverCores,
      deliveredPerS: api.deliveredPerS,
      sendP50: api.p50,
      sendP99: api.p99,
      failures: api.failures,
      webhooksPerS: hooks.perS,
      cpuUsPerEvent: hooks.cpuUsPerEvent,
      eventsPerPost: hooks.eventsPerPost,
      webhookP50: hooks.p50,
      webhookP99: hooks.p99,
      ...iso,
    };
    rounds.push(round_);
    process.stdout.write(
      `round ${r}: Send API ${Math.round(api.callsPerS)} calls/s (${Math.round(api.deliveredPerS)} delivered/s, p50 ${round(api.p50)} / p99 ${round(api.p99)} ms, ${api.failures} refused), webhooks ${Math.round(hooks.perS)} events/s (${round(hooks.eventsPerPost, 1)} per POST, p50 ${round(hooks.p50)} / p99 ${round(hooks.p99)} ms), people ${Math.round(iso.alone)} → ${Math.round(iso.hung)} msgs/s with a hanging endpoint (×${round(iso.ratio)})\n`,
    );
  }
  const med = (f: (x: Round) => number) => median(rounds.map(f));
  const row = (label: string, f: (x: Round) => number, target = '', digits = 0) => [
    label,
    ...rounds.map((x) => round(f(x), digits)),
    round(med(f), digits),
    target,
  ];
  const rows: (string | number)[][] = [
    ['', ...rounds.map((_, i) => `round ${i + 1}`), 'median', 'target'],
    row('Send API calls/s (answered 200)', (x) => x.callsPerS, '≥ 5000'),
    row("Send API messages/s delivered to people's sockets", (x) => x.deliveredPerS),
    row('Send API call p50, ms', (x) => x.sendP50, '', 2),
    row('Send API call p99, ms', (x) => x.sendP99, '', 2),
    row('server CPU µs per Send API call', (x) => x.cpuUsPerCall),
    row('cores busy during the Send API phase: server', (x) => x.serverCores, '', 2),
    row('cores busy during the Send API phase: bots (this process)', (x) => x.clientCores, '', 2),
    row('webhook events/s delivered (signed, 200)', (x) => x.webhooksPerS, '≥ 5000'),
    row('webhook events per POST', (x) => x.eventsPerPost, '', 1),
    row('server CPU µs per webhook event (message in, POST out)', (x) => x.cpuUsPerEvent),
    row('webhook latency p50 (message → receiver), ms', (x) => x.webhookP50, '', 1),
    row('webhook latency p99, ms', (x) => x.webhookP99, '', 1),
    row("people's msgs/s, no hanging endpoint", (x) => x.alone),
    row(`people's msgs/s, an endpoint hanging (${HANG_RATE} events/s to it)`, (x) => x.hung),
    row('isolation ratio', (x) => x.ratio, '≥ 0.8', 2),
  ];
  process.stdout.write(
    `\n${PAGES} pages, ${CUSTOMERS} customers, ${CONCURRENCY} Send API loops, ${PAIRS} people in pairs; ${os.cpus().length} cores, Node ${process.version}, ${db.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}\n${table(rows)}\n\n`,
  );
  process.stdout.write(
    `RESULT ${JSON.stringify({
      database: db.kind,
      send_api_per_s: Math.round(med((x) => x.callsPerS)),
      send_api_delivered_per_s: Math.round(med((x) => x.deliveredPerS)),
      webhooks_per_s: Math.round(med((x) => x.webhooksPerS)),
      p99_ms: round(med((x) => x.sendP99)),
      send_api_cpu_us_per_call: Math.round(med((x) => x.cpuUsPerCall)),
      webhook_cpu_us_per_event: Math.round(med((x) => x.cpuUsPerEvent)),
      webhook_p99_ms: round(med((x) => x.webhookP99)),
      isolation_ratio: round(
        med((x) => x.ratio),
        3,
      ),
      rounds: ROUNDS,
    })}\n`,
  );
}

try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
}
await database?.drop().catch((e: unknown) => console.error('dropping the benchmark database failed:', e));
process.exit();
