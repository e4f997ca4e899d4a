/**
 * `npm run bench:messaging` — Comptoir's messaging against a bare WebSocket relay, on this machine.
 *
 * For each of ROUNDS rounds:
 *   1. idle memory: a fresh Comptoir process; server RSS before and after IDLE authenticated sockets;
 *   2. throughput: CLIENTS sockets in CLIENTS/2 one-to-one conversations, closed loop (one message in
 *      flight per client), messages persisted and delivered per second — then the same clients against
 *      the bare relay (bench/relay.ts), which parses and forwards without storing;
 *   3. latency: RATE messages/s offered in an open loop, send-to-receive from each scheduled send time,
 *      on a freshly started Comptoir (the steady state, not the aftermath of step 2), and on the relay.
 * Prints a table of the rounds and their medians, then one line `RESULT {json}`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_CLIENTS (1000), BENCH_IDLE (10000), BENCH_RATE (5000),
 * BENCH_SECONDS (5, the measured window of each phase), BENCH_PROFILE (a directory: CPU profiles of the
 * Comptoir processes are written there), BENCH_ONLY=throughput (skip the memory and latency phases),
 * BENCH_DATABASE=postgres (Comptoir on PostgreSQL, in a database of its own created on
 * BENCH_DATABASE_URL — default postgres://postgres@127.0.0.1:5432/postgres — and dropped at the end;
 * PostgreSQL's own CPU per message is then printed too).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BenchClient, type ClientSpec, closeAll, closedLoop, connectAll, openLoop, sleep } from './lib/clients.ts';
import { type BenchDatabase, openBenchDatabase } from './lib/database.ts';
import {
  benchDataDir,
  cpuMs,
  rssKb,
  settleDisk,
  startProcess,
  startComptoir as startServer,
  stop,
} from './lib/processes.ts';
import { seedPairs } from './lib/seed.ts';
import { median, percentile, round, table } from './lib/stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const IDLE = Number(process.env.BENCH_IDLE ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** BENCH_ONLY=throughput: the closed loops only (for profiling). */
const ONLY_THROUGHPUT = process.env.BENCH_ONLY === 'throughput';
const noLatency = { latencies: [] as number[], lost: 0, offered: 0 };
const dataDir = benchDataDir('comptoir-bench-');
/** SQLite in dataDir, or a PostgreSQL database of the benchmark's own (opened in main). */
let database: BenchDatabase | undefined;

const serverEnv = {
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  RATE_MESSAGES_PER_SECOND: '1000000',
  RATE_MESSAGES_BURST: '1000000',
  RATE_FRAMES_PER_SECOND: '1000000',
  RATE_REQUESTS_PER_MINUTE: '1000000',
  RATE_SIGNUPS_PER_HOUR: '1000000',
  MAX_SOCKETS_PER_ADDRESS: '100000',
  MAX_SOCKETS_PER_ACCOUNT: '1000',
};

const startComptoir = () => startServer({ ...serverEnv, ...database?.env });

interface Round {
  relay: number;
  relayCpu: number;
  comptoirCpu: number;
  /** PostgreSQL only: CPU of its backends serving the benchmark's database, and of its background writers. */
  pgCpu: number;
  pgBackgroundCpu: number;
  relayP50: number;
  relayP99: number;
  comptoir: number;
  ratio: number;
  p50: number;
  p99: number;
  lost: number;
  rssPerConnKb: number;
}

async function idleMemory(specs: ClientSpec[]): Promise<number> {
  const server = await startComptoir();
  const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
  const warm = await connectAll(wsUrl, specs.slice(0, 100));
  await closeAll(warm);
  await sleep(1500);
  const before = rssKb(server.child.pid as number);
  const idleSpecs = Array.from({ length: IDLE }, (_, i) => specs[i % specs.length] as ClientSpec);
  const idle = await connectAll(wsUrl, idleSpecs, 200);
  await sleep(3000);
  const after = rssKb(server.child.pid as number);
  await closeAll(idle);
  await stop(server);
  return (after - before) / IDLE;
}

async function main() {
  const db = await openBenchDatabase(process.env.BENCH_DATABASE);
  database = db;
  const seeder = await startComptoir();
  process.stdout.write(`Seeding ${CLIENTS} people and ${CLIENTS / 2} conversations… `);
  const { specs, tables } = await seedPairs(`http://127.0.0.1:${seeder.port}`, CLIENTS);
  await stop(seeder);
  const tablesFile = path.join(dataDir, 'relay-tables.json');
  fs.writeFileSync(tablesFile, JSON.stringify(tables));
  process.stdout.write('done\n');

  const rounds: Round[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const rssPerConnKb = ONLY_THROUGHPUT ? Number.NaN : await idleMemory(specs);

    const relay = await startProcess(['bench/relay.ts', tablesFile], {}, /RELAY LISTENING (\d+)/);
    let clients: BenchClient[] = await connectAll(`ws://127.0.0.1:${relay.port}/ws`, specs);
    const relayLoop = await closedLoop(clients, 2000, SECONDS * 1000, () => cpuMs(relay.child.pid as number));
    const relayRate = relayLoop.rate;
    await sleep(500);
    const relayLat = ONLY_THROUGHPUT ? noLatency : await openLoop(clients, RATE, 1000, SECONDS * 1000);
    await closeAll(clients);
    await stop(relay);

    const server = await startComptoir();
    clients = await connectAll(`ws://127.0.0.1:${server.port}/ws`, specs);
    const pgMeters = db.meters ? [db.meters.backends, db.meters.background] : [];
    const comptoirLoop = await closedLoop(
      clients,
      2000,
      SECONDS * 1000,
      () => cpuMs(server.child.pid as number),
      pgMeters,
    );
    const comptoirRate = comptoirLoop.rate;
    await closeAll(clients);
    await stop(server);

    // The latency phase measures the steady state at RATE/s, on a fresh process (same database), not the
    // recovery from the saturation above.
    let lat = noLatency;
    if (!ONLY_THROUGHPUT) {
      settleDisk();
      const fresh = await startComptoir();
      clients = await connectAll(`ws://127.0.0.1:${fresh.port}/ws`, specs);
      lat = await openLoop(clients, RATE, 1000, SECONDS * 1000);
      await closeAll(clients);
      await stop(fresh);
    }

    const round_: Round = {
      relay: relayRate,
      comptoir: comptoirRate,
      ratio: comptoirRate / relayRate,
      relayCpu: relayLoop.cpuUsPerMessage,
      comptoirCpu: comptoirLoop.cpuUsPerMessage,
      pgCpu: comptoirLoop.metersUsPerMessage[0] ?? Number.NaN,
      pgBackgroundCpu: comptoirLoop.metersUsPerMessage[1] ?? Number.NaN,
      relayP50: percentile(relayLat.latencies, 50),
      relayP99: percentile(relayLat.latencies, 99),
      p50: percentile(lat.latencies, 50),
      p99: percentile(lat.latencies, 99),
      lost: lat.lost,
      rssPerConnKb,
    };
    rounds.push(round_);
    process.stdout.write(
      `round ${r}: relay ${Math.round(relayRate)}/s, comptoir ${Math.round(comptoirRate)}/s (×${round(round_.ratio)}; CPU ${Math.round(round_.relayCpu)} vs ${Math.round(round_.comptoirCpu)} µs/msg${db.meters ? ` + PostgreSQL ${Math.round(round_.pgCpu)} + ${Math.round(round_.pgBackgroundCpu)}` : ''}), p50 ${round(round_.p50)} ms, p99 ${round(round_.p99)} ms (relay ${round(round_.relayP50)} / ${round(round_.relayP99)} ms), ${round(rssPerConnKb, 1)} kB/conn\n`,
    );
  }

  const med = {
    relay: median(rounds.map((x) => x.relay)),
    comptoir: median(rounds.map((x) => x.comptoir)),
    ratio: median(rounds.map((x) => x.ratio)),
    relayCpu: median(rounds.map((x) => x.relayCpu)),
    comptoirCpu: median(rounds.map((x) => x.comptoirCpu)),
    pgCpu: median(rounds.map((x) => x.pgCpu)),
    pgBackgroundCpu: median(rounds.map((x) => x.pgBackgroundCpu)),
    p50: median(rounds.map((x) => x.p50)),
    p99: median(rounds.map((x) => x.p99)),
    lost: median(rounds.map((x) => x.lost)),
    rss: median(rounds.map((x) => x.rssPerConnKb)),
    relayP50: median(rounds.map((x) => x.relayP50)),
    relayP99: median(rounds.map((x) => x.relayP99)),
  };
  const rows: (string | number)[][] = [
    ['', ...rounds.map((_, i) => `round ${i + 1}`), 'median', 'target'],
    ['bare relay, msgs/s (closed loop)', ...rounds.map((x) => Math.round(x.relay)), Math.round(med.relay), ''],
    [
      'Comptoir, msgs/s persisted + delivered',
      ...rounds.map((x) => Math.round(x.comptoir)),
      Math.round(med.comptoir),
      '',
    ],
    ['ratio Comptoir / relay', ...rounds.map((x) => round(x.ratio)), round(med.ratio), '≥ 0.5'],
    ['server CPU µs per message: relay', ...rounds.map((x) => Math.round(x.relayCpu)), Math.round(med.relayCpu), ''],
    [
      'server CPU µs per message: Comptoir',
      ...rounds.map((x) => Math.round(x.comptoirCpu)),
      Math.round(med.comptoirCpu),
      '',
    ],
    ...(db.meters
      ? [
          [
            'PostgreSQL CPU µs per message: backends',
            ...rounds.map((x) => Math.round(x.pgCpu)),
            Math.round(med.pgCpu),
            '',
          ],
          [
            'PostgreSQL CPU µs per message: background',
            ...rounds.map((x) => Math.round(x.pgBackgroundCpu)),
            Math.round(med.pgBackgroundCpu),
            '',
          ],
        ]
      : []),
    [
      `bare relay p50 / p99 at ${RATE}/s, ms`,
      ...rounds.map((x) => `${round(x.relayP50)} / ${round(x.relayP99)}`),
      `${round(med.relayP50)} / ${round(med.relayP99)}`,
      '',
    ],
    [`p50 latency at ${RATE}/s, ms`, ...rounds.map((x) => round(x.p50)), round(med.p50), ''],
    [`p99 latency at ${RATE}/s, ms`, ...rounds.map((x) => round(x.p99)), round(med.p99), '≤ 15'],
    ['messages lost', ...rounds.map((x) => x.lost), med.lost, '0'],
    [
      `server RSS per idle connection (${IDLE}), kB`,
      ...rounds.map((x) => round(x.rssPerConnKb, 1)),
      round(med.rss, 1),
      '≤ 20',
    ],
  ];
  process.stdout.write(
    `\n${CLIENTS} clients, ${os.cpus().length} cores, Node ${process.version}, ${db.kind === 'postgres' ? 'PostgreSQL' : `SQLite synchronous=${process.env.SQLITE_SYNCHRONOUS ?? 'NORMAL'}`}\n${table(rows)}\n\n`,
  );
  process.stdout.write(
    `RESULT ${JSON.stringify({
      database: db.kind,
      throughput_ratio: round(med.ratio, 3),
      msgs_per_s: Math.round(med.comptoir),
      relay_msgs_per_s: Math.round(med.relay),
      cpu_us_per_msg: Math.round(med.comptoirCpu),
      relay_cpu_us_per_msg: Math.round(med.relayCpu),
      ...(db.meters
        ? { pg_cpu_us_per_msg: Math.round(med.pgCpu), pg_background_cpu_us_per_msg: Math.round(med.pgBackgroundCpu) }
        : {}),
      p50_ms: round(med.p50),
      p99_ms: round(med.p99),
      relay_p50_ms: round(med.relayP50),
      relay_p99_ms: round(med.relayP99),
      rss_per_conn_kb: round(med.rss, 1),
      lost: med.lost,
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
// The Comptoir processes are stopped by now (an error: killed first); then the database goes.
await database?.drop().catch((e: unknown) => console.error('dropping the benchmark database failed:', e));
process.exit();
