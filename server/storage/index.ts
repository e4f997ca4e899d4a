import type { Config } from '../config.ts';
import { AppError, isAppError } from '../errors.ts';
import type { StatementTimes } from './statement-times.ts';
import { type Reader, type Storage, storeNames } from './types.ts';

/**
 * Opens the configured backend. Postgres is loaded only when asked for. `statementTimes`: each statement's
 * time counted there (COMPTOIR_DIAGNOSTICS_STATEMENTS).
 */
export async function openStorage(
  db: Config['database'],
  { statementTimes }: { statementTimes?: StatementTimes } = {},
): Promise<Storage> {
  if (db.kind === 'sqlite') {
    const { SqliteStorage } = await import('./sqlite/index.ts');
    return new SqliteStorage({
      path: db.path,
      synchronous: db.synchronous,
      walBatch: db.walBatch,
      cacheMb: db.cacheMb,
      ...(statementTimes ? { statementTimes } : {}),
    });
  }
  const { PostgresStorage } = await import('./postgres/index.ts');
  return PostgresStorage.connect(db.url, statementTimes ? { statementTimes } : {});
}

/**
 * The storage as the domains use it: a read that fails in the database (a connection refused, a disk
 * error) answers `storage_unavailable` (503, "retry"), as a failed write does through the committer,
 * instead of passing for a bug (500).
 */
export function withStorageErrors(storage: Storage): Storage {
  const reader = Object.fromEntries(
    storeNames.map((name) => [name, guarded(storage.reader[name])]),
  ) as unknown as Reader;
  return Object.create(storage, { reader: { value: reader } }) as Storage;
}

/** A store whose methods answer `storage_unavailable` when the database fails; each wrapped once, on first use. */
function guarded<S extends object>(store: S): S {
  const wrapped = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  return new Proxy(store, {
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
  });
}

function rethrow(e: unknown): never {
  if (isAppError(e)) throw e;
  throw new AppError('storage_unavailable', undefined, undefined, { cause: e });
}
