import type { Db, SqlValue } from '../sql.ts';
import type { Sql } from './sql.ts';

const texts = new Map<string, string>();
/** `?` → `$1`, `$2`… outside quoted strings and identifiers; once per text. */
export function numbered(text: string): string {
  let out = texts.get(text);
  if (out !== undefined) return out;
  let n = 0;
  let quote: string | null = null;
  out = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else out += c === '?' ? `$${++n}` : c;
  }
  texts.set(text, out);
  return out;
}

/**
 * A Db on the pool (the reader) or on the writer's client. `before` runs ahead of every statement: in a
 * transaction, the pending (deferred) writes are sent first (postgres/pending.ts), so that a store's
 * statements see every write made before them and reach the database in the order they were made.
 */
export class PgDb implements Db {
  readonly dialect = 'postgres' as const;
  constructor(
    private readonly sql: Sql,
    private readonly before: () => Promise<void> = async () => {},
  ) {}

  async all<R>(text: string, ...values: SqlValue[]): Promise<R[]> {
    await this.before();
    return this.sql.all<R>(numbered(text), ...values);
  }
  async one<R>(text: string, ...values: SqlValue[]): Promise<R | undefined> {
    await this.before();
    return this.sql.one<R>(numbered(text), ...values);
  }
  async run(text: string, ...values: SqlValue[]): Promise<number> {
    await this.before();
    return this.sql.run(numbered(text), ...values);
  }
  async insertId(text: string, key: string, ...values: SqlValue[]): Promise<number> {
    await this.before();
    const row = await this.sql.one<Record<string, unknown>>(numbered(`${text} RETURNING ${key}`), ...values);
    return Number(row?.[key] ?? 0);
  }
}
