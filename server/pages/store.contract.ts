import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { UserRecord } from '../accounts/store.ts';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';

/** The pages store: pages, who runs them, page-scoped ids. Run on both backends by the storage contract (contract.ts). */
export function pagesContract(ctx: ContractContext) {
  const { write, user, addUsers } = fixtures(ctx);
  const reader = () => ctx.storage().reader.pages;
  /** A page: its account (kind 'page') and its row, created by `owner`, who is its admin. */
  const page = async (owner: UserRecord, name: string, over: { username?: string; description?: string } = {}) => {
    const account = user({
      kind: 'page',
      displayName: name,
      passwordHash: '',
      ...(over.username ? { username: over.username } : {}),
    });
    await write(async (tx) => {
      await tx.accounts.insertUser(account);
      await tx.pages.insertPage({
        id: account.id,
        description: over.description ?? '',
        createdBy: owner.id,
        createdAt: 50,
      });
      await tx.pages.upsertPageMember({
        pageId: account.id,
        userId: owner.id,
        role: 'admin',
        addedBy: owner.id,
        addedAt: 50,
      });
    });
    return account;
  };

  it('keeps pages with their account: by id, by username; the account is a page, not found among people', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const owner = user();
    await addUsers(owner);
    const p = await page(owner, 'Boulangerie Émile', { description: 'Pain au levain' });
    const found = await reader().pageById(p.id);
    assert.deepEqual(found, {
      id: p.id,
      username: p.username,
      name: 'Boulangerie Émile',
      description: 'Pain au levain',
      createdBy: owner.id,
      createdAt: 50,
    });
    assert.deepEqual(await reader().pageByUsername(p.username), found);
    assert.equal(await reader().pageById(owner.id), null, 'a person is not a page');
    assert.equal(await reader().pageById('nope\u0000'), null);
    assert.equal((await ctx.storage().reader.accounts.userById(p.id))?.kind, 'page');
    const viewer = user();
    await addUsers(viewer);
    assert.deepEqual(
      (await ctx.storage().reader.accounts.searchUsers(p.username, 10, viewer.id)).map((u) => u.id),
      [],
      'people search never answers a page, not even by its exact username',
    );
    await write((tx) => tx.pages.updatePageDescription(p.id, 'Pain et viennoiseries'));
    assert.equal((await reader().pageById(p.id))?.description, 'Pain et viennoiseries');
  });

  it('finds pages by username prefix or name (no accents, no case), the exact username first', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const owner = user();
    await addUsers(owner);
    const tag = ctx.uid('x');
    const a = await page(owner, `Café ${tag}`, { username: `cafe${tag}` });
    const b = await page(owner, 'Le Comptoir', { username: `cafe${tag}z` });
    const c = await page(owner, `Épicerie ${tag}`, { username: `epi${tag}` });
    assert.deepEqual(
      (await reader().searchPages(`cafe${tag}`, 10)).map((p) => p.id),
      [a.id, b.id],
      'exact first, then by username',
    );
    assert.deepEqual(
      (await reader().searchPages(`EPICERIE ${tag.toUpperCase()}`, 10)).map((p) => p.id),
      [c.id],
      'name, folded',
    );
    assert.deepEqual((await reader().searchPages('%', 10)).length, 0, 'LIKE wildcards are text');
    assert.equal((await reader().searchPages(`cafe${tag}`, 1)).length, 1, 'limit');
  });

  it('keeps who runs a page, with roles; lists a person’s pages', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [owner, agent] = [user(), user()];
    await addUsers(owner, agent);
    const p = await page(owner, `Zeta ${ctx.uid('p')}`);
    const q = await page(owner, `Alpha ${ctx.uid('p')}`);
    await write((tx) =>
      tx.pages.upsertPageMember({ pageId: p.id, userId: agent.id, role: 'agent', addedBy: owner.id, addedAt: 60 }),
    );
    assert.deepEqual(
      (await reader().pageMembers(p.id)).map((m) => [m.userId, m.role]),
      [
        [owner.id, 'admin'],
        [agent.id, 'agent'],
      ],
    );
    assert.equal((await reader().pageMember(p.id, agent.id))?.role, 'agent');
    assert.equal(await reader().pageMember(q.id, agent.id), null);
    await write((tx) =>
      tx.pages.upsertPageMember({ pageId: p.id, userId: agent.id, role: 'admin', addedBy: owner.id, addedAt: 99 }),
    );
    const promoted = await reader().pageMember(p.id, agent.id);
    assert.deepEqual([promoted?.role, promoted?.addedAt], ['admin', 60], 'the role changes, not when they joined');
    assert.deepEqual(
      (await reader().pagesOfUser(owner.id)).map((x) => [x.page.id, x.role]),
      [
        [q.id, 'admin'],
        [p.id, 'admin'],
      ],
      'by name',
    );
    await write((tx) => tx.pages.deletePageMember(p.id, agent.id));
    assert.deepEqual(await reader().pagesOfUser(agent.id), []);
  });

  it('gives each page its own id for a person, never another page’s, and never two for one', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [owner, person] = [user(), user()];
    await addUsers(owner, person);
    const p = await page(owner, 'P');
    const q = await page(owner, 'Q');
    const psid = `1${ctx.uid('').padStart(15, '0')}`.slice(0, 16);
    assert.equal(await reader().psidOf(p.id, person.id), null);
    assert.equal(await write((tx) => tx.pages.insertPsid(p.id, person.id, psid, 70)), true);
    assert.equal(await write((tx) => tx.pages.insertPsid(p.id, person.id, `${psid}9`, 71)), false, 'one per pair');
    assert.equal(await write((tx) => tx.pages.insertPsid(q.id, person.id, psid, 72)), false, 'a psid is never reused');
    assert.equal(await reader().psidOf(p.id, person.id), psid);
    assert.equal(await reader().userByPsid(p.id, psid), person.id);
    assert.equal(await reader().userByPsid(q.id, psid), null, "another page's id means nothing here");
    assert.equal(await reader().psidOf(q.id, person.id), null);
  });

  it('keeps each page’s messenger profile on its own, replaced whole; an empty one is no row', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const owner = user();
    await addUsers(owner);
    const p = await page(owner, 'P');
    const q = await page(owner, 'Q');
    assert.deepEqual(await reader().messengerProfile(p.id), {}, 'nothing set');
    assert.deepEqual(await reader().messengerProfile('nope\u0000'), {});
    const profile = {
      getStarted: { payload: 'START' },
      greeting: [
        { locale: 'default', text: 'Bonjour {{user_first_name}} — « bienvenue » !' },
        { locale: 'en_US', text: 'Hello {{user_first_name}}' },
      ],
      persistentMenu: [
        {
          locale: 'default',
          composerInputDisabled: true,
          callToActions: [
            { type: 'postback' as const, title: 'Mes commandes', payload: 'ORDERS' },
            {
              type: 'web_url' as const,
              title: 'Le site',
              url: 'https://example.org/',
              webviewHeightRatio: 'tall' as const,
            },
          ],
        },
      ],
      whitelistedDomains: ['https://example.org'],
    };
    await write((tx) => tx.pages.setMessengerProfile(p.id, profile, 80));
    assert.deepEqual(await reader().messengerProfile(p.id), profile);
    assert.deepEqual(await reader().messengerProfile(q.id), {}, 'another page’s is its own');
    assert.deepEqual(
      await write(async (tx) => {
        await tx.pages.setMessengerProfile(p.id, { getStarted: { payload: 'AGAIN' } }, 81);
        return tx.pages.messengerProfile(p.id);
      }),
      { getStarted: { payload: 'AGAIN' } },
      'replaced whole, read back in the same transaction',
    );
    await write((tx) => tx.pages.setMessengerProfile(p.id, {}, 82));
    assert.deepEqual(await reader().messengerProfile(p.id), {});
  });

  it('keeps a short link’s pending ref and last referral per page and person, found from either member', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [owner, ana, ben] = [user(), user(), user()];
    await addUsers(owner, ana, ben);
    const p = await page(owner, 'P');
    const q = await page(owner, 'Q');
    const [a, b, c] = [2, 3, 4].map((n) => `${n}${ctx.uid('').padStart(15, '0')}`.slice(0, 16)) as [
      string,
      string,
      string,
    ];
    await write(async (tx) => {
      await tx.pages.insertPsid(p.id, ana.id, a, 90);
      await tx.pages.insertPsid(p.id, ben.id, b, 90);
      await tx.pages.insertPsid(q.id, ana.id, c, 90);
    });
    assert.equal(await reader().pendingRefBetween(p.id, ana.id), null, 'none waits');
    assert.equal(await reader().referredAt(p.id, ana.id), null, 'never referred');
    assert.deepEqual(
      await write(async (tx) => {
        await tx.pages.setPendingRef(p.id, ana.id, 'promo+/=-.:_');
        return tx.pages.pendingRefBetween(ana.id, p.id);
      }),
      { pageId: p.id, userId: ana.id, ref: 'promo+/=-.:_' },
      'read back in the same transaction, the members in either order',
    );
    assert.deepEqual(await reader().pendingRefBetween(p.id, ana.id), {
      pageId: p.id,
      userId: ana.id,
      ref: 'promo+/=-.:_',
    });
    assert.equal(await reader().pendingRefBetween(p.id, ben.id), null, 'another person’s is their own');
    assert.equal(await reader().pendingRefBetween(q.id, ana.id), null, 'another page’s is its own');
    assert.equal(await reader().pendingRefBetween(p.id, 'x\u0000'), null);
    await write((tx) => tx.pages.setPendingRef(p.id, ana.id, null));
    assert.equal(await reader().pendingRefBetween(p.id, ana.id), null, 'taken');
    const at = 1_764_672_000_123;
    await write((tx) => tx.pages.setReferredAt(p.id, ana.id, at));
    assert.equal(await reader().referredAt(p.id, ana.id), at, 'milliseconds kept whole');
    assert.equal(await reader().referredAt(q.id, ana.id), null);
    assert.equal(await reader().psidOf(p.id, ana.id), a, 'the page-scoped id unchanged');
  });
}
