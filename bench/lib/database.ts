/**
 * The benchmark's database: SQLite in the data directory (the default), or a PostgreSQL database of its
 * own (BENCH_DATABASE=postgres), created at start and dropped at the end — also when the benchmark fails
 * or is interrupted. For PostgreSQL, a CPU meter of the server processes that work for it.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface BenchDatabase {
  kind: 'sqlite' | 'postgres';
  /** Environment for the Comptoir processes (DATABASE_URL for PostgreSQL). */
  env: Record<string, string>;
  /** PostgreSQL only: CPU meters of its backends serving this database, and of its background processes. */
  meters: { backends: CpuMeter; background: CpuMeter } | null;
  drop(): Promise<void>;
}

/** CPU time in ms of a set of processes over a window: start() then stop(). */
export interface CpuMeter {
  start(): Promise<void>;
  stop(): Promise<number>;
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The fields of /proc/<pid>/stat after the command's name; null once the process is gone. */
function statOf(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc (10 ms resolution); 0 once it is gone. */
function cpuMs(pid: number): number {
  const fields = statOf(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : 0;
}

/** CPU time, in ms, of a process's children that have ended and been waited for (cutime + cstime). */
function endedChildrenCpuMs(pid: number): number {
  const fields = statOf(pid);
  return fields ? (Number(fields[13]) + Number(fields[14])) * 10 : 0;
}

export async function openBenchDatabase(kind: string | undefined): Promise<BenchDatabase> {
  if (kind === undefined || kind === '' || kind === 'sqlite') {
    return { kind: 'sqlite', env: {}, meters: null, drop: async () => {} };
  }
  if (kind !== 'postgres') throw new Error(`BENCH_DATABASE must be sqlite or postgres, not ${kind}`);
  const adminUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  const name = `comptoir_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, application_name: 'comptoir-bench' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  let dropped = false;
  // An exit without the async path (a crash, process.exit on a signal): drop it synchronously.
  const onExit = () => {
    if (!dropped) dropSync(adminUrl, name);
  };
  process.on('exit', onExit);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;

  /** Pids of the PostgreSQL processes selected by `where` (pg_stat_activity). */
  const pids = async (where: string, values: unknown[]) =>
    (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE ${where}`, values)).rows.map(
      (r) => r.pid,
    );
  // The postmaster: every backend's parent, which waits for them as they end.
  const backend = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
  const postmaster = Number(statOf(backend)?.[1] ?? 0);
  /**
   * `ended`: also what the processes that ended in the window used in it (the writer's connection is
   * renewed every WRITER_RENEWED_AFTER transactions): the postmaster's ended children's CPU, less what
   * those of them seen at the start had used by then. Any process that ended counts there (on this
   * machine, the benchmark's database is the only one at work).
   */
  const meter = (where: string, values: unknown[], ended = false): CpuMeter => {
    let before = new Map<number, number>();
    let children = 0;
    return {
      async start() {
        before = new Map((await pids(where, values)).map((pid) => [pid, cpuMs(pid)]));
        children = endedChildrenCpuMs(postmaster);
      },
      // A process that started during the window counts from zero.
      async stop() {
        let total = 0;
        const live = await pids(where, values);
        for (const pid of live) total += cpuMs(pid) - (before.get(pid) ?? 0);
        if (!ended) return total;
        const alive = new Set(live);
        let endedBefore = 0;
        for (const [pid, ms] of before) if (!alive.has(pid) && cpuMs(pid) === 0) endedBefore += ms;
        return total + Math.max(0, endedChildrenCpuMs(postmaster) - children - endedBefore);
      },
    };
  };

  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    meters: {
      backends: meter('datname = $1', [name], true),
      // Shared by every database of the server, but idle but for the benchmark's writes.
      background: meter(`backend_type IN ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker')`, []),
    },
    async drop() {
      if (dropped) return;
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      dropped = true;
      process.off('exit', onExit);
      await admin.end();
    },
  };
}

/** DROP DATABASE from a child process: usable in an 'exit' handler, where nothing async runs. */
function dropSync(adminUrl: string, name: string) {
  const script = `const pg = require('pg');
const c = new pg.Client({ connectionString: process.argv[1] });
c.connect().then(() => c.query('DROP DATABASE IF EXISTS ${name} WITH (FORCE)')).finally(() => c.end());`;
  try {
    execFileSync(process.execPath, ['-e', script, adminUrl], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      stdio: 'ignore',
      timeout: 10_000,
    });
  } catch {
    process.stderr.write(`could not drop the benchmark database ${name}\n`);
  }
}
