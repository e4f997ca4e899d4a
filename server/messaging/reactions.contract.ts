import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';

/** The messaging store's reactions (messaging/reactions.ts): run on both backends by the storage contract. */
export function reactionsContract(ctx: ContractContext) {
  const { write, user, addUsers, conversation, message } = fixtures(ctx);

  it('keeps reactions: one per person, message and emoji, in the order put; taken back; gone with the message', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const c = await conversation([a.id, b.id]);
    const m1 = message(c, a.id, 1);
    const m2 = message(c, b.id, 2);
    const r = (messageId: string, userId: string, emoji: string, pos: number) => ({
      messageId,
      userId,
      emoji,
      pos,
      createdAt: 9000 + pos,
    });
    // Emojis of several code points (a ZWJ sequence, a skin tone, a flag) are kept as they are.
    const family = '👨‍👩‍👧‍👦';
    await write(async (tx) => {
      await tx.messaging.insertMessage(m1);
      await tx.messaging.insertMessage(m2);
      // In the same transaction as its message (PostgreSQL holds the message back until then).
      await tx.messaging.insertReaction(r(m1.id, b.id, '👍🏽', 30));
      await tx.messaging.insertReaction(r(m1.id, a.id, family, 10));
      await tx.messaging.insertReaction(r(m1.id, b.id, family, 20));
      await tx.messaging.insertReaction(r(m2.id, a.id, '🇫🇷', 40));
      assert.equal((await tx.messaging.reactionsOf([m1.id])).length, 3, 'a transaction reads its own reactions');
    });
    const reader = ctx.storage().reader.messaging;
    assert.deepEqual(await reader.reactionsOf([m1.id]), [
      r(m1.id, a.id, family, 10),
      r(m1.id, b.id, family, 20),
      r(m1.id, b.id, '👍🏽', 30),
    ]);
    assert.deepEqual(
      (await reader.reactionsOf([m2.id, m1.id, 'nobody', 'nul\u0000'])).map((x) => x.pos),
      [10, 20, 30, 40],
    );
    assert.deepEqual(await reader.reactionsOf([]), []);
    await assert.rejects(
      write((tx) => tx.messaging.insertReaction(r(m1.id, a.id, family, 50))),
      'the same person, message and emoji once',
    );
    await write((tx) => tx.messaging.deleteReaction(m1.id, a.id, family));
    await write((tx) => tx.messaging.deleteReaction(m1.id, a.id, 'absent'));
    assert.deepEqual(
      (await reader.reactionsOf([m1.id])).map((x) => [x.userId, x.emoji]),
      [
        [b.id, family],
        [b.id, '👍🏽'],
      ],
    );
    await write((tx) => tx.messaging.deleteReactionsOf(m1.id));
    assert.deepEqual(await reader.reactionsOf([m1.id]), []);
    assert.equal((await reader.reactionsOf([m2.id])).length, 1, 'other messages keep theirs');
  });
}
