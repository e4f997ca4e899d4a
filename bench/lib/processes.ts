/**
 * The processes a benchmark starts (Comptoir, the relay, attackers): started with `node --import tsx`,
 * ready when a line of their output matches, killed when the benchmark exits, even on a crash.
 * Also what the benchmarks read about them from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.join(import.meta.dirname, '..', '..');

export interface Proc {
  child: ChildProcess;
  /** The number the ready pattern captured (a port). */
  port: number;
  /** Everything the process has written so far, stdout and stderr. */
  output(): string;
}

/** Every process the benchmark started: killed when it exits, even on a crash. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/**
 * Starts `node --import tsx <args>` in the repository; resolves when its output matches `ready`, whose
 * first group is a number (a port). `stdin: 'pipe'` to write to it (an attacker waits for "go").
 */
export function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  options: { stdin?: 'pipe' | 'ignore' } = {},
): Promise<Proc> {
  const profile =
    process.env.BENCH_PROFILE && args[0] === 'server/main.ts'
      ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE]
      : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c;
      const m = ready.exec(out);
      if (m?.[1]) resolve({ child, port: Number(m[1]), output: () => out });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    if (process.env.BENCH_TRACE) {
      child.stdout?.on('data', (c: Buffer) => process.stderr.write(c));
      child.stderr?.on('data', (c: Buffer) => process.stderr.write(c));
    }
    child.once('exit', (code) => reject(new Error(`process exited (${code}):\n${out}`)));
  });
}

/**
 * A fresh data directory under the system's temporary directory, removed when the benchmark exits — after
 * its processes have been killed — however it ends (an error, Ctrl-C, SIGTERM).
 */
export function benchDataDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** As `npm start` and the `comptoir` command run the server: no V8 flags (BENCH_NODE_OPTIONS to try some). */
const SERVER_NODE_OPTIONS = '';

/**
 * A Comptoir process with this environment. BENCH_TRACE=1: the server's diagnostics (event loop delay,
 * GC, batches) every 2 s on stderr; with BENCH_STATEMENTS=1, the statements that took the most time too.
 */
export const startComptoir = (env: Record<string, string>) =>
  startProcess(
    ['server/main.ts'],
    {
      ...env,
      LOG_LEVEL: 'info',
      ...(process.env.BENCH_TRACE ? { COMPTOIR_DIAGNOSTICS: '2' } : {}),
      ...(process.env.BENCH_TRACE && process.env.BENCH_STATEMENTS ? { COMPTOIR_DIAGNOSTICS_STATEMENTS: 'on' } : {}),
      NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? SERVER_NODE_OPTIONS,
    },
    /listening on http:\/\/[\d.]+:(\d+)/,
  );

/**
 * Asks the process to shut down (SIGTERM) and waits for it; a process whose event loop is still blocked
 * after `killAfterMs` cannot even see the signal: it is killed.
 */
export async function stop(p: Proc, killAfterMs = 20_000) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}

/** CPU time (user + system) a process has used, in ms, from /proc (10 ms resolution). */
export function cpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** CPU time (user + system) a process's main thread — its event loop — has used, in ms (10 ms resolution). */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(file: string): number {
  const fields = fs.readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The machine's CPU time so far, in clock ticks summed over its cores (/proc/stat): `idle` (idle and
 * waiting for I/O) and `total`. Two readings give the share of the cores that nothing used between them.
 */
export function machineTicks(): { idle: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return { idle, total };
}

/**
 * Waits until the kernel has written back what the previous phase dirtied: its writeback otherwise
 * throttles the writes of the next phase (Linux's dirty-page balancing), a leftover, not a property of
 * the phase being measured.
 */
export function settleDisk() {
  execFileSync('sync');
}

export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}
