import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';

/**
 * The presence store: last seen and the setting kept per person, pages left out; who a change is sent to
 * (members of a conversation with them now, showing their own) and who shares one with a viewer — a
 * former member, a stranger and the person themselves excluded. Run on both backends (contract.ts).
 */
export function presenceContract(ctx: ContractContext) {
  const { write, user, addUsers, conversation } = fixtures(ctx);
  const reader = () => ctx.storage().reader.presence;

  it('presence: a new person was never seen and shows presence; marks and the setting are kept', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    const page = user({ kind: 'page' });
    await addUsers(a, b, page);
    assert.deepEqual(await reader().presenceOf([b.id, a.id, page.id, 'nobody', 'x\u0000']), [
      { userId: a.id, lastSeenAt: null, showPresence: true },
      { userId: b.id, lastSeenAt: null, showPresence: true },
    ]);
    await write((tx) => tx.presence.markSeen([a.id, b.id], 1_700_000_000_123));
    await write((tx) => tx.presence.setShowPresence(b.id, false));
    assert.deepEqual(await reader().presenceOf([a.id, b.id]), [
      { userId: a.id, lastSeenAt: 1_700_000_000_123, showPresence: true },
      { userId: b.id, lastSeenAt: 1_700_000_000_123, showPresence: false },
    ]);
    await write((tx) => tx.presence.setShowPresence(b.id, true));
    assert.equal((await reader().presenceOf([b.id]))[0]?.showPresence, true);
    await write((tx) => tx.presence.markSeen([], 5));
  });

  it('presence: the audience is the current members of a conversation with them who show theirs', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [me, friend, hider, former, stranger] = [user(), user(), user(), user(), user()];
    const page = user({ kind: 'page' });
    await addUsers(me, friend, hider, former, stranger, page);
    const group = await conversation([me.id, friend.id, hider.id, former.id]);
    await conversation([me.id, friend.id], 'direct');
    await conversation([me.id, page.id], 'direct');
    await conversation([stranger.id, friend.id], 'direct');
    await write(async (tx) => {
      await tx.messaging.deactivateMember(group, former.id, false);
      await tx.presence.setShowPresence(hider.id, false);
    });
    assert.deepEqual(await reader().presenceAudience(me.id), [friend.id].sort());
    assert.deepEqual(
      await reader().sharingWith(me.id, [friend.id, hider.id, former.id, stranger.id, page.id, me.id, 'x\u0000']),
      [friend.id, hider.id, page.id].sort(),
    );
    assert.deepEqual(await reader().sharingWith(former.id, [me.id, friend.id]), []);
    assert.deepEqual(await reader().presenceAudience(stranger.id), [friend.id]);
  });
}
