import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import type { MediaRecord } from './types.ts';

/**
 * The media store: records kept whole (every field, the waveform as given), bound to a conversation once,
 * a saved attachment never bound, deleted, the sweeper's unsent uploads oldest first, and which blob keys
 * rows still name. Run on both backends by the storage contract (contract.ts).
 */
export function mediaContract(ctx: ContractContext) {
  const { write, user, addUsers, conversation } = fixtures(ctx);
  const reader = () => ctx.storage().reader.media;

  const record = (ownerId: string, over: Partial<MediaRecord> = {}): MediaRecord => {
    const id = ctx.uid('med');
    return {
      id,
      ownerId,
      appId: null,
      conversationId: null,
      reusable: false,
      kind: 'image',
      mime: 'image/jpeg',
      name: 'photo.jpg',
      size: 123_456,
      width: 640,
      height: 480,
      durationMs: null,
      voice: false,
      waveform: null,
      key: `key${id}`,
      thumbnailKey: `thumb${id}`,
      sha256: 'ab'.repeat(32),
      createdAt: 1_700_000_000_000,
      ...over,
    };
  };

  it('keeps a media record whole, and reads it by id and by ids', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [ana, page] = [user(), user({ kind: 'page', passwordHash: '' })];
    await addUsers(ana, page);
    const image = record(ana.id);
    const voice = record(ana.id, {
      kind: 'audio',
      mime: 'audio/ogg',
      name: 'voice.ogg',
      size: 5_000_000_000, // past 32 bits
      width: null,
      height: null,
      durationMs: 61_234,
      voice: true,
      waveform: [0, 12, 255, 3],
      thumbnailKey: null,
    });
    const saved = record(page.id, { appId: 'app123', reusable: true, kind: 'file', mime: 'application/pdf' });
    await write(async (tx) => {
      for (const m of [image, voice, saved]) await tx.media.insertMedia(m);
      assert.deepEqual(await tx.media.mediaById(image.id), image, 'a transaction reads its own write');
    });
    assert.deepEqual(await reader().mediaById(image.id), image);
    assert.deepEqual(await reader().mediaById(voice.id), voice);
    assert.deepEqual(await reader().mediaById(saved.id), saved);
    const some = await reader().mediaByIds([saved.id, 'nope', image.id, 'x\u0000']);
    assert.deepEqual(some.map((m) => m.id).sort(), [image.id, saved.id].sort());
    assert.deepEqual(await reader().mediaByIds([]), []);
    assert.equal(await reader().mediaById('nope'), null);
    assert.equal(await reader().mediaById('a\u0000'), null, 'a NUL matches nothing');
  });

  it('binds unsent uploads to a conversation once; never a saved one, nor one bound already', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [ana, ben] = [user(), user()];
    await addUsers(ana, ben);
    const c1 = await conversation([ana.id, ben.id]);
    const c2 = await conversation([ana.id, ben.id]);
    const [a, b, saved] = [record(ana.id), record(ana.id), record(ana.id, { reusable: true })];
    await write(async (tx) => {
      for (const m of [a, b, saved]) await tx.media.insertMedia(m);
    });
    assert.equal(await write((tx) => tx.media.bindMedia([a.id, saved.id], c1)), 1);
    assert.equal(await write((tx) => tx.media.bindMedia([a.id, b.id], c2)), 1, 'a stays in c1');
    assert.equal((await reader().mediaById(a.id))?.conversationId, c1);
    assert.equal((await reader().mediaById(b.id))?.conversationId, c2);
    assert.equal((await reader().mediaById(saved.id))?.conversationId, null);
    assert.equal(await write((tx) => tx.media.bindMedia([], c1)), 0);
  });

  it('lists unsent, non-reusable uploads older than a cutoff, oldest first; deletes rows', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const ana = user();
    await addUsers(ana);
    const c = await conversation([ana.id]);
    // Far in the past, so that other tests' records (made later) are not older.
    const old1 = record(ana.id, { createdAt: 1000 });
    const old2 = record(ana.id, { createdAt: 1001 });
    const oldSent = record(ana.id, { createdAt: 999 });
    const oldSaved = record(ana.id, { createdAt: 998, reusable: true });
    const recent = record(ana.id, { createdAt: 5000 });
    await write(async (tx) => {
      for (const m of [old2, old1, oldSent, oldSaved, recent]) await tx.media.insertMedia(m);
      await tx.media.bindMedia([oldSent.id], c);
    });
    assert.deepEqual(
      (await reader().unsentBefore(2000, 10)).map((m) => m.id),
      [old1.id, old2.id],
    );
    assert.deepEqual(
      (await reader().unsentBefore(2000, 1)).map((m) => m.id),
      [old1.id],
    );
    assert.equal(await write((tx) => tx.media.deleteMedia([old1.id, old2.id, 'nope'])), 2);
    assert.deepEqual(await reader().unsentBefore(2000, 10), []);
    assert.equal(await reader().mediaById(old1.id), null);
    assert.equal(await write((tx) => tx.media.deleteMedia([])), 0);
  });

  it('tells which blob keys rows still name (a saved attachment’s copies share its bytes)', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const ana = user();
    await addUsers(ana);
    const saved = record(ana.id, { reusable: true });
    const copy = record(ana.id, { key: saved.key, thumbnailKey: saved.thumbnailKey });
    await write(async (tx) => {
      await tx.media.insertMedia(saved);
      await tx.media.insertMedia(copy);
    });
    const keys = [saved.key, saved.thumbnailKey as string, 'keyNobodyHas'];
    assert.deepEqual((await reader().keysInUse(keys)).sort(), [saved.key, saved.thumbnailKey].sort());
    assert.equal((await reader().keysInUse(keys, [copy.id])).length, 2, 'the saved one names them too');
    assert.deepEqual(await reader().keysInUse(keys, [copy.id, saved.id]), [], 'no row but those');
    await write((tx) => tx.media.deleteMedia([copy.id]));
    assert.equal((await reader().keysInUse(keys)).length, 2, 'the saved one still names them');
    await write((tx) => tx.media.deleteMedia([saved.id]));
    assert.deepEqual(await reader().keysInUse(keys), []);
    assert.deepEqual(await reader().keysInUse([]), []);
  });

  it('marks an unsent upload as a profile photo: never bound, never swept, once', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const ana = user();
    await addUsers(ana);
    const c = await conversation([ana.id]);
    // As old as the sweeper's own test's: an avatar never shows among the unsent.
    const photo = record(ana.id, { createdAt: 997 });
    const sent = record(ana.id, { createdAt: 5000 });
    const saved = record(ana.id, { createdAt: 5000, reusable: true });
    await write(async (tx) => {
      for (const m of [photo, sent, saved]) await tx.media.insertMedia(m);
      await tx.media.bindMedia([sent.id], c);
    });
    assert.equal(await write((tx) => tx.media.markAvatar(photo.id)), true);
    assert.equal(await write((tx) => tx.media.markAvatar(photo.id)), false, 'once');
    assert.equal(await write((tx) => tx.media.markAvatar(sent.id)), false, 'not one sent');
    assert.equal(await write((tx) => tx.media.markAvatar(saved.id)), false, 'not one saved for reuse');
    assert.equal(await write((tx) => tx.media.markAvatar('nope')), false);
    assert.deepEqual(await reader().mediaById(photo.id), { ...photo, avatar: true });
    assert.equal((await reader().mediaById(sent.id))?.avatar, undefined);
    assert.ok(!(await reader().unsentBefore(2000, 100)).some((m) => m.id === photo.id), 'never swept');
    assert.equal(await write((tx) => tx.media.bindMedia([photo.id], c)), 0, 'never bound');
    assert.equal(await write((tx) => tx.media.deleteMedia([photo.id, sent.id, saved.id])), 3);
  });
}
