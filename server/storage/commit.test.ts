import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { MemoryBus } from '../bus/memory.ts';
import type { PublishedEvent } from '../bus/types.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../lib/logger.ts';
import { Committer } from './commit.ts';
import { SqliteStorage } from './sqlite/index.ts';
import type { Storage, UserRecord } from './types.ts';

describe('group commit', () => {
  const tmp = tempDir();
  let storage: Storage;
  let committer: Committer;
  const published: PublishedEvent[] = [];
  let rollbacks = 0;
  let n = 0;
  const user = (): UserRecord => ({
    id: `u${++n}`,
    username: `user${n}`,
    displayName: 'U',
    passwordHash: 'h',
    createdAt: 1,
  });
  const event = (u: UserRecord) => ({
    event: {
      type: 'user.updated' as const,
      conversationId: null,
      user: { id: u.id, username: u.username, displayName: 'U' },
    },
    scope: { userId: u.id },
    audience: [u.id],
  });

  before(async () => {
    storage = new SqliteStorage({ path: path.join(tmp.dir, 'db.sqlite'), synchronous: 'FULL' });
    await storage.migrate();
    const log = createLogger('silent');
    const bus = new MemoryBus(log);
    bus.subscribe({ name: 'test', onEvents: (es) => published.push(...es) });
    committer = new Committer(storage, bus, log);
    committer.onRollback(() => rollbacks++);
  });
  after(async () => {
    await storage.close();
    tmp.cleanup();
  });

  it('runs the jobs of one turn in one transaction and publishes their events in pos order', async () => {
    const users = Array.from({ length: 50 }, user);
    const before = committer.stats.batches;
    const results = await Promise.all(
      users.map((u) =>
        committer.run(async (uow) => {
          await uow.tx.insertUser(u);
          return uow.emit(event(u));
        }),
      ),
    );
    assert.equal(committer.stats.batches - before, 1, 'one batch');
    assert.deepEqual(
      results,
      [...results].sort((a, b) => a - b),
    );
    const last = published.slice(-50).map((e) => e.pos);
    assert.deepEqual(last, results);
    for (const u of users) assert.ok(await storage.reader.userById(u.id));
  });

  it('fails a job that refuses before writing, alone', async () => {
    const ok = user();
    const outcomes = await Promise.allSettled([
      committer.run(async ({ tx }) => tx.insertUser(ok)),
      committer.run(async () => {
        throw new AppError('not_member');
      }),
    ]);
    assert.equal(outcomes[0].status, 'fulfilled');
    assert.equal(outcomes[1].status === 'rejected' && (outcomes[1].reason as AppError).id, 'not_member');
    assert.ok(await storage.reader.userById(ok.id));
  });

  it('rolls back a batch poisoned by a job that failed after writing, and runs the rest again', async () => {
    const a = user();
    const b = user();
    const half = user();
    const retriesBefore = committer.stats.retries;
    const rollbacksBefore = rollbacks;
    const outcomes = await Promise.allSettled([
      committer.run(async (uow) => {
        await uow.tx.insertUser(a);
        return uow.emit(event(a));
      }),
      committer.run(async ({ tx }) => {
        await tx.insertUser(half);
        await tx.insertUser({ ...half, id: 'other-id' }); // same username: fails after a write
      }),
      committer.run(async ({ tx }) => tx.insertUser(b)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(outcomes[1].status === 'rejected' && (outcomes[1].reason as AppError).id, 'internal');
    assert.equal(committer.stats.retries, retriesBefore + 1);
    assert.equal(rollbacks, rollbacksBefore + 1, 'caches were told');
    assert.ok(await storage.reader.userById(a.id));
    assert.ok(await storage.reader.userById(b.id));
    assert.equal(await storage.reader.userById(half.id), null, "the failed job's first write was undone");
    assert.equal(
      published.filter((e) => e.audience[0] === a.id).length,
      1,
      'the event of the retried job is published once',
    );
  });

  it('answers an AppError thrown after a write as itself, with the write undone', async () => {
    const u = user();
    await assert.rejects(
      committer.run(async ({ tx }) => {
        await tx.insertUser(u);
        throw new AppError('member_limit');
      }),
      (e: AppError) => e.id === 'member_limit',
    );
    assert.equal(await storage.reader.userById(u.id), null);
  });

  it('acknowledges a batch only once it is durable, and batches in order', async () => {
    const order: string[] = [];
    const slow = storage.durable.bind(storage);
    let calls = 0;
    storage.durable = () => {
      calls++;
      const first = calls === 1;
      return slow().then(() => new Promise<void>((r) => setTimeout(r, first ? 100 : 0)));
    };
    try {
      const p1 = committer.run(async ({ tx }) => tx.insertUser(user())).then(() => order.push('first'));
      await new Promise((r) => setTimeout(r, 20)); // the first batch committed; its sync is slow
      const p2 = committer.run(async ({ tx }) => tx.insertUser(user())).then(() => order.push('second'));
      await Promise.all([p1, p2]);
      assert.deepEqual(order, ['first', 'second']);
    } finally {
      storage.durable = slow;
    }
  });

  it('drains: resolves once everything submitted has settled', async () => {
    let done = false;
    void committer
      .run(async ({ tx }) => tx.insertUser(user()))
      .then(() => {
        done = true;
      });
    await committer.drain();
    assert.equal(done, true);
  });
});
