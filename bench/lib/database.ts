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

/** CPU time (user + system) a process has used, in ms, from /proc (10 ms resolution); 0 once it is gone. */
function cpuMs(pid: number): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
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
  const meter = (where: string, values: unknown[]): CpuMeter => {
    let before = new Map<number, number>();
    return {
      async start() {
        before = new Map((await pids(where, values)).map((pid) => [pid, cpuMs(pid)]));
      },
      // A process that started during the window counts from zero; one that ended is not counted.
      async stop() {
        let total = 0;
        for (const pid of await pids(where, values)) total += cpuMs(pid) - (before.get(pid) ?? 0);
        return total;
      },
    };
  };

  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    meters: {
      backends: meter('datname = $1', [name]),
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
