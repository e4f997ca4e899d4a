import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, postgresSkip } from '../../test/helpers/postgres.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import type { UserRecord } from '../accounts/store.ts';
import { MemoryBus } from '../bus/memory.ts';
import type { PublishedEvent } from '../bus/types.ts';
import type { AppError } from '../errors.ts';
import { createLogger } from '../lib/logger.ts';
import type { MessageRecord } from '../messaging/store.ts';
import { Committer, type UnitOfWork } from './commit.ts';
import { PostgresStorage } from './postgres/index.ts';
import { SqliteStorage } from './sqlite/index.ts';
import type { Storage } from './types.ts';

/**
 * The group committer over both backends: a batch's failures are pinned on the job that caused them even
 * when the backend sends its writes later than the job made them (PostgreSQL), and events are published
 * in pos order, batch after batch.
 */
const backends: { name: string; skip: () => Promise<string | false>; open: () => Promise<Opened> }[] = [
  {
    name: 'sqlite',
    skip: async () => false,
    open: async () => {
      const tmp = tempDir();
      const storage = new SqliteStorage({ path: path.join(tmp.dir, 'db.sqlite'), synchronous: 'NORMAL' });
      return { storage, cleanup: async () => tmp.cleanup() };
    },
  },
  {
    name: 'postgres',
    skip: postgresSkip,
    open: async () => {
      const db = await createTestDatabase();
      return { storage: await PostgresStorage.connect(db.url), cleanup: db.drop };
    },
  },
];
interface Opened {
  storage: Storage;
  cleanup: () => Promise<void>;
}

for (const backend of backends) {
  describe(`group commit on ${backend.name}`, () => {
    let skip: string | false = false;
    let opened: Opened;
    let storage: Storage;
    let committer: Committer;
    const published: PublishedEvent[] = [];
    let n = 0;
    const user = (): UserRecord => ({
      id: `u${++n}`,
      username: `user${n}`,
      displayName: 'U',
      kind: 'person',
      passwordHash: 'h',
      createdAt: 1,
    });
    const emitFor = (uow: UnitOfWork, u: UserRecord) =>
      uow.emit({
        event: {
          type: 'user.updated',
          conversationId: null,
          user: { id: u.id, username: u.username, displayName: 'U' },
        },
        scope: { userId: u.id },
        audience: [u.id],
      });
    /** A message whose conversation does not exist: refused by a foreign key when it reaches the database. */
    const orphan = (senderId: string): MessageRecord => ({
      id: `m${++n}`,
      conversationId: 'no-such-conversation',
      seq: 1,
      senderId,
      clientId: `c${n}`,
      text: 'lost',
      replyToId: null,
      createdAt: 1,
      editedAt: null,
      deletedAt: null,
      content: null,
      eventPositions: [],
    });

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      opened = await backend.open();
      storage = opened.storage;
      await storage.migrate();
      const log = createLogger('silent');
      const bus = new MemoryBus(log);
      bus.subscribe({ name: 'test', onEvents: (es) => published.push(...es) });
      committer = new Committer(storage, bus, log);
    });
    after(async () => {
      if (skip) return;
      await storage.close();
      await opened.cleanup();
    });

    it('pins a write that fails only when it is sent on its job, and commits the rest of the batch', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      const c = user();
      await committer.run(({ tx }) => tx.accounts.insertUser(b));
      const retries = committer.stats.retries;
      let insertReturned = false;
      const outcomes = await Promise.allSettled([
        committer.run(async (uow) => {
          await uow.tx.accounts.insertUser(a);
          return emitFor(uow, a);
        }),
        committer.run(async (uow) => {
          await uow.tx.messaging.insertMessage(orphan(b.id));
          insertReturned = true; // on PostgreSQL the row is only held: the failure comes later
          return emitFor(uow, b);
        }),
        committer.run(async (uow) => {
          await uow.tx.accounts.insertUser(c);
          return emitFor(uow, c);
        }),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal(outcomes[1].status === 'rejected' && (outcomes[1].reason as AppError).id, 'internal');
      assert.ok(await storage.reader.accounts.userById(a.id));
      assert.ok(await storage.reader.accounts.userById(c.id));
      const audiences = published.map((e) => e.audience[0]);
      assert.equal(audiences.filter((id) => id === a.id).length, 1, "a's event published once");
      assert.equal(audiences.filter((id) => id === c.id).length, 1);
      assert.equal(audiences.filter((id) => id === b.id).length, 0, 'nothing of the failed job');
      if (backend.name === 'postgres') {
        assert.equal(insertReturned, true, 'the write was deferred');
        assert.equal(committer.stats.retries - retries, 2, 'run again job by job, then without the failing job');
      } else {
        assert.equal(insertReturned, false, 'the write failed at once');
        assert.equal(committer.stats.retries - retries, 1);
      }
      // The committer goes on, batching again.
      const d = user();
      await committer.run(({ tx }) => tx.accounts.insertUser(d));
      assert.ok(await storage.reader.accounts.userById(d.id));
    });

    it('does not blame a job whose read sends the failing writes of an earlier one', async (t) => {
      if (skip) return t.skip(skip);
      const b = user();
      await committer.run(({ tx }) => tx.accounts.insertUser(b));
      const outcomes = await Promise.allSettled([
        committer.run(async ({ tx }) => tx.messaging.insertMessage(orphan(b.id))),
        // A read that must see pending messages: PostgreSQL sends them here, and the failure surfaces here.
        committer.run(async ({ tx }) => (await tx.messaging.messagesBefore('no-such-conversation', null, 10)).length),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'fulfilled'],
      );
      assert.equal(outcomes[1].status === 'fulfilled' && outcomes[1].value, 0);
    });

    it('publishes events in pos order across batches, the order of the log', async (t) => {
      if (skip) return t.skip(skip);
      const u = user();
      await committer.run(({ tx }) => tx.accounts.insertUser(u));
      const from = published.length;
      const head = await storage.reader.events.headPosition();
      const batchesBefore = committer.stats.batches;
      const submitted: Promise<number[]>[] = [];
      for (let wave = 0; wave < 4; wave++) {
        for (let j = 0; j < 30; j++) {
          // Jobs emitting one, two or no events.
          submitted.push(
            committer.run(async (uow) => {
              const out: number[] = [];
              for (let k = 0; k < j % 3; k++) out.push(await emitFor(uow, u));
              return out;
            }),
          );
        }
        await new Promise((r) => setImmediate(r)); // the next wave goes to a later batch
      }
      const returned = (await Promise.all(submitted)).flat();
      assert.ok(committer.stats.batches - batchesBefore >= 2, 'several batches');
      const positions = published.slice(from).map((e) => e.pos);
      assert.deepEqual(positions, returned, 'published in the order the jobs ran');
      assert.ok(
        positions.every((p, i) => p > (i === 0 ? head : (positions[i - 1] as number))),
        'increasing, after the head',
      );
      const log = await storage.reader.events.eventsFor(u.id, head, 1000, await storage.reader.events.headPosition());
      assert.deepEqual(
        log.events.map((e) => e.pos),
        positions,
        'the log holds them in that order',
      );
    });
  });
}
