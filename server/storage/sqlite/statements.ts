import type Database from 'better-sqlite3';
import type { Timed } from '../statement-times.ts';

/**
 * Prepared statements of one connection, prepared once on first use. With `times`
 * (COMPTOIR_DIAGNOSTICS_STATEMENTS), each call's time is counted under the connection's name.
 */
export class Statements {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(
    readonly db: Database.Database,
    private readonly times: Timed | null = null,
  ) {}

  get(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  one<R>(sql: string, ...params: unknown[]): R | undefined {
    if (this.times) return this.timed(sql, () => this.get(sql).get(...params) as R | undefined);
    return this.get(sql).get(...params) as R | undefined;
  }

  all<R>(sql: string, ...params: unknown[]): R[] {
    if (this.times) return this.timed(sql, () => this.get(sql).all(...params) as R[]);
    return this.get(sql).all(...params) as R[];
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    if (this.times) return this.timed(sql, () => this.get(sql).run(...params));
    return this.get(sql).run(...params);
  }

  private timed<T>(sql: string, call: () => T): T {
    const start = performance.now();
    try {
      return call();
    } finally {
      this.times?.of.note(this.times.connection, sql, performance.now() - start);
    }
  }
}
