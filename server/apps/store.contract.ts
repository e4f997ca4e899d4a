import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import type { AppRecord, PageTokenRecord, WebhookRecord } from './store.ts';

/** The apps store: apps, page tokens, webhooks. Run on both backends by the storage contract (contract.ts). */
export function appsContract(ctx: ContractContext) {
  const { write, user, addUsers } = fixtures(ctx);
  const uid = ctx.uid;
  const reader = () => ctx.storage().reader.apps;
  const app = (ownerId: string, over: Partial<AppRecord> = {}): AppRecord => ({
    id: uid('app'),
    ownerId,
    name: 'My bot',
    sealedSecret: `v1.${uid('sealed')}`,
    secretRotatedAt: null,
    createdAt: 1000,
    ...over,
  });
  const token = (appId: string, pageId: string, over: Partial<PageTokenRecord> = {}): PageTokenRecord => ({
    id: uid('pt'),
    appId,
    pageId,
    tokenHash: uid('hash'),
    createdAt: 2000,
    revokedAt: null,
    ...over,
  });

  it('stores apps and lists an owner’s, oldest first; an app needs an owner who exists', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [ana, ben] = [user(), user()];
    await addUsers(ana, ben);
    const first = app(ana.id, { name: 'Café bot ✓', createdAt: 1000 });
    const second = app(ana.id, { createdAt: 1001 });
    const bens = app(ben.id);
    await write(async (tx) => {
      await tx.apps.insertApp(second);
      await tx.apps.insertApp(first);
      await tx.apps.insertApp(bens);
      assert.deepEqual(await tx.apps.appById(first.id), first, 'a transaction reads its own writes');
    });
    assert.deepEqual(await reader().appById(first.id), first);
    assert.deepEqual(await reader().appsOfOwner(ana.id), [first, second]);
    assert.deepEqual(await reader().appsOfOwner(ben.id), [bens]);
    assert.deepEqual(await reader().appsOfOwner('nobody'), []);
    assert.equal(await reader().appById('nope'), null);
    assert.equal(await reader().appById('nul\u0000'), null);
    await assert.rejects(
      write((tx) => tx.apps.insertApp(app('no-such-user'))),
      'the owner must exist',
    );
    await assert.rejects(
      write((tx) => tx.apps.insertApp({ ...bens })),
      'ids are unique',
    );
  });

  it('replaces an app’s secret', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const owner = user();
    await addUsers(owner);
    const a = app(owner.id);
    await write((tx) => tx.apps.insertApp(a));
    await write((tx) => tx.apps.updateAppSecret(a.id, 'v1.new', 5000));
    assert.deepEqual(await reader().appById(a.id), { ...a, sealedSecret: 'v1.new', secretRotatedAt: 5000 });
  });

  it('keeps page tokens by hash; one active token per app and page; revocation', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const owner = user();
    await addUsers(owner);
    const a = app(owner.id);
    const b = app(owner.id);
    await write(async (tx) => {
      await tx.apps.insertApp(a);
      await tx.apps.insertApp(b);
    });
    const page = uid('page');
    const t1 = token(a.id, page);
    await write((tx) => tx.apps.insertPageToken(t1));
    assert.deepEqual(await reader().pageTokenByHash(t1.tokenHash), t1);
    assert.deepEqual(await reader().activePageToken(a.id, page), t1);
    assert.deepEqual(await reader().activePageTokensOf(a.id), [t1]);
    await assert.rejects(
      write((tx) => tx.apps.insertPageToken(token(a.id, page))),
      'a second active token',
    );
    await assert.rejects(
      write((tx) => tx.apps.insertPageToken(token(b.id, page, { tokenHash: t1.tokenHash }))),
      'a token hash is unique',
    );
    await write((tx) => tx.apps.insertPageToken(token(b.id, page)));
    const elsewhere = token(a.id, uid('page'), { createdAt: 1500 });
    await write((tx) => tx.apps.insertPageToken(elsewhere));
    assert.deepEqual(
      (await reader().activePageTokensOf(a.id)).map((x) => x.pageId),
      [elsewhere.pageId, page],
      'oldest first',
    );
    // Replaced: the old one revoked, the new one active, in one transaction.
    const t2 = token(a.id, page, { createdAt: 3000 });
    const revoked = await write(async (tx) => {
      const n = await tx.apps.revokePageTokens(a.id, page, 2500);
      await tx.apps.insertPageToken(t2);
      return n;
    });
    assert.equal(revoked, 1);
    assert.deepEqual(await reader().pageTokenByHash(t1.tokenHash), { ...t1, revokedAt: 2500 });
    assert.deepEqual(await reader().activePageToken(a.id, page), t2);
    assert.equal(await write((tx) => tx.apps.revokePageTokens(a.id, page, 4000)), 1);
    assert.equal(await write((tx) => tx.apps.revokePageTokens(a.id, page, 5000)), 0, 'nothing active left');
    assert.equal((await reader().pageTokenByHash(t2.tokenHash))?.revokedAt, 4000, 'the first revocation stands');
    assert.equal(await reader().activePageToken(a.id, page), null);
    assert.ok(await reader().activePageToken(b.id, page), 'another app’s token for the page is untouched');
    assert.deepEqual(
      (await reader().activePageTokensOf(a.id)).map((x) => x.pageId),
      [elsewhere.pageId],
      'only the active tokens, those of this app',
    );
    assert.equal((await reader().activePageTokensOf(b.id)).length, 1);
    assert.deepEqual(await reader().activePageTokensOf('nul\u0000'), []);
    assert.equal(await reader().pageTokenByHash('nope'), null);
    assert.equal(await reader().pageTokenByHash('nul\u0000'), null);
    await assert.rejects(
      write((tx) => tx.apps.insertPageToken(token('no-such-app', page))),
      'the app must exist',
    );
  });

  it('sets, replaces and removes an app’s webhook', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const owner = user();
    await addUsers(owner);
    const a = app(owner.id);
    await write((tx) => tx.apps.insertApp(a));
    assert.equal(await reader().webhookOf(a.id), null);
    const w: WebhookRecord = {
      appId: a.id,
      url: 'https://bot.example/hook?x=1&y=é',
      verifyToken: 'my token ✓',
      fields: ['messages', 'messaging_postbacks'],
      verifiedAt: 10,
      disabledAt: null,
      disabledReason: null,
      updatedAt: 10,
    };
    await write((tx) => tx.apps.upsertWebhook(w));
    assert.deepEqual(await reader().webhookOf(a.id), w);
    const replaced: WebhookRecord = {
      ...w,
      url: 'https://other.example/',
      fields: ['standby'],
      disabledAt: 20,
      disabledReason: 'failing',
      updatedAt: 20,
    };
    await write((tx) => tx.apps.upsertWebhook(replaced));
    assert.deepEqual(await reader().webhookOf(a.id), replaced);
    assert.equal(await write((tx) => tx.apps.deleteWebhook(a.id)), 1);
    assert.equal(await write((tx) => tx.apps.deleteWebhook(a.id)), 0);
    assert.equal(await reader().webhookOf(a.id), null);
    await assert.rejects(
      write((tx) => tx.apps.upsertWebhook({ ...w, appId: 'no-such-app' })),
      'the app must exist',
    );
  });
}
