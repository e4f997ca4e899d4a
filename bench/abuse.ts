/**
 * `npm run bench:abuse` — how much one attacker hurts everyone else's messaging latency.
 *
 * CLIENTS people (CLIENTS/2 one-to-one conversations) send RATE messages/s in an open loop (bench
 * messaging's latency phase: each message timed from its scheduled send time to its arrival at the
 * recipient). For each of ROUNDS rounds, three phases, each on a freshly started Comptoir (same database):
 *   1. alone — the baseline;
 *   2. replay — an account that is a member of GROUPS busy groups (HISTORY messages seeded: a replay from
 *      cursor 0 sends it tens of thousands of events) keeps ATTACK_SOCKETS sockets sending
 *      `hello {cursor: 0}` as fast as the server lets it (bench/attacker.ts);
 *   3. sign-in flood — GUESSES wrong passwords per second for one real account, each from an address of
 *      its own (X-Forwarded-For; the servers run with TRUST_PROXY=127.0.0.1).
 * The attack runs over the measured window only. Targets: each p99 ≤ 2 × the p99 alone of the same round;
 * no password checked (401) beyond what the sign-in limits allow over the flood's span. Prints every
 * round, the medians, then one line `RESULT {json}`.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_CLIENTS (1000), BENCH_RATE (2000), BENCH_SECONDS (5, the measured
 * window), BENCH_HISTORY (50000), BENCH_GROUPS (20), BENCH_ATTACK_SOCKETS (50, the default
 * MAX_SOCKETS_PER_ACCOUNT), BENCH_GUESSES (200), RATE_SIGNIN_FAILURES (10, passed to the server),
 * BENCH_TRACE, BENCH_PROFILE (bench/lib/processes.ts).
 */
import os from 'node:os';
import { type ReplayAttack, replayAttacker, type SigninAttack, signinAttacker } from './lib/attack.ts';
import { closeAll, connectAll, openLoop } from './lib/clients.ts';
import { benchDataDir, cpuMs, settleDisk, startComptoir, stop } from './lib/processes.ts';
import { seedBusyMember, seedPairs } from './lib/seed.ts';
import { median, percentile, round, table } from './lib/stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 50_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 20);
const ATTACK_SOCKETS = Number(process.env.BENCH_ATTACK_SOCKETS ?? 50);
const GUESSES = Number(process.env.BENCH_GUESSES ?? 200);
const SIGNIN_FAILURES = Number(process.env.RATE_SIGNIN_FAILURES ?? 10);
const WARMUP_MS = 1000;
/**
 * After the window (and the attack) ends, messages still on their way are waited for this long, and
 * counted when they arrive; those that never come count as ∞.
 */
const DRAIN_MS = 60_000;
/** signin-guard.ts: the buckets refill over 15 minutes. */
const FAILURE_WINDOW_MS = 15 * 60_000;
const ATTACKER_ADDRESS = '203.0.113.7';

const dataDir = benchDataDir('comptoir-bench-abuse-');
/** Seeding only: sign-ups, groups and history as fast as the server takes them. */
const seedEnv = {
  DATA_DIR: dataDir,
  RATE_MESSAGES_PER_SECOND: '1000000',
  RATE_MESSAGES_BURST: '1000000',
  RATE_FRAMES_PER_SECOND: '1000000',
  RATE_REQUESTS_PER_MINUTE: '1000000',
  RATE_SIGNUPS_PER_HOUR: '1000000',
  RATE_GROUPS_PER_HOUR: '1000000',
  RATE_MEMBER_ADDS_PER_HOUR: '1000000',
  RATE_CATCHUP_EVENTS_PER_SECOND: '100000000',
  MAX_SOCKETS_PER_ADDRESS: '100000',
};
/**
 * The measured servers: every limit an attacker meets at its default (sockets per account and address,
 * frames per socket, requests per address, sign-in failures); only the people's own message limit is
 * lifted, so that BENCH_RATE / BENCH_CLIENTS may exceed 5 messages/s per person.
 */
const phaseEnv = {
  DATA_DIR: dataDir,
  TRUST_PROXY: '127.0.0.1',
  RATE_MESSAGES_PER_SECOND: '1000000',
  RATE_MESSAGES_BURST: '1000000',
  RATE_SIGNIN_FAILURES: String(SIGNIN_FAILURES),
};

interface Measured {
  p50: number;
  p99: number;
  lost: number;
  /** People's sockets found closed at the end of the phase. */
  dropped: number;
  /** Server CPU over the measured window, % of one core. */
  cpu: number;
}
interface Round {
  alone: Measured;
  replay: Measured & { attack: ReplayAttack; attackerCpu: number };
  signin: Measured & { attack: SigninAttack; attackerCpu: number; allowance: number; overLimit: number };
}

/** Per-username bucket for devices that never signed in: 3 × failures, refilled that many per 15 min. */
function allowance(spanMs: number): number {
  const capacity = 3 * SIGNIN_FAILURES;
  return Math.floor(capacity + (capacity * spanMs) / FAILURE_WINDOW_MS);
}

async function main() {
  const seeder = await startComptoir(seedEnv);
  const seedUrl = `http://127.0.0.1:${seeder.port}`;
  process.stdout.write(`Seeding ${CLIENTS} people, ${GROUPS} groups and ${HISTORY} messages… `);
  const { specs: plain, people } = await seedPairs(seedUrl, CLIENTS);
  // Each person's socket comes through the trusted proxy from an address of its own (10.0.0.0/8).
  const specs = plain.map((s, i) => ({
    ...s,
    headers: { 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
  }));
  const attacker = await seedBusyMember(seedUrl, 'mallory', GROUPS, HISTORY);
  const victim = (people[0] as { username: string }).username;
  await stop(seeder);
  process.stdout.write(`done: a replay from cursor 0 sends ${attacker.username} ${attacker.visible} events\n`);

  const phase = async <A>(
    start: ((port: number) => Promise<{ go(): void; stop(): void; finish(): Promise<A> }>) | null,
  ): Promise<Measured & { attack: A | null }> => {
    settleDisk();
    const server = await startComptoir(phaseEnv);
    const pid = server.child.pid as number;
    const clients = await connectAll(`ws://127.0.0.1:${server.port}/ws`, specs);
    const attack = start ? await start(server.port) : null;
    let cpu0 = 0;
    let t0 = 0;
    let cpu = 0;
    const lat = await openLoop(clients, RATE, WARMUP_MS, SECONDS * 1000, {
      onMeasure: () => {
        attack?.go();
        cpu0 = cpuMs(pid);
        t0 = performance.now();
      },
      // The attack stops with the measured window; the people's messages still on their way (drain) count.
      onEnd: () => {
        attack?.stop();
        cpu = ((cpuMs(pid) - cpu0) / (performance.now() - t0)) * 100;
      },
      drainMs: DRAIN_MS,
    });
    const report = attack ? await attack.finish() : null;
    // People's sockets the server closed (too slow, a heartbeat missed while its event loop was blocked).
    const dropped = clients.filter((c) => c.ws.readyState !== c.ws.OPEN).length;
    await closeAll(clients);
    await stop(server);
    // A message that never arrived is later than any that did.
    const all = [...lat.latencies, ...new Array<number>(lat.lost).fill(Number.POSITIVE_INFINITY)];
    return { p50: percentile(all, 50), p99: percentile(all, 99), lost: lat.lost, dropped, cpu, attack: report };
  };

  const rounds: Round[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const alone = await phase(null);
    const replay = await phase((port) =>
      replayAttacker(`ws://127.0.0.1:${port}/ws`, attacker.cookie, ATTACK_SOCKETS, ATTACKER_ADDRESS),
    );
    const signin = await phase((port) => signinAttacker(`http://127.0.0.1:${port}`, victim, GUESSES));
    const rep = replay.attack as { report: ReplayAttack; cpuMs: number };
    const sig = signin.attack as { report: SigninAttack; cpuMs: number };
    const allowed = allowance(sig.report.spanMs);
    const checked = sig.report.byStatus['401'] ?? 0;
    const round_: Round = {
      alone,
      replay: { ...replay, attack: rep.report, attackerCpu: (rep.cpuMs / (rep.report.seconds * 1000)) * 100 },
      signin: {
        ...signin,
        attack: sig.report,
        attackerCpu: (sig.cpuMs / (sig.report.sendingSeconds * 1000)) * 100,
        allowance: allowed,
        overLimit: Math.max(0, checked - allowed),
      },
    };
    rounds.push(round_);
    const a = rep.report;
    process.stdout.write(
      `round ${r}: p50/p99 ms alone ${round(alone.p50)}/${round(alone.p99)}, replay ${round(replay.p50)}/${round(replay.p99)} ` +
        `(${a.eventsPerSecond} events/s, ${a.replays} replays, refused ${refusals(a)}), sign-in flood ${round(signin.p50)}/${round(signin.p99)} ` +
        `(${JSON.stringify(sig.report.byStatus)}, allowance ${allowed})\n`,
    );
  }
  report(rounds, attacker.visible, victim);
}

/** Hellos answered `rate_limited`, upgrades refused, sockets closed by the server. */
function refusals(a: ReplayAttack): number {
  const sum = (m: Record<string, number>) => Object.values(m).reduce((x, y) => x + y, 0);
  return a.refusedHellos + sum(a.refusedUpgrades) + sum(a.closes);
}

const guessLatency = (x: Round, status: string) => {
  const l = x.signin.attack.latencyMs[status];
  return l ? `${fmt(l.p50)} / ${fmt(l.p99)}` : '—';
};
const fmt = (x: number) => (Number.isFinite(x) ? round(x) : '∞');
const pair = (m: Measured) => `${fmt(m.p50)} / ${fmt(m.p99)}`;
const entries = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ') || '—';

function report(rounds: Round[], visible: number, victim: string) {
  const med = (f: (x: Round) => number) => median(rounds.map(f));
  const ratio = (phase: 'replay' | 'signin') => (x: Round) => x[phase].p99 / x.alone.p99;
  const row = (label: string, f: (x: Round) => string | number, m: string | number, target = '') => [
    label,
    ...rounds.map(f),
    m,
    target,
  ];
  const st = (x: Round, s: string) => x.signin.attack.byStatus[s] ?? 0;
  const other = (x: Round) =>
    Object.entries(x.signin.attack.byStatus).reduce((n, [s, v]) => (s === '401' || s === '429' ? n : n + v), 0) +
    Object.values(x.signin.attack.failures).reduce((n, v) => n + v, 0) +
    x.signin.attack.unanswered;
  const rows: (string | number)[][] = [
    ['', ...rounds.map((_, i) => `round ${i + 1}`), 'median', 'target'],
    row(
      'alone: p50 / p99, ms',
      (x) => pair(x.alone),
      `${fmt(med((x) => x.alone.p50))} / ${fmt(med((x) => x.alone.p99))}`,
    ),
    row(
      'replay loop: p50 / p99, ms',
      (x) => pair(x.replay),
      `${fmt(med((x) => x.replay.p50))} / ${fmt(med((x) => x.replay.p99))}`,
    ),
    row('replay loop: p99 / p99 alone', (x) => fmt(ratio('replay')(x)), fmt(med(ratio('replay'))), '≤ 2'),
    row(
      '  events replayed per second',
      (x) => x.replay.attack.eventsPerSecond,
      med((x) => x.replay.attack.eventsPerSecond),
    ),
    row(
      '  replays completed (ready)',
      (x) => x.replay.attack.replays,
      med((x) => x.replay.attack.replays),
    ),
    row(
      '  hellos sent',
      (x) => x.replay.attack.hellos,
      med((x) => x.replay.attack.hellos),
    ),
    row(
      '  refusals',
      (x) => refusals(x.replay.attack),
      med((x) => refusals(x.replay.attack)),
    ),
    row(
      '    hellos rate_limited',
      (x) => x.replay.attack.refusedHellos,
      med((x) => x.replay.attack.refusedHellos),
    ),
    row('    upgrades refused (status:n)', (x) => entries(x.replay.attack.refusedUpgrades), ''),
    row('    sockets closed (code:n)', (x) => entries(x.replay.attack.closes), ''),
    row(
      'sign-in flood: p50 / p99, ms',
      (x) => pair(x.signin),
      `${fmt(med((x) => x.signin.p50))} / ${fmt(med((x) => x.signin.p99))}`,
    ),
    row('sign-in flood: p99 / p99 alone', (x) => fmt(ratio('signin')(x)), fmt(med(ratio('signin'))), '≤ 2'),
    row(
      '  guesses sent',
      (x) => x.signin.attack.sent,
      med((x) => x.signin.attack.sent),
    ),
    row(
      '  answered 401 (password checked)',
      (x) => st(x, '401'),
      med((x) => st(x, '401')),
    ),
    row(
      '  answered 429 (refused)',
      (x) => st(x, '429'),
      med((x) => st(x, '429')),
    ),
    row('  other answers, errors, unanswered', other, med(other)),
    row('  p50 / p99 of a 401 answer, ms', (x) => guessLatency(x, '401'), ''),
    row('  p50 / p99 of a 429 answer, ms', (x) => guessLatency(x, '429'), ''),
    row('  allowance over the span', (x) => `${x.signin.allowance} (${round(x.signin.attack.spanMs / 1000)} s)`, ''),
    row(
      '  guesses accepted beyond the limit',
      (x) => x.signin.overLimit,
      `${Math.max(...rounds.map((x) => x.signin.overLimit))} (max)`,
      '0',
    ),
    row(
      'messages lost (alone / replay / sign-in)',
      (x) => `${x.alone.lost} / ${x.replay.lost} / ${x.signin.lost}`,
      '',
      '0',
    ),
    row(
      "people's sockets closed by the server (same)",
      (x) => `${x.alone.dropped} / ${x.replay.dropped} / ${x.signin.dropped}`,
      '',
      '0',
    ),
    row(
      'server CPU, % of a core (same)',
      (x) => `${Math.round(x.alone.cpu)} / ${Math.round(x.replay.cpu)} / ${Math.round(x.signin.cpu)}`,
      '',
    ),
    row(
      'attacker CPU, % of a core (replay / sign-in)',
      (x) => `${Math.round(x.replay.attackerCpu)} / ${Math.round(x.signin.attackerCpu)}`,
      '',
    ),
  ];
  const capacity = 3 * SIGNIN_FAILURES;
  process.stdout.write(
    `\n${CLIENTS} clients, ${RATE} msgs/s offered, ${SECONDS} s measured per phase, ${os.cpus().length} cores, Node ${process.version}; ` +
      `replay from 0 = ${visible} events, ${ATTACK_SOCKETS} sockets; ${GUESSES} guesses/s for ${victim}\n` +
      `allowance = floor(${capacity} + ${capacity} × span / 15 min): the per-username bucket for new devices ` +
      `(3 × RATE_SIGNIN_FAILURES = ${capacity}), span = first guess sent → last answer\n${table(rows)}\n\n`,
  );
  const num = (x: number, digits = 2) => (Number.isFinite(x) ? round(x, digits) : null);
  process.stdout.write(
    `RESULT ${JSON.stringify({
      replay_p99_ratio: num(med(ratio('replay')), 3),
      signin_flood_p99_ratio: num(med(ratio('signin')), 3),
      guesses_over_limit: Math.max(...rounds.map((x) => x.signin.overLimit)),
      alone_p50_ms: num(med((x) => x.alone.p50)),
      alone_p99_ms: num(med((x) => x.alone.p99)),
      replay_p50_ms: num(med((x) => x.replay.p50)),
      replay_p99_ms: num(med((x) => x.replay.p99)),
      signin_p50_ms: num(med((x) => x.signin.p50)),
      signin_p99_ms: num(med((x) => x.signin.p99)),
      replay_events_per_s: med((x) => x.replay.attack.eventsPerSecond),
      replays_completed: med((x) => x.replay.attack.replays),
      replay_refusals: med((x) => refusals(x.replay.attack)),
      replay_events_visible: visible,
      signin_checked_401: med((x) => st(x, '401')),
      signin_refused_429: med((x) => st(x, '429')),
      signin_allowance: med((x) => x.signin.allowance),
      lost: Math.max(...rounds.map((x) => x.alone.lost + x.replay.lost + x.signin.lost)),
      sockets_dropped: Math.max(...rounds.map((x) => x.alone.dropped + x.replay.dropped + x.signin.dropped)),
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
process.exit();
