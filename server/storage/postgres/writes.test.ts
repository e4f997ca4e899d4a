import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { AccountsStore } from '../../accounts/store.ts';
import { AppsStore } from '../../apps/store.ts';
import { CommerceStore } from '../../commerce/store.ts';
import { EventsStore } from '../../events/store.ts';
import { InboxStore } from '../../inbox/store.ts';
import { MessagingStore } from '../../messaging/store.ts';
import { PagesStore } from '../../pages/store.ts';
import { PlatformStore } from '../../platform/store.ts';
import { WebhooksStore } from '../../webhooks/store.ts';
import { type Tx, txWrites } from '../types.ts';
import { pgTx } from './index.ts';
import { Sql } from './sql.ts';

type Store = keyof Tx &
  ('accounts' | 'messaging' | 'events' | 'pages' | 'apps' | 'webhooks' | 'platform' | 'commerce' | 'inbox');
type Name = `${Store}.${string}`;

/**
 * A PostgreSQL transaction holds a batch's hot writes to send them together; every other method of its
 * stores must send them first, so that the database sees the writes in the order the jobs made them and
 * reads see them. The methods that need not are listed here, each with its reason: a method added to a
 * store later is held to the rule until it is listed.
 */
const runsWithoutSending: Partial<Record<Name, string>> = {
  'messaging.insertMessage': 'deferred',
  'events.appendEvent': 'deferred',
  'messaging.bumpConversation': 'deferred',
  'messaging.advanceWatermarks': 'deferred',
  'commerce.updateShipmentStatus': 'deferred',
  'commerce.appendTimeline': 'deferred',
  'commerce.insertOrder': 'deferred over a number known free; else sent after them',
  'messaging.messageByClientId':
    'answered from pending and prefetched messages, else read (pending ones are not in the table)',
  'messaging.messageById': 'answered from pending messages, else read (pending ones are not in the table)',
  'messaging.conversationById': 'pending bumps laid over the row read',
  'messaging.conversationByDirectKey': 'pending bumps laid over the row read',
  'messaging.directConversationId': 'conversations are inserted at once, and no deferred write changes a direct key',
  'messaging.membersOf': 'pending watermarks laid over the rows read',
  'messaging.member': 'prefetched rows kept up to date, or pending watermarks laid over the row read',
  'messaging.conversationIdsOfUser': 'deferred writes never change `active`',
  'events.eventsFor': 'a reader method (not on EventsWrites); the queries it makes send them first',
};

/**
 * Writes sent at once that cannot change what the transaction holds of messages (idempotency keys) and
 * members (receipt rows); every other one must make it read them again (forget()).
 */
const leavesMessagesAndMembersAlone: Name[] = [
  ...txWrites.accounts.map((n) => `accounts.${n}` as const),
  ...txWrites.events.map((n) => `events.${n}` as const),
  ...txWrites.pages.map((n) => `pages.${n}` as const),
  ...txWrites.apps.map((n) => `apps.${n}` as const),
  ...txWrites.webhooks.map((n) => `webhooks.${n}` as const),
  ...txWrites.platform.map((n) => `platform.${n}` as const),
  ...txWrites.inbox.map((n) => `inbox.${n}` as const),
  ...txWrites.commerce.map((n) => `commerce.${n}` as const),
  'messaging.insertConversation',
  'messaging.updateConversationTitle',
  'messaging.setConversationHistory',
  'messaging.putSettings',
  'messaging.deleteSettings',
  'messaging.hideMessage',
  'messaging.insertReaction',
  'messaging.deleteReaction',
  'messaging.deleteReactionsOf',
  'messaging.insertActivity',
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
const argsOf = (name: string): unknown[] => {
  if (['insertUser', 'insertSession', 'insertDevice', 'insertConversation', 'upsertMember'].includes(name))
    return [record];
  if (name === 'insertReaction') return [{ messageId: 'x', userId: 'x', emoji: 'x', pos: 1, createdAt: 1 }];
  if (['insertApp', 'insertPageToken'].includes(name)) return [record];
  if (name === 'upsertWebhook') return [new Proxy({}, { get: (_, k) => (k === 'fields' ? ['messages'] : 'x') })];
  if (name === 'messagesByIds' || name === 'usersByIds') return [['x']];
  if (name === 'hiddenAmong') return ['x', ['x']];
  if (name === 'messagesByIds' || name === 'usersByIds' || name === 'reactionsOf') return [['x']];
  if (name === 'updateMessage') return ['x', 'x', 1, null, [1], null];
  if (name === 'eventsAt') return [[1]];
  if (name === 'eventsOfTypesIn') return [{ conversationIds: ['x'], userIds: ['x'] }, ['user.updated'], 0, 10];
  if (name === 'insertActivity') return [record];
  if (name === 'searchMessages') return [{ userId: 'x', conversationIds: ['x'], terms: ['x'], before: null, limit: 1 }];
  if (name === 'saveConsumerPosition') return ['x', 1, 1];
  if (name === 'insertDeliveries') return [[record]];
  if (name === 'markDelivered') return [['x'], record];
  if (name === 'markFailedAttempt') return [['x'], record, 1, 1];
  if (name === 'subscriptionsOf' || name === 'pageConversations') return [['x']];
  if (name === 'payloadsOf') return [[1]];
  if (name === 'candidateEvents') return [1, 2, 10];
  if (name === 'deliveriesOf') return ['x', null, 10];
  if (['insertPage', 'upsertPageMember', 'insertAttachment'].includes(name)) return [record];
  if (
    [
      'insertOrder',
      'updateOrder',
      'insertShipment',
      'appendTimeline',
      'saveIdempotencyKey',
      'aggregate',
      'insertRequest',
    ].includes(name)
  )
    return [record];
  if (name === 'threadOwners' || name === 'attachmentsByIds') return ['x', ['x']];
  if (name === 'setThreadOwner') return ['x', 'x', 'x', 1];
  if (name === 'setPrimaryReceiver') return ['x', 'x', 'x', 1];
  if (name === 'threads') {
    const bots = { primaryIsApp: false, connectedAppIds: [] };
    return [
      { pageId: 'x', filter: 'all', meId: 'x', bots, search: null, alsoIds: [], labelId: null, after: null, limit: 1 },
    ];
  }
  if (name === 'counts') return ['x', 'x', { primaryIsApp: false, connectedAppIds: [] }];
  if (name === 'labelsOf') return [['x']];
  if (['putThread', 'insertLabel', 'insertNote', 'putCannedReply', 'putSettings', 'insertCsat'].includes(name))
    return [record];
  return ['x', 'x', 'x', 'x'];
};

const methodsOf = (proto: object): string[] => Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor');
const stores: Record<Store, object> = {
  accounts: AccountsStore.prototype,
  messaging: MessagingStore.prototype,
  events: EventsStore.prototype,
  pages: PagesStore.prototype,
  apps: AppsStore.prototype,
  webhooks: WebhooksStore.prototype,
  platform: PlatformStore.prototype,
  inbox: InboxStore.prototype,
  commerce: CommerceStore.prototype,
};
const methods: Name[] = (Object.keys(stores) as Store[]).flatMap((store) =>
  methodsOf(stores[store]).map((m) => `${store}.${m}` as const),
);
const call = (tx: Tx, name: Name) => {
  const [store, method] = name.split('.') as [Store, string];
  const target = tx[store] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return (target[method] as (...args: unknown[]) => Promise<unknown>).apply(target, argsOf(method));
};

describe('a PostgreSQL transaction sends its deferred writes before anything that could see them', () => {
  for (const name of methods) {
    if (runsWithoutSending[name]) continue;
    it(`${name} sends the pending rows first`, async () => {
      const { sql, texts } = recorder();
      const tx = pgTx(sql);
      await tx.messaging.insertMessage({
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
        content: null,
        eventPositions: [],
      });
      assert.equal(texts.length, 0, 'insertMessage is deferred');
      await call(tx, name);
      assert.match(
        texts[0] ?? '',
        /WITH new_messages AS/,
        `${name} must send the pending rows before its own statement`,
      );
      assert.ok(texts.length >= 2, `${name} ran its own statement after`);
    });
  }

  const writes: Name[] = [
    ...txWrites.accounts.map((n) => `accounts.${n}` as const),
    ...txWrites.messaging.map((n) => `messaging.${n}` as const),
    ...txWrites.events.map((n) => `events.${n}` as const),
    ...txWrites.pages.map((n) => `pages.${n}` as const),
    ...txWrites.apps.map((n) => `apps.${n}` as const),
    ...txWrites.webhooks.map((n) => `webhooks.${n}` as const),
    ...txWrites.platform.map((n) => `platform.${n}` as const),
    ...txWrites.inbox.map((n) => `inbox.${n}` as const),
    ...txWrites.commerce.map((n) => `commerce.${n}` as const),
  ];
  for (const name of writes) {
    if (runsWithoutSending[name] || leavesMessagesAndMembersAlone.includes(name)) continue;
    it(`${name} makes the transaction read messages and members again`, async () => {
      const { sql, texts } = recorder();
      const tx = pgTx(sql);
      // Prefetched: none in the database (the recorder answers no rows).
      await tx.prepare?.({
        jobs: 1,
        hints: [{ clientId: { senderId: 'u1', clientId: 'k1' } }, { member: { conversationId: 'c1', userId: 'u1' } }],
      });
      const prepared = texts.length;
      assert.equal(await tx.messaging.messageByClientId('u1', 'k1'), null);
      assert.equal(await tx.messaging.member('c1', 'u1'), null);
      assert.equal(texts.length, prepared, 'answered from what the transaction holds');
      await call(tx, name);
      const after = texts.length;
      await tx.messaging.messageByClientId('u1', 'k1');
      await tx.messaging.member('c1', 'u1');
      assert.equal(texts.length, after + 2, `${name} must forget() what the transaction holds`);
    });
  }

  it('lists only methods that exist', () => {
    for (const name of Object.keys(runsWithoutSending)) assert.ok(methods.includes(name as Name), name);
    for (const name of leavesMessagesAndMembersAlone) assert.ok(methods.includes(name), name);
  });
});
