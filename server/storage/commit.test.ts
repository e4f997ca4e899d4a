import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import type { UserRecord } from '../accounts/store.ts';
import { MemoryBus } from '../bus/memory.ts';
import type { PublishedEvent } from '../bus/types.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../lib/logger.ts';
import { Committer } from './commit.ts';
import { SqliteStorage } from './sqlite/index.ts';
import { CommitOutcomeUnknown, type Storage } from './types.ts';

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
    kind: 'person',
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
          await uow.tx.accounts.insertUser(u);
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
    for (const u of users) assert.ok(await storage.reader.accounts.userById(u.id));
  });

  it('fails a job that refuses before writing, alone', async () => {
    const ok = user();
    const outcomes = await Promise.allSettled([
      committer.run(async ({ tx }) => tx.accounts.insertUser(ok)),
      committer.run(async () => {
        throw new AppError('not_member');
      }),
    ]);
    assert.equal(outcomes[0].status, 'fulfilled');
    assert.equal(outcomes[1].status === 'rejected' && (outcomes[1].reason as AppError).id, 'not_member');
    assert.ok(await storage.reader.accounts.userById(ok.id));
  });

  it('rolls back a batch poisoned by a job that failed after writing, and runs the rest again', async () => {
    const a = user();
    const b = user();
    const half = user();
    const retriesBefore = committer.stats.retries;
    const rollbacksBefore = rollbacks;
    const outcomes = await Promise.allSettled([
      committer.run(async (uow) => {
        await uow.tx.accounts.insertUser(a);
        return uow.emit(event(a));
      }),
      committer.run(async ({ tx }) => {
        await tx.accounts.insertUser(half);
        await tx.accounts.insertUser({ ...half, id: 'other-id' }); // same username: fails after a write
      }),
      committer.run(async ({ tx }) => tx.accounts.insertUser(b)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(outcomes[1].status === 'rejected' && (outcomes[1].reason as AppError).id, 'internal');
    assert.equal(committer.stats.retries, retriesBefore + 1);
    assert.equal(rollbacks, rollbacksBefore + 1, 'caches were told');
    assert.ok(await storage.reader.accounts.userById(a.id));
    assert.ok(await storage.reader.accounts.userById(b.id));
    assert.equal(await storage.reader.accounts.userById(half.id), null, "the failed job's first write was undone");
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
        await tx.accounts.insertUser(u);
        throw new AppError('member_limit');
      }),
      (e: AppError) => e.id === 'member_limit',
    );
    assert.equal(await storage.reader.accounts.userById(u.id), null);
  });

  it('acknowledges and publishes a batch only once it is durable, and batches in order', async () => {
    const order: string[] = [];
    const real = storage.durable.bind(storage);
    // durable() held open until the test lets it go: the first batch commits, then waits on it.
    const gates: (() => void)[] = [];
    storage.durable = () => real().then(() => new Promise<void>((r) => gates.push(r)));
    try {
      const u1 = user();
      const publishedBefore = published.length;
      const p1 = committer
        .run(async (uow) => {
          await uow.tx.accounts.insertUser(u1);
          return uow.emit(event(u1));
        })
        .then(() => order.push('first'));
      while (gates.length < 1) await new Promise((r) => setImmediate(r));
      assert.ok(await storage.reader.accounts.userById(u1.id), 'committed…');
      const p2 = committer.run(async ({ tx }) => tx.accounts.insertUser(user())).then(() => order.push('second'));
      while (gates.length < 2) await new Promise((r) => setImmediate(r)); // the second batch committed too
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(order, [], '…but neither job is acknowledged while durable() has not resolved');
      assert.equal(published.length, publishedBefore, 'nor is its event published');
      (gates[1] as () => void)(); // the second sync ends first: it still waits for the first
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(order, []);
      (gates[0] as () => void)();
      await Promise.all([p1, p2]);
      assert.deepEqual(order, ['first', 'second']);
      assert.equal(published.length, publishedBefore + 1);
    } finally {
      storage.durable = real;
    }
  });

  it('drains: resolves once everything submitted has settled', async () => {
    let done = false;
    void committer
      .run(async ({ tx }) => tx.accounts.insertUser(user()))
      .then(() => {
        done = true;
      });
    await committer.drain();
    assert.equal(done, true);
  });
});

describe('group commit when making a batch durable fails', () => {
  it('acknowledges and publishes nothing of it or after it, refuses new work, and says so once', async () => {
    const tmp = tempDir();
    const storage = new SqliteStorage({ path: path.join(tmp.dir, 'db.sqlite'), synchronous: 'FULL' });
    await storage.migrate();
    const log = createLogger('silent');
    const bus = new MemoryBus(log);
    const published: PublishedEvent[] = [];
    bus.subscribe({ name: 'test', onEvents: (es) => published.push(...es) });
    const failures: unknown[] = [];
    const committer = new Committer(storage, bus, log, (e) => failures.push(e));
    const u = (id: string): UserRecord => ({
      id,
      username: id,
      displayName: id,
      kind: 'person',
      passwordHash: 'h',
      createdAt: 1,
    });
    try {
      await committer.run(async ({ tx }) => tx.accounts.insertUser(u('before')));
      const real = storage.durable.bind(storage);
      const gates: { resolve: () => void; reject: (e: Error) => void }[] = [];
      storage.durable = () =>
        real().then(() => new Promise<void>((resolve, reject) => gates.push({ resolve, reject })));
      const failing = committer.run(async (uow) => {
        await uow.tx.accounts.insertUser(u('failing'));
        return uow.emit({
          event: {
            type: 'user.updated',
            conversationId: null,
            user: { id: 'failing', username: 'f', displayName: 'f' },
          },
          scope: { userId: 'failing' },
          audience: ['failing'],
        });
      });
      failing.catch(() => {});
      // Each batch reaches its durability wait when it does (a busy machine takes longer): waited for.
      const gated = async (n: number) => {
        for (let waited = 0; gates.length < n; waited += 5) {
          if (waited > 10_000) assert.fail(`${gates.length} batches waiting to be durable, not ${n}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await gated(1);
      const after = committer.run(async ({ tx }) => tx.accounts.insertUser(u('after'))); // commits, waits its turn
      after.catch(() => {});
      await gated(2);
      assert.equal(gates.length, 2, 'both batches committed, both waiting to be durable');
      gates[1]?.resolve(); // the later one reaches the disk…
      gates[0]?.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })); // …the first does not
      await assert.rejects(failing, { id: 'storage_unavailable' });
      await assert.rejects(after, { id: 'storage_unavailable' }, 'a batch after it is not acknowledged either');
      assert.equal(published.length, 0, 'nothing published');
      assert.equal(failures.length, 1, 'told once');
      await assert.rejects(
        committer.run(async ({ tx }) => tx.accounts.insertUser(u('later'))),
        { id: 'storage_unavailable' },
        'no more writes',
      );
      assert.equal(await storage.reader.accounts.userById('later'), null);
      storage.durable = real;
    } finally {
      await storage.close();
      tmp.cleanup();
    }
  });
});

describe('group commit when the outcome of a COMMIT is unknown', () => {
  it('publishes nothing, takes no more work, and says so once, as after a failed fsync', async () => {
    const tmp = tempDir();
    const real = new SqliteStorage({ path: path.join(tmp.dir, 'db.sqlite'), synchronous: 'NORMAL' });
    await real.migrate();
    const log = createLogger('silent');
    const bus = new MemoryBus(log);
    const published: PublishedEvent[] = [];
    bus.subscribe({ name: 'test', onEvents: (es) => published.push(...es) });
    const failures: unknown[] = [];
    // A backend whose COMMIT answer was lost (PostgreSQL's connection dropped while committing).
    const storage = Object.create(real, {
      transaction: {
        value: async () => {
          throw new CommitOutcomeUnknown({ cause: new Error('Connection terminated unexpectedly') });
        },
      },
    }) as Storage;
    const committer = new Committer(storage, bus, log, (e) => failures.push(e));
    const u: UserRecord = { id: 'x', username: 'x', displayName: 'x', kind: 'person', passwordHash: 'h', createdAt: 1 };
    try {
      await assert.rejects(
        committer.run(async (uow) => {
          await uow.tx.accounts.insertUser(u);
          return uow.emit({
            event: { type: 'user.updated', conversationId: null, user: { id: 'x', username: 'x', displayName: 'x' } },
            scope: { userId: 'x' },
            audience: ['x'],
          });
        }),
        { id: 'storage_unavailable' },
      );
      assert.equal(failures.length, 1);
      assert.ok(failures[0] instanceof CommitOutcomeUnknown);
      assert.equal(published.length, 0);
      await assert.rejects(
        committer.run(async () => 1),
        { id: 'storage_unavailable' },
        'no more work',
      );
    } finally {
      await real.close();
      tmp.cleanup();
    }
  });
});
