import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { UserRecord } from '../accounts/store.ts';
import type { MemberRecord, MessageRecord } from '../messaging/store.ts';
import type { Storage, Tx } from './types.ts';

/** What the cases below need of the contract suite they run in (contract.ts). */
export interface ContractContext {
  storage(): Storage;
  skip(): string | false;
  uid(prefix: string): string;
}

/**
 * Part of the storage contract: inside a transaction, every read sees the transaction's own writes —
 * whether the backend wrote them at once (SQLite) or holds them to send a batch's rows together
 * (PostgreSQL: pending rows, prefetched keys, pending bumps and watermarks) — and event positions grow
 * with commit order across transactions, rolled-back ones included.
 */
export function transactionContract(ctx: ContractContext) {
  const write = <T>(fn: (tx: Tx) => Promise<T>) => ctx.storage().transaction(fn);
  const user = (): UserRecord => {
    const id = ctx.uid('u');
    return { id, username: `user_${id}`, displayName: `User ${id}`, kind: 'person', passwordHash: 'h', createdAt: 1 };
  };
  const member = (conversationId: string, userId: string): MemberRecord => ({
    conversationId,
    userId,
    role: 'member',
    deliveredSeq: 0,
    readSeq: 0,
    joinedAt: 1,
    active: true,
    visibleFromSeq: 0,
    removed: false,
  });
  const message = (
    conversationId: string,
    senderId: string,
    seq: number,
    replyToId: string | null = null,
  ): MessageRecord => ({
    id: ctx.uid('m'),
    conversationId,
    seq,
    senderId,
    clientId: ctx.uid('client'),
    text: `message ${seq}`,
    replyToId,
    createdAt: 5000 + seq,
    editedAt: null,
    deletedAt: null,
    content: null,
    eventPositions: [],
  });
  const event = (conversationId: string) => ({
    conversationId,
    userId: null,
    type: 'message.created',
    payload: '{}',
    createdAt: 1,
  });
  /** Two people in a direct conversation with one message (seq 1) from the first, all committed. */
  const setup = async () => {
    const a = user();
    const b = user();
    const c = ctx.uid('c');
    const directKey = `${a.id}:${b.id}`;
    const first = message(c, a.id, 1);
    await write(async (tx) => {
      await tx.accounts.insertUser(a);
      await tx.accounts.insertUser(b);
      await tx.messaging.insertConversation({
        id: c,
        kind: 'direct',
        title: null,
        directKey,
        createdBy: a.id,
        createdAt: 1,
        lastActivityAt: 1,
        lastSeq: 0,
        history: 'full',
      });
      await tx.messaging.upsertMember(member(c, a.id));
      await tx.messaging.upsertMember(member(c, b.id));
      await tx.messaging.insertMessage(first);
      await tx.messaging.bumpConversation(c, 1, first.createdAt);
    });
    return { a, b, c, directKey, first };
  };

  it('shows a transaction its own writes in every read, before it commits', async (t) => {
    const skip = ctx.skip();
    if (skip) return t.skip(skip);
    const { a, b, c, directKey, first } = await setup();
    const second = message(c, a.id, 2, first.id);
    const third = message(c, b.id, 3);
    await write(async (tx) => {
      // What a batch of jobs would declare: a's idempotency key, a's member row (b's is not declared).
      await tx.prepare?.({
        jobs: 2,
        hints: [
          { clientId: { senderId: a.id, clientId: second.clientId as string } },
          { member: { conversationId: c, userId: a.id } },
        ],
      });
      assert.equal(await tx.messaging.messageByClientId(a.id, second.clientId as string), null);
      assert.equal((await tx.messaging.member(c, a.id))?.readSeq, 0);

      // As the send job does: the event first, then the message that lists it.
      const pos = await tx.events.appendEvent(event(c));
      assert.ok(pos > 0);
      second.eventPositions = [pos];
      await tx.messaging.insertMessage(second);
      await tx.messaging.bumpConversation(c, 2, second.createdAt);
      await tx.messaging.advanceWatermarks(c, a.id, 2, 2);
      await tx.messaging.advanceWatermarks(c, b.id, 1, 0);

      // Reads a backend may answer from what the transaction holds…
      assert.deepEqual(await tx.messaging.messageByClientId(a.id, second.clientId as string), second);
      assert.deepEqual(
        await tx.messaging.messageByClientId(a.id, first.clientId as string),
        first,
        'not declared: read',
      );
      assert.deepEqual(await tx.messaging.messageById(second.id), second);
      assert.equal((await tx.messaging.conversationById(c))?.lastSeq, 2);
      assert.equal((await tx.messaging.conversationById(c))?.lastActivityAt, second.createdAt);
      assert.equal((await tx.messaging.conversationByDirectKey(directKey))?.lastSeq, 2);
      assert.deepEqual(
        [(await tx.messaging.member(c, a.id))?.deliveredSeq, (await tx.messaging.member(c, a.id))?.readSeq],
        [2, 2],
        'a declared member row, moved by the transaction',
      );
      assert.deepEqual(
        [(await tx.messaging.member(c, b.id))?.deliveredSeq, (await tx.messaging.member(c, b.id))?.readSeq],
        [1, 0],
      );
      const members = await tx.messaging.membersOf(c);
      assert.deepEqual(
        members.map((m) => [m.userId, m.deliveredSeq, m.readSeq]).sort(),
        [
          [a.id, 2, 2],
          [b.id, 1, 0],
        ].sort(),
      );
      // …and reads that see the pending rows once they are sent.
      assert.deepEqual(
        (await tx.messaging.messagesBefore(c, null, 10)).map((m) => m.seq),
        [1, 2],
      );
      assert.equal(await tx.messaging.unreadCount(c, b.id, 0), 2);
      assert.deepEqual(
        (await tx.messaging.messagesReplyingTo(first.id)).map((m) => m.id),
        [second.id],
      );
      assert.deepEqual(
        (await tx.events.eventsAt([pos])).map((e) => e.pos),
        [pos],
      );

      // More writes after those reads, and reads again.
      await tx.messaging.insertMessage(third);
      await tx.messaging.bumpConversation(c, 3, third.createdAt);
      await tx.messaging.advanceWatermarks(c, b.id, 3, 3);
      assert.deepEqual(await tx.messaging.messageById(third.id), third);
      assert.equal((await tx.messaging.member(c, b.id))?.readSeq, 3);
      assert.equal((await tx.messaging.conversationById(c))?.lastSeq, 3);
      assert.deepEqual(
        (await tx.messaging.messagesByIds([third.id, first.id, second.id])).map((m) => m.id),
        [first.id, second.id, third.id].sort(),
      );
      assert.equal(await tx.messaging.unreadCount(c, a.id, 0), 1);

      // An edit is seen by the idempotency lookup, and watermarks never go back.
      await tx.messaging.updateMessage(second.id, 'edited', 77, null, second.eventPositions, null);
      assert.equal((await tx.messaging.messageByClientId(a.id, second.clientId as string))?.text, 'edited');
      await tx.messaging.advanceWatermarks(c, a.id, 1, 1);
      assert.equal((await tx.messaging.member(c, a.id))?.readSeq, 2);

      assert.equal(await ctx.storage().reader.messaging.messageById(second.id), null, 'the reader sees nothing yet');
    });
    const r = ctx.storage().reader;
    assert.equal((await r.messaging.messageById(second.id))?.text, 'edited');
    assert.deepEqual(await r.messaging.messageById(third.id), third);
    assert.equal((await r.messaging.conversationById(c))?.lastSeq, 3);
    assert.deepEqual(
      [(await r.messaging.member(c, a.id))?.deliveredSeq, (await r.messaging.member(c, a.id))?.readSeq],
      [2, 2],
    );
    assert.deepEqual(
      [(await r.messaging.member(c, b.id))?.deliveredSeq, (await r.messaging.member(c, b.id))?.readSeq],
      [3, 3],
    );
  });

  it('finds a message inserted earlier in the same transaction by its client id, declared or not', async (t) => {
    const skip = ctx.skip();
    if (skip) return t.skip(skip);
    const { a, c } = await setup();
    const declared = message(c, a.id, 2);
    const undeclared = message(c, a.id, 3);
    await write(async (tx) => {
      await tx.prepare?.({ jobs: 2, hints: [{ clientId: { senderId: a.id, clientId: declared.clientId as string } }] });
      await tx.messaging.insertMessage(declared);
      await tx.messaging.insertMessage(undeclared);
      assert.deepEqual(await tx.messaging.messageByClientId(a.id, declared.clientId as string), declared);
      assert.deepEqual(await tx.messaging.messageByClientId(a.id, undeclared.clientId as string), undeclared);
      await tx.messaging.messagesBefore(c, null, 1); // sends what is pending, where anything is
      assert.deepEqual(
        await tx.messaging.messageByClientId(a.id, declared.clientId as string),
        declared,
        'still, once sent',
      );
      assert.deepEqual(await tx.messaging.messageByClientId(a.id, undeclared.clientId as string), undeclared);
    });
  });

  it('gives events positions that grow with commit order, across transactions and rollbacks', async (t) => {
    const skip = ctx.skip();
    if (skip) return t.skip(skip);
    const { c } = await setup();
    const r = ctx.storage().reader;
    const committed: number[] = [];
    for (let i = 0; i < 4; i++) {
      if (i === 2) {
        await assert.rejects(
          write(async (tx) => {
            for (let k = 0; k < 3; k++) await tx.events.appendEvent(event(c));
            throw new Error('rolled back');
          }),
        );
      }
      const head = await r.events.headPosition();
      const positions = await write(async (tx) => {
        const out: number[] = [];
        for (let k = 0; k < 5; k++) out.push(await tx.events.appendEvent(event(c)));
        return out;
      });
      assert.ok(positions[0] !== undefined && positions[0] > head, 'after everything committed before');
      committed.push(...positions);
      assert.equal(await r.events.headPosition(), positions.at(-1));
    }
    assert.deepEqual(
      committed,
      [...committed].sort((x, y) => x - y),
    );
    assert.equal(new Set(committed).size, committed.length);
  });
}
