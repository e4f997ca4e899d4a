/**
 * `npm run bench:commerce` — orders and tracking through the Orders API, each rendered into its customer's
 * thread and pushed to the customer's connected device.
 *
 * Seeding (once): PAGES pages, each with an app connected to it (its page access token; its webhook a
 * local receiver, bench/receiver.ts, that learns the customers' page-scoped ids from their hellos);
 * CUSTOMERS people, each in a conversation with one page.
 *
 * Each of ROUNDS rounds, on a freshly started Comptoir, with every customer's socket connected:
 *   1. orders: CONCURRENCY merchant loops call `POST /api/commerce/orders` (page token, a new number, two
 *      items, a discount, a tax, shipping, the total, an address), one call in flight each, keep-alive;
 *      counted: orders created (201) per second, each call's latency, and the receipt cards that reached
 *      the customers' sockets (`message.created`) per second.
 *   2. (not measured) a shipment for each of up to SHIPMENTS of those orders.
 *   3. tracking: CONCURRENCY loops post the shipments' tracking events (`POST …/shipments/:id/events`):
 *      four in_transit scans at different places, out_for_delivery, delivered — each shipment's in order,
 *      a loop's shipments in turn; counted: events accepted per second, latency, and the order cards
 *      updated on the customers' sockets (the change, applied in place: carried by the shipping update's
 *      `message.created`) per second.
 * Over the tracking window it also reads where the machine's CPU went: the server's main thread (its event
 * loop: at 100 % of a core the server cannot go faster without spreading its work), the benchmark's own
 * CPU per event (its HTTP loops and the customers' sockets share the same cores), the cores left idle, and
 * from these the ceiling of this machine for this load: its cores over the CPU one event costs the server
 * and the benchmark (and PostgreSQL, when it is the database) together.
 * Prints a table of the rounds and their medians, then one line `RESULT {json}`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (5, each measured window), BENCH_PAGES (10),
 * BENCH_CUSTOMERS (200), BENCH_CONCURRENCY (64), BENCH_SHIPMENTS (8000), BENCH_DATABASE=postgres (as
 * bench:messaging), BENCH_ONLY=orders|tracking (BENCH_PROFILE=<dir>: CPU profiles of the server).
 */
import http from 'node:http';
import os from 'node:os';
import { type BenchClient, closeAll, connectAll, sleep } from './lib/clients.ts';
import { type BenchDatabase, openBenchDatabase } from './lib/database.ts';
import {
  benchDataDir,
  cpuMs,
  machineTicks,
  mainThreadCpuMs,
  type Proc,
  startProcess,
  startComptoir as startServer,
  stop,
} from './lib/processes.ts';
import { signUpMany } from './lib/seed.ts';
import { openWithPages, pageWithApp, psidsFromHellos, request, shopServerEnv } from './lib/shops.ts';
import { median, percentile, round, table } from './lib/stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PAGES = Number(process.env.BENCH_PAGES ?? 10);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SHIPMENTS = Number(process.env.BENCH_SHIPMENTS ?? 8000);
const WARMUP_MS = 2000;
const SCANS = ['in_transit', 'in_transit', 'in_transit', 'in_transit', 'out_for_delivery', 'delivered'] as const;
const PLACES = ['Lyon', 'Mâcon', 'Dijon', 'Paris', 'Paris 11e', 'Paris 11e'];
const ONLY = process.env.BENCH_ONLY;
const runs = (phase: 'orders' | 'tracking') => ONLY === undefined || ONLY === phase;

const dataDir = benchDataDir('comptoir-bench-commerce-');
let database: BenchDatabase | undefined;
const serverEnv = { DATA_DIR: dataDir, ...shopServerEnv };
const startComptoir = () => startServer({ ...serverEnv, ...database?.env });

interface Merchant {
  token: string;
  psids: string[];
}

async function seed(url: string, receiverPort: number): Promise<{ merchants: Merchant[]; customers: ClientSpecs }> {
  const [owner] = await signUpMany(url, 1, 'owner');
  if (!owner) throw new Error('no owner');
  const pages = [];
  for (let i = 0; i < PAGES; i++) pages.push(await pageWithApp(owner, i, `http://127.0.0.1:${receiverPort}/ok`));
  const customers = await openWithPages(
    await signUpMany(url, CUSTOMERS, 'customer'),
    pages.map((p) => p.pageId),
    true,
  );
  const psids = await psidsFromHellos(receiverPort, CUSTOMERS);
  return { merchants: pages.map((p) => ({ token: p.token, psids: psids[p.pageId] ?? [] })), customers };
}
type ClientSpecs = Awaited<ReturnType<typeof openWithPages>>;

/** An order of two items, a discount, a tax and shipping, that adds up. */
function orderBody(number: string, psid: string, n: number): string {
  const quantity = 1 + (n % 3);
  const unitPrice = 1250 + (n % 7) * 100;
  const subtotal = quantity * unitPrice + 500;
  return JSON.stringify({
    number,
    customer: { psid },
    currency: 'EUR',
    items: [
      { title: 'Café en grains', subtitle: '1 kg', quantity, unitPrice },
      { title: 'Filtres', quantity: 1, unitPrice: 500 },
    ],
    adjustments: [{ label: 'Bienvenue', amount: -300 }],
    taxes: [{ label: 'TVA', amount: 240 }],
    shippingCost: 490,
    total: subtotal - 300 + 240 + 490,
    shippingAddress: { name: 'Ada', street1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
    paymentMethod: 'Visa 4242',
  });
}

/** Counts the frames arriving on the sockets that hold `needle`. */
function countFrames(clients: BenchClient[], needle: string) {
  let n = 0;
  for (const c of clients) {
    c.onFrame = (data) => {
      if (data.includes(needle)) n++;
    };
  }
  return () => n;
}

interface Measured {
  perS: number;
  pushedPerS: number;
  cpuUsPer: number;
  /** The share of one core the server's main thread (its event loop) used, %. */
  mainThreadBusy: number;
  /** This benchmark's own CPU (its HTTP loops and the customers' sockets) per call, µs. */
  clientCpuUsPer: number;
  /** PostgreSQL's CPU per call (its backends for this database and its background processes), µs; 0 on SQLite. */
  databaseCpuUsPer: number;
  /** The share of the machine's cores nothing used, %. */
  idle: number;
  p50: number;
  p99: number;
  failures: number;
}

/**
 * The most calls per second this machine could serve were its cores all busy with this load and nothing
 * else: its cores over the CPU one call costs the server, the benchmark and PostgreSQL (when it is the
 * database) together. The figure cannot pass it by any change that leaves that cost as it is; it nears it
 * only if the server's work spreads over the cores (one event loop cannot use more than one).
 */
function ceiling(m: Measured): number {
  return (os.cpus().length * 1e6) / (m.cpuUsPer + m.clientCpuUsPer + m.databaseCpuUsPer);
}

/**
 * CONCURRENCY loops, one call in flight each, until stopped; `next(w)` gives loop w's next call (null: it
 * has nothing left). Counts, after the warm-up, the calls answered `ok` and the frames holding `frame`.
 */
async function measure(
  serverPid: number,
  sockets: BenchClient[],
  frame: string,
  ok: number,
  next: (w: number) => (() => Promise<number>) | null,
): Promise<Measured & { exhausted: boolean }> {
  const pushed = countFrames(sockets, frame);
  let stopped = false;
  let counting = false;
  let exhausted = false;
  let calls = 0;
  let failures = 0;
  const latencies: number[] = [];
  const loop = async (w: number) => {
    while (!stopped) {
      const call = next(w);
      if (!call) {
        exhausted = true;
        return;
      }
      const t0 = performance.now();
      const status = await call();
      if (!counting) continue;
      if (status === ok) {
        calls++;
        latencies.push(performance.now() - t0);
      } else failures++;
    }
  };
  const loops = Array.from({ length: CONCURRENCY }, (_, w) => loop(w));
  await sleep(WARMUP_MS);
  counting = true;
  const p0 = pushed();
  const t0 = performance.now();
  const cpu0 = cpuMs(serverPid);
  const main0 = mainThreadCpuMs(serverPid);
  const client0 = process.cpuUsage();
  const ticks0 = machineTicks();
  const meters = database?.meters ? [database.meters.backends, database.meters.background] : [];
  await Promise.all(meters.map((m) => m.start()));
  await sleep(SECONDS * 1000);
  counting = false;
  const databaseMs = (await Promise.all(meters.map((m) => m.stop()))).reduce((a, b) => a + b, 0);
  const cpu = cpuMs(serverPid) - cpu0;
  const main = mainThreadCpuMs(serverPid) - main0;
  const client = process.cpuUsage(client0);
  const ticks = machineTicks();
  const elapsed = performance.now() - t0;
  const p = pushed() - p0;
  stopped = true;
  await Promise.all(loops);
  for (const c of sockets) c.onFrame = () => {};
  return {
    perS: (calls / elapsed) * 1000,
    pushedPerS: (p / elapsed) * 1000,
    cpuUsPer: calls > 0 ? (cpu * 1000) / calls : Number.NaN,
    mainThreadBusy: (main / elapsed) * 100,
    clientCpuUsPer: calls > 0 ? (client.user + client.system) / calls : Number.NaN,
    databaseCpuUsPer: calls > 0 ? (databaseMs * 1000) / calls : Number.NaN,
    idle: ((ticks.idle - ticks0.idle) / Math.max(1, ticks.total - ticks0.total)) * 100,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
    exhausted,
  };
}

interface Placed {
  merchant: Merchant;
  number: string;
}

/** Phase 1: orders created through the API. */
async function orders(port: number, pid: number, merchants: Merchant[], sockets: BenchClient[], r: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const placed: Placed[] = [];
  const counters = new Array<number>(CONCURRENCY).fill(0);
  const result = await measure(pid, sockets, '"type":"message.created"', 201, (w) => {
    const k = (counters[w] ?? 0) + 1;
    counters[w] = k;
    const n = w + CONCURRENCY * k;
    const merchant = merchants[n % merchants.length] as Merchant;
    const psid = merchant.psids[Math.floor(n / merchants.length) % merchant.psids.length] as string;
    const number = `R${r}-${n}`;
    return async () => {
      const { status } = await request(agent, port, 'POST', '/api/commerce/orders', orderBody(number, psid, n), {
        authorization: `Bearer ${merchant.token}`,
      });
      if (status === 201) placed.push({ merchant, number });
      return status;
    };
  });
  agent.destroy();
  return { ...result, placed };
}

/** Phase 2 (not measured): a shipment for each of up to SHIPMENTS orders. */
async function ship(port: number, placed: Placed[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const todo = placed.slice(0, SHIPMENTS);
  const shipments: (Placed & { shipmentId: string; scans: number })[] = [];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const o = todo[next++] as Placed;
      const r = await request(
        agent,
        port,
        'POST',
        `/api/commerce/orders/${encodeURIComponent(o.number)}/shipments`,
        JSON.stringify({ carrier: 'Colissimo', trackingNumber: `6A${o.number}`, trackingUrl: 'https://example.org/t' }),
        { authorization: `Bearer ${o.merchant.token}` },
        true,
      );
      if (r.status !== 201) throw new Error(`shipment: ${r.status} ${JSON.stringify(r.body)}`);
      shipments.push({ ...o, shipmentId: (r.body as { shipment: { id: string } }).shipment.id, scans: 0 });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return shipments;
}

/** Phase 3: the shipments' tracking events, each shipment's in order. */
async function tracking(
  port: number,
  pid: number,
  shipments: Awaited<ReturnType<typeof ship>>,
  sockets: BenchClient[],
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  // Loop w works shipments w, w + CONCURRENCY, …, each in turn, one scan at a time.
  const mine = Array.from({ length: CONCURRENCY }, (_, w) => shipments.filter((_, i) => i % CONCURRENCY === w));
  const turn = new Array<number>(CONCURRENCY).fill(0);
  // An order's change: carried by its shipping update's message.created (order.tracked when none is posted).
  const result = await measure(pid, sockets, '"orderChange":', 201, (w) => {
    const list = mine[w] as typeof shipments;
    for (let tries = 0; tries < list.length; tries++) {
      const t = ((turn[w] ?? 0) + 1) % list.length;
      turn[w] = t;
      const s = list[t] as (typeof shipments)[number];
      if (s.scans >= SCANS.length) continue;
      const i = s.scans++;
      const body = JSON.stringify({ status: SCANS[i], place: PLACES[i] });
      const path = `/api/commerce/orders/${encodeURIComponent(s.number)}/shipments/${s.shipmentId}/events`;
      return async () =>
        (await request(agent, port, 'POST', path, body, { authorization: `Bearer ${s.merchant.token}` })).status;
    }
    return null;
  });
  agent.destroy();
  return result;
}

async function main() {
  const db = await openBenchDatabase(process.env.BENCH_DATABASE);
  database = db;
  const receiver: Proc = await startProcess(['bench/receiver.ts'], {}, /RECEIVER LISTENING (\d+)/);
  const seeder = await startComptoir();
  process.stdout.write(`Seeding ${PAGES} pages and apps, ${CUSTOMERS} customers… `);
  const seeded = await seed(`http://127.0.0.1:${seeder.port}`, receiver.port).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${seeder.output().slice(-3000)}`);
  });
  await stop(seeder);
  await stop(receiver);
  process.stdout.write('done\n');

  const none: Measured = {
    perS: Number.NaN,
    pushedPerS: Number.NaN,
    cpuUsPer: Number.NaN,
    mainThreadBusy: Number.NaN,
    clientCpuUsPer: Number.NaN,
    databaseCpuUsPer: Number.NaN,
    idle: Number.NaN,
    p50: Number.NaN,
    p99: Number.NaN,
    failures: 0,
  };
  const rounds: { orders: Measured; tracking: Measured }[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const server = await startComptoir();
    const sockets = await connectAll(`ws://127.0.0.1:${server.port}/ws`, seeded.customers);
    const pid = server.child.pid as number;
    // The tracking phase needs orders to ship: with BENCH_ONLY=tracking, phase 1 still runs, unreported.
    const o = await orders(server.port, pid, seeded.merchants, sockets, r);
    let t: Measured = none;
    if (runs('tracking')) {
      await sleep(500);
      const shipments = await ship(server.port, o.placed);
      await sleep(500);
      const measured = await tracking(server.port, pid, shipments, sockets);
      if (measured.exhausted)
        throw new Error(`every shipment was delivered before the window ended: raise BENCH_SHIPMENTS (${SHIPMENTS})`);
      t = measured;
    }
    await closeAll(sockets);
    await stop(server);
    rounds.push({ orders: runs('orders') ? o : none, tracking: t });
    process.stdout.write(
      `round ${r}: ${Math.round(o.perS)} orders/s (p50 ${round(o.p50)} / p99 ${round(o.p99)} ms, ${o.failures} refused), ${Math.round(t.perS)} tracking events/s (p50 ${round(t.p50)} / p99 ${round(t.p99)} ms, ${t.failures} refused)\n`,
    );
  }
  const med = (f: (x: (typeof rounds)[number]) => number) => median(rounds.map(f));
  const row = (label: string, f: (x: (typeof rounds)[number]) => number, target = '', digits = 0) => [
    label,
    ...rounds.map((x) => round(f(x), digits)),
    round(med(f), digits),
    target,
  ];
  const rows: (string | number)[][] = [
    ['', ...rounds.map((_, i) => `round ${i + 1}`), 'median', 'target'],
    row('orders created/s (201)', (x) => x.orders.perS, '≥ 2000'),
    row("receipt cards/s pushed to customers' sockets", (x) => x.orders.pushedPerS),
    row('order call p50, ms', (x) => x.orders.p50, '', 2),
    row('order call p99, ms', (x) => x.orders.p99, '', 2),
    row('server CPU µs per order', (x) => x.orders.cpuUsPer),
    row('tracking events/s (201)', (x) => x.tracking.perS, '≥ 5000'),
    row("order cards updated/s on customers' sockets", (x) => x.tracking.pushedPerS),
    row('tracking call p50, ms', (x) => x.tracking.p50, '', 2),
    row('tracking call p99, ms', (x) => x.tracking.p99, '', 2),
    row('server CPU µs per tracking event', (x) => x.tracking.cpuUsPer),
    row("server's main thread busy, % of a core", (x) => x.tracking.mainThreadBusy),
    row("benchmark's own CPU µs per tracking event", (x) => x.tracking.clientCpuUsPer),
    ...(db.meters ? [row('PostgreSQL CPU µs per tracking event', (x) => x.tracking.databaseCpuUsPer)] : []),
    row('machine idle, % of its cores', (x) => x.tracking.idle),
    row(`ceiling: cores ÷ (server + benchmark${db.meters ? ' + PostgreSQL' : ''} CPU per event), events/s`, (x) =>
      ceiling(x.tracking),
    ),
  ];
  process.stdout.write(
    `\n${PAGES} pages, ${CUSTOMERS} customers, ${CONCURRENCY} merchant loops; ${os.cpus().length} cores, Node ${process.version}, ${db.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}\n${table(rows)}\n\n`,
  );
  process.stdout.write(
    `RESULT ${JSON.stringify({
      database: db.kind,
      orders_per_s: Math.round(med((x) => x.orders.perS)),
      tracking_events_per_s: Math.round(med((x) => x.tracking.perS)),
      p99_ms: round(med((x) => Math.max(x.orders.p99, x.tracking.p99))),
      orders_p99_ms: round(med((x) => x.orders.p99)),
      tracking_p99_ms: round(med((x) => x.tracking.p99)),
      server_cpu_us_per_order: Math.round(med((x) => x.orders.cpuUsPer)),
      server_cpu_us_per_tracking_event: Math.round(med((x) => x.tracking.cpuUsPer)),
      server_main_thread_busy_pct: Math.round(med((x) => x.tracking.mainThreadBusy)),
      bench_cpu_us_per_tracking_event: Math.round(med((x) => x.tracking.clientCpuUsPer)),
      ...(db.meters ? { postgres_cpu_us_per_tracking_event: Math.round(med((x) => x.tracking.databaseCpuUsPer)) } : {}),
      tracking_ceiling_per_s: Math.round(med((x) => ceiling(x.tracking))),
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
