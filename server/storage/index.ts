import type { Config } from '../config.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Reader, Storage } from './types.ts';

/** Opens the configured backend. Postgres is loaded only when asked for. */
export async function openStorage(db: Config['database']): Promise<Storage> {
  if (db.kind === 'sqlite') {
    const { SqliteStorage } = await import('./sqlite/index.ts');
    return new SqliteStorage({ path: db.path, synchronous: db.synchronous });
  }
  const { PostgresStorage } = await import('./postgres/index.ts');
  return PostgresStorage.connect(db.url);
}

/**
 * The storage as the domains use it: a read that fails in the database (a connection refused, a disk
 * error) answers `storage_unavailable` (503, "retry"), as a failed write does through the committer,
 * instead of passing for a bug (500).
 */
export function withStorageErrors(storage: Storage): Storage {
  // Each method is wrapped once, on first use (reads are on every request's path).
  const wrapped = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  const reader = new Proxy(storage.reader, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = (...args: unknown[]) => {
          try {
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            return result instanceof Promise ? result.catch(rethrow) : result;
          } catch (e) {
            return rethrow(e);
          }
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  }) as Reader;
  return Object.create(storage, { reader: { value: reader } }) as Storage;
}

function rethrow(e: unknown): never {
  if (isAppError(e)) throw e;
  throw new AppError('storage_unavailable', undefined, undefined, { cause: e });
}
