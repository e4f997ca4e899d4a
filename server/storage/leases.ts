import type { Db } from './sql.ts';
import type { Leases } from './types.ts';

/**
 * Leases held in memory: SQLite's, where one process writes the database file (the CLI, which also opens
 * it, takes no lease: it never delivers webhooks). Same rules as the shared ones.
 */
export class MemoryLeases implements Leases {
  private readonly held = new Map<string, { owner: string; until: number }>();

  async acquire(name: string, owner: string, now: number, until: number) {
    const h = this.held.get(name);
    if (h && h.owner !== owner && h.until >= now) return false;
    this.held.set(name, { owner, until });
    return true;
  }

  async release(name: string, owner: string) {
    if (this.held.get(name)?.owner === owner) this.held.delete(name);
  }
}

/**
 * Leases in the database's `leases` table, each taken, renewed or released by ONE autocommit statement
 * outside the group committer's transactions (PostgreSQL's pool): the row lock lasts that statement only,
 * so a lease never waits behind a batch, and two processes asking at once are decided by the row lock —
 * the second sees the first's lease and gets nothing.
 */
export class SharedLeases implements Leases {
  constructor(private readonly db: Db) {}

  async acquire(name: string, owner: string, now: number, until: number) {
    const r = await this.db.one<{ owner: string }>(
      `INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
         WHERE leases.owner = excluded.owner OR leases.until < ?
       RETURNING owner`,
      name,
      owner,
      until,
      now,
    );
    return r?.owner === owner;
  }

  async release(name: string, owner: string) {
    await this.db.run('DELETE FROM leases WHERE name = ? AND owner = ?', name, owner);
  }
}
