import assert from 'node:assert/strict';
import { it } from 'node:test';
import { searchTerms } from '../lib/search.ts';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';

/**
 * Full-text search of messages and paging forward (messaging/store.ts searchMessages, messagesAfter): the
 * index follows every write of a message, and a search finds only what the person may read. Run on both
 * backends by the storage contract (contract.ts).
 */
export function messageSearchContract(ctx: ContractContext) {
  const { write, user, addUsers, member, message, conversation, post } = fixtures(ctx);
  const search = (userId: string, conversationIds: string[], q: string, before: string | null = null, limit = 20) =>
    ctx.storage().reader.messaging.searchMessages({ userId, conversationIds, terms: searchTerms(q), before, limit });
  const texts = async (p: Promise<{ text: string | null }[]>) => (await p).map((m) => m.text);

  it('search: every word, the last as a prefix, without case or diacritics, newest first, paged', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const c = await conversation([a.id, b.id]);
    await post(c, a.id, 1, { text: 'Bonjour, on prend un café ?' });
    await post(c, b.id, 2, { text: 'CAFÉ crème pour moi' });
    await post(c, a.id, 3, { text: 'Rien à voir' });
    await post(c, b.id, 4, { text: null });
    await post(c, a.id, 5, { text: 'le cafe du coin, bonjour' });
    assert.deepEqual(await texts(search(a.id, [c], 'cafe')), [
      'le cafe du coin, bonjour',
      'CAFÉ crème pour moi',
      'Bonjour, on prend un café ?',
    ]);
    assert.deepEqual(await texts(search(a.id, [c], 'bonj')), [
      'le cafe du coin, bonjour',
      'Bonjour, on prend un café ?',
    ]);
    assert.deepEqual(await texts(search(a.id, [c], 'crem caf')), [], 'only the last word is a prefix');
    assert.deepEqual(await texts(search(a.id, [c], 'creme caf')), ['CAFÉ crème pour moi']);
    assert.deepEqual(await texts(search(a.id, [c], 'café bonjour')), [
      'le cafe du coin, bonjour',
      'Bonjour, on prend un café ?',
    ]);
    // Query syntax is plain words: quotes, operators and columns find what the words find.
    assert.deepEqual(await texts(search(a.id, [c], '"café" NEAR(crème* -moi:^')), []);
    assert.deepEqual(await texts(search(a.id, [c], '"café" (crème*)')), ['CAFÉ crème pour moi']);
    assert.deepEqual(await texts(search(a.id, [c], 'body: conv: cafe')), []);
    // Pages: newest first, the next page after the last id.
    const first = await search(a.id, [c], 'cafe', null, 2);
    assert.deepEqual(
      first.map((m) => m.seq),
      [5, 2],
    );
    const next = await search(a.id, [c], 'cafe', first[1]?.id ?? null, 2);
    assert.deepEqual(
      next.map((m) => m.seq),
      [1],
    );
    assert.deepEqual(await search(a.id, [c], 'cafe', 'no-such-message'), []);
  });

  it('search: an edit rewrites the index, a deletion removes the message', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const c = await conversation([a.id]);
    const { message: m } = await post(c, a.id, 1, { text: 'rendez-vous mardi' });
    const { message: n } = await post(c, a.id, 2, { text: 'mardi aussi' });
    assert.equal((await search(a.id, [c], 'mardi')).length, 2);
    await write((tx) => tx.messaging.updateMessage(m.id, 'rendez-vous jeudi', 9000, null, [], null));
    assert.deepEqual(await texts(search(a.id, [c], 'mardi')), ['mardi aussi']);
    assert.deepEqual(await texts(search(a.id, [c], 'jeudi')), ['rendez-vous jeudi']);
    await write((tx) => tx.messaging.updateMessage(n.id, null, null, 9100, [], null));
    assert.deepEqual(await texts(search(a.id, [c], 'mardi')), []);
    assert.deepEqual(await texts(search(a.id, [c], 'aussi')), []);
  });

  it('search: what a transaction writes is found in it and after it, what it rolls back never', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const c = await conversation([a.id]);
    const m1 = message(c, a.id, 1, { text: 'lundi matin' });
    const m2 = message(c, a.id, 2, { text: 'lundi soir' });
    const m3 = message(c, a.id, 3, { text: 'lundi midi' });
    const inside = await write(async (tx) => {
      for (const m of [m1, m2, m3]) await tx.messaging.insertMessage(m);
      // Edited and deleted before the transaction ends (SQLite indexes a transaction's messages at its end).
      await tx.messaging.updateMessage(m1.id, 'mardi matin', 9000, null, [], null);
      await tx.messaging.updateMessage(m3.id, null, null, 9100, [], null);
      const q = { userId: a.id, conversationIds: [c], before: null, limit: 20 };
      return {
        lundi: (await tx.messaging.searchMessages({ ...q, terms: searchTerms('lundi') })).map((m) => m.text),
        mardi: (await tx.messaging.searchMessages({ ...q, terms: searchTerms('mardi') })).map((m) => m.text),
      };
    });
    assert.deepEqual(inside, { lundi: ['lundi soir'], mardi: ['mardi matin'] });
    assert.deepEqual(await texts(search(a.id, [c], 'lundi')), ['lundi soir']);
    assert.deepEqual(await texts(search(a.id, [c], 'mardi')), ['mardi matin'], 'indexed once, with its edit');
    // A transaction rolled back leaves nothing in the index; the message after it is found.
    await assert.rejects(
      write(async (tx) => {
        await tx.messaging.insertMessage(message(c, a.id, 4, { text: 'fantôme lundi' }));
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    await post(c, a.id, 4, { text: 'vrai lundi' });
    assert.deepEqual(await texts(search(a.id, [c], 'lundi')), ['vrai lundi', 'lundi soir']);
    assert.deepEqual(await search(a.id, [c], 'fantome'), []);
    // Edits after the commit still rewrite the entry.
    await write((tx) => tx.messaging.updateMessage(m2.id, 'mercredi soir', 9200, null, [], null));
    assert.deepEqual(await texts(search(a.id, [c], 'soir')), ['mercredi soir']);
  });

  it('search: only active memberships, only what history lets the person read', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    const late = user();
    await addUsers(a, b, late);
    const c = await conversation([a.id, b.id]);
    const other = await conversation([b.id]);
    await post(c, a.id, 1, { text: 'secret avant' });
    await post(other, b.id, 1, { text: 'secret ailleurs' });
    await write((tx) => tx.messaging.upsertMember(member(c, late.id, { visibleFromSeq: 1 })));
    await post(c, b.id, 2, { text: 'secret après' });
    // A list naming a conversation one is not in finds nothing there.
    assert.deepEqual(await texts(search(a.id, [c, other], 'secret')), ['secret après', 'secret avant']);
    assert.deepEqual(await texts(search(late.id, [c], 'secret')), ['secret après']);
    await write((tx) => tx.messaging.setConversationHistory(c, 'full'));
    assert.deepEqual(await texts(search(late.id, [c], 'secret')), ['secret après', 'secret avant']);
    assert.deepEqual(await texts(search(b.id, [other], 'secret')), ['secret ailleurs']);
    await write((tx) => tx.messaging.deactivateMember(c, a.id, false));
    assert.deepEqual(await search(a.id, [c], 'secret'), []);
    assert.deepEqual(await search(a.id, [c], ''), [], 'no words: nothing');
  });

  it('pages forward: the messages after a seq, oldest first', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const c = await conversation([a.id]);
    for (let seq = 1; seq <= 5; seq++) await post(c, a.id, seq);
    const after = await ctx.storage().reader.messaging.messagesAfter(c, 2, 2);
    assert.deepEqual(
      after.map((m) => m.seq),
      [3, 4],
    );
    assert.deepEqual(await ctx.storage().reader.messaging.messagesAfter(c, 5, 10), []);
  });
}
