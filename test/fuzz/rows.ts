import Database from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../server/config.ts';

/**
 * Every stored row, read straight from the database (a second connection, beside the server's): the
 * fuzz suites compare two of these to say that refused input changed nothing, and which tables an
 * accepted one touched.
 */
export type Rows = Map<string, string[]>;

export interface RowReader {
  snapshot(): Promise<Rows>;
  close(): Promise<void>;
}

export async function openRows(database: Config['database']): Promise<RowReader> {
  if (database.kind === 'sqlite') {
    const db = new Database(database.path, { readonly: true, fileMustExist: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    return {
      snapshot: async () => {
        const rows: Rows = new Map();
        db.transaction(() => {
          for (const t of tables) {
            const all = db.prepare(`SELECT * FROM "${t}"`).all();
            rows.set(t, all.map((r) => JSON.stringify(r)).sort());
          }
        })();
        return rows;
      },
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const tables = (
    await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
  ).rows.map((r) => r.table_name);
  return {
    snapshot: async () => {
      const rows: Rows = new Map();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        for (const t of tables) {
          const r = await client.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM "${t}" x`);
          rows.set(
            t,
            r.rows.map((x) => x.j),
          );
        }
      } finally {
        await client.query('COMMIT');
      }
      for (const list of rows.values()) list.sort();
      return rows;
    },
    close: () => client.end(),
  };
}

/** Per table, the rows only in `before` (removed or changed) and only in `after` (added or changed). */
export function diffRows(before: Rows, after: Rows): Map<string, { removed: string[]; added: string[] }> {
  const out = new Map<string, { removed: string[]; added: string[] }>();
  for (const t of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(t) ?? [];
    const b = after.get(t) ?? [];
    const inA = new Set(a);
    const inB = new Set(b);
    const removed = a.filter((r) => !inB.has(r));
    const added = b.filter((r) => !inA.has(r));
    if (removed.length > 0 || added.length > 0) out.set(t, { removed, added });
  }
  return out;
}

/** A short account of a diff, for assertion messages. */
export function describeDiff(d: ReturnType<typeof diffRows>): string {
  return [...d]
    .map(([t, x]) => `${t}: -${x.removed.length} +${x.added.length} ${x.added.slice(0, 2).join(' ').slice(0, 400)}`)
    .join('\n');
}
