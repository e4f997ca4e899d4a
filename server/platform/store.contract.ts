import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import { type AttachmentRecord, ownerAmong } from './store.ts';

/**
 * The platform store: a page's receivers (its connected apps, the primary one), who owns each of its
 * threads, the attachments its apps saved. Run on both backends by the storage contract (contract.ts).
 */
export function platformContract(ctx: ContractContext) {
  const { write, user, addUsers } = fixtures(ctx);
  const uid = ctx.uid;
  const reader = () => ctx.storage().reader.platform;

  /** A person who runs pages and owns apps, a page, two people who wrote to it. */
  const world = async () => {
    const owner = user();
    const [ana, ben] = [user(), user()];
    const page = user({ kind: 'page', passwordHash: '' });
    const other = user({ kind: 'page', passwordHash: '' });
    await addUsers(owner, ana, ben, page, other);
    await write(async (tx) => {
      for (const p of [page, other]) {
        await tx.pages.insertPage({ id: p.id, description: '', createdBy: owner.id, createdAt: 1 });
      }
    });
    return { owner, ana, ben, pageId: page.id, otherPageId: other.id };
  };
  const app = async (ownerId: string, name: string) => {
    const id = uid('app');
    await write((tx) =>
      tx.apps.insertApp({ id, ownerId, name, sealedSecret: 'v1.x', secretRotatedAt: null, createdAt: 1 }),
    );
    return id;
  };
  const connect = (appId: string, pageId: string, createdAt: number) =>
    write(async (tx) => {
      await tx.apps.revokePageTokens(appId, pageId, createdAt);
      await tx.apps.insertPageToken({
        id: uid('pt'),
        appId,
        pageId,
        tokenHash: uid('hash'),
        createdAt,
        revokedAt: null,
      });
    });
  const disconnect = (appId: string, pageId: string) => write((tx) => tx.apps.revokePageTokens(appId, pageId, 9999));

  it('answers a page’s receivers: apps in order of first connection; the inbox primary while none is', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { owner, pageId, otherPageId } = await world();
    assert.deepEqual(await reader().receivers(pageId), { primaryAppId: PAGE_INBOX_APP_ID, chosen: false, apps: [] });
    const a = await app(owner.id, 'Alpha');
    const b = await app(owner.id, 'Bravo');
    const c = await app(owner.id, 'Charlie');
    await connect(a, pageId, 2000);
    await connect(b, pageId, 1000);
    await connect(c, otherPageId, 500);
    assert.deepEqual(await reader().receivers(pageId), {
      primaryAppId: b,
      chosen: false,
      apps: [
        { id: b, name: 'Bravo', connectedAt: 1000 },
        { id: a, name: 'Alpha', connectedAt: 2000 },
      ],
    });
    await connect(b, pageId, 3000); // a new token: still connected since its first one
    assert.equal((await reader().receivers(pageId)).apps[0]?.connectedAt, 1000);
    await disconnect(b, pageId);
    assert.deepEqual(await reader().receivers(pageId), {
      primaryAppId: a,
      chosen: false,
      apps: [{ id: a, name: 'Alpha', connectedAt: 2000 }],
    });
    assert.deepEqual(
      (await reader().receivers(otherPageId)).apps.map((x) => x.id),
      [c],
      'each page its own',
    );
    assert.deepEqual(await reader().receivers('nul\u0000'), {
      primaryAppId: PAGE_INBOX_APP_ID,
      chosen: false,
      apps: [],
    });
  });

  it('keeps the admins’ choice of primary while that receiver is connected; null goes back to the default', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { owner, pageId } = await world();
    const a = await app(owner.id, 'Alpha');
    const b = await app(owner.id, 'Bravo');
    await connect(a, pageId, 1000);
    await connect(b, pageId, 2000);
    await write(async (tx) => {
      await tx.platform.setPrimaryReceiver(pageId, b, owner.id, 3000);
      assert.equal((await tx.platform.receivers(pageId)).primaryAppId, b, 'a transaction reads its own writes');
    });
    assert.deepEqual(
      [(await reader().receivers(pageId)).primaryAppId, (await reader().receivers(pageId)).chosen],
      [b, true],
    );
    await write((tx) => tx.platform.setPrimaryReceiver(pageId, PAGE_INBOX_APP_ID, owner.id, 3001));
    assert.equal((await reader().receivers(pageId)).primaryAppId, PAGE_INBOX_APP_ID, 'the inbox may be chosen');
    await write((tx) => tx.platform.setPrimaryReceiver(pageId, b, owner.id, 3002));
    await disconnect(b, pageId);
    assert.deepEqual(
      [(await reader().receivers(pageId)).primaryAppId, (await reader().receivers(pageId)).chosen],
      [a, false],
      'a disconnected choice no longer counts',
    );
    await connect(b, pageId, 4000);
    assert.equal((await reader().receivers(pageId)).primaryAppId, b, 'and counts again once reconnected');
    await write((tx) => tx.platform.setPrimaryReceiver(pageId, null, owner.id, 5000));
    assert.deepEqual(
      [(await reader().receivers(pageId)).primaryAppId, (await reader().receivers(pageId)).chosen],
      [a, false],
    );
  });

  it('answers the owner of every thread asked: the stored one while connected, else the primary', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { owner, ana, ben, pageId, otherPageId } = await world();
    const a = await app(owner.id, 'Alpha');
    const b = await app(owner.id, 'Bravo');
    await connect(a, pageId, 1000);
    await connect(b, pageId, 2000);
    assert.deepEqual(
      await reader().threadOwners(pageId, [ana.id, ben.id]),
      new Map([
        [ana.id, a],
        [ben.id, a],
      ]),
    );
    await write(async (tx) => {
      await tx.platform.setThreadOwner(pageId, ana.id, b, 3000);
      assert.equal((await tx.platform.threadOwners(pageId, [ana.id])).get(ana.id), b, 'reads its own writes');
    });
    await write((tx) => tx.platform.setThreadOwner(pageId, ben.id, PAGE_INBOX_APP_ID, 3001));
    await write((tx) => tx.platform.setThreadOwner(otherPageId, ana.id, PAGE_INBOX_APP_ID, 3002));
    assert.deepEqual(
      await reader().threadOwners(pageId, [ana.id, ben.id, ana.id, 'stranger']),
      new Map([
        [ana.id, b],
        [ben.id, PAGE_INBOX_APP_ID],
        ['stranger', a],
      ]),
      'repeated ids once; someone never handed over: the primary',
    );
    await write((tx) => tx.platform.setThreadOwner(pageId, ana.id, a, 3003));
    assert.equal((await reader().threadOwners(pageId, [ana.id])).get(ana.id), a, 'a thread changes owner');
    await write((tx) => tx.platform.setThreadOwner(pageId, ana.id, b, 3004));
    await disconnect(b, pageId);
    assert.equal((await reader().threadOwners(pageId, [ana.id])).get(ana.id), a, 'a disconnected owner: primary');
    // The Send API's check reads the same in two steps: the page's receivers, then the thread's stored row.
    assert.equal(await reader().storedThreadOwner(pageId, ana.id), b, 'stored, connected or not');
    assert.equal(ownerAmong(await reader().receivers(pageId), b), a, 'the same answer as threadOwners');
    assert.equal(await reader().storedThreadOwner(pageId, 'stranger'), null);
    assert.equal(await reader().storedThreadOwner(otherPageId, ana.id), PAGE_INBOX_APP_ID);
    assert.equal(ownerAmong(await reader().receivers(otherPageId), PAGE_INBOX_APP_ID), PAGE_INBOX_APP_ID);
    assert.equal(await reader().storedThreadOwner(pageId, 'nul\u0000'), null);
    assert.equal(
      (await reader().threadOwners(otherPageId, [ana.id])).get(ana.id),
      PAGE_INBOX_APP_ID,
      'each page its own',
    );
    assert.deepEqual(await reader().threadOwners(pageId, []), new Map());
    assert.deepEqual(await reader().threadOwners(pageId, ['nul\u0000']), new Map([['nul\u0000', a]]));
  });

  it('saves attachments per page: found by the page they belong to only; an id is taken once', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { owner, pageId, otherPageId } = await world();
    const a = await app(owner.id, 'Alpha');
    const saved: AttachmentRecord = {
      id: uid('att'),
      pageId,
      appId: a,
      type: 'image',
      url: 'https://example.org/café.png',
      mediaId: null,
      createdAt: 1000,
    };
    const video: AttachmentRecord = { ...saved, id: uid('att'), type: 'video', url: 'https://example.org/v.mp4' };
    await write(async (tx) => {
      assert.equal(await tx.platform.insertAttachment(saved), true);
      assert.deepEqual(await tx.platform.attachmentsByIds(pageId, [saved.id]), [saved], 'reads its own writes');
    });
    assert.equal(await write((tx) => tx.platform.insertAttachment({ ...saved, url: 'https://x.org' })), false);
    await write((tx) => tx.platform.insertAttachment(video));
    const found = await reader().attachmentsByIds(pageId, [saved.id, video.id, 'nope', 'nul\u0000']);
    assert.deepEqual(
      found.sort((x, y) => x.createdAt - y.createdAt || x.type.localeCompare(y.type)),
      [saved, video],
    );
    assert.deepEqual(await reader().attachmentsByIds(otherPageId, [saved.id]), [], 'never another page’s');
    assert.deepEqual(await reader().attachmentsByIds(pageId, []), []);
    await assert.rejects(
      write((tx) => tx.platform.insertAttachment({ ...video, id: uid('att'), type: 'template' as 'image' })),
      'only media types',
    );
  });

  it('maps a saved attachment to its media; one saved by URL only keeps the media of its first use, once', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { owner, pageId } = await world();
    const a = await app(owner.id, 'Alpha');
    const media = (id: string) => ({
      id,
      ownerId: pageId,
      appId: a,
      conversationId: null,
      reusable: true,
      kind: 'image' as const,
      mime: 'image/png',
      name: 'menu.png',
      size: 10,
      width: 1,
      height: 1,
      durationMs: null,
      voice: false,
      waveform: null,
      key: `key${id}`,
      thumbnailKey: null,
      sha256: 'ab'.repeat(32),
      createdAt: 1,
    });
    const [m1, m2, m3] = [uid('med'), uid('med'), uid('med')];
    await write(async (tx) => {
      for (const id of [m1, m2, m3]) await tx.media.insertMedia(media(id));
    });
    const uploaded: AttachmentRecord = {
      id: uid('att'),
      pageId,
      appId: a,
      type: 'image',
      url: null,
      mediaId: m1,
      createdAt: 1000,
    };
    const legacy: AttachmentRecord = { ...uploaded, id: uid('att'), url: 'https://example.org/old.png', mediaId: null };
    await write(async (tx) => {
      assert.equal(await tx.platform.insertAttachment(uploaded), true);
      assert.equal(await tx.platform.insertAttachment(legacy), true);
    });
    assert.deepEqual(await reader().attachmentsByIds(pageId, [uploaded.id]), [uploaded]);
    assert.equal(await write((tx) => tx.platform.setAttachmentMedia(pageId, legacy.id, m2)), true);
    assert.equal(
      await write((tx) => tx.platform.setAttachmentMedia(pageId, legacy.id, m3)),
      false,
      'the first use’s media stays',
    );
    assert.equal(await write((tx) => tx.platform.setAttachmentMedia(pageId, uploaded.id, m3)), false);
    assert.equal(await write((tx) => tx.platform.setAttachmentMedia('another-page', legacy.id, m3)), false);
    assert.deepEqual(await reader().attachmentsByIds(pageId, [legacy.id]), [{ ...legacy, mediaId: m2 }]);
    // Neither a URL nor media: refused; media that does not exist: refused.
    await assert.rejects(write((tx) => tx.platform.insertAttachment({ ...legacy, id: uid('att'), url: null })));
    await assert.rejects(write((tx) => tx.platform.insertAttachment({ ...uploaded, id: uid('att'), mediaId: 'nope' })));
  });
}
