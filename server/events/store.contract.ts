import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';

/** The event log: appends, who reads what, pages, retention. Run on both backends by the storage contract (contract.ts). */
export function eventsContract(ctx: ContractContext) {
  const { write, user, addUsers, member, conversation, post } = fixtures(ctx);

  it('appends events in increasing pos and serves each person only what they may see', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    const outsider = user();
    await addUsers(a, b, outsider);
    const start = await ctx.storage().reader.events.headPosition();
    const c = await conversation([a.id]);
    const m1 = await post(c, a.id, 1);
    // b joins after message 1
    const joined = await write(async (tx) => {
      await tx.messaging.upsertMember(member(c, b.id));
      const pos = await tx.events.appendEvent({
        conversationId: null,
        userId: b.id,
        type: 'conversation.joined',
        payload: '{}',
        createdAt: 1,
      });
      await tx.events.openPeriod(c, b.id, pos, 0);
      return pos;
    });
    const m2 = await post(c, a.id, 2);
    // b is removed: the removal event is the last b sees
    const removed = await write(async (tx) => {
      await tx.messaging.deactivateMember(c, b.id, true);
      const pos = await tx.events.appendEvent({
        conversationId: c,
        userId: null,
        type: 'member.removed',
        payload: '{}',
        createdAt: 1,
      });
      await tx.events.closePeriod(c, b.id, pos);
      return pos;
    });
    const m3 = await post(c, a.id, 3);
    const own = await write((tx) =>
      tx.events.appendEvent({
        conversationId: null,
        userId: b.id,
        type: 'session.revoked',
        payload: '{}',
        createdAt: 1,
      }),
    );
    assert.ok(
      m1.pos > start && joined > m1.pos && m2.pos > joined && removed > m2.pos && m3.pos > removed && own > m3.pos,
    );
    assert.equal(await ctx.storage().reader.events.headPosition(), own);

    const head = own;
    const posOf = async (userId: string, cursor = start, limit = 100) =>
      (await ctx.storage().reader.events.eventsFor(userId, cursor, limit, head)).events.map((e) => e.pos);
    assert.deepEqual(await posOf(b.id), [joined, m2.pos, removed, own]);
    assert.deepEqual(await posOf(b.id, m2.pos), [removed, own], 'after a cursor');
    assert.deepEqual(await posOf(b.id, start, 2), [joined, m2.pos], 'limit');
    assert.ok((await posOf(a.id)).includes(m3.pos));
    assert.ok(!(await posOf(a.id)).includes(own), "another's account events are theirs alone");
    assert.deepEqual(await posOf(outsider.id), []);
    const {
      events: [e],
      through,
    } = await ctx.storage().reader.events.eventsFor(b.id, m2.pos, 1, head);
    assert.equal(e?.type, 'member.removed');
    assert.equal(e?.conversationId, c);
    assert.equal(e?.payload, '{}');
    assert.equal(through, removed, 'a full page is complete up to its last event');
    assert.deepEqual(await ctx.storage().reader.events.eventsFor(outsider.id, start, 100, head), {
      events: [],
      through: head,
    });
    // Up to the head given, not beyond (events committed later belong to a later page).
    assert.deepEqual(
      (await ctx.storage().reader.events.eventsFor(b.id, start, 100, m2.pos)).events.map((x) => x.pos),
      [joined, m2.pos],
    );
  });

  it("pages through one person's events among many others', completely and in order", async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    const c = user();
    await addUsers(a, b, c);
    const mine = await conversation([a.id, b.id]);
    const theirs = await conversation([c.id]);
    const start = await ctx.storage().reader.events.headPosition();
    const expected: number[] = [];
    let seq = { mine: 0, theirs: 0 };
    // A busy conversation of others, with a's events sprinkled in: quiet stretches and dense ones.
    await write(async (tx) => {
      for (let i = 0; i < 3000; i++) {
        const forA = i % 97 === 0 || (i > 2000 && i < 2100);
        const conv = forA ? mine : theirs;
        const n = forA ? ++seq.mine : ++seq.theirs;
        const pos = await tx.events.appendEvent({
          conversationId: conv,
          userId: null,
          type: 'message.created',
          payload: `{"n":${n}}`,
          createdAt: 1,
        });
        if (forA) expected.push(pos);
      }
    });
    seq = { mine: 0, theirs: 0 };
    const head = await ctx.storage().reader.events.headPosition();
    const got: number[] = [];
    let cursor = start;
    let pages = 0;
    while (cursor < head) {
      const page = await ctx.storage().reader.events.eventsFor(a.id, cursor, 50, head);
      assert.ok(page.through > cursor, 'every page makes progress');
      assert.ok(page.events.every((e) => e.pos > cursor && e.pos <= page.through));
      got.push(...page.events.map((e) => e.pos));
      cursor = page.through;
      pages++;
    }
    assert.deepEqual(got, expected);
    assert.ok(pages <= 10, `${pages} pages for ${expected.length} events`);
  });

  it("hides the events of messages a member may not read (history 'joined'), until history is 'full'", async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const late = user();
    await addUsers(a, late);
    const c = await conversation([a.id]);
    const at = await write(async (tx) => {
      const pos = await tx.events.appendEvent({
        conversationId: c,
        userId: null,
        type: 'joined',
        payload: '{}',
        createdAt: 1,
      });
      await tx.events.openPeriod(c, late.id, pos, 2); // joined when the conversation's last seq was 2
      return pos;
    });
    const ev = (messageSeq: number | null) =>
      write((tx) =>
        tx.events.appendEvent({
          conversationId: c,
          userId: null,
          type: 'x',
          payload: '{}',
          createdAt: 1,
          messageSeq,
        }),
      );
    const editOf1 = await ev(1);
    const editOf2 = await ev(2);
    const editOf3 = await ev(3);
    const other = await ev(null);
    const head = await ctx.storage().reader.events.headPosition();
    const seen = async () =>
      (await ctx.storage().reader.events.eventsFor(late.id, at - 1, 100, head)).events.map((e) => e.pos);
    assert.deepEqual(await seen(), [at, editOf3, other], 'not the events of messages 1 and 2');
    assert.deepEqual(
      (await ctx.storage().reader.events.eventsFor(a.id, at - 1, 100, head)).events.map((e) => e.pos),
      [at, editOf1, editOf2, editOf3, other],
      'a member from the start sees them all',
    );
    await write((tx) => tx.messaging.setConversationHistory(c, 'full'));
    assert.deepEqual(await seen(), [at, editOf1, editOf2, editOf3, other], "under 'full', everything");
  });

  it('trims the oldest events and raises the floor', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const c = await conversation([a.id]);
    assert.equal(await ctx.storage().reader.events.logFloor(), 0);
    const old = await write(async (tx) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++)
        out.push(
          await tx.events.appendEvent({
            conversationId: c,
            userId: null,
            type: 'x',
            payload: '{}',
            createdAt: 100 + i,
          }),
        );
      return out;
    });
    const recent = await write((tx) =>
      tx.events.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{}', createdAt: Date.now() }),
    );
    // Everything older than a minute (what earlier tests wrote too), at most 2 rows at a time.
    const cutoff = Date.now() - 60_000;
    assert.equal(await write((tx) => tx.events.trimLog(cutoff, 2)), 2, 'at most maxRows');
    let deleted = 2;
    for (;;) {
      const n = await write((tx) => tx.events.trimLog(cutoff, 2));
      if (n === 0) break;
      deleted += n;
    }
    assert.ok(deleted >= old.length);
    assert.equal(await ctx.storage().reader.events.logFloor(), old[4], 'the floor is the last position deleted');
    assert.deepEqual(
      (await ctx.storage().reader.events.eventsAt([...old, recent])).map((e) => e.pos),
      [recent],
      'the recent event stays',
    );
    assert.equal(await write((tx) => tx.events.trimLog(cutoff, 100)), 0);
  });

  it('addresses an event to a wider scope (a page, an app): nobody reads it as their own, every consumer follows it', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [a] = [user()];
    await addUsers(a);
    const before = await ctx.storage().reader.events.headPosition();
    const pos = await write(async (tx) => {
      const scoped = await tx.events.appendEvent({
        conversationId: null,
        userId: null,
        scope: 'page:p1',
        type: 'page.test',
        payload: '{"page":"p1"}',
        createdAt: 5,
      });
      const mine = await tx.events.appendEvent({
        conversationId: null,
        userId: a.id,
        type: 'x',
        payload: '{}',
        createdAt: 5,
      });
      return [scoped, mine] as const;
    });
    const head = await ctx.storage().reader.events.headPosition();
    const all = await ctx.storage().reader.events.eventsAfter(before, 10, head);
    assert.deepEqual(
      all.map((e) => [e.pos, e.scope, e.userId]),
      [
        [pos[0], 'page:p1', null],
        [pos[1], null, a.id],
      ],
    );
    assert.deepEqual(
      (await ctx.storage().reader.events.eventsFor(a.id, before, 10, head)).events.map((e) => e.pos),
      [pos[1]],
      "a scoped event is not in anyone's own feed",
    );
    assert.deepEqual(
      (await ctx.storage().reader.events.eventsAfter(before, 1, head)).map((e) => e.pos),
      [pos[0]],
      'limit',
    );
    assert.deepEqual(
      await ctx
        .storage()
        .reader.events.eventsAfter(before, 10, pos[0])
        .then((r) => r.length),
      1,
      'up to head',
    );
    await assert.rejects(
      write((tx) =>
        tx.events.appendEvent({
          conversationId: null,
          userId: a.id,
          scope: 'page:p1',
          type: 'x',
          payload: '{}',
          createdAt: 5,
        }),
      ),
      'an event has exactly one scope',
    );
  });

  it('keeps where each consumer of the log stopped, never moving it back', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const name = ctx.uid('consumer');
    assert.equal(await ctx.storage().reader.events.consumerPosition(name), 0, 'a consumer that never ran');
    await write((tx) => tx.events.saveConsumerPosition(name, 40, 1));
    assert.equal(await ctx.storage().reader.events.consumerPosition(name), 40);
    await write((tx) => tx.events.saveConsumerPosition(name, 30, 2));
    assert.equal(await ctx.storage().reader.events.consumerPosition(name), 40, 'never back');
    await write(async (tx) => {
      await tx.events.saveConsumerPosition(name, 55, 3);
      assert.equal(await tx.events.consumerPosition(name), 55, 'the transaction reads its own write');
    });
    assert.equal(await ctx.storage().reader.events.consumerPosition(name), 55);
    assert.equal(await ctx.storage().reader.events.consumerPosition(ctx.uid('other')), 0, 'one position per consumer');
  });

  it('reads the events of some types in some conversations and user scopes, in pages', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const page = user({ kind: 'page', passwordHash: '' });
    await addUsers(a, page);
    const c = ctx.uid('c');
    const other = ctx.uid('c');
    const start = await ctx.storage().reader.events.headPosition();
    const add = (e: { conversationId?: string; userId?: string; type: string }) =>
      write((tx) =>
        tx.events.appendEvent({
          conversationId: e.conversationId ?? null,
          userId: e.userId ?? null,
          type: e.type,
          payload: '{}',
          createdAt: 1,
        }),
      );
    const joined = await add({ conversationId: c, type: 'conversation.joined' });
    await add({ conversationId: c, type: 'message.created' });
    await add({ conversationId: other, type: 'member.added' });
    const inbox = await add({ userId: page.id, type: 'inbox.thread_updated' });
    const mine = await add({ userId: a.id, type: 'user.updated' });
    const added = await add({ conversationId: c, type: 'member.added' });
    const types = ['conversation.joined', 'member.added', 'user.updated', 'inbox.thread_updated'];
    const scopes = { conversationIds: [c], userIds: [a.id, page.id] };
    const read = (after: number, limit: number) =>
      ctx.storage().reader.events.eventsOfTypesIn(scopes, types, after, limit);
    assert.deepEqual(
      (await read(start, 100)).map((e) => e.pos),
      [joined, inbox, mine, added],
    );
    assert.deepEqual(
      (await read(start, 2)).map((e) => e.pos),
      [joined, inbox],
    );
    assert.deepEqual(
      (await read(inbox, 100)).map((e) => e.pos),
      [mine, added],
    );
    assert.deepEqual(
      await ctx.storage().reader.events.eventsOfTypesIn({ conversationIds: [], userIds: [] }, types, 0, 10),
      [],
    );
    assert.deepEqual(await ctx.storage().reader.events.eventsOfTypesIn(scopes, [], 0, 10), []);
  });
}
