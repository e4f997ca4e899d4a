/**
 * SQL written once for both backends. A domain store (accounts/store.ts, events/store.ts, …) holds a `Db`
 * and writes each statement once, with `?` placeholders; the backend's adapter (sqlite/db.ts,
 * postgres/db.ts) runs it. Where the dialects differ in a detail, the text takes it from `SqlText`
 * (computed once per store, so each statement's text stays constant and is prepared once). Statements
 * that are tuned per backend (the batched hot path of a message, PostgreSQL's deferred writes) stay in the
 * backend, overriding the store's methods: docs/ARCHITECTURE.md, "Storage".
 */

export type Dialect = 'sqlite' | 'postgres';

/** A value bound to a placeholder. Arrays only where the text says `inText`/`inInt` (one parameter). */
export type SqlValue = string | number | boolean | null | readonly string[] | readonly number[];

export interface Db {
  readonly dialect: Dialect;
  all<R>(text: string, ...values: SqlValue[]): Promise<R[]>;
  one<R>(text: string, ...values: SqlValue[]): Promise<R | undefined>;
  /** Runs a statement and answers how many rows it touched. */
  run(text: string, ...values: SqlValue[]): Promise<number>;
  /**
   * Inserts one row (`text`: an INSERT without RETURNING) and answers its integer key `key`: SQLite's
   * rowid (`key` must be the table's INTEGER PRIMARY KEY) — a RETURNING clause there buffers its result
   * and costs about as much as the insert itself, on every message — PostgreSQL's `RETURNING key`.
   */
  insertId(text: string, key: string, ...values: SqlValue[]): Promise<number>;
}

/** The pieces of SQL text that differ between the dialects. */
export interface SqlText {
  /** After an ORDER BY term on text: byte order (SQLite's default; "C" in PostgreSQL whatever the database's collation). */
  readonly bytes: string;
  /** The larger of two values in one row: GREATEST in PostgreSQL, the two-argument max() in SQLite. */
  readonly greatest: string;
  readonly true: string;
  readonly false: string;
  /** `column IN` a list bound as ONE parameter (an array), so that the text does not depend on its length. */
  inText(column: string): string;
  inInt(column: string): string;
}

const postgres: SqlText = {
  bytes: ' COLLATE "C"',
  greatest: 'GREATEST',
  true: 'TRUE',
  false: 'FALSE',
  inText: (c) => `${c} = ANY(?::text[])`,
  inInt: (c) => `${c} = ANY(?::bigint[])`,
};
const sqlite: SqlText = {
  bytes: '',
  greatest: 'max',
  true: '1',
  false: '0',
  inText: (c) => `${c} IN (SELECT value FROM json_each(?))`,
  inInt: (c) => `${c} IN (SELECT value FROM json_each(?))`,
};
export const sqlText = (dialect: Dialect): SqlText => (dialect === 'postgres' ? postgres : sqlite);

/**
 * PostgreSQL TEXT cannot hold U+0000 (the query fails), while SQLite stores it. A key containing it can
 * therefore match nothing: lookups answer "not found" without asking, on both backends alike.
 */
export const hasNul = (s: string): boolean => s.includes('\u0000');
