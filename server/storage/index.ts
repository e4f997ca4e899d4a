import type { Config } from '../config.ts';
import type { Storage } from './types.ts';

/** Opens the configured backend. Postgres is loaded only when asked for. */
export async function openStorage(db: Config['database']): Promise<Storage> {
  if (db.kind === 'sqlite') {
    const { SqliteStorage } = await import('./sqlite/index.ts');
    return new SqliteStorage({ path: db.path, synchronous: db.synchronous });
  }
  const { PostgresStorage } = await import('./postgres/index.ts');
  return PostgresStorage.connect(db.url);
}
