import { limits } from '../../protocol/limits.ts';
import type { BlockView } from '../../protocol/views.ts';
import { presentUser } from '../accounts/presenter.ts';
import { AppError } from '../errors.ts';
import { Lru } from '../lib/lru.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { BlockRecord } from './store.ts';

/**
 * Blocking a person (docs/PROTOCOL.md, "Blocking"), as WhatsApp and Telegram have it: the blocked person
 * can no longer start a one-to-one conversation with the blocker nor write in theirs (`blocked`), and the
 * blocker cannot write to them either until they unblock (`you_blocked_user`). Groups are not affected.
 * Each change is a `block.updated` event to the blocker's own devices — the blocked person is told nothing.
 *
 * Messaging asks on every one-to-one send (app.ts wires `checkSendIn` into its DirectSends port): each
 * person's blocks are cached, loaded through the job's transaction the first time, changed only inside
 * jobs (the committer is the single writer), cleared when a batch fails — as messaging's conversation
 * states are. A send costs two Map lookups.
 */

/** The most people a person may block (the list is one page). */
const MAX_BLOCKS = limits.blocks.max;

const NONE: ReadonlySet<string> = new Set();

export function presentBlock(b: BlockRecord, user: Parameters<typeof presentUser>[0]): BlockView {
  return { user: presentUser(user), at: new Date(b.createdAt).toISOString() };
}

export class BlocksService {
  /** Who each person blocks, as of the jobs so far. */
  private readonly cache = new Lru<string, ReadonlySet<string>>(100_000);

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
  ) {
    committer.onRollback(() => this.cache.clear());
  }

  /** The people `userId` blocks, latest first. */
  async list(userId: string): Promise<BlockView[]> {
    const r = this.storage.reader;
    const rows = await r.blocks.blocksOf(userId, MAX_BLOCKS);
    const users = new Map((await r.accounts.usersByIds(rows.map((b) => b.blockedId))).map((u) => [u.id, u]));
    return rows.flatMap((b) => {
      const u = users.get(b.blockedId);
      return u ? [presentBlock(b, u)] : [];
    });
  }

  /** `userId` blocks `targetId` (again: the block made earlier is answered, nothing written). */
  async block(userId: string, targetId: string): Promise<BlockView> {
    if (targetId === userId) throw new AppError('cannot_block_self');
    const target = await this.storage.reader.accounts.userById(targetId);
    if (!target) throw new AppError('user_not_found');
    // A page is blocked through the person's consent to it (platform/optins.ts), from its conversation.
    if (target.kind === 'page') throw new AppError('cannot_block_page');
    return this.committer.run(async (uow) => {
      const existing = await uow.tx.blocks.block(userId, targetId);
      if (existing) return presentBlock(existing, target);
      const mine = await this.blockedIn(uow, userId);
      if (mine.size >= MAX_BLOCKS) throw new AppError('bad_request', `At most ${MAX_BLOCKS} people can be blocked`);
      const record: BlockRecord = { blockerId: userId, blockedId: targetId, createdAt: uow.now };
      await uow.tx.blocks.insertBlock(record);
      this.cache.set(userId, new Set([...mine, targetId]));
      const block = presentBlock(record, target);
      await uow.emit({
        event: { type: 'block.updated', conversationId: null, userId: targetId, block },
        scope: { userId },
        audience: [userId],
      });
      return block;
    });
  }

  /** `userId` no longer blocks `targetId` (not blocked: nothing happens). */
  async unblock(userId: string, targetId: string): Promise<void> {
    if (targetId === userId) throw new AppError('cannot_block_self');
    await this.committer.run(async (uow) => {
      const mine = await this.blockedIn(uow, userId);
      if (!(await uow.tx.blocks.deleteBlock(userId, targetId))) return;
      const next = new Set(mine);
      next.delete(targetId);
      this.cache.set(userId, next);
      await uow.emit({
        event: { type: 'block.updated', conversationId: null, userId: targetId, block: null },
        scope: { userId },
        audience: [userId],
      });
    });
  }

  /**
   * Messaging's check before a one-to-one message or conversation, in its job: the sender's own block of
   * the other member first (`you_blocked_user`: they know it), then the other's block of the sender
   * (`blocked`).
   */
  async checkSendIn(uow: UnitOfWork, senderId: string, memberIds: Iterable<string>): Promise<void> {
    for (const id of memberIds) {
      if (id === senderId) continue;
      // The cache first, without a call that waits: this runs on every one-to-one message.
      if ((this.cache.get(senderId) ?? (await this.blockedIn(uow, senderId))).has(id))
        throw new AppError('you_blocked_user');
      if ((this.cache.get(id) ?? (await this.blockedIn(uow, id))).has(senderId)) throw new AppError('blocked');
    }
  }

  /** Messaging's check before a one-to-one conversation starts, in its job: not with someone who blocks you. */
  async checkStartIn(uow: UnitOfWork, userId: string, otherId: string): Promise<void> {
    if ((await this.blockedIn(uow, otherId)).has(userId)) throw new AppError('blocked');
  }

  /**
   * The people who block `userId` or whom they block, read outside a job (typing signals are not sent
   * between them): their own blocks from the cache, who blocks them from committed data.
   */
  async relatedTo(userId: string): Promise<ReadonlySet<string>> {
    const mine = await this.blockedNow(userId);
    const theirs = await this.storage.reader.blocks.blockerIdsOf(userId);
    if (theirs.length === 0) return mine;
    return new Set([...mine, ...theirs]);
  }

  /**
   * Whether either of two people blocks the other, read outside a job (typing signals): from the cache, or
   * from committed data when it has neither.
   */
  async eitherBlocks(a: string, b: string): Promise<boolean> {
    return (await this.blockedNow(a)).has(b) || (await this.blockedNow(b)).has(a);
  }

  private async blockedNow(userId: string): Promise<ReadonlySet<string>> {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const ids = await this.storage.reader.blocks.blockedIdsOf(userId);
    return ids.length === 0 ? NONE : new Set(ids);
  }

  /** Who `userId` blocks, through the job's transaction when not cached. */
  private async blockedIn(uow: UnitOfWork, userId: string): Promise<ReadonlySet<string>> {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const ids = await uow.tx.blocks.blockedIdsOf(userId);
    const set = ids.length === 0 ? NONE : new Set(ids);
    this.cache.set(userId, set);
    return set;
  }
}
