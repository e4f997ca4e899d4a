import type { Db, SqlValue } from '../sql.ts';
import type { Statements } from './statements.ts';

type Bound = string | number | null;
/** Booleans as 0/1, lists as a JSON array (read by json_each: sql.ts inText/inInt). */
const bind = (v: SqlValue): Bound =>
  typeof v === 'boolean' ? (v ? 1 : 0) : Array.isArray(v) ? JSON.stringify(v) : (v as Bound);
/** The values as bound: the same array when none needs converting (most statements: one per message). */
const bound = (values: SqlValue[]): Bound[] => {
  for (const v of values) if (typeof v === 'boolean' || Array.isArray(v)) return values.map(bind);
  return values as Bound[];
};

/**
 * A Db on one SQLite connection. `before` runs ahead of every statement: a transaction's deferred
 * updates are written first, so that a store's statements see (and follow) every write made before them.
 */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  constructor(
    private readonly s: Statements,
    private readonly before: () => void = () => {},
  ) {}

  async all<R>(text: string, ...values: SqlValue[]): Promise<R[]> {
    this.before();
    return this.s.all<R>(text, ...bound(values));
  }
  async one<R>(text: string, ...values: SqlValue[]): Promise<R | undefined> {
    this.before();
    return this.s.one<R>(text, ...bound(values));
  }
  async run(text: string, ...values: SqlValue[]): Promise<number> {
    this.before();
    return this.s.run(text, ...bound(values)).changes;
  }
  async insertId(text: string, _key: string, ...values: SqlValue[]): Promise<number> {
    this.before();
    return Number(this.s.run(text, ...bound(values)).lastInsertRowid);
  }
}
