import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';

/**
 * The blocks store: one row per blocker and blocked person, listed newest first, deleted on unblock. Run on
 * both backends by the storage contract (contract.ts).
 */
export function blocksContract(ctx: ContractContext) {
  const { write, user, addUsers } = fixtures(ctx);
  const reader = () => ctx.storage().reader.blocks;

  it('blocks: keeps one block per pair, in one direction, newest first; unblocking deletes it', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [ana, ben, cy] = [user(), user(), user()];
    await addUsers(ana, ben, cy);
    assert.equal(
      await write((tx) => tx.blocks.insertBlock({ blockerId: ana.id, blockedId: ben.id, createdAt: 10 })),
      true,
    );
    assert.equal(
      await write((tx) => tx.blocks.insertBlock({ blockerId: ana.id, blockedId: ben.id, createdAt: 99 })),
      false,
      'already blocked: nothing written',
    );
    await write((tx) => tx.blocks.insertBlock({ blockerId: ana.id, blockedId: cy.id, createdAt: 20 }));
    assert.deepEqual(
      (await reader().blocksOf(ana.id, 10)).map((b) => [b.blockedId, b.createdAt]),
      [
        [cy.id, 20],
        [ben.id, 10],
      ],
    );
    assert.deepEqual((await reader().blocksOf(ana.id, 1)).length, 1, 'limited');
    assert.deepEqual((await reader().blockedIdsOf(ana.id)).sort(), [ben.id, cy.id].sort());
    assert.deepEqual(await reader().blockedIdsOf(ben.id), [], 'one direction only');
    assert.deepEqual(await reader().blockerIdsOf(ben.id), [ana.id]);
    assert.deepEqual(await reader().blockerIdsOf(ana.id), []);
    assert.deepEqual(await reader().block(ana.id, ben.id), { blockerId: ana.id, blockedId: ben.id, createdAt: 10 });
    assert.equal(await reader().block(ben.id, ana.id), null);
    assert.equal(await reader().block(ana.id, 'x\u0000'), null, 'a NUL matches nothing');
    assert.deepEqual(await reader().blocksOf('x\u0000', 5), []);
    // A transaction reads its own block.
    const inside = await write(async (tx) => {
      await tx.blocks.insertBlock({ blockerId: ben.id, blockedId: ana.id, createdAt: 30 });
      return tx.blocks.blockedIdsOf(ben.id);
    });
    assert.deepEqual(inside, [ana.id]);
    assert.equal(await write((tx) => tx.blocks.deleteBlock(ana.id, ben.id)), true);
    assert.equal(await write((tx) => tx.blocks.deleteBlock(ana.id, ben.id)), false, 'nothing left to delete');
    assert.equal(await write((tx) => tx.blocks.deleteBlock(ana.id, 'x\u0000')), false, 'a NUL deletes nothing');
    assert.deepEqual(await reader().blockedIdsOf(ana.id), [cy.id]);
    assert.ok(await reader().block(ben.id, ana.id), 'the other direction stays');
  });
}
