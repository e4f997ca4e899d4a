import { type Db, hasNul } from '../storage/sql.ts';

/**
 * What the blocks store keeps (migration 0029), written once for both backends (storage/sql.ts): who blocks
 * whom among people. A row exists while its blocker blocks its blocked person. Times are milliseconds.
 */

export interface BlockRecord {
  blockerId: string;
  blockedId: string;
  createdAt: number;
}

export interface BlocksReads {
  /** The people `blockerId` blocks, newest first (at most `limit`). */
  blocksOf(blockerId: string, limit: number): Promise<BlockRecord[]>;
  /** The ids of the people `blockerId` blocks (all of them: what the send path caches). */
  blockedIdsOf(blockerId: string): Promise<string[]>;
  block(blockerId: string, blockedId: string): Promise<BlockRecord | null>;
  /** The ids of the people who block `blockedId`. */
  blockerIdsOf(blockedId: string): Promise<string[]>;
}

export interface BlocksWrites extends BlocksReads {
  /** Records a block; false when it existed already (nothing written). */
  insertBlock(block: BlockRecord): Promise<boolean>;
  /** Deletes a block; false when there was none. */
  deleteBlock(blockerId: string, blockedId: string): Promise<boolean>;
}

/** The methods of BlocksWrites that write (the group committer counts them). */
export const blocksWrites = ['insertBlock', 'deleteBlock'] as const satisfies readonly Exclude<
  keyof BlocksWrites,
  keyof BlocksReads
>[];

interface BlockRow {
  blocker_id: string;
  blocked_id: string;
  created_at: number | string;
}
const toBlock = (r: BlockRow): BlockRecord => ({
  blockerId: r.blocker_id,
  blockedId: r.blocked_id,
  createdAt: Number(r.created_at),
});
const COLUMNS = 'blocker_id, blocked_id, created_at';

/** The blocks store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class BlocksStore implements BlocksWrites {
  private readonly q = {
    of: `SELECT ${COLUMNS} FROM blocks WHERE blocker_id = ? ORDER BY created_at DESC, blocked_id LIMIT ?`,
    ids: 'SELECT blocked_id FROM blocks WHERE blocker_id = ?',
    blockers: 'SELECT blocker_id FROM blocks WHERE blocked_id = ?',
    one: `SELECT ${COLUMNS} FROM blocks WHERE blocker_id = ? AND blocked_id = ?`,
    insert: `INSERT INTO blocks (${COLUMNS}) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
    delete: 'DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?',
  };

  constructor(private readonly db: Db) {}

  async blocksOf(blockerId: string, limit: number) {
    if (hasNul(blockerId)) return [];
    return (await this.db.all<BlockRow>(this.q.of, blockerId, limit)).map(toBlock);
  }
  async blockedIdsOf(blockerId: string) {
    if (hasNul(blockerId)) return [];
    return (await this.db.all<{ blocked_id: string }>(this.q.ids, blockerId)).map((r) => r.blocked_id);
  }
  async blockerIdsOf(blockedId: string) {
    if (hasNul(blockedId)) return [];
    return (await this.db.all<{ blocker_id: string }>(this.q.blockers, blockedId)).map((r) => r.blocker_id);
  }
  async block(blockerId: string, blockedId: string) {
    if (hasNul(blockerId) || hasNul(blockedId)) return null;
    const r = await this.db.one<BlockRow>(this.q.one, blockerId, blockedId);
    return r ? toBlock(r) : null;
  }
  async insertBlock(b: BlockRecord) {
    return (await this.db.run(this.q.insert, b.blockerId, b.blockedId, b.createdAt)) === 1;
  }
  async deleteBlock(blockerId: string, blockedId: string) {
    // A NUL names nobody (PostgreSQL refuses it in any text).
    if (hasNul(blockerId) || hasNul(blockedId)) return false;
    return (await this.db.run(this.q.delete, blockerId, blockedId)) === 1;
  }
}
