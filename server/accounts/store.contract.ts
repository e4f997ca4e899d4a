import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import { tombstoneUsername } from './store.ts';

/** The accounts store: people, sessions, devices. Run on both backends by the storage contract (contract.ts). */
export function accountsContract(ctx: ContractContext) {
  const { write, user, addUsers, conversation } = fixtures(ctx);
  const uid = ctx.uid;

  it('stores and finds users; usernames are unique', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user({ displayName: 'Élodie Martin' });
    await addUsers(a);
    assert.deepEqual(await ctx.storage().reader.accounts.userById(a.id), a);
    assert.deepEqual(await ctx.storage().reader.accounts.userByUsername(a.username), a);
    assert.equal(await ctx.storage().reader.accounts.userById('nope'), null);
    await assert.rejects(addUsers(user({ username: a.username })));
    assert.deepEqual(await ctx.storage().reader.accounts.userById(a.id), a, 'the failed insert changed nothing');
    await write((tx) => tx.accounts.updateUserDisplayName(a.id, 'Élodie M.'));
    assert.equal((await ctx.storage().reader.accounts.userById(a.id))?.displayName, 'Élodie M.');
    const both = await ctx.storage().reader.accounts.usersByIds([a.id, 'missing']);
    assert.deepEqual(
      both.map((u) => u.id),
      [a.id],
    );
    assert.deepEqual(await ctx.storage().reader.accounts.usersByIds([]), []);
  });

  it('finds contacts by username prefix or display name (no accents, no case), strangers by username', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const tag = uid('s');
    const ana = user({ username: `ana_${tag}`, displayName: 'Ana Lopez' });
    const anatole = user({ username: `anatole_${tag}`, displayName: 'Anatole' });
    const zoe = user({ username: `zoe_${tag}`, displayName: `Zoé ${tag.toUpperCase()}` });
    const percent = user({ username: `pct_${tag}`, displayName: '100% real' });
    const viewer = user({ username: `viewer_${tag}` });
    const stranger = user({ username: `viewer2_${tag}` });
    await addUsers(ana, anatole, zoe, percent, viewer, stranger);
    await conversation([viewer.id, ana.id, anatole.id, zoe.id, percent.id]);
    const ids = async (q: string, asker = viewer.id) =>
      (await ctx.storage().reader.accounts.searchUsers(q, 20, asker)).map((u) => u.id);
    assert.deepEqual(await ids(`ana_${tag}`), [ana.id], 'the exact username first');
    assert.ok((await ids('ana')).includes(anatole.id), 'contacts by username prefix');
    assert.deepEqual(await ids(`zoe ${tag}`), [zoe.id], 'display name, case and accents folded');
    assert.deepEqual(await ids(`ZOÉ ${tag}`), [zoe.id]);
    assert.deepEqual(await ids(`ana_${tag}`, ana.id), [], 'the asker is excluded');
    assert.ok(!(await ids('100%')).includes(ana.id), '% is literal');
    assert.ok((await ids('100%')).includes(percent.id));
    assert.equal((await ctx.storage().reader.accounts.searchUsers('a', 2, viewer.id)).length <= 2, true, 'limit');
    // Someone who shares no conversation with them finds them by exact username only.
    assert.deepEqual(await ids('ana', stranger.id), [], 'no prefix search among strangers');
    assert.deepEqual(await ids('Ana Lopez', stranger.id), [], 'nor by display name');
    assert.deepEqual(await ids(`ANA_${tag}`, stranger.id), [ana.id], 'the exact username, any case');
  });

  it('keeps sessions: lookup by token hash, touch, revoke, list', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const s = {
      id: uid('s'),
      userId: a.id,
      tokenHash: uid('hash'),
      userAgent: 'UA',
      ip: '127.0.0.1',
      createdAt: 1,
      lastSeenAt: 1,
      expiresAt: 100,
      revokedAt: null,
    };
    await write((tx) => tx.accounts.insertSession(s));
    assert.deepEqual(await ctx.storage().reader.accounts.sessionByTokenHash(s.tokenHash), s);
    await write((tx) => tx.accounts.touchSession(s.id, 50, 500));
    await write((tx) => tx.accounts.revokeSession(s.id, 60));
    await write((tx) => tx.accounts.revokeSession(s.id, 70)); // the first revocation stands
    assert.deepEqual(await ctx.storage().reader.accounts.sessionByTokenHash(s.tokenHash), {
      ...s,
      lastSeenAt: 50,
      expiresAt: 500,
      revokedAt: 60,
    });
    assert.equal((await ctx.storage().reader.accounts.sessionsOfUser(a.id)).length, 1);
    assert.equal(await ctx.storage().reader.accounts.sessionByTokenHash('nope'), null);
    assert.deepEqual(
      await ctx.storage().reader.accounts.sessionById(s.id),
      await ctx.storage().reader.accounts.sessionByTokenHash(s.tokenHash),
    );
    assert.equal(await ctx.storage().reader.accounts.sessionById('nope'), null);
  });

  it('keeps devices by the hash of their token', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const d = { id: uid('d'), userId: a.id, tokenHash: uid('dhash'), createdAt: 5, lastUsedAt: 5 };
    await write((tx) => tx.accounts.insertDevice(d));
    assert.deepEqual(await ctx.storage().reader.accounts.deviceByTokenHash(d.tokenHash), d);
    await write((tx) => tx.accounts.touchDevice(d.id, 9));
    assert.deepEqual(await ctx.storage().reader.accounts.deviceByTokenHash(d.tokenHash), { ...d, lastUsedAt: 9 });
    assert.equal(await ctx.storage().reader.accounts.deviceByTokenHash('nope'), null);
    await assert.rejects(
      write((tx) => tx.accounts.insertDevice({ ...d, id: uid('d') })),
      'a token hash is unique',
    );
  });

  it('changes a password hash, sets and clears a photo, erases a person to a tombstone, forgets their devices', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user({ displayName: 'Gaëlle Tombe' });
    const viewer = user();
    await addUsers(a, viewer);
    await conversation([viewer.id, a.id]);
    const reader = () => ctx.storage().reader.accounts;
    await write((tx) => tx.accounts.updatePasswordHash(a.id, 'h2'));
    assert.equal((await reader().userById(a.id))?.passwordHash, 'h2');
    const photo = uid('med');
    await write(async (tx) => {
      await tx.media.insertMedia({
        id: photo,
        ownerId: a.id,
        appId: null,
        conversationId: null,
        reusable: false,
        kind: 'image',
        mime: 'image/png',
        name: 'a.png',
        size: 10,
        width: 1,
        height: 1,
        durationMs: null,
        voice: false,
        waveform: null,
        key: `k${photo}`,
        thumbnailKey: `t${photo}`,
        sha256: 'ab'.repeat(32),
        // Recent: the media contract's sweeper test counts the old unsent uploads.
        createdAt: 1_700_000_000_000,
      });
      await tx.accounts.setAvatar(a.id, photo);
    });
    assert.equal((await reader().userById(a.id))?.avatarMediaId, photo);
    await write((tx) => tx.accounts.setAvatar(a.id, null));
    assert.equal((await reader().userById(a.id))?.avatarMediaId, undefined, 'none: absent');
    await write((tx) => tx.accounts.setAvatar(a.id, photo));
    const devices = [1, 2].map((n) => ({
      id: uid('d'),
      userId: a.id,
      tokenHash: uid('dh'),
      createdAt: n,
      lastUsedAt: n,
    }));
    await write(async (tx) => {
      for (const d of devices) await tx.accounts.insertDevice(d);
    });
    assert.deepEqual(await reader().devicesOfUser(a.id), devices);
    assert.deepEqual(
      (await reader().searchUsers('gaelle', 10, viewer.id)).map((u) => u.id),
      [a.id],
    );

    assert.equal(await write((tx) => tx.accounts.deleteDevicesOfUser(a.id)), 2);
    await write((tx) => tx.accounts.eraseUser(a.id, 77));
    assert.deepEqual(await reader().devicesOfUser(a.id), []);
    assert.deepEqual(await reader().userById(a.id), {
      id: a.id,
      kind: 'person',
      username: tombstoneUsername(a.id),
      displayName: '',
      passwordHash: '',
      createdAt: a.createdAt,
      deletedAt: 77,
    });
    assert.equal(await reader().userByUsername(a.username), null, 'the username is free');
    assert.deepEqual(await reader().searchUsers('gaelle', 10, viewer.id), [], 'nobody finds a deleted account');
    assert.deepEqual(await reader().searchUsers(tombstoneUsername(a.id), 10, viewer.id), []);
    await addUsers(user({ username: a.username }));
  });
}
