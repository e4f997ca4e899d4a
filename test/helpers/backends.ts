import path from 'node:path';
import { PostgresStorage } from '../../server/storage/postgres/index.ts';
import { SqliteStorage } from '../../server/storage/sqlite/index.ts';
import type { Storage } from '../../server/storage/types.ts';
import { createTestDatabase, postgresSkip } from './postgres.ts';
import { startServer, type TestServer } from './server.ts';
import { tempDir } from './tmp.ts';

/** A storage backend the integration suites run against: SQLite always, PostgreSQL when reachable. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A skip reason (PostgreSQL unreachable outside CI), or false. */
  skip(): Promise<string | false>;
  /** Server environment for a fresh database, and how to remove it. */
  prepare(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>;
}

export const backends: Backend[] = [
  {
    name: 'sqlite',
    skip: async () => false,
    prepare: async () => ({ env: {}, cleanup: async () => {} }),
  },
  {
    name: 'postgres',
    skip: postgresSkip,
    prepare: async () => {
      const db = await createTestDatabase();
      return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
    },
  },
];

/** A server on a fresh database of the backend; its close() also removes the database. */
export async function serverOn(
  backend: Backend,
  env: Record<string, string> = {},
  options: Parameters<typeof startServer>[1] = {},
): Promise<TestServer> {
  const db = await backend.prepare();
  const server = await startServer({ ...env, ...db.env }, options);
  return {
    ...server,
    close: async () => {
      await server.close();
      await db.cleanup();
    },
  };
}

/** A migrated storage of the backend on a fresh database; `close()` also removes the database. */
export async function storageOn(backend: Backend): Promise<{ storage: Storage; close: () => Promise<void> }> {
  if (backend.name === 'sqlite') {
    const tmp = tempDir();
    const storage = new SqliteStorage({ path: path.join(tmp.dir, 'test.db'), synchronous: 'NORMAL' });
    await storage.migrate();
    return {
      storage,
      close: async () => {
        await storage.close();
        tmp.cleanup();
      },
    };
  }
  const db = await createTestDatabase();
  const storage = await PostgresStorage.connect(db.url);
  await storage.migrate();
  return {
    storage,
    close: async () => {
      await storage.close();
      await db.drop();
    },
  };
}
