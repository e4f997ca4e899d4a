/**
 * `npm run bench:search` — full-text search of messages (GET /api/search/messages' service) over a large
 * history, on SQLite and on PostgreSQL.
 *
 * Seeding (outside the measure): MESSAGES messages (1,000,000) over CONVERSATIONS conversations (10,000),
 * written straight into each database — people, conversations and members through the storage's stores in
 * a few transactions, the messages in bulk statements (prepared INSERTs in large transactions on SQLite,
 * `INSERT … SELECT FROM unnest` of 5,000 rows on PostgreSQL), so that the index is kept by the same
 * triggers / generated column as a message sent through the app. Messages interleave the conversations in
 * time, as real traffic does. Their text: 6 to 12 words drawn from a Zipf-like vocabulary of 20,000 words,
 * plus "bonjour" in 1 of 5 messages (common), "lointain" in 1 of 3 messages of the conversations no
 * searcher is in (common elsewhere, absent from the searcher's: the case that punishes "match first, filter
 * by membership after"), and French words with accents.
 *
 * Measured: QUERIES (200) searches by PEOPLE (200) people, each an active member of PER_PERSON (50)
 * conversations (among CONVERSATIONS; overlapping, about half the conversations have no searcher), through MessageSearchService.search (the route's service: terms,
 * memberships, the index query, snippets, presentation) on the storage's reader, one at a time. Four kinds
 * in turn: a common word, a rare word, two words with the last one a prefix ("souv" → souvenir), and the
 * word common elsewhere. p50 and p99 per backend and per kind.
 *
 * Environment: BENCH_MESSAGES (1000000), BENCH_CONVERSATIONS (10000), BENCH_QUERIES (200),
 * BENCH_DATABASE=sqlite|postgres|both (both), BENCH_DATABASE_URL (PostgreSQL's admin URL).
 * Ends with `RESULT {"search_p99_ms", "search_p50_ms", "messages", …}` (SQLite's; PostgreSQL's in pg_*).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newId } from '../server/lib/ids.ts';
import { MessageSearchService } from '../server/messaging/search.ts';
import { PostgresStorage } from '../server/storage/postgres/index.ts';
import { SqliteStorage } from '../server/storage/sqlite/index.ts';
import { INDEX_NEW_MESSAGES, MOVE_INDEX_MARK } from '../server/storage/sqlite/messaging.ts';
import type { Storage } from '../server/storage/types.ts';
import { type BenchDatabase, openBenchDatabase } from './lib/database.ts';
import { benchDataDir } from './lib/processes.ts';
import { median, percentile, round, table } from './lib/stats.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? Math.min(10_000, Math.max(100, MESSAGES / 100)));
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const PEOPLE = 200;
const PER_PERSON = Math.min(50, Math.floor(CONVERSATIONS / 4));
const WHICH = process.env.BENCH_DATABASE ?? 'both';
const VOCABULARY = 20_000;

/** A deterministic random (mulberry32): both backends get the same data and the same queries. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'la', 'me', 'ni', 'po', 'ra', 'se', 'ti', 'vo', 'zu', 'ké', 'lé'];
const word = (i: number) => {
  let w = '';
  let n = i + 17;
  do {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return w;
};
const ACCENTED = ['café', 'crème', 'été', 'déjà', 'garçon', 'noël', 'souvenir', 'rendez-vous', 'à', 'où'];
/** Zipf-like: word i with weight 1/(i+1), drawn by inverting the harmonic sum approximately. */
const zipf = (r: () => number) => Math.floor(Math.exp(r() * Math.log(VOCABULARY + 1))) - 1;

/**
 * The searchers: person p is in the PER_PERSON conversations from p × STEP on, so they overlap and about
 * half the conversations (those past the last searcher's) have no searcher at all.
 */
const STEP = Math.max(1, Math.floor(CONVERSATIONS / (2 * PEOPLE)));
function searchersOf(c: number): number[] {
  const out: number[] = [];
  for (let p = Math.max(0, Math.floor((c - PER_PERSON + 1) / STEP)); p < PEOPLE && p * STEP <= c; p++) {
    if (c < p * STEP + PER_PERSON) out.push(p);
  }
  return out;
}
const SEARCHERS = Array.from({ length: CONVERSATIONS }, (_, c) => searchersOf(c));

function textOf(r: () => number, c: number): string {
  const n = 6 + Math.floor(r() * 7);
  const words: string[] = [];
  for (let i = 0; i < n; i++)
    words.push(r() < 0.1 ? (ACCENTED[Math.floor(r() * ACCENTED.length)] as string) : word(zipf(r)));
  if (r() < 0.2) words.splice(Math.floor(r() * words.length), 0, 'Bonjour');
  if ((SEARCHERS[c]?.length ?? 0) === 0 && r() < 0.33) words.push('lointain');
  return words.join(' ');
}

interface Ids {
  users: string[];
  conversations: string[];
  people: string[];
}

function ids(): Ids {
  const t0 = Date.UTC(2026, 0, 1);
  return {
    people: Array.from({ length: PEOPLE }, (_, i) => newId(t0 + i)),
    users: Array.from({ length: 1000 }, (_, i) => newId(t0 + 1000 + i)),
    conversations: Array.from({ length: CONVERSATIONS }, (_, i) => newId(t0 + 5000 + i)),
  };
}

/** People, conversations and members through the stores. */
async function seedPeople(storage: Storage, x: Ids) {
  await storage.transaction(async (tx) => {
    for (const id of [...x.people, ...x.users]) {
      await tx.accounts.insertUser({
        id,
        kind: 'person',
        username: `u${id}`,
        displayName: `Person ${id.slice(-6)}`,
        passwordHash: 'x',
        createdAt: 1,
      });
    }
  });
  for (let from = 0; from < CONVERSATIONS; from += 1000) {
    await storage.transaction(async (tx) => {
      for (let c = from; c < Math.min(CONVERSATIONS, from + 1000); c++) {
        const id = x.conversations[c] as string;
        // Its searchers (their conversations spread in time like all the others) and someone.
        const other = x.users[c % 1000] as string;
        const members = [...(SEARCHERS[c] ?? []).map((p) => x.people[p] as string), other];
        await tx.messaging.insertConversation({
          id,
          kind: 'group',
          title: `Group ${c}`,
          directKey: null,
          createdBy: other,
          createdAt: 1,
          lastActivityAt: 1,
          lastSeq: Math.ceil(MESSAGES / CONVERSATIONS),
          history: 'full',
        });
        for (const m of members) {
          await tx.messaging.upsertMember({
            conversationId: id,
            userId: m,
            role: 'member',
            deliveredSeq: 0,
            readSeq: 0,
            joinedAt: 1,
            active: true,
            visibleFromSeq: 0,
            removed: false,
          });
        }
      }
    });
  }
}

/** The messages, in time order, conversation after conversation within each round of seq. */
function* messages(x: Ids) {
  const r = random(42);
  const t0 = Date.UTC(2026, 1, 1);
  let i = 0;
  for (let seq = 1; i < MESSAGES; seq++) {
    for (let c = 0; c < CONVERSATIONS && i < MESSAGES; c++, i++) {
      const at = t0 + i * 10;
      const searchers = SEARCHERS[c] ?? [];
      const sender =
        searchers.length > 0 && r() < 0.5
          ? (x.people[searchers[Math.floor(r() * searchers.length)] as number] as string)
          : (x.users[c % 1000] as string);
      yield [newId(at), x.conversations[c] as string, seq, sender, textOf(r, c), at] as const;
    }
  }
}

async function seedSqlite(file: string, x: Ids) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(`INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, text, reply_to_id,
      created_at, edited_at, deleted_at, event_positions, content) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, NULL, NULL, '', NULL)`);
  let batch: (readonly [string, string, number, string, string, number])[] = [];
  // Indexed as the server indexes a transaction's messages: one statement after its rows (migration 0031).
  const index = db.prepare(INDEX_NEW_MESSAGES);
  const mark = db.prepare(MOVE_INDEX_MARK);
  const flush = db.transaction((rows: typeof batch) => {
    for (const m of rows) insert.run(m[0], m[1], m[2], m[3], m[4], m[5]);
    index.run();
    mark.run();
  });
  for (const m of messages(x)) {
    batch.push(m);
    if (batch.length === 50_000) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  db.exec("INSERT INTO message_search(message_search) VALUES ('optimize')");
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
}

async function seedPostgres(url: string, x: Ids) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const cols: [string[], string[], number[], string[], string[], number[]] = [[], [], [], [], [], []];
  const flush = async () => {
    if (cols[0].length === 0) return;
    await client.query(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, text, created_at, event_positions)
       SELECT id, c, s, f, t, a, '' FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[])
         AS u(id, c, s, f, t, a)`,
      cols,
    );
    for (const col of cols) col.length = 0;
  };
  for (const m of messages(x)) {
    for (let k = 0; k < 6; k++) (cols[k] as unknown[]).push(m[k]);
    if (cols[0].length === 5000) await flush();
  }
  await flush();
  await client.query('VACUUM ANALYZE messages');
  await client.end();
}

type Kind = 'common' | 'rare' | 'prefix' | 'elsewhere';
const KINDS: Kind[] = ['common', 'rare', 'prefix', 'elsewhere'];
function queries(x: Ids) {
  const r = random(7);
  return Array.from({ length: QUERIES }, (_, i) => {
    const kind = KINDS[i % KINDS.length] as Kind;
    const person = Math.floor(r() * PEOPLE);
    const q =
      kind === 'common'
        ? 'bonjour'
        : kind === 'rare'
          ? word(2000 + Math.floor(r() * 10_000))
          : kind === 'prefix'
            ? `${ACCENTED[Math.floor(r() * 4)]} ${word(Math.floor(r() * 50)).slice(0, 3)}`
            : 'lointain';
    return { kind, userId: x.people[person] as string, q };
  });
}

interface Figures {
  all: number[];
  /** This process's CPU time per query (ms): SQLite's whole work, PostgreSQL's client side only. */
  cpu: number[];
  byKind: Map<Kind, number[]>;
  cpuByKind: Map<Kind, number[]>;
  results: number;
}

async function measure(storage: Storage, x: Ids): Promise<Figures> {
  const service = new MessageSearchService(storage);
  const qs = queries(x);
  // Warm the caches with a few queries first (not counted).
  for (const w of qs.slice(0, 8)) await service.search(w.userId, { q: w.q, limit: 20 });
  const all: number[] = [];
  const cpu: number[] = [];
  const byKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const cpuByKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  let results = 0;
  for (const one of qs) {
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await service.search(one.userId, { q: one.q, limit: 20 });
    const ms = performance.now() - t;
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    cpuByKind.get(one.kind)?.push((used.user + used.system) / 1000);
    results += r.results.length;
    all.push(ms);
    byKind.get(one.kind)?.push(ms);
  }
  return { all, cpu, byKind, cpuByKind, results };
}

async function main() {
  const x = ids();
  const dir = benchDataDir('comptoir-bench-search-');
  const rows: (string | number)[][] = [
    ['backend', 'kind', 'queries', 'p50 ms', 'p99 ms', 'cpu p50 ms', 'cpu p99 ms', 'seed s'],
  ];
  const out: Record<string, number> = {};
  const report = (name: string, f: Figures, seedS: number) => {
    const cpu = [round(median(f.cpu)), round(percentile(f.cpu, 99))];
    rows.push([name, 'all', f.all.length, round(median(f.all)), round(percentile(f.all, 99)), ...cpu, round(seedS, 1)]);
    for (const [k, xs] of f.byKind) {
      const c = f.cpuByKind.get(k) ?? [];
      rows.push([
        name,
        k,
        xs.length,
        round(median(xs)),
        round(percentile(xs, 99)),
        round(median(c)),
        round(percentile(c, 99)),
        '',
      ]);
    }
    console.error(`${name}: ${f.results} results in ${f.all.length} queries`);
  };

  if (WHICH === 'sqlite' || WHICH === 'both') {
    const file = path.join(dir, 'comptoir.db');
    const t = performance.now();
    let storage: Storage = new SqliteStorage({ path: file, synchronous: 'NORMAL' });
    await storage.migrate();
    await seedPeople(storage, x);
    await storage.close();
    await seedSqlite(file, x);
    const seedS = (performance.now() - t) / 1000;
    storage = new SqliteStorage({ path: file, synchronous: 'NORMAL' });
    const f = await measure(storage, x);
    await storage.close();
    report('sqlite', f, seedS);
    out.search_p99_ms = round(percentile(f.all, 99));
    out.search_p50_ms = round(median(f.all));
    out.search_cpu_p99_ms = round(percentile(f.cpu, 99));
    for (const [k, xs] of f.byKind) out[`${k}_p99_ms`] = round(percentile(xs, 99));
  }
  if (WHICH === 'postgres' || WHICH === 'both') {
    let database: BenchDatabase | undefined;
    try {
      database = await openBenchDatabase('postgres');
      const url = database.env.DATABASE_URL as string;
      const t = performance.now();
      let storage: Storage = await PostgresStorage.connect(url);
      await storage.migrate();
      await seedPeople(storage, x);
      await storage.close();
      await seedPostgres(url, x);
      const seedS = (performance.now() - t) / 1000;
      storage = await PostgresStorage.connect(url);
      const f = await measure(storage, x);
      await storage.close();
      report('postgres', f, seedS);
      out.pg_search_p99_ms = round(percentile(f.all, 99));
      out.pg_search_p50_ms = round(median(f.all));
      for (const [k, xs] of f.byKind) out[`pg_${k}_p99_ms`] = round(percentile(xs, 99));
    } finally {
      await database?.drop();
    }
  }
  console.log(table(rows));
  console.log(
    `RESULT ${JSON.stringify({ ...out, messages: MESSAGES, conversations: CONVERSATIONS, queries: QUERIES })}`,
  );
}

await main();
