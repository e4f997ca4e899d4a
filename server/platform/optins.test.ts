import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationsResponse, MessagesResponse, PageResponse } from '../../protocol/api.ts';
import type { OptinResponse, OptinsResponse, PageConsentResponse } from '../../protocol/optins.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import {
  connectedApp,
  fastWebhooks,
  graphCall,
  type SigningBot,
  say,
  webhookTestEnv,
} from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { startWebhookBot } from '../../test/helpers/webhook-bot.ts';
import { STANDARD_WINDOW_MS } from './window.ts';

const SHOP = 'https://shop.example';
let refs = 0;
const freshRef = () => `order-${process.pid}-${++refs}.x_y`;

/**
 * Opt-in at checkout end to end on a real server: the opt-in recorded once per user_ref and told to the
 * page's apps as Messenger's checkbox `messaging_optins` (no sender), sends to `recipient {user_ref}` that open
 * the thread, and the person's control — unticking, stopping updates, blocking — each refused as Messenger
 * refuses; every bad input a clear error with nothing stored.
 */
for (const backend of backends) {
  describe(`opt-in at checkout (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let clock = Date.now();
    let owner: Person;
    let pageId: string;
    let otherPageId: string;
    let app: { appId: string; token: string };
    let otherApp: { appId: string; token: string };
    let bot: SigningBot;
    let quietBot: SigningBot;
    let otherBot: SigningBot;

    const page = async (name: string) => {
      const r = await owner.http.post<PageResponse>('/api/pages', {
        name,
        username: `optin${process.pid % 10000}x${++refs}`,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.page.id;
    };
    const whitelist = async (token: string, domains: string[]) => {
      const r = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', token, {
        whitelisted_domains: domains,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    const optIn = (p: Person, body: Record<string, unknown>) =>
      p.http.post<OptinResponse & { error?: { id: string } }>('/api/optins', {
        how: 'checkbox',
        origin: SHOP,
        ...body,
      });
    const sendTo = (token: string, recipient: unknown, text: string, extra: Record<string, unknown> = {}) =>
      graphCall(s.url, 'POST', '/v19.0/me/messages', token, { recipient, message: { text }, ...extra });
    const threadWith = async (p: Person, pid: string) => {
      const list = await p.http.get<ConversationsResponse>('/api/conversations');
      return list.body.conversations.find((c) => c.members.some((m) => m.user.id === pid)) ?? null;
    };
    const optinRows = async (pid: string, userRef: string) => s.comptoir.storage.reader.optins.optin(pid, userRef);

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, webhookTestEnv, { webhooks: fastWebhooks, graphClock: () => clock });
      [bot, quietBot, otherBot] = (await Promise.all([1, 2, 3].map(() => startWebhookBot()))) as [
        SigningBot,
        SigningBot,
        SigningBot,
      ];
      owner = await signUp(s.url);
      pageId = await page('Épicerie fine');
      otherPageId = await page('Quincaillerie');
      app = await connectedApp(owner, pageId, bot, ['messages', 'messaging_optins']);
      await connectedApp(owner, pageId, quietBot, ['messages', 'standby'], 'Quiet');
      otherApp = await connectedApp(owner, otherPageId, otherBot, ['messaging_optins']);
      await whitelist(app.token, [SHOP, 'http://localhost:8080']);
      await whitelist(otherApp.token, [SHOP]);
    });
    after(async () => {
      if (skip) return;
      await s.close();
      await Promise.all([bot, quietBot, otherBot].map((b) => b.close()));
    });

    it('records an opt-in once per user_ref and sends messaging_optins exactly as Messenger, with no sender', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      const first = await optIn(ana, { pageId, userRef, ref: 'cart-42' });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.optin.userRef, userRef);
      assert.equal(first.body.optin.ref, 'cart-42');
      assert.equal(first.body.optin.how, 'checkbox');
      assert.equal(first.body.optin.page.id, pageId);
      const again = await optIn(ana, { pageId, userRef, ref: 'cart-42' });
      assert.equal(again.status, 200, 'the same person again: the opt-in they made');

      const [event] = await bot.waitForEvents(1);
      assert.ok(event);
      const { timestamp, ...rest } = event;
      assert.equal(typeof timestamp, 'number');
      assert.deepEqual(rest, { recipient: { id: pageId }, optin: { ref: 'cart-42', user_ref: userRef } });
      assert.equal('sender' in event, false, 'no sender: the page does not know the person yet');
      const d = bot.deliveries[0];
      assert.ok(d?.signed);
      assert.deepEqual(Object.keys(d.body.entry[0] ?? {}), ['id', 'time', 'messaging']);
      // Only apps subscribed to messaging_optins: the quiet one (messages, standby) gets nothing.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(bot.events().length, 1, 'once, though asked twice');
      assert.equal(quietBot.events().length, 0);
      const rows = await optinRows(pageId, userRef);
      assert.equal(rows?.userId, ana.user.id);
      assert.equal(rows?.how, 'checkbox');

      // Without a ref, the optin carries the user_ref alone.
      const bare = freshRef();
      assert.equal((await optIn(ana, { pageId, userRef: bare })).status, 201);
      const events = await bot.waitForEvents(2);
      assert.deepEqual(events[1]?.optin, { user_ref: bare });
    });

    it('a user_ref reused on another page is another opt-in; another person cannot take nor revoke yours', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const ben = await signUp(s.url);
      const userRef = freshRef();
      assert.equal((await optIn(ana, { pageId, userRef })).status, 201);
      const elsewhere = await optIn(ben, { pageId: otherPageId, userRef });
      assert.equal(elsewhere.status, 201, 'independent per page');
      assert.equal((await optinRows(otherPageId, userRef))?.userId, ben.user.id);
      assert.equal((await optinRows(pageId, userRef))?.userId, ana.user.id);

      const taken = await optIn(ben, { pageId, userRef });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error?.id, 'user_ref_taken');
      const revoke = await ben.http.post<{ error?: { id: string } }>('/api/optins/revoke', { pageId, userRef });
      assert.equal(revoke.status, 404);
      assert.equal(revoke.body.error?.id, 'optin_not_found');
      assert.equal((await optinRows(pageId, userRef))?.revokedAt, null, 'still active');
      const mine = await ana.http.get<OptinsResponse>('/api/optins');
      assert.deepEqual(
        mine.body.optins.map((o) => [o.page.id, o.userRef]),
        [[pageId, userRef]],
      );
      const bens = await ben.http.get<OptinsResponse>('/api/optins');
      assert.deepEqual(
        bens.body.optins.map((o) => [o.page.id, o.userRef]),
        [[otherPageId, userRef]],
      );
    });

    it('refuses an origin or return_to the page did not whitelist, and a page without any', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      for (const origin of ['https://evil.example', 'http://shop.example', 'https://shop.example:8443', 'nonsense']) {
        const r = await optIn(ana, { pageId, userRef, origin });
        assert.equal(r.status, 403, origin);
        assert.equal(r.body.error?.id, 'origin_not_allowed');
      }
      const back = await ana.http.post<{ error?: { id: string } }>('/api/optins', {
        pageId,
        userRef,
        how: 'link',
        returnTo: 'https://evil.example/checkout?x=1',
      });
      assert.equal(back.body.error?.id, 'origin_not_allowed');
      const check = await ana.http.get<{ error?: { id: string } }>(
        `/api/optins/check?page_id=${pageId}&user_ref=${userRef}&return_to=${encodeURIComponent('javascript:alert(1)')}`,
      );
      assert.equal(check.body.error?.id, 'origin_not_allowed');
      const bare = await page('Sans domaines');
      const none = await optIn(ana, { pageId: bare, userRef });
      assert.equal(none.body.error?.id, 'origin_not_allowed');
      assert.equal(await optinRows(pageId, userRef), null, 'nothing stored');

      // The link flow with a whitelisted return_to: back there with the reference.
      const ok = await ana.http.post<OptinResponse>('/api/optins', {
        pageId,
        userRef,
        how: 'link',
        returnTo: `${SHOP}/thanks?order=7`,
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.returnTo, `${SHOP}/thanks?order=7&comptoir_optin=${userRef}`);
      assert.equal(ok.body.optin.how, 'link');
    });

    it('names each bad input: the user_ref, the ref, the page; nothing is stored', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      for (const userRef of ['', 'a'.repeat(251), 'has space', 'slash/no', 'é']) {
        const r = await optIn(ana, { pageId, userRef });
        assert.equal(r.status, 400, userRef);
        assert.equal(r.body.error?.id, 'invalid_user_ref', userRef);
      }
      assert.equal((await optIn(ana, { pageId, userRef: 'a'.repeat(250) })).status, 201, '250 is the limit');
      for (const ref of ['x'.repeat(251), 'no space', '<script>']) {
        const r = await optIn(ana, { pageId, userRef: freshRef(), ref });
        assert.equal(r.body.error?.id, 'invalid_ref', ref);
      }
      const unknown = await optIn(ana, { pageId: '01ZZZZZZZZZZZZZZZZZZZZZZZZ', userRef: freshRef() });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error?.id, 'page_not_found');
      const both = await ana.http.post<{ error?: { id: string } }>('/api/optins', {
        pageId,
        userRef: freshRef(),
        how: 'checkbox',
        origin: SHOP,
        returnTo: SHOP,
      });
      assert.equal(both.body.error?.id, 'bad_request');
      const list = await ana.http.get<OptinsResponse>('/api/optins');
      assert.equal(list.body.optins.length, 1, 'only the valid one');
    });

    it('a send to the user_ref opens the thread; one message until the person answers; no recipient_id', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      assert.equal((await optIn(ana, { pageId, userRef })).status, 201);
      assert.equal(await threadWith(ana, pageId), null, 'no thread before the first message');

      const sent = await sendTo(app.token, { user_ref: userRef }, 'Commande 42 confirmée');
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.match(String(sent.body.message_id), /^m_/);
      assert.equal('recipient_id' in sent.body, false, 'Messenger leaves it out for a user_ref');
      const thread = await threadWith(ana, pageId);
      assert.ok(thread, 'the first message made the thread');
      const history = await ana.http.get<MessagesResponse>(`/api/conversations/${thread.id}/messages`);
      assert.deepEqual(
        history.body.messages.map((m) => [m.senderId, m.text]),
        [[pageId, 'Commande 42 confirmée']],
      );
      const psid = await s.comptoir.storage.reader.pages.psidOf(pageId, ana.user.id);
      assert.ok(psid, 'and the page-scoped id');

      const second = await sendTo(app.token, { user_ref: userRef }, 'Encore');
      assert.equal(second.status, 400);
      assert.equal(second.body.error?.code, 10);
      assert.equal(second.body.error?.error_subcode, 2018278);
      // The PSID works within the window the opt-in opened.
      const byPsid = await sendTo(app.token, { id: psid }, 'Expédiée bientôt');
      assert.equal(byPsid.status, 200, JSON.stringify(byPsid.body));
      assert.equal(byPsid.body.recipient_id, psid);

      assert.equal((await say(ana, thread.id, 'Merci !')).status, 201);
      const after = await sendTo(app.token, { user_ref: userRef }, 'Avec plaisir');
      assert.equal(after.status, 200, `once the person answered: ${JSON.stringify(after.body)}`);
      const again = await threadWith(ana, pageId);
      assert.equal(again?.id, thread.id, 'the same thread');
    });

    it('a receipt to a user_ref: the order’s card in the new thread, no recipient_id either', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      await optIn(ana, { pageId, userRef });
      const r = await graphCall(s.url, 'POST', '/v19.0/me/messages', app.token, {
        recipient: { user_ref: userRef },
        messaging_type: 'MESSAGE_TAG',
        tag: 'POST_PURCHASE_UPDATE',
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'receipt',
              recipient_name: 'Ana',
              order_number: `CMD-${refs}`,
              currency: 'EUR',
              payment_method: 'Visa 1234',
              elements: [{ title: 'Comté', price: 8.5, quantity: 1 }],
              summary: { total_cost: 8.5 },
            },
          },
        },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.match(String(r.body.message_id), /^m_/);
      assert.equal('recipient_id' in r.body, false);
      assert.ok(await threadWith(ana, pageId), 'the receipt opened the thread');
    });

    it('two sends at once to a new user_ref: exactly one is first', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      await optIn(ana, { pageId, userRef });
      const both = await Promise.all([1, 2].map((n) => sendTo(app.token, { user_ref: userRef }, `n${n}`)));
      assert.deepEqual(both.map((r) => r.status).sort(), [200, 400]);
    });

    it('unknown or unticked user_ref: 100/2018001; stopped updates or a block: 551/1545041', async (t) => {
      if (skip) return t.skip(skip);
      const unknown = await sendTo(app.token, { user_ref: 'never-made' }, 'Bonjour');
      assert.equal(unknown.body.error?.code, 100);
      assert.equal(unknown.body.error?.error_subcode, 2018001);
      const otherPages = await sendTo(app.token, { user_ref: 'bad ref!' }, 'Bonjour');
      assert.equal(otherPages.body.error?.error_subcode, 2018001);

      const ana = await signUp(s.url);
      const unticked = freshRef();
      await optIn(ana, { pageId, userRef: unticked });
      const revoked = await ana.http.post('/api/optins/revoke', { pageId, userRef: unticked });
      assert.equal(revoked.status, 204);
      const r1 = await sendTo(app.token, { user_ref: unticked }, 'Bonjour');
      assert.equal(r1.body.error?.error_subcode, 2018001, 'unticked: as if never given');
      // Ticked again in the same checkout: active again.
      assert.equal((await optIn(ana, { pageId, userRef: unticked })).status, 201);

      const stopped = freshRef();
      await optIn(ana, { pageId, userRef: stopped });
      const stop = await ana.http.post<PageConsentResponse>(`/api/pages/${pageId}/consent`, { updates: 'stopped' });
      assert.equal(stop.status, 200, JSON.stringify(stop.body));
      assert.deepEqual(
        { ...stop.body.consent, page: stop.body.consent.page.id },
        { page: pageId, optedIn: false, updatesStopped: true, blocked: false },
      );
      for (const ref of [stopped, unticked]) {
        const r = await sendTo(app.token, { user_ref: ref }, 'Promo');
        assert.equal(r.body.error?.code, 551, ref);
        assert.equal(r.body.error?.error_subcode, 1545041);
      }
    });

    it('stopped updates: the page may only answer what the person writes afterwards', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      await optIn(ana, { pageId, userRef });
      assert.equal((await sendTo(app.token, { user_ref: userRef }, 'Reçu')).status, 200);
      const psid = (await s.comptoir.storage.reader.pages.psidOf(pageId, ana.user.id)) as string;
      await ana.http.post(`/api/pages/${pageId}/consent`, { updates: 'stopped' });
      const tagged = await sendTo(app.token, { id: psid }, 'Expédiée', {
        messaging_type: 'MESSAGE_TAG',
        tag: 'POST_PURCHASE_UPDATE',
      });
      assert.equal(tagged.body.error?.code, 551);
      const thread = await threadWith(ana, pageId);
      assert.ok(thread);
      assert.equal((await say(ana, thread.id, 'Une question')).status, 201);
      const answer = await sendTo(app.token, { id: psid }, 'Oui ?');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      // Opting in again (a new checkout) lifts the stop.
      assert.equal((await optIn(ana, { pageId, userRef: freshRef() })).status, 201);
      const consent = await ana.http.get<PageConsentResponse>(`/api/pages/${pageId}/consent`);
      assert.equal(consent.body.consent.updatesStopped, false);
      assert.equal(consent.body.consent.optedIn, true);
    });

    it('a blocked page can send nothing, by the Send API or its inbox; unblocked, it answers when the person writes', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      await optIn(ana, { pageId, userRef });
      assert.equal((await sendTo(app.token, { user_ref: userRef }, 'Reçu')).status, 200);
      const psid = (await s.comptoir.storage.reader.pages.psidOf(pageId, ana.user.id)) as string;
      const thread = await threadWith(ana, pageId);
      assert.ok(thread);
      assert.equal((await say(ana, thread.id, 'Bonjour')).status, 201);

      // Someone else cannot block the page for ana (their own standing only).
      const ben = await signUp(s.url);
      await ben.http.post(`/api/pages/${pageId}/consent`, { blocked: true });
      assert.equal((await sendTo(app.token, { id: psid }, 'Toujours là')).status, 200);

      const block = await ana.http.post<PageConsentResponse>(`/api/pages/${pageId}/consent`, { blocked: true });
      assert.equal(block.body.consent.blocked, true);
      const r = await sendTo(app.token, { id: psid }, 'Encore moi');
      assert.equal(r.body.error?.code, 551);
      assert.equal(r.body.error?.error_subcode, 1545041);
      const inbox = await owner.http.post<{ error?: { id: string } }>(
        `/api/pages/${pageId}/conversations/${thread.id}/messages`,
        {
          clientId: `inbox-${process.pid}-${++refs}`,
          text: 'Depuis la boîte de réception',
        },
      );
      assert.equal(inbox.status, 403);
      assert.equal(inbox.body.error?.id, 'page_blocked');
      const reOpt = await optIn(ana, { pageId, userRef: freshRef() });
      assert.equal(reOpt.body.error?.id, 'page_blocked', 'unblock first');
      const list = await ana.http.get<OptinsResponse>('/api/optins');
      assert.deepEqual(
        list.body.pages.map((p) => [p.page.id, p.blocked, p.updatesStopped]),
        [[pageId, true, true]],
      );

      const unblock = await ana.http.post<PageConsentResponse>(`/api/pages/${pageId}/consent`, { blocked: false });
      assert.equal(unblock.body.consent.blocked, false);
      assert.equal(unblock.body.consent.updatesStopped, true, 'the updates stay stopped');
      assert.equal((await sendTo(app.token, { id: psid }, 'Revenu')).body.error?.code, 551);
      assert.equal((await say(ana, thread.id, 'Re')).status, 201);
      assert.equal((await sendTo(app.token, { id: psid }, 'Bonjour à nouveau')).status, 200);
    });

    it('the opt-in is consent: POST_PURCHASE_UPDATE after 24 hours though the person never wrote; nothing else', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      await optIn(ana, { pageId, userRef });
      const start = clock;
      try {
        clock = Date.now() + STANDARD_WINDOW_MS + 60_000;
        const plain = await sendTo(app.token, { user_ref: userRef }, 'Bonjour');
        assert.equal(plain.body.error?.code, 10);
        assert.equal(plain.body.error?.error_subcode, 2018278);
        const other = await sendTo(app.token, { user_ref: userRef }, 'Compte', {
          messaging_type: 'MESSAGE_TAG',
          tag: 'ACCOUNT_UPDATE',
        });
        assert.equal(other.body.error?.code, 10, 'the opt-in is for order updates');
        const update = await sendTo(app.token, { user_ref: userRef }, 'Votre colis est parti', {
          messaging_type: 'MESSAGE_TAG',
          tag: 'POST_PURCHASE_UPDATE',
        });
        assert.equal(update.status, 200, JSON.stringify(update.body));
      } finally {
        clock = start;
      }
    });

    it('sender actions go to a PSID, not a user_ref', async (t) => {
      if (skip) return t.skip(skip);
      const ana = await signUp(s.url);
      const userRef = freshRef();
      await optIn(ana, { pageId, userRef });
      const r = await graphCall(s.url, 'POST', '/v19.0/me/messages', app.token, {
        recipient: { user_ref: userRef },
        sender_action: 'typing_on',
      });
      assert.equal(r.body.error?.code, 100);
      assert.match(String(r.body.error?.message), /sender_action/);
      assert.equal((await optinRows(pageId, userRef))?.firstSentAt, null, 'the one message is still to come');
    });

    it('serves the plugin: a small cacheable script, and a frame only the whitelisted origin may frame', async (t) => {
      if (skip) return t.skip(skip);
      const js = await fetch(`${s.url}/plugins/checkbox.js`);
      assert.equal(js.status, 200);
      assert.match(String(js.headers.get('content-type')), /^text\/javascript/);
      assert.match(String(js.headers.get('cache-control')), /max-age=3600/);
      const text = await js.text();
      assert.ok(text.length < 4096, `small: ${text.length} bytes`);
      assert.match(text, /comptoir-checkbox/);

      const userRef = freshRef();
      const q = new URLSearchParams({ page_id: pageId, user_ref: userRef, origin: SHOP, ref: 'r1' });
      const frame = await fetch(`${s.url}/plugins/checkbox?${q}`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
      assert.equal(frame.status, 200);
      const csp = String(frame.headers.get('content-security-policy'));
      assert.match(csp, /frame-ancestors https:\/\/shop\.example(;|$)/);
      assert.equal(frame.headers.get('x-frame-options'), null);
      const html = await frame.text();
      assert.match(html, /Suivre ma commande sur Comptoir/, 'signed out: the link, in French');
      assert.match(html, /href="\/optin\?page_id=/);

      const ana = await signUp(s.url);
      const signedIn = await ana.http.request<string>('GET', `/plugins/checkbox?${q}`);
      assert.match(signedIn.body, /Send my order updates to Comptoir/);
      assert.match(signedIn.body, /type="checkbox" id="box">/, 'not ticked yet');

      const evil = new URLSearchParams({ page_id: pageId, user_ref: userRef, origin: 'https://evil.example' });
      const refused = await fetch(`${s.url}/plugins/checkbox?${evil}`);
      assert.equal(refused.status, 403);
      assert.match(String(refused.headers.get('content-security-policy')), /frame-ancestors 'none'/);
      const bad = await fetch(`${s.url}/plugins/checkbox?page_id=${pageId}&user_ref=x%20y&origin=${SHOP}`);
      assert.equal(bad.status, 400);
      // Ticked by ana, the same user_ref shows ben no box.
      assert.equal((await optIn(ana, { pageId, userRef })).status, 201);
      const ticked = await ana.http.request<string>('GET', `/plugins/checkbox?${q}`);
      assert.match(ticked.body, /type="checkbox" id="box" checked>/, 'ticked for her');
      const ben = await signUp(s.url);
      const taken = await ben.http.request<string>('GET', `/plugins/checkbox?${q}`);
      assert.equal(taken.status, 409);
      assert.doesNotMatch(taken.body, /type="checkbox"/);
    });
  });
}
