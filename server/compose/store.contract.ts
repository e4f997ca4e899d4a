import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AppRecord } from '../apps/store.ts';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import type { ComposeExtensionRecord } from './store.ts';

/** The content apps store: extensions with their icons, people's enabled apps. Run on both backends (contract.ts). */
export function composeContract(ctx: ContractContext) {
  const { write, user, addUsers } = fixtures(ctx);
  const uid = ctx.uid;
  const reader = () => ctx.storage().reader.compose;
  const app = (ownerId: string): AppRecord => ({
    id: uid('app'),
    ownerId,
    name: 'Content app',
    sealedSecret: 'v1.x',
    secretRotatedAt: null,
    createdAt: 1000,
  });
  const extension = (appId: string, over: Partial<ComposeExtensionRecord> = {}): ComposeExtensionRecord => ({
    appId,
    name: 'GIF Box',
    iconUrl: 'https://gifs.example.org/icon.png',
    kinds: ['gif', 'audio'],
    queryUrl: 'https://gifs.example.org/query',
    createdAt: 1000,
    updatedAt: 1000,
    ...over,
  });
  const icon = { bytes: Buffer.from([0x52, 0x49, 0x46, 0x46, 0, 1, 2, 255]), mime: 'image/webp' };

  it('sets an app’s extension with its icon, replaces it, lists the extensions by name', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const owner = user();
    await addUsers(owner);
    const [a, b] = [app(owner.id), app(owner.id)];
    const prefix = uid('Zz');
    const ea = extension(a.id, { name: `${prefix} b ✓` });
    const eb = extension(b.id, { name: `${prefix} a`, kinds: ['image'] });
    await write(async (tx) => {
      await tx.apps.insertApp(a);
      await tx.apps.insertApp(b);
      await tx.compose.upsertExtension(ea, icon);
      await tx.compose.upsertExtension(eb, { bytes: Buffer.from('x'), mime: 'image/png' });
      assert.deepEqual(await tx.compose.extensionOf(a.id), ea, 'a transaction reads its own writes');
    });
    assert.deepEqual(await reader().extensionOf(a.id), ea);
    assert.deepEqual(await reader().iconOf(a.id), { ...icon, updatedAt: 1000 });
    assert.equal(await reader().extensionOf('none'), null);
    assert.equal(await reader().extensionOf('nul\u0000'), null);
    assert.equal(await reader().iconOf('none'), null);
    const mine = (await reader().extensions(1000)).filter((e) => e.name.startsWith(prefix));
    assert.deepEqual(mine, [eb, ea], 'by name');

    const replaced = extension(a.id, {
      name: `${prefix} c`,
      kinds: ['video'],
      queryUrl: 'http://x/q',
      updatedAt: 2000,
    });
    const newIcon = { bytes: Buffer.from([1, 2, 3]), mime: 'image/webp' };
    await write((tx) => tx.compose.upsertExtension({ ...replaced, createdAt: 9999 }, newIcon));
    assert.deepEqual(await reader().extensionOf(a.id), replaced, 'replaced, its creation time kept');
    assert.deepEqual(await reader().iconOf(a.id), { ...newIcon, updatedAt: 2000 });
    await assert.rejects(
      write((tx) => tx.compose.upsertExtension(extension('no-such-app'), icon)),
      'the app must exist',
    );
  });

  it('enables and disables apps per person; removing an extension removes the choices', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [owner, ana, ben] = [user(), user(), user()];
    await addUsers(owner, ana, ben);
    const [a, b] = [app(owner.id), app(owner.id)];
    await write(async (tx) => {
      await tx.apps.insertApp(a);
      await tx.apps.insertApp(b);
      await tx.compose.upsertExtension(extension(a.id), icon);
      await tx.compose.upsertExtension(extension(b.id), icon);
    });
    assert.equal(await write((tx) => tx.compose.enable(ana.id, b.id, 10)), true);
    assert.equal(await write((tx) => tx.compose.enable(ana.id, a.id, 20)), true);
    assert.equal(await write((tx) => tx.compose.enable(ana.id, a.id, 30)), false, 'already enabled');
    assert.equal(await write((tx) => tx.compose.enable(ben.id, a.id, 40)), true);
    assert.deepEqual(await reader().enabledAppIds(ana.id), [b.id, a.id], 'oldest enabled first');
    assert.equal(await reader().isEnabled(ana.id, a.id), true);
    assert.equal(await reader().isEnabled(owner.id, a.id), false);
    assert.equal(await reader().isEnabled('nul\u0000', a.id), false);
    assert.deepEqual(await reader().enabledAppIds('nobody'), []);

    assert.equal(await write((tx) => tx.compose.disable(ana.id, b.id)), true);
    assert.equal(await write((tx) => tx.compose.disable(ana.id, b.id)), false);
    assert.deepEqual(await reader().enabledAppIds(ana.id), [a.id]);

    assert.equal(await write((tx) => tx.compose.deleteExtension(a.id)), true);
    assert.equal(await write((tx) => tx.compose.deleteExtension(a.id)), false);
    assert.equal(await reader().extensionOf(a.id), null);
    assert.deepEqual(await reader().enabledAppIds(ana.id), [], 'the choices went with it');
    assert.deepEqual(await reader().enabledAppIds(ben.id), []);
    await assert.rejects(
      write((tx) => tx.compose.enable(ana.id, 'no-such-app', 1)),
      'the app must exist',
    );
  });
}
