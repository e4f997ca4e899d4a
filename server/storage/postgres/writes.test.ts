import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { type Tx, txWrites } from '../types.ts';
import { PgReads } from './reads.ts';
import { Sql } from './sql.ts';
import { PgTx } from './writes.ts';

/**
 * PgTx holds a batch's hot writes to send them together; every other method must send them first, so
 * that the database sees the writes in the order the jobs made them and reads see them. The methods
 * that need not are listed here, each with its reason: a method added to Tx later is held to the rule
 * until it is listed.
 */
const runsWithoutSending: Partial<Record<keyof Tx, string>> = {
  insertMessage: 'deferred',
  appendEvent: 'deferred',
  bumpConversation: 'deferred',
  advanceWatermarks: 'deferred',
  messageByClientId: 'answered from pending and prefetched messages, else read (pending ones are not in the table)',
  messageById: 'answered from pending messages, else read (pending ones are not in the table)',
  conversationById: 'pending bumps laid over the row read',
  conversationByDirectKey: 'pending bumps laid over the row read',
  membersOf: 'pending watermarks laid over the rows read',
  member: 'prefetched rows kept up to date, or pending watermarks laid over the row read',
  conversationIdsOfUser: 'deferred writes never change `active`',
  userById: 'users are never deferred',
  usersByIds: 'users are never deferred',
  userByUsername: 'users are never deferred',
  searchUsers: 'users are never deferred',
  sessionByTokenHash: 'sessions are never deferred',
  sessionsOfUser: 'sessions are never deferred',
  sessionById: 'sessions are never deferred',
  deviceByTokenHash: 'devices are never deferred',
};

/**
 * Writes sent at once that cannot change what PgTx holds of messages (idempotency keys) and members
 * (receipt rows); every other one must make it read them again (forget()).
 */
const leavesMessagesAndMembersAlone: (keyof Tx)[] = [
  'insertUser',
  'updateUserDisplayName',
  'insertSession',
  'touchSession',
  'revokeSession',
  'insertConversation',
  'updateConversationTitle',
  'setConversationHistory',
  'insertDevice',
  'touchDevice',
  'rewriteEvent',
  'trimLog',
  'openPeriod',
  'closePeriod',
];

/** A connection that records statements and answers nothing. */
function recorder() {
  const texts: string[] = [];
  const q = {
    query: async (query: string | pg.QueryConfig) => {
      texts.push(typeof query === 'string' ? query : query.text);
      return { rows: [], rowCount: 0 } as unknown as pg.QueryResult;
    },
  };
  return { sql: new Sql(q, true), texts };
}

/** Arguments for a method: a record (every field 'x') for those that take one, a list of ids, or strings. */
const record = new Proxy({}, { get: () => 'x' });
const argsOf = (name: keyof Tx): unknown[] => {
  if (['insertUser', 'insertSession', 'insertDevice', 'insertConversation', 'upsertMember'].includes(name))
    return [record];
  if (name === 'messagesByIds' || name === 'usersByIds') return [['x']];
  if (name === 'updateMessage') return ['x', 'x', 1, null, [1]];
  if (name === 'eventsAt') return [[1]];
  return ['x', 'x', 'x', 'x'];
};

describe('PgTx sends its deferred writes before anything that could see them', () => {
  const methods = [...new Set([...Object.getOwnPropertyNames(PgReads.prototype), ...txWrites])].filter(
    (name) => name !== 'constructor',
  ) as (keyof Tx)[];

  for (const name of methods) {
    if (runsWithoutSending[name]) continue;
    it(`${name} sends the pending rows first`, async () => {
      const { sql, texts } = recorder();
      const tx = new PgTx(sql);
      await tx.insertMessage({
        id: 'm1',
        conversationId: 'c1',
        seq: 1,
        senderId: 'u1',
        clientId: 'k1',
        text: 't',
        replyToId: null,
        createdAt: 1,
        editedAt: null,
        deletedAt: null,
        eventPositions: [],
      });
      assert.equal(texts.length, 0, 'insertMessage is deferred');
      const method = tx[name] as (...args: unknown[]) => Promise<unknown>;
      await method.apply(tx, argsOf(name));
      assert.match(
        texts[0] ?? '',
        /WITH new_messages AS/,
        `${name} must send the pending rows before its own statement`,
      );
      assert.ok(texts.length >= 2, `${name} ran its own statement after`);
    });
  }

  for (const name of txWrites) {
    if (runsWithoutSending[name] || leavesMessagesAndMembersAlone.includes(name)) continue;
    it(`${name} makes the transaction read messages and members again`, async () => {
      const { sql, texts } = recorder();
      const tx = new PgTx(sql);
      // Prefetched: none in the database (the recorder answers no rows).
      await tx.prepare({
        jobs: 1,
        hints: [{ clientId: { senderId: 'u1', clientId: 'k1' } }, { member: { conversationId: 'c1', userId: 'u1' } }],
      });
      const prepared = texts.length;
      assert.equal(await tx.messageByClientId('u1', 'k1'), null);
      assert.equal(await tx.member('c1', 'u1'), null);
      assert.equal(texts.length, prepared, 'answered from what the transaction holds');
      const method = tx[name] as (...args: unknown[]) => Promise<unknown>;
      await method.apply(tx, argsOf(name));
      const after = texts.length;
      await tx.messageByClientId('u1', 'k1');
      await tx.member('c1', 'u1');
      assert.equal(texts.length, after + 2, `${name} must forget() what the transaction holds`);
    });
  }

  it('lists only methods that exist', () => {
    for (const name of Object.keys(runsWithoutSending)) assert.ok(methods.includes(name as keyof Tx), name);
    for (const name of leavesMessagesAndMembersAlone) assert.ok(methods.includes(name), name);
  });
});
