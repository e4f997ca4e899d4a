import pg from 'pg';
import type { Timed } from '../statement-times.ts';

/**
 * Type parsing for every connection of this backend: BIGINT (int8, oid 20; also what count(*) answers) as
 * a JS number. Times in ms, seq and pos all stay far below 2^53. Given to each client and to the pool
 * through `types`, so pg's global parsers (used by anything else in the process) are left alone.
 */
export const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, 'text', (value: string) => Number(value));

/** `answer`, its time from now counted under `text` once it settles. */
export async function timed<T>(times: Timed, text: string, answer: Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await answer;
  } finally {
    times.of.note(times.connection, text, performance.now() - start);
  }
}

/** What can run a query: the pool (one pooled connection per query) or one client. */
export interface Queryable {
  query(query: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult>;
}

/** Names of prepared statements, one per statement text (the texts are constants of this backend). */
const names = new Map<string, string>();
const nameOf = (text: string): string => {
  let name = names.get(text);
  if (name === undefined) {
    name = `comptoir_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
};

/**
 * Thin typed helpers over a Queryable. Parameters are `$1`, `$2`…; values are sent as parameters. With
 * `prepared`, each statement is parsed once per connection and named (the writer's: its statements are
 * few and run every batch).
 */
export class Sql {
  constructor(
    readonly q: Queryable,
    private readonly prepared = false,
    /** COMPTOIR_DIAGNOSTICS_STATEMENTS: each statement's time, from sending it to its answer. */
    private readonly times: Timed | null = null,
  ) {}

  private query(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const sent = this.prepared ? this.q.query({ name: nameOf(text), text, values }) : this.q.query(text, values);
    return this.times ? timed(this.times, text, sent) : sent;
  }

  async all<R>(text: string, ...values: unknown[]): Promise<R[]> {
    const result = await this.query(text, values);
    return result.rows as R[];
  }

  async one<R>(text: string, ...values: unknown[]): Promise<R | undefined> {
    const rows = await this.all<R>(text, ...values);
    return rows[0];
  }

  /** Runs a statement and answers how many rows it touched. */
  async run(text: string, ...values: unknown[]): Promise<number> {
    const result = await this.query(text, values);
    return result.rowCount ?? 0;
  }
}
