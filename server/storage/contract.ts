import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountsContract } from '../accounts/store.contract.ts';
import type { UserRecord } from '../accounts/store.ts';
import { appsContract } from '../apps/store.contract.ts';
import { blocksContract } from '../blocks/store.contract.ts';
import { commerceContract } from '../commerce/store.contract.ts';
import { composeContract } from '../compose/store.contract.ts';
import { eventsContract } from '../events/store.contract.ts';
import { inboxContract } from '../inbox/store.contract.ts';
import { mediaContract } from '../media/store.contract.ts';
import { messageSearchContract } from '../messaging/search.contract.ts';
import { messagingContract } from '../messaging/store.contract.ts';
import { pagesContract } from '../pages/store.contract.ts';
import { optinsContract } from '../platform/optins-store.contract.ts';
import { platformContract } from '../platform/store.contract.ts';
import { presenceContract } from '../presence/store.contract.ts';
import { webhooksContract } from '../webhooks/store.contract.ts';
import { type ContractContext, fixtures } from './contract-fixtures.ts';
import { transactionContract } from './contract-tx.ts';
import type { Storage } from './types.ts';

/**
 * The storage contract: every backend runs this same suite (sqlite.test.ts, postgres.test.ts), as Hono
 * runs each router through one shared case file. A backend is correct when it passes it unchanged. Each
 * domain's store has its part beside it (accounts/store.contract.ts, …); this file runs them all, with what
 * is the storage's own: transactions, their isolation, and a reopen.
 */
export function storageContract(
  name: string,
  open: () => Promise<{ storage: Storage; reopen?: () => Promise<Storage>; cleanup: () => Promise<void> }>,
  options: { skip?: () => Promise<string | false> } = {},
) {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void> = async () => {};
    let reopen: (() => Promise<Storage>) | undefined;
    let skip: string | false = false;
    let n = 0;
    const uid = (p: string) => `${p}${String(++n).padStart(6, '0')}`;
    const ctx: ContractContext = { storage: () => storage, skip: () => skip, uid };
    const { write, user, addUsers } = fixtures(ctx);

    before(async () => {
      skip = options.skip ? await options.skip() : false;
      if (skip) return;
      const o = await open();
      storage = o.storage;
      cleanup = o.cleanup;
      reopen = o.reopen;
      await storage.migrate();
      await storage.migrate(); // idempotent
    });
    after(async () => {
      if (skip) return;
      await storage.close().catch(() => {});
      await cleanup();
    });

    it('rolls a failed transaction back entirely', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      await assert.rejects(
        write(async (tx) => {
          await tx.accounts.insertUser(a);
          assert.ok(await tx.accounts.userById(a.id), 'reads inside the transaction see its writes');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await storage.reader.accounts.userById(a.id), null);
      await assert.rejects(
        write(async (tx) => {
          await tx.accounts.insertUser(b);
          await tx.accounts.insertUser({ ...b, id: uid('dup') }); // same username: fails
        }),
      );
      assert.equal(await storage.reader.accounts.userById(b.id), null, 'the first insert went too');
      await write((tx) => tx.accounts.insertUser(b));
      assert.ok(await storage.reader.accounts.userById(b.id), 'the writer works on');
    });

    it('does not show uncommitted writes to the reader', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      let seenInside: UserRecord | null = null;
      await write(async (tx) => {
        await tx.accounts.insertUser(a);
        seenInside = await storage.reader.accounts.userById(a.id);
      });
      assert.equal(seenInside, null);
      assert.ok(await storage.reader.accounts.userById(a.id));
    });

    accountsContract(ctx);
    messagingContract(ctx);
    eventsContract(ctx);
    pagesContract(ctx);
    appsContract(ctx);
    webhooksContract(ctx);
    platformContract(ctx);
    inboxContract(ctx);
    commerceContract(ctx);
    optinsContract(ctx);
    composeContract(ctx);
    mediaContract(ctx);
    presenceContract(ctx);
    blocksContract(ctx);
    transactionContract(ctx);
    messageSearchContract(ctx);

    it('keeps everything across a reopen', async (t) => {
      if (skip) return t.skip(skip);
      if (!reopen) return t.skip('in-memory');
      const a = user();
      await addUsers(a);
      const head = await storage.reader.events.headPosition();
      await storage.close();
      storage = await reopen();
      await storage.migrate();
      assert.deepEqual(await storage.reader.accounts.userById(a.id), a);
      assert.equal(await storage.reader.events.headPosition(), head);
    });
  });
}
