import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ConversationsResponse,
  DeliveriesResponse,
  MessageResponse,
  PageConversationResponse,
} from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import {
  connectedApp,
  fastWebhooks,
  graphCall,
  graphSend,
  type PageWithCustomer,
  pageWithCustomer,
  type SigningBot,
  say,
  webhookTestEnv,
} from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { type Event, startWebhookBot } from '../../test/helpers/webhook-bot.ts';
import type { ReferralEvent } from './referrals.ts';
import { STANDARD_WINDOW_MS } from './window.ts';

type Bot = SigningBot;
const env = webhookTestEnv;
const webhooks = fastWebhooks;

let clientIds = 0;
const clientId = () => `referral-${process.pid}-${++clientIds}`;
const tapGetStarted = (p: Person, conversationId: string) =>
  p.http.post<MessageResponse>(`/api/conversations/${conversationId}/messages`, {
    clientId: clientId(),
    text: 'Get Started',
    postback: { payload: 'GET_STARTED' },
  });
const open = (p: Person, pageId: string, body: unknown = {}) =>
  p.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`, body);
const referral = (ref: string) => ({ ref, source: 'SHORTLINK', type: 'OPEN_THREAD' });

/**
 * Short links (`/m/<username>?ref=…`, Messenger's m.me links) end to end: a real server, real bot
 * endpoints on 127.0.0.1, the ref in a `referral` event for a thread that exists, in the Get Started
 * postback of a new one, to the apps that subscribed to it only, and refused when malformed or forged.
 */
for (const backend of backends) {
  describe(`short links and referrals (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let clock = Date.now();
    /** A page without Get Started, its customer, and two apps: the owner of its threads, and one that stands by. */
    let f: PageWithCustomer;
    let shop: { appId: string; token: string };
    let shopBot: Bot;
    let deskBot: Bot;
    /** A page whose one app (the owner of its threads) does not subscribe to messaging_referrals. */
    let q: PageWithCustomer;
    let quietBot: Bot;
    let quietApp: string;
    /** A page with a Get Started button and one app. */
    let g: PageWithCustomer;
    let gBot: Bot;
    const bots = () => [shopBot, quietBot, deskBot, gBot];

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, env, { webhooks, graphClock: () => clock });
      [shopBot, quietBot, deskBot, gBot] = (await Promise.all([1, 2, 3, 4].map(() => startWebhookBot()))) as [
        Bot,
        Bot,
        Bot,
        Bot,
      ];
      f = await pageWithCustomer(s);
      // Connected first: the primary receiver, the owner of every thread.
      shop = await connectedApp(f.owner, f.pageId, shopBot, ['messages', 'messaging_postbacks', 'messaging_referrals']);
      await connectedApp(f.owner, f.pageId, deskBot, ['standby'], 'Desk');
      q = await pageWithCustomer(s);
      quietApp = (
        await connectedApp(q.owner, q.pageId, quietBot, ['messages', 'messaging_postbacks', 'standby'], 'Quiet')
      ).appId;
      g = await pageWithCustomer(s);
      const gApp = await connectedApp(g.owner, g.pageId, gBot, [
        'messages',
        'messaging_postbacks',
        'messaging_referrals',
      ]);
      const set = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', gApp.token, {
        get_started: { payload: 'GET_STARTED' },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
    });
    after(async () => {
      if (skip) return;
      await s.close();
      await Promise.all(bots().map((b) => b.close()));
    });

    const fresh = () => {
      for (const b of bots()) b.deliveries.length = 0;
    };
    const psidOf = async (pageId: string, p: Person) =>
      (await s.comptoir.storage.reader.pages.psidOf(pageId, p.user.id)) as string;
    const pendingRef = async (pageId: string, p: Person) =>
      (await s.comptoir.storage.reader.pages.pendingRefBetween(pageId, p.user.id))?.ref ?? null;
    /** The `platform.referral` events of the log after `from`. */
    const referralsAfter = async (from: number) =>
      (await s.comptoir.storage.reader.events.eventsAfter(from, 1000, await s.comptoir.feed.head()))
        .filter((e) => e.type === 'platform.referral')
        .map((e) => ({ scope: e.scope, event: JSON.parse(e.payload) as ReferralEvent }));
    /** What the bot received after its first `skip` events: each event's fields but the timestamp. */
    const received = async (bot: Bot, n: number) =>
      (await bot.waitForEvents(n)).map(({ timestamp, ...rest }: Event) => {
        assert.equal(typeof timestamp, 'number');
        return rest;
      });

    it('a person who has the thread already: a referral to the owner, under standby to who stands by, none to the others', async (t) => {
      if (skip) return t.skip(skip);
      assert.equal((await say(f.customer, f.conversationId, 'Bonjour')).status, 201);
      await shopBot.waitForEvents(1);
      await deskBot.waitForEvents(1);
      fresh();
      const start = await s.comptoir.feed.head();
      // Every character Messenger takes in a ref.
      const ref = 'summer-sale.2025:fr_FR+x/y=';
      const opened = await open(f.customer, f.pageId, { ref });
      assert.equal(opened.status, 200, JSON.stringify(opened.body));
      assert.equal(opened.body.created, false);
      assert.equal(opened.body.conversation.id, f.conversationId, 'the same thread');

      const person = { id: f.psid };
      const page = { id: f.pageId };
      assert.deepEqual(await received(shopBot, 1), [{ sender: person, recipient: page, referral: referral(ref) }]);
      const [event] = await shopBot.waitForEvents(1);
      const d = shopBot.deliveries[0];
      assert.ok(d?.signed);
      assert.equal(d.body.entry[0]?.messaging?.length, 1, 'the owner gets it under messaging');
      assert.ok(!d.raw.toString().includes(f.customer.user.id), 'never the account id');
      assert.ok(Math.abs((event?.timestamp ?? 0) - Date.now()) < 60_000);

      // The app that stands by gets the same event under `standby`.
      await deskBot.waitForEvents(1);
      assert.equal(deskBot.deliveries[0]?.body.entry[0]?.standby?.length, 1);
      assert.deepEqual(deskBot.deliveries[0]?.body.entry[0]?.standby?.[0], event);

      await shopBot.waitForEvents(1);

      // In the log: a platform event in the page's scope, with the person's account id (the planner makes it their PSID).
      const logged = await referralsAfter(start);
      assert.equal(logged.length, 1);
      assert.equal(logged[0]?.scope, `page:${f.pageId}`);
      const { at, ...rest } = (logged[0] as { event: ReferralEvent }).event;
      assert.equal(typeof at, 'number');
      assert.deepEqual(rest, {
        type: 'platform.referral',
        pageId: f.pageId,
        userId: f.customer.user.id,
        conversationId: f.conversationId,
        ref,
        source: 'SHORTLINK',
      });
      // Nobody's feed shows it.
      const feed = await f.customer.http.get<{ events: { event: { type: string } }[] }>(`/api/events?after=${start}`);
      assert.ok(feed.body.events.every((e) => !e.event.type.startsWith('platform.')));
    });

    it('an app that did not subscribe to messaging_referrals receives none (nor under standby)', async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      assert.equal((await open(q.customer, q.pageId, { ref: 'unseen' })).status, 200);
      const after = await say(q.customer, q.conversationId, 'Je viens du lien');
      assert.equal(after.status, 201);
      const [next] = await quietBot.waitForEvents(1);
      assert.deepEqual(next?.message, { mid: `m_${after.body.message.id}`, text: 'Je viens du lien' });
      assert.equal(quietBot.events().length, 1, 'its next event is the next message');
      assert.equal(quietBot.deliveries.flatMap((d) => d.ids).length, 1);
      const log = await q.owner.http.get<DeliveriesResponse>(`/api/apps/${quietApp}/deliveries`);
      assert.deepEqual(
        log.body.deliveries.map((d) => d.field),
        ['messages'],
        'its delivery log has no referral either',
      );
    });

    it('without a Get Started button, a new thread gets its referral at once, which opens the messaging window', async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      const ana = await signUp(s.url);
      const plain = await open(ana, f.pageId);
      assert.equal(plain.status, 201);
      const psid = await psidOf(f.pageId, ana);
      const send = () =>
        graphSend(s, shop.token, {
          recipient: { id: psid },
          messaging_type: 'RESPONSE',
          message: { text: 'Bienvenue' },
        });
      assert.equal((await send()).body.error?.code, 10, 'never wrote: outside the window');

      const again = await open(ana, f.pageId, { ref: 'flyer' });
      assert.equal(again.status, 200);
      assert.deepEqual(await received(shopBot, 1), [
        { sender: { id: psid }, recipient: { id: f.pageId }, referral: referral('flyer') },
      ]);
      assert.equal((await send()).status, 200, 'a referral opens the window, as on Messenger');
      clock = Date.now() + STANDARD_WINDOW_MS + 60_000;
      try {
        assert.equal((await send()).body.error?.code, 10, 'for 24 hours');
      } finally {
        clock = Date.now();
      }
    });

    it('a new thread on a page with Get Started: the ref waits, and the Get Started postback carries it', async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      const ben = await signUp(s.url);
      const start = await s.comptoir.feed.head();
      const opened = await open(ben, g.pageId, { ref: 'ad-7' });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      const conversationId = opened.body.conversation.id;
      assert.equal(await pendingRef(g.pageId, ben), 'ad-7');
      // A later link, the thread still empty: its ref replaces the first.
      assert.equal((await open(ben, g.pageId, { ref: 'ad-8' })).status, 200);
      assert.equal(await pendingRef(g.pageId, ben), 'ad-8');
      // A link without a ref leaves it.
      assert.equal((await open(ben, g.pageId)).status, 200);
      assert.equal(await pendingRef(g.pageId, ben), 'ad-8');
      assert.deepEqual(await referralsAfter(start), [], 'no referral event yet');

      const tap = await tapGetStarted(ben, conversationId);
      assert.equal(tap.status, 201, JSON.stringify(tap.body));
      assert.ok(!('referral' in tap.body.message), 'not shown to people');
      const psid = await psidOf(g.pageId, ben);
      assert.deepEqual(await received(gBot, 1), [
        {
          sender: { id: psid },
          recipient: { id: g.pageId },
          postback: {
            title: 'Get Started',
            payload: 'GET_STARTED',
            mid: `m_${tap.body.message.id}`,
            referral: referral('ad-8'),
          },
        },
      ]);
      assert.equal(await pendingRef(g.pageId, ben), null, 'taken');
      assert.deepEqual(await referralsAfter(start), [], 'carried by the postback, not a referral event');

      // Get Started again: a plain postback; a link now: a referral event (the thread has messages).
      const again = await tapGetStarted(ben, conversationId);
      assert.equal(again.status, 201);
      await gBot.waitForEvents(2);
      assert.ok(!('referral' in ((gBot.events()[1]?.postback ?? {}) as object)));
      assert.equal((await open(ben, g.pageId, { ref: 'back' })).status, 200);
      const events = await gBot.waitForEvents(3);
      assert.deepEqual(events[2]?.referral, referral('back'));
      assert.equal(await pendingRef(g.pageId, ben), null);
    });

    it('a first message other than Get Started takes the waiting ref as a referral, before itself', async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      const cat = await signUp(s.url);
      const opened = await open(cat, g.pageId, { ref: 'typed' });
      assert.equal(opened.status, 201);
      const sent = await say(cat, opened.body.conversation.id, 'Bonjour !');
      assert.equal(sent.status, 201);
      const psid = await psidOf(g.pageId, cat);
      assert.deepEqual(await received(gBot, 2), [
        { sender: { id: psid }, recipient: { id: g.pageId }, referral: referral('typed') },
        {
          sender: { id: psid },
          recipient: { id: g.pageId },
          message: { mid: `m_${sent.body.message.id}`, text: 'Bonjour !' },
        },
      ]);
      assert.equal(await pendingRef(g.pageId, cat), null);
      assert.equal(gBot.deliveries.flatMap((d) => d.ids).length, 2, 'each once');
    });

    it('a bad ref is refused (invalid_ref) and nothing is stored', async (t) => {
      if (skip) return t.skip(skip);
      const dan = await signUp(s.url);
      const head = await s.comptoir.feed.head();
      for (const ref of ['', 'a b', 'café', 'x'.repeat(251), 'a&b', 'a?b=c#d', '<script>', 'a\u0000b', '😀']) {
        for (const pageId of [f.pageId, g.pageId, 'no-such-page']) {
          const r = await open(dan, pageId, { ref });
          assert.equal(r.status, 400, `${JSON.stringify(ref)}: ${JSON.stringify(r.body)}`);
          assert.equal((r.body as unknown as { error: { id: string } }).error.id, 'invalid_ref', JSON.stringify(ref));
        }
      }
      for (const body of [{ ref: 123 }, { ref: null }, { ref: ['a'] }, { ref: 'ok', extra: 1 }]) {
        const r = await open(dan, f.pageId, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal((r.body as unknown as { error: { id: string } }).error.id, 'bad_request');
      }
      assert.equal(await s.comptoir.feed.head(), head, 'the log did not move');
      assert.equal(await psidOf(f.pageId, dan), null, 'the pages never met the person');
      assert.equal(await psidOf(g.pageId, dan), null);
      assert.deepEqual((await dan.http.get<ConversationsResponse>('/api/conversations')).body.conversations, []);
      // At the limit: 250 characters.
      assert.equal((await open(dan, g.pageId, { ref: 'x'.repeat(250) })).status, 201);
      assert.equal(await pendingRef(g.pageId, dan), 'x'.repeat(250));
    });

    it("a person cannot forge a referral for another person's thread", async (t) => {
      if (skip) return t.skip(skip);
      fresh();
      const eve = await signUp(s.url);
      const fay = await signUp(s.url);
      // The body names no one: the person is whoever is signed in.
      for (const body of [
        { ref: 'forged', userId: fay.user.id },
        { ref: 'forged', psid: f.psid },
        { ref: 'forged', pageId: f.pageId },
      ]) {
        const r = await open(eve, f.pageId, body);
        assert.equal(r.status, 400, JSON.stringify(body));
      }
      // Fay's ref waits with her thread; Eve's link and taps never take it, nor send it for her.
      const fays = await open(fay, g.pageId, { ref: 'fay-ref' });
      assert.equal(fays.status, 201);
      const eves = await open(eve, g.pageId, { ref: 'eve-ref' });
      assert.equal(eves.status, 201);
      assert.notEqual(eves.body.conversation.id, fays.body.conversation.id);
      assert.equal((await tapGetStarted(eve, eves.body.conversation.id)).status, 201);
      const [event] = await gBot.waitForEvents(1);
      assert.deepEqual(event?.sender, { id: await psidOf(g.pageId, eve) });
      assert.deepEqual((event?.postback as { referral?: unknown } | undefined)?.referral, referral('eve-ref'));
      assert.equal(await pendingRef(g.pageId, fay), 'fay-ref', "Fay's ref is still hers");
      // Eve cannot write in Fay's thread at all.
      const intrude = await tapGetStarted(eve, fays.body.conversation.id);
      assert.equal(intrude.status, 404);
      assert.equal(await pendingRef(g.pageId, fay), 'fay-ref');
      assert.equal(gBot.events().length, 1);
    });
  });
}
