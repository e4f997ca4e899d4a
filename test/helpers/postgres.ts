import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where tests reach PostgreSQL (trust auth on this machine and in CI). */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let available: Promise<string | null> | null = null;
let announced = false;

/** null when PostgreSQL answers, else why not. */
export function postgresUnavailable(): Promise<string | null> {
  available ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (e) {
      return (e as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return available;
}

/**
 * The skip reason for a Postgres suite: null to run it. Under CI=true a missing PostgreSQL is a failure,
 * not a skip; elsewhere the suite is skipped with one clear line.
 */
export async function postgresSkip(): Promise<string | false> {
  const why = await postgresUnavailable();
  if (why === null) return false;
  if (process.env.CI === 'true')
    throw new Error(`PostgreSQL is required under CI=true but unreachable at ${POSTGRES_URL}: ${why}`);
  const line = `PostgreSQL not reachable at ${POSTGRES_URL} (${why}): Postgres tests skipped`;
  if (!announced) console.log(`# ${line}`);
  announced = true;
  return line;
}

/** A fresh database with a random name; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `comptoir_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
