import fs from 'node:fs';
import Database from 'better-sqlite3';
import { walBatchLibrary } from './native/library.mjs';

/**
 * The walbatch VFS (native/walbatch.c): a transaction's WAL frames written in one write at its commit
 * instead of two writes per frame. Built by `npm install` (scripts/build-native.mjs) where a C compiler
 * is found; without it SQLite writes as it always does (same files, same guarantees, more system calls).
 */
export type WalBatch =
  /** Loaded: the default VFS of this process. */
  | 'on'
  /** Turned off (`SQLITE_WAL_BATCH=off`). */
  | 'off'
  /** Not built for this source (no C compiler when `npm install` ran): SQLite's own writes. */
  | 'unavailable';

/** Where the build of this exact source is: its name carries the source's hash, so a stale build is never loaded. */
export { walBatchLibrary };

let state: WalBatch | undefined;

/**
 * Makes the walbatch VFS the process's default, once, before the first database file is opened; every
 * connection opened after it (the writer, the readers, the checkpointer thread) uses it.
 */
export function loadWalBatch(setting: 'on' | 'off' = 'on'): WalBatch {
  if (state !== 'on') state = setting === 'off' ? 'off' : load();
  return state;
}

function load(): WalBatch {
  const library = walBatchLibrary();
  if (!fs.existsSync(library)) return 'unavailable';
  const db = new Database(':memory:');
  try {
    // better-sqlite3 takes the entry point as a second argument (its types name only the first): the
    // file's name, with its hash, does not give SQLite the default one.
    const loadExtension = db.loadExtension as (this: Database.Database, file: string, entryPoint: string) => void;
    loadExtension.call(db, library, 'sqlite3_walbatch_init');
  } finally {
    db.close();
  }
  return 'on';
}

/** The process's counts since the VFS was loaded (native/walbatch.c, walbatch_stats()). */
export interface WalBatchStats {
  /** WAL writes kept in memory. */
  kept: number;
  /** The writes that wrote kept ones. */
  flushes: number;
  /** WAL writes that went straight through (too large, or no space allocation on this file system). */
  direct: number;
  /** Times kept writes were dropped: a transaction that ended without committing. */
  dropped: number;
  /** Bytes kept now. */
  pending: number;
  /**
   * 1 when the page cache no longer walks all its pages at a commit after a B-tree page split (SQLite's
   * page cache patched in place, native/walbatch.c wbRekey); 0 where the checks for it failed.
   */
  cacheFix: number;
  /** Pages parked on the pending-byte page's number during a split, whose effect on the cache was undone. */
  parked: number;
}

export function walBatchStats(db: Database.Database): WalBatchStats | null {
  if (state !== 'on') return null;
  const row = db.prepare('SELECT walbatch_stats() AS s').get() as { s: string };
  return JSON.parse(row.s) as WalBatchStats;
}
