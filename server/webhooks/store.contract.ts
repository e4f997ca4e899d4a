import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AppRecord } from '../apps/store.ts';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import type { DeliveryRecord } from './store.ts';

/** The webhooks store (deliveries, subscriptions) and the storage's leases. Run on both backends (contract.ts). */
export function webhooksContract(ctx: ContractContext) {
  const { write, user, addUsers, conversation, post } = fixtures(ctx);
  const uid = ctx.uid;
  const reader = () => ctx.storage().reader.webhooks;
  const app = (ownerId: string): AppRecord => ({
    id: uid('app'),
    ownerId,
    name: 'Bot',
    sealedSecret: 'v1.x',
    secretRotatedAt: null,
    createdAt: 1,
  });
  const delivery = (appId: string, eventPos: number, part = 0, over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
    id: uid('dl'),
    appId,
    eventPos,
    part,
    pageId: 'page1',
    field: 'messages',
    standby: false,
    body: JSON.stringify({ n: eventPos * 10 + part, text: 'Café ☕' }),
    state: 'pending',
    attempts: 0,
    createdAt: 1000,
    nextAttemptAt: 1000,
    lastAttemptAt: null,
    deliveredAt: null,
    lastStatus: null,
    lastError: null,
    latencyMs: null,
    responseSnippet: null,
    ...over,
  });
  const appWith = async (webhook: { verified?: boolean; disabled?: boolean } | null, pages: string[] = []) => {
    const owner = user();
    await addUsers(owner);
    const a = app(owner.id);
    await write(async (tx) => {
      await tx.apps.insertApp(a);
      for (const pageId of pages)
        await tx.apps.insertPageToken({
          id: uid('pt'),
          appId: a.id,
          pageId,
          tokenHash: uid('h'),
          createdAt: 5,
          revokedAt: null,
        });
      if (webhook)
        await tx.apps.upsertWebhook({
          appId: a.id,
          url: 'https://bot.example/hook',
          verifyToken: 't',
          fields: ['messages', 'message_reads'],
          verifiedAt: webhook.verified === false ? null : 10,
          disabledAt: webhook.disabled ? 20 : null,
          disabledReason: webhook.disabled ? 'failing' : null,
          updatedAt: 10,
        });
    });
    return a;
  };

  it('records deliveries once per (app, event, part), and serves them in order: pending first to last, the log newest first', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = await appWith(null);
    const b = await appWith(null);
    const rows = [delivery(a.id, 7, 1), delivery(a.id, 5), delivery(a.id, 7, 0), delivery(b.id, 6)];
    await write((tx) => tx.webhooks.insertDeliveries(rows));
    const again = delivery(a.id, 5, 0, { body: '"replanned"' });
    await write((tx) => tx.webhooks.insertDeliveries([again]));
    assert.deepEqual(
      (await reader().pendingOf(a.id, 10)).map((d) => [d.eventPos, d.part]),
      [
        [5, 0],
        [7, 0],
        [7, 1],
      ],
    );
    assert.deepEqual(await reader().deliveryById(a.id, rows[1]?.id as string), rows[1], 'kept as first recorded');
    assert.equal(await reader().deliveryById(a.id, again.id), null, 'the second planning recorded nothing');
    assert.equal(await reader().deliveryById(b.id, rows[0]?.id as string), null, "another app's is not found");
    assert.equal(await reader().deliveryById(a.id, 'nul\u0000'), null);
    assert.equal((await reader().pendingOf(a.id, 2)).length, 2);
    const newest = await reader().deliveriesOf(a.id, null, 2);
    assert.deepEqual(
      newest.map((d) => [d.eventPos, d.part]),
      [
        [7, 1],
        [7, 0],
      ],
    );
    assert.deepEqual(
      (await reader().deliveriesOf(a.id, { eventPos: 7, part: 0 }, 5)).map((d) => d.eventPos),
      [5],
    );
    await assert.rejects(
      write((tx) => tx.webhooks.insertDeliveries([delivery('no-such-app', 1)])),
      'the app must exist',
    );
  });

  it('records attempts: delivered, retried later, given up after the window; the apps with pending work; trims the finished', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = await appWith(null);
    const old = delivery(a.id, 1, 0, { createdAt: 100 });
    const recent = delivery(a.id, 2, 0, { createdAt: 5000 });
    const done = delivery(a.id, 3, 0, { createdAt: 100 });
    await write((tx) => tx.webhooks.insertDeliveries([old, recent, done]));
    const attempt = { at: 6000, status: 500, error: 'answered HTTP 500', latencyMs: 12, snippet: 'boom' };
    await write((tx) => tx.webhooks.markFailedAttempt([old.id, recent.id], attempt, 7000, 1000));
    await write((tx) =>
      tx.webhooks.markDelivered([done.id], { at: 6001, status: 200, error: null, latencyMs: 3, snippet: 'ok' }),
    );
    const got = async (id: string) => (await reader().deliveryById(a.id, id)) as DeliveryRecord;
    assert.deepEqual(
      { ...(await got(old.id)) },
      {
        ...old,
        state: 'failed',
        attempts: 1,
        lastAttemptAt: 6000,
        lastStatus: 500,
        lastError: 'answered HTTP 500',
        latencyMs: 12,
        responseSnippet: 'boom',
        nextAttemptAt: 7000,
      },
      'older than the window: given up',
    );
    assert.equal((await got(recent.id)).state, 'pending');
    assert.equal((await got(recent.id)).nextAttemptAt, 7000);
    const delivered = await got(done.id);
    assert.equal(delivered.state, 'delivered');
    assert.equal(delivered.deliveredAt, 6001);
    assert.equal(delivered.lastError, null);
    assert.deepEqual(
      (await reader().appsWithPending()).filter((p) => p.appId === a.id),
      [{ appId: a.id, nextAttemptAt: 7000 }],
    );
    // Finished and older than the cutoff: gone; pending stays whatever its age.
    let trimmed = 0;
    for (;;) {
      const n = await write((tx) => tx.webhooks.trimDeliveries(4000, 1));
      if (n === 0) break;
      trimmed += n;
    }
    assert.ok(trimmed >= 2);
    assert.equal(await reader().deliveryById(a.id, old.id), null);
    assert.equal(await reader().deliveryById(a.id, done.id), null);
    assert.ok(await reader().deliveryById(a.id, recent.id));
  });

  it('knows which apps receive a page’s events: connected, webhook verified and enabled', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const page = uid('page');
    const on = await appWith({}, [page, uid('page')]);
    await appWith({ verified: false }, [page]);
    await appWith({ disabled: true }, [page]);
    await appWith(null, [page]);
    assert.deepEqual(await reader().subscriptionsOf([page, 'elsewhere']), [
      { appId: on.id, pageId: page, fields: ['messages', 'message_reads'] },
    ]);
    assert.deepEqual(await reader().subscriptionsOf([]), []);
    assert.equal(await reader().anySubscription(), true);
    assert.equal((await reader().connectedPages(on.id))[0], page);
    await write((tx) => tx.apps.revokePageTokens(on.id, page, 99));
    assert.deepEqual(await reader().subscriptionsOf([page]), [], 'a revoked token receives nothing');

    const b = await appWith({}, [page]);
    assert.equal(await reader().failingSince(b.id), null);
    await write((tx) => tx.webhooks.setFailingSince(b.id, 500));
    await write((tx) => tx.webhooks.setFailingSince(b.id, 900));
    assert.equal(await reader().failingSince(b.id), 500, 'kept from the first failure');
    await write((tx) => tx.webhooks.setFailingSince(b.id, null));
    assert.equal(await reader().failingSince(b.id), null);
    assert.equal(await write((tx) => tx.webhooks.disableWebhook(b.id, 1000, 'why')), 1);
    assert.equal(await write((tx) => tx.webhooks.disableWebhook(b.id, 2000, 'again')), 0, 'once');
    const w = await ctx.storage().reader.apps.webhookOf(b.id);
    assert.equal(w?.disabledAt, 1000);
    assert.equal(w?.disabledReason, 'why');
    assert.deepEqual(await reader().subscriptionsOf([page]), []);
  });

  it('reads the log for the planner: candidates without payloads, which conversations are a page’s, payloads by position', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [owner, person, friend] = [user(), user(), user()];
    const psid = uid('psid');
    const shop = user({ kind: 'page', displayName: 'Shop', passwordHash: '' });
    await addUsers(owner, person, friend, shop);
    await write(async (tx) => {
      await tx.pages.insertPage({ id: shop.id, description: '', createdBy: owner.id, createdAt: 50 });
      await tx.pages.insertPsid(shop.id, person.id, psid, 60);
    });
    const withPage = await conversation([person.id, shop.id], 'direct');
    const people = await conversation([person.id, friend.id], 'direct');
    const before = await ctx.storage().reader.events.headPosition();
    const toPage = await post(withPage, person.id, 1);
    const toFriend = await post(people, person.id, 1);
    const scoped = await write(async (tx) => {
      await tx.events.appendEvent({ conversationId: null, userId: person.id, type: 'x', payload: '{}', createdAt: 7 });
      await tx.events.appendEvent({
        conversationId: withPage,
        userId: null,
        type: 'typing',
        payload: '{}',
        createdAt: 7,
      });
      return tx.events.appendEvent({
        conversationId: null,
        userId: null,
        scope: `app:${uid('app')}`,
        type: 'platform.webhook_test',
        payload: '{"t":1}',
        createdAt: 8,
      });
    });
    const head = await ctx.storage().reader.events.headPosition();
    const candidates = await reader().candidateEvents(before, head, 10);
    assert.deepEqual(
      candidates.map((e) => [e.pos, e.type, e.conversationId, e.scope]),
      [
        [toPage.pos, 'message.created', withPage, null],
        [toFriend.pos, 'message.created', people, null],
        [scoped, 'platform.webhook_test', null, candidates[2]?.scope],
      ],
      'a conversation’s messages and what is scoped to an app, not a person’s own events nor other types',
    );
    assert.equal(candidates[0]?.createdAt, toPage.message.createdAt);
    assert.deepEqual(
      (await reader().candidateEvents(before, head, 1)).map((e) => e.pos),
      [toPage.pos],
      'at most the limit',
    );
    assert.deepEqual(
      (await reader().candidateEvents(toPage.pos, toFriend.pos, 10)).map((e) => e.pos),
      [toFriend.pos],
    );

    assert.deepEqual(await reader().pageConversations([withPage, people, 'nope']), [
      { conversationId: withPage, pageId: shop.id, personId: person.id, psid },
    ]);
    assert.deepEqual(await reader().pageConversations([]), []);
    const payloads = await reader().payloadsOf([toPage.pos, scoped, 99_999_999]);
    assert.deepEqual(
      [...payloads].sort((a, b) => a[0] - b[0]),
      [
        [toPage.pos, JSON.stringify({ seq: 1 })],
        [scoped, '{"t":1}'],
      ],
    );
  });

  it('leases a name to one owner at a time, renewed by its owner, free once released or expired', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const leases = ctx.storage().leases;
    const name = uid('lease');
    assert.equal(await leases.acquire(name, 'p1', 1000, 2000), true);
    assert.equal(await leases.acquire(name, 'p2', 1500, 2500), false, 'held by p1');
    assert.equal(await leases.acquire(name, 'p1', 1500, 3000), true, 'renewed by its owner');
    assert.equal(await leases.acquire(name, 'p2', 2500, 3500), false, 'renewed until 3000');
    assert.equal(await leases.acquire(name, 'p2', 3001, 4000), true, 'expired: taken over');
    await leases.release(name, 'p1');
    assert.equal(await leases.acquire(name, 'p3', 3100, 4100), false, 'only its holder releases it');
    await leases.release(name, 'p2');
    assert.equal(await leases.acquire(name, 'p3', 3100, 4100), true);
    const [x, y] = await Promise.all([leases.acquire(uid('race'), 'a', 1, 2), leases.acquire(uid('race'), 'b', 1, 2)]);
    assert.ok(x && y, 'different names are independent');
    const race = uid('race');
    const both = await Promise.all([leases.acquire(race, 'a', 1, 2), leases.acquire(race, 'b', 1, 2)]);
    assert.equal(both.filter(Boolean).length, 1, 'asked at once: one gets it');
  });
}
