import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import type { OptinRecord } from './optins-store.ts';

/**
 * The opt-ins store: opt-ins unique per page and user_ref, revoked and restored, the first send noted, and
 * what a person decided about a page. Run on both backends by the storage contract (contract.ts).
 */
export function optinsContract(ctx: ContractContext) {
  const { write, user, addUsers } = fixtures(ctx);
  const reader = () => ctx.storage().reader.optins;

  const world = async () => {
    const owner = user();
    const [ana, ben] = [user(), user()];
    const page = user({ kind: 'page', passwordHash: '' });
    const other = user({ kind: 'page', passwordHash: '' });
    await addUsers(owner, ana, ben, page, other);
    await write(async (tx) => {
      for (const p of [page, other])
        await tx.pages.insertPage({ id: p.id, description: '', createdBy: owner.id, createdAt: 1 });
    });
    return { ana, ben, pageId: page.id, otherPageId: other.id };
  };
  const optin = (pageId: string, userId: string, userRef: string, over: Partial<OptinRecord> = {}): OptinRecord => ({
    pageId,
    userRef,
    userId,
    ref: null,
    how: 'checkbox',
    createdAt: 1000,
    revokedAt: null,
    firstSentAt: null,
    ...over,
  });

  it('keeps one opt-in per page and user_ref; the same user_ref on another page is another', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { ana, ben, pageId, otherPageId } = await world();
    const a = optin(pageId, ana.id, 'ref-1', { ref: 'cart', how: 'link' });
    assert.equal(await write((tx) => tx.optins.insertOptin(a)), true);
    assert.equal(await write((tx) => tx.optins.insertOptin(optin(pageId, ben.id, 'ref-1'))), false, 'taken');
    assert.equal(await write((tx) => tx.optins.insertOptin(optin(otherPageId, ben.id, 'ref-1'))), true);
    assert.deepEqual(await reader().optin(pageId, 'ref-1'), a);
    assert.equal((await reader().optin(otherPageId, 'ref-1'))?.userId, ben.id);
    assert.equal(await reader().optin(pageId, 'nope'), null);
    assert.equal(await reader().optin(pageId, 'ref\u0000'), null, 'a NUL matches nothing');
  });

  it('revokes one opt-in or all of a person with a page, restores one, notes the first send', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { ana, ben, pageId, otherPageId } = await world();
    await write(async (tx) => {
      await tx.optins.insertOptin(optin(pageId, ana.id, 'a1', { createdAt: 10 }));
      await tx.optins.insertOptin(optin(pageId, ana.id, 'a2', { createdAt: 20 }));
      await tx.optins.insertOptin(optin(otherPageId, ana.id, 'a3', { createdAt: 30 }));
      await tx.optins.insertOptin(optin(pageId, ben.id, 'b1', { createdAt: 40 }));
    });
    assert.deepEqual(
      (await reader().activeOptinsOf(ana.id, 10)).map((o) => o.userRef),
      ['a3', 'a2', 'a1'],
      'newest first',
    );
    assert.deepEqual((await reader().standing(pageId, ana.id)).optedInAt, 20);
    assert.equal(await write((tx) => tx.optins.revokeOptin(pageId, 'a2', 50)), true);
    assert.equal(await write((tx) => tx.optins.revokeOptin(pageId, 'a2', 60)), false, 'already revoked');
    assert.equal((await reader().optin(pageId, 'a2'))?.revokedAt, 50);
    assert.equal((await reader().standing(pageId, ana.id)).optedInAt, 10);
    assert.equal(await write((tx) => tx.optins.revokeOptinsWith(pageId, ana.id, 70)), 1);
    assert.deepEqual(await reader().activeOptinsWith(pageId, ana.id), []);
    assert.equal((await reader().standing(pageId, ana.id)).optedInAt, null);
    assert.deepEqual(
      (await reader().activeOptinsOf(ana.id, 10)).map((o) => o.userRef),
      ['a3'],
      'the other page’s stays',
    );
    assert.equal((await reader().activeOptinsWith(pageId, ben.id)).length, 1, 'another person’s stays');

    await write((tx) => tx.optins.setFirstSent(pageId, 'b1', 80));
    assert.equal((await reader().optin(pageId, 'b1'))?.firstSentAt, 80);
    await write((tx) => tx.optins.setFirstSent(pageId, 'b1', null));
    assert.equal((await reader().optin(pageId, 'b1'))?.firstSentAt, null);

    await write((tx) => tx.optins.setFirstSent(pageId, 'a1', 75));
    await write((tx) => tx.optins.restoreOptin(optin(pageId, ana.id, 'a1', { createdAt: 90, ref: 'again' })));
    assert.deepEqual(await reader().optin(pageId, 'a1'), optin(pageId, ana.id, 'a1', { createdAt: 90, ref: 'again' }));
    await write((tx) => tx.optins.restoreOptin(optin(pageId, ben.id, 'a2', { createdAt: 95 })));
    assert.equal((await reader().optin(pageId, 'a2'))?.revokedAt, 50, 'another person cannot restore it');
  });

  it('keeps what a person decided about a page', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { ana, ben, pageId, otherPageId } = await world();
    assert.equal(await reader().consent(pageId, ana.id), null);
    assert.deepEqual(await reader().standing(pageId, ana.id), {
      optedInAt: null,
      updatesStoppedAt: null,
      blockedAt: null,
    });
    const c = { pageId, userId: ana.id, updatesStoppedAt: 5, blockedAt: null, updatedAt: 5 };
    await write((tx) => tx.optins.setConsent(c));
    await write((tx) =>
      tx.optins.setConsent({ pageId: otherPageId, userId: ana.id, updatesStoppedAt: 6, blockedAt: 6, updatedAt: 6 }),
    );
    await write((tx) =>
      tx.optins.setConsent({ pageId, userId: ben.id, updatesStoppedAt: null, blockedAt: null, updatedAt: 7 }),
    );
    assert.deepEqual(await reader().consent(pageId, ana.id), c);
    assert.deepEqual(await reader().standing(otherPageId, ana.id), {
      optedInAt: null,
      updatesStoppedAt: 6,
      blockedAt: 6,
    });
    assert.deepEqual(
      (await reader().consentsOf(ana.id, 10)).map((r) => r.pageId),
      [otherPageId, pageId],
    );
    assert.deepEqual(await reader().consentsOf(ben.id, 10), [], 'nothing stopped nor blocked');
    await write((tx) => tx.optins.setConsent({ ...c, updatesStoppedAt: null, blockedAt: 9, updatedAt: 9 }));
    assert.deepEqual(await reader().consent(pageId, ana.id), {
      ...c,
      updatesStoppedAt: null,
      blockedAt: 9,
      updatedAt: 9,
    });
  });
}
