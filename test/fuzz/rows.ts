import Database from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../server/config.ts';

/**
 * Every stored row, read straight from the database (a second connection, beside the server's): the
 * fuzz suites compare two of these to say that refused input changed nothing, and which tables an
 * accepted one touched.
 */
export type Rows = Map<string, string[]>;

/**
 * What the server writes in the background, after a request and apart from it, left out of the
 * snapshots: the webhook planner's position in the log and the deliveries it records, the dispatcher's
 * leases and its record of a failing endpoint (server/webhooks/). They follow from what requests stored
 * (tested in server/webhooks/*.test.ts), not from a request itself. Likewise a person's last seen, marked
 * when their sockets closed a grace ago and by the presence heartbeat (server/presence/presence.test.ts).
 */
const BACKGROUND_TABLES = new Set(['consumer_positions', 'webhook_deliveries', 'leases']);
/**
 * The full-text index of messages (SQLite's FTS5 table and its shadow tables): kept by triggers from the
 * messages table, it changes exactly when `messages` does (server/storage/migrations/sqlite/0024).
 */
const isDerived = (table: string) => table === 'message_search' || table.startsWith('message_search_');
const BACKGROUND_COLUMNS: Record<string, string[]> = { app_webhooks: ['failing_since'], users: ['last_seen_at'] };
const withoutBackground = (table: string, row: Record<string, unknown>) => {
  for (const column of BACKGROUND_COLUMNS[table] ?? []) delete row[column];
  return JSON.stringify(row);
};

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
    )
      .map((t) => t.name)
      .filter((t) => !BACKGROUND_TABLES.has(t) && !isDerived(t));
    return {
      snapshot: async () => {
        const rows: Rows = new Map();
        db.transaction(() => {
          for (const t of tables) {
            const all = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[];
            rows.set(t, all.map((r) => withoutBackground(t, r)).sort());
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
  ).rows
    .map((r) => r.table_name)
    .filter((t) => !BACKGROUND_TABLES.has(t));
  return {
    snapshot: async () => {
      const rows: Rows = new Map();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        for (const t of tables) {
          const r = await client.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM "${t}" x`);
          rows.set(
            t,
            r.rows.map((x) => withoutBackground(t, JSON.parse(x.j) as Record<string, unknown>)),
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

/** The rows of a table, parsed. */
export function rowsOf<T = Record<string, unknown>>(rows: Rows, table: string): T[] {
  return (rows.get(table) ?? []).map((r) => JSON.parse(r) as T);
}

/**
 * What holds of business pages in every state, whatever was accepted: each page has an account of kind
 * `page` and each such account is a page; each page keeps at least one admin (the last admin stays); the
 * people who run a page are people; a page's account is a member of one-to-one conversations only (never
 * added to a group). Answers what does not hold (empty: all is well).
 */
export function pageInvariants(rows: Rows): string[] {
  const problems: string[] = [];
  const kind = new Map(rowsOf<{ id: string; kind: string }>(rows, 'users').map((u) => [u.id, u.kind]));
  const pages = new Set(rowsOf<{ id: string }>(rows, 'pages').map((p) => p.id));
  for (const [id, k] of kind)
    if (k === 'page' && !pages.has(id)) problems.push(`an account of kind page ${id} has no page`);
  for (const id of pages)
    if (kind.get(id) !== 'page') problems.push(`page ${id} has an account of kind ${kind.get(id)}`);
  const members = rowsOf<{ page_id: string; user_id: string; role: string }>(rows, 'page_members');
  for (const id of pages)
    if (!members.some((m) => m.page_id === id && m.role === 'admin')) problems.push(`page ${id} has no admin left`);
  for (const m of members)
    if (kind.get(m.user_id) !== 'person') problems.push(`page ${m.page_id} is run by ${m.user_id}, not a person`);
  const conversationKind = new Map(
    rowsOf<{ id: string; kind: string }>(rows, 'conversations').map((c) => [c.id, c.kind]),
  );
  for (const m of rowsOf<{ conversation_id: string; user_id: string }>(rows, 'members'))
    if (pages.has(m.user_id) && conversationKind.get(m.conversation_id) !== 'direct')
      problems.push(`page ${m.user_id} is a member of ${conversationKind.get(m.conversation_id)} ${m.conversation_id}`);
  return problems;
}

/**
 * The conversations in which a page talks with a person it knows by no page-scoped id: each page knows
 * everyone it talks with by an id of its own, made when they first meet (docs/PROTOCOL.md,
 * `POST /api/pages/:id/conversation`; docs/ARCHITECTURE.md, "A page speaks through an account of its own").
 */
export function unknownToPage(rows: Rows): string[] {
  const pages = new Set(rowsOf<{ id: string }>(rows, 'pages').map((p) => p.id));
  const known = new Set(
    rowsOf<{ page_id: string; user_id: string }>(rows, 'page_scoped_ids').map((r) => `${r.page_id} ${r.user_id}`),
  );
  const byConversation = new Map<string, string[]>();
  for (const m of rowsOf<{ conversation_id: string; user_id: string }>(rows, 'members'))
    byConversation.set(m.conversation_id, [...(byConversation.get(m.conversation_id) ?? []), m.user_id]);
  const out: string[] = [];
  for (const [conversationId, users] of byConversation)
    for (const page of users.filter((u) => pages.has(u)))
      if (users.some((u) => u !== page && !known.has(`${page} ${u}`))) out.push(conversationId);
  return out;
}
