import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { HandoverResponse, ThreadControlResponse } from '../../protocol/api.ts';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import {
  assertGraphError,
  connectApp,
  type GraphAnswer,
  graphCall,
  makeApp,
  makePage,
  writeToPage,
} from '../../test/helpers/graph.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { AppError } from '../errors.ts';
import type { HandoverEvent } from './handover.ts';

/**
 * The handover protocol through the Graph API, as bots call it, and through the page's inbox, as its people
 * use it: who owns a thread, who may pass and take it, who may answer it, and the `platform.handover`
 * events the webhook dispatcher reads.
 */
for (const backend of backends) {
  describe(`the handover protocol (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let agent: Person;
    let stranger: Person;
    let pageId: string;
    let otherPageId: string;
    /** Connected first: the primary receiver by default. */
    let shop: { id: string; secret: string; token: string };
    /** Connected second: a secondary receiver. */
    let desk: { id: string; secret: string; token: string };
    /** An app that exists but is connected to another page only. */
    let loner: { id: string; secret: string; token: string };
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000' });
      owner = await signUp(s.url);
      agent = await signUp(s.url);
      stranger = await signUp(s.url);
      pageId = await makePage(owner, 'Épicerie', `epi${process.pid}h`);
      otherPageId = await makePage(owner, 'Other', `oth${process.pid}h`);
      const added = await owner.http.post(`/api/pages/${pageId}/members`, {
        username: agent.user.username,
        role: 'agent',
      });
      assert.equal(added.status, 200);
      const a = await makeApp(owner, 'Shop bot');
      shop = { ...a, token: await connectApp(owner, a.id, pageId) };
      const b = await makeApp(owner, 'Helpdesk');
      desk = { ...b, token: await connectApp(owner, b.id, pageId) };
      const c = await makeApp(owner, 'Loner');
      loner = { ...c, token: await connectApp(owner, c.id, otherPageId) };
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const post = (
      edge: string,
      token: string,
      body: unknown,
      opts: { form?: boolean; proof?: string; path?: string } = {},
    ) =>
      graphCall(s.url, 'POST', opts.path ?? `/v6.0/me/${edge}`, {
        token,
        body,
        ...(opts.form ? { form: true } : {}),
        ...(opts.proof ? { proof: opts.proof } : {}),
      });
    const ownerOf = async (token: string, psid: string) => {
      const r = await graphCall<{ data: { thread_owner: { app_id: string } }[] }>(
        s.url,
        'GET',
        '/v6.0/me/thread_owner',
        {
          token,
          query: { recipient: psid },
        },
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.data[0]?.thread_owner.app_id;
    };
    const sendText = (token: string, psid: string, text: string) =>
      post('messages', token, { recipient: { id: psid }, message: { text } });
    const ok = (a: GraphAnswer) => {
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual(a.body, { success: true });
    };
    /** The `platform.handover` events after `from`, as the dispatcher reads the log. */
    const handovers = async (from: number) => {
      const all = await s.comptoir.storage.reader.events.eventsAfter(from, 1000, await s.comptoir.feed.head());
      return all
        .filter((e) => e.type === 'platform.handover')
        .map((e) => {
          assert.equal(e.scope, `page:${pageId}`, 'in the page’s scope');
          assert.equal(e.conversationId, null);
          assert.equal(e.userId, null);
          return JSON.parse(e.payload) as HandoverEvent;
        });
    };
    const strip = (events: HandoverEvent[]) =>
      events.map(({ at, ...rest }) => {
        assert.equal(typeof at, 'number');
        return rest;
      });

    it('gives every thread to the primary receiver (the app connected first); only the owner may send', async (t) => {
      if (skip) return t.skip(skip);
      const customer = await signUp(s.url);
      const { psid } = await writeToPage(s, customer, pageId);
      assert.equal(await ownerOf(shop.token, psid), shop.id);
      assert.equal(await ownerOf(desk.token, psid), shop.id, 'any app of the page may ask');
      for (const path of ['/me/thread_owner', `/${pageId}/thread_owner`, `/v19.0/${pageId}/thread_owner`]) {
        const r = await graphCall(s.url, 'GET', path, { token: shop.token, query: { recipient: psid } });
        assert.deepEqual(r.body, { data: [{ thread_owner: { app_id: shop.id } }] }, path);
      }
      assert.equal((await sendText(shop.token, psid, 'From the shop')).status, 200);
      assertGraphError(await sendText(desk.token, psid, 'From the desk'), 10, 2018300, /another app is controlling/);
      assertGraphError(
        await post('messages', desk.token, { recipient: { id: psid }, sender_action: 'typing_on' }),
        10,
        2018300,
      );
      const receivers = await graphCall<{ data: unknown[] }>(s.url, 'GET', '/v6.0/me/secondary_receivers', {
        token: shop.token,
        query: { fields: 'id,name' },
      });
      assert.equal(receivers.status, 200, JSON.stringify(receivers.body));
      assert.deepEqual(receivers.body.data, [
        { id: desk.id, name: 'Helpdesk' },
        { id: PAGE_INBOX_APP_ID, name: 'Page Inbox' },
      ]);
      const ids = await graphCall<{ data: unknown[] }>(s.url, 'GET', `/${pageId}/secondary_receivers`, {
        token: shop.token,
        query: { fields: 'id' },
      });
      assert.deepEqual(ids.body.data, [{ id: desk.id }, { id: PAGE_INBOX_APP_ID }]);
      assertGraphError(
        await graphCall(s.url, 'GET', '/v6.0/me/secondary_receivers', { token: desk.token }),
        200,
        undefined,
        /Primary Receiver/,
      );
      assertGraphError(
        await graphCall(s.url, 'GET', '/v6.0/me/secondary_receivers', {
          token: shop.token,
          query: { fields: 'id,secret' },
        }),
        100,
        undefined,
        /nonexisting field \(secret\)/,
      );
    });

    it('passes, takes and requests as Messenger does, each a platform.handover event of the page', async (t) => {
      if (skip) return t.skip(skip);
      const customer = await signUp(s.url);
      const { psid } = await writeToPage(s, customer, pageId);
      const start = await s.comptoir.feed.head();

      ok(
        await post('pass_thread_control', shop.token, {
          recipient: { id: psid },
          target_app_id: desk.id,
          metadata: 'refund',
        }),
      );
      assert.equal(await ownerOf(shop.token, psid), desk.id);
      assert.equal((await sendText(desk.token, psid, 'Helpdesk here')).status, 200, 'the new owner answers');
      assertGraphError(await sendText(shop.token, psid, 'Me too'), 10, 2018300);

      assertGraphError(
        await post('take_thread_control', desk.token, { recipient: { id: psid } }),
        200,
        undefined,
        /Primary/,
      );
      ok(await post('take_thread_control', shop.token, { recipient: { id: psid }, metadata: 'back to the bot' }));
      assert.equal(await ownerOf(desk.token, psid), shop.id);
      ok(await post('take_thread_control', shop.token, { recipient: { id: psid } })); // already its own: nothing changes
      ok(await post('request_thread_control', desk.token, { recipient: { id: psid }, metadata: 'may I?' }));
      assert.equal(await ownerOf(desk.token, psid), shop.id, 'a request changes nothing');

      const userId = customer.user.id;
      assert.deepEqual(strip(await handovers(start)), [
        {
          type: 'platform.handover',
          pageId,
          userId,
          action: 'pass',
          fromAppId: shop.id,
          toAppId: desk.id,
          metadata: 'refund',
        },
        {
          type: 'platform.handover',
          pageId,
          userId,
          action: 'take',
          fromAppId: desk.id,
          toAppId: shop.id,
          metadata: 'back to the bot',
        },
        {
          type: 'platform.handover',
          pageId,
          userId,
          action: 'request',
          fromAppId: desk.id,
          toAppId: shop.id,
          metadata: 'may I?',
        },
      ]);
    });

    it('refuses what the protocol does not allow, with Graph errors; nothing changes', async (t) => {
      if (skip) return t.skip(skip);
      const customer = await signUp(s.url);
      const { psid } = await writeToPage(s, customer, pageId);
      const other = await signUp(s.url);
      const elsewhere = await writeToPage(s, other, otherPageId);
      const start = await s.comptoir.feed.head();
      const pass = (token: string, target: unknown, recipient: unknown = { id: psid }) =>
        post('pass_thread_control', token, { recipient, target_app_id: target });

      assertGraphError(await pass(desk.token, shop.id), 200, undefined, /only the thread owner/);
      assertGraphError(await pass(shop.token, '01ZZZZZZZZZZZZZZZZZZZZZZZZ'), 100, undefined, /target_app_id.*no app/);
      assertGraphError(await pass(shop.token, loner.id), 100, undefined, /target_app_id.*not connected/);
      assertGraphError(await pass(shop.token, shop.id), 100, undefined, /target_app_id.*already controls/);
      assertGraphError(
        await post('request_thread_control', shop.token, { recipient: { id: psid } }),
        100,
        undefined,
        /recipient/,
      );
      ok(await pass(shop.token, desk.id));
      assertGraphError(
        await post('request_thread_control', shop.token, { recipient: { id: psid } }),
        200,
        undefined,
        /takes thread control/,
      );
      assertGraphError(
        await post('request_thread_control', desk.token, { recipient: { id: psid } }),
        100,
        undefined,
        /recipient/,
      );
      ok(await pass(desk.token, shop.id));

      // Bad bodies, each naming its field.
      assertGraphError(
        await post('pass_thread_control', shop.token, { target_app_id: desk.id }),
        100,
        undefined,
        /param recipient/,
      );
      assertGraphError(await pass(shop.token, undefined), 100, undefined, /param target_app_id: required/);
      assertGraphError(await pass(shop.token, { id: 1 }), 100, undefined, /param target_app_id/);
      assertGraphError(await pass(shop.token, desk.id, 'x'), 100, undefined, /param recipient/);
      assertGraphError(await pass(shop.token, desk.id, { id: [] }), 100, undefined, /param recipient\[id\]/);
      assertGraphError(
        await post('take_thread_control', shop.token, { recipient: { id: psid }, metadata: 'x'.repeat(1001) }),
        100,
        undefined,
        /param metadata/,
      );
      for (const raw of ['{', '[]', '"x"']) {
        const r = await graphCall(s.url, 'POST', '/v6.0/me/take_thread_control', {
          token: shop.token,
          raw: { contentType: 'application/json', body: raw },
        });
        assertGraphError(r, 100);
      }
      // Unknown people, another page's PSID, a page that is not the token's.
      assertGraphError(await pass(shop.token, desk.id, { id: '9999999999999999' }), 100, 2018001);
      assertGraphError(await pass(shop.token, desk.id, { id: elsewhere.psid }), 100, 2018001);
      assertGraphError(await pass(loner.token, desk.id, { id: psid }), 100, 2018001, /No matching user/);
      assertGraphError(
        await graphCall(s.url, 'GET', '/v6.0/me/thread_owner', {
          token: shop.token,
          query: { recipient: elsewhere.psid },
        }),
        100,
        2018001,
      );
      assertGraphError(
        await graphCall(s.url, 'GET', '/v6.0/me/thread_owner', { token: shop.token }),
        100,
        undefined,
        /recipient/,
      );
      assertGraphError(
        await post(
          'pass_thread_control',
          shop.token,
          { recipient: { id: psid }, target_app_id: desk.id },
          {
            path: `/v6.0/${otherPageId}/pass_thread_control`,
          },
        ),
        190,
      );
      // Tokens: none, unknown, revoked; a forged proof.
      assertGraphError(await pass('cpt_forged', desk.id), 190);
      assertGraphError(
        await graphCall(s.url, 'POST', '/v6.0/me/take_thread_control', {
          token: null,
          body: { recipient: { id: psid } },
        }),
        190,
      );
      assertGraphError(
        await post('take_thread_control', shop.token, { recipient: { id: psid } }, { proof: 'ab'.repeat(32) }),
        100,
        undefined,
        /appsecret_proof/,
      );
      const temp = await makeApp(owner, 'Temp');
      const tempToken = await connectApp(owner, temp.id, pageId);
      assert.equal((await owner.http.delete(`/api/apps/${temp.id}/pages/${pageId}`)).status, 204);
      assertGraphError(await post('request_thread_control', tempToken, { recipient: { id: psid } }), 190);

      assert.equal(await ownerOf(shop.token, psid), shop.id);
      assert.deepEqual(
        (await handovers(start)).map((e) => e.action),
        ['pass', 'pass'],
        'only the two passes that were allowed',
      );
    });

    it('takes form bodies, a proof, `/{page-id}/…` and no version; the inbox by Messenger’s app id', async (t) => {
      if (skip) return t.skip(skip);
      const customer = await signUp(s.url);
      const { psid } = await writeToPage(s, customer, pageId);
      const proof = createHmac('sha256', shop.secret).update(shop.token).digest('hex');
      // As messaging-api-messenger sends it: the inbox's id as a number.
      ok(
        await post(
          'pass_thread_control',
          shop.token,
          { recipient: { id: psid }, target_app_id: 263902037430900 },
          { form: true, proof, path: `/${pageId}/pass_thread_control` },
        ),
      );
      assert.equal(await ownerOf(shop.token, psid), PAGE_INBOX_APP_ID);
      assertGraphError(await sendText(shop.token, psid, 'Bot again'), 10, 2018300, undefined);
      ok(
        await post('take_thread_control', shop.token, { recipient: { id: psid } }, { path: '/me/take_thread_control' }),
      );
      const viaQuery = await graphCall(s.url, 'POST', '/v19.0/me/pass_thread_control', {
        token: shop.token,
        query: { recipient: JSON.stringify({ id: psid }), target_app_id: desk.id },
      });
      ok(viaQuery);
      assert.equal(await ownerOf(shop.token, psid), desk.id);
    });

    it('lets the page’s people take a thread into the inbox and pass it back (native API)', async (t) => {
      if (skip) return t.skip(skip);
      const customer = await signUp(s.url);
      const { psid, conversationId } = await writeToPage(s, customer, pageId);
      const path = `/api/pages/${pageId}/conversations/${conversationId}/thread-control`;
      const start = await s.comptoir.feed.head();

      const seen = await agent.http.get<ThreadControlResponse>(path);
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      assert.deepEqual(seen.body.threadControl.owner, { id: shop.id, name: 'Shop bot', inbox: false, role: 'primary' });
      assert.equal((await agent.http.post(path, { action: 'pass' })).status, 409, 'the inbox does not own it');
      assert.equal(
        (await agent.http.post<{ error: { id: string } }>(path, { action: 'pass' })).body.error.id,
        'not_thread_owner',
      );

      const taken = await agent.http.post<ThreadControlResponse>(path, {
        action: 'take',
        metadata: 'a human takes over',
      });
      assert.equal(taken.status, 200, JSON.stringify(taken.body));
      assert.deepEqual(taken.body.threadControl.owner, {
        id: PAGE_INBOX_APP_ID,
        name: 'Page Inbox',
        inbox: true,
        role: 'secondary',
      });
      assert.equal(await ownerOf(shop.token, psid), PAGE_INBOX_APP_ID);
      assertGraphError(await sendText(shop.token, psid, 'bot'), 10, 2018300);
      const human = await agent.http.post(`/api/pages/${pageId}/conversations/${conversationId}/messages`, {
        clientId: `human-${Date.now()}`,
        text: 'A person answers',
      });
      assert.equal(human.status, 201, 'the inbox answers');

      const bad = await agent.http.post<{ error: { id: string } }>(path, { action: 'pass', targetAppId: loner.id });
      assert.deepEqual([bad.status, bad.body.error.id], [404, 'app_not_found']);
      const self = await agent.http.post<{ error: { id: string } }>(path, {
        action: 'pass',
        targetAppId: PAGE_INBOX_APP_ID,
      });
      assert.deepEqual([self.status, self.body.error.id], [400, 'bad_request']);
      for (const body of [
        {},
        { action: 'give' },
        { action: 'take', targetAppId: desk.id },
        { action: 'pass', metadata: 7 },
      ]) {
        const r = await agent.http.post<{ error: { id: string } }>(path, body);
        assert.deepEqual([r.status, r.body.error.id], [400, 'bad_request'], JSON.stringify(body));
      }
      const passed = await agent.http.post<ThreadControlResponse>(path, { action: 'pass', metadata: 'done' });
      assert.equal(passed.body.threadControl.owner.id, shop.id, 'back to the primary receiver');
      assert.equal((await sendText(shop.token, psid, 'bot again')).status, 200);
      await agent.http.post(path, { action: 'take' });
      const toDesk = await agent.http.post<ThreadControlResponse>(path, { action: 'pass', targetAppId: desk.id });
      assert.equal(toDesk.body.threadControl.owner.id, desk.id);

      const userId = customer.user.id;
      assert.deepEqual(strip(await handovers(start)), [
        {
          type: 'platform.handover',
          pageId,
          userId,
          action: 'take',
          fromAppId: shop.id,
          toAppId: PAGE_INBOX_APP_ID,
          metadata: 'a human takes over',
        },
        {
          type: 'platform.handover',
          pageId,
          userId,
          action: 'pass',
          fromAppId: PAGE_INBOX_APP_ID,
          toAppId: shop.id,
          metadata: 'done',
        },
        {
          type: 'platform.handover',
          pageId,
          userId,
          action: 'take',
          fromAppId: shop.id,
          toAppId: PAGE_INBOX_APP_ID,
          metadata: null,
        },
        {
          type: 'platform.handover',
          pageId,
          userId,
          action: 'pass',
          fromAppId: PAGE_INBOX_APP_ID,
          toAppId: desk.id,
          metadata: null,
        },
      ]);

      // Only the page's people, only the page's conversations.
      const refusedStranger = await stranger.http.post<{ error: { id: string } }>(path, { action: 'take' });
      assert.deepEqual([refusedStranger.status, refusedStranger.body.error.id], [403, 'not_page_member']);
      assert.equal((await stranger.http.get<{ error: { id: string } }>(path)).status, 403);
      const other = await signUp(s.url);
      const elsewhere = await writeToPage(s, other, otherPageId);
      const wrong = await owner.http.get<{ error: { id: string } }>(
        `/api/pages/${pageId}/conversations/${elsewhere.conversationId}/thread-control`,
      );
      assert.deepEqual([wrong.status, wrong.body.error.id], [404, 'conversation_not_found']);
      const direct = await owner.http.post<{ conversation: { id: string } }>('/api/conversations/direct', {
        userId: stranger.user.id,
      });
      const notThePage = await owner.http.post<{ error: { id: string } }>(
        `/api/pages/${pageId}/conversations/${direct.body.conversation.id}/thread-control`,
        { action: 'take' },
      );
      assert.deepEqual([notThePage.status, notThePage.body.error.id], [404, 'conversation_not_found']);
    });

    it('lets the page’s admins choose the primary receiver; members see the receivers', async (t) => {
      if (skip) return t.skip(skip);
      const url = `/api/pages/${pageId}/handover`;
      const seen = await agent.http.get<HandoverResponse>(url);
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      assert.deepEqual(seen.body.handover, {
        primaryAppId: shop.id,
        chosen: false,
        receivers: [
          { id: shop.id, name: 'Shop bot', inbox: false, role: 'primary' },
          { id: desk.id, name: 'Helpdesk', inbox: false, role: 'secondary' },
          { id: PAGE_INBOX_APP_ID, name: 'Page Inbox', inbox: true, role: 'secondary' },
        ],
      });
      const byAgent = await agent.http.put<{ error: { id: string } }>(url, { primaryAppId: desk.id });
      assert.deepEqual([byAgent.status, byAgent.body.error.id], [403, 'not_page_admin']);
      assert.equal((await stranger.http.get(url)).status, 403);
      const notConnected = await owner.http.put<{ error: { id: string } }>(url, { primaryAppId: loner.id });
      assert.deepEqual([notConnected.status, notConnected.body.error.id], [404, 'app_not_found']);
      for (const body of [{}, { primaryAppId: 7 }, { primaryAppId: '' }, { primaryAppId: desk.id, extra: 1 }]) {
        assert.equal((await owner.http.put(url, body)).status, 400, JSON.stringify(body));
      }

      const customer = await signUp(s.url);
      const { psid } = await writeToPage(s, customer, pageId);
      const chosen = await owner.http.put<HandoverResponse>(url, { primaryAppId: desk.id });
      assert.equal(chosen.status, 200, JSON.stringify(chosen.body));
      assert.deepEqual(
        [chosen.body.handover.primaryAppId, chosen.body.handover.chosen, chosen.body.handover.receivers[0]?.id],
        [desk.id, true, desk.id],
      );
      assert.equal(await ownerOf(shop.token, psid), desk.id, 'threads nobody handed over follow the primary');
      ok(await post('take_thread_control', desk.token, { recipient: { id: psid } }));
      assertGraphError(await post('take_thread_control', shop.token, { recipient: { id: psid } }), 200);
      const inbox = await owner.http.put<HandoverResponse>(url, { primaryAppId: PAGE_INBOX_APP_ID });
      assert.equal(inbox.body.handover.receivers.at(-1)?.id, desk.id, 'the inbox first, the apps after');
      const reset = await owner.http.put<HandoverResponse>(url, { primaryAppId: null });
      assert.deepEqual([reset.body.handover.primaryAppId, reset.body.handover.chosen], [shop.id, false]);
    });

    it('writes the owner and its event in one transaction: a job that fails after leaves neither', async (t) => {
      if (skip) return t.skip(skip);
      const customer = await signUp(s.url);
      const { psid } = await writeToPage(s, customer, pageId);
      const handover = s.comptoir.platform.handover;
      const start = await s.comptoir.feed.head();
      await assert.rejects(
        s.comptoir.committer.run(async (uow) => {
          const r = await handover.passIn(uow, pageId, customer.user.id, shop.id, desk.id, 'lost');
          assert.equal(r.ok, true);
          throw new AppError('rate_limited');
        }),
        /rate_limited|Too many/,
      );
      assert.equal(await ownerOf(shop.token, psid), shop.id, 'the owner was not kept');
      assert.deepEqual(await handovers(start), [], 'nor its event');
      const pos = await s.comptoir.committer.run(async (uow) => {
        await handover.passIn(uow, pageId, customer.user.id, shop.id, desk.id, 'kept');
        return (await uow.tx.platform.threadOwners(pageId, [customer.user.id])).get(customer.user.id);
      });
      assert.equal(pos, desk.id);
      const events = await handovers(start);
      assert.deepEqual(
        events.map((e) => [e.action, e.metadata]),
        [['pass', 'kept']],
      );
      assert.equal(await ownerOf(shop.token, psid), desk.id, 'committed with its event');
    });
  });
}
