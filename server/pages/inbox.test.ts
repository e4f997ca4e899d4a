import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ConversationsResponse,
  MessageResponse,
  MessagesResponse,
  PageConversationResponse,
  PageResponse,
} from '../../protocol/api.ts';
import type { ErrorBody } from '../../protocol/errors.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { barrier, type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type Err = { error: ErrorBody };
let n = 0;
const clientId = () => `inbox-${Date.now().toString(36)}-${++n}`;
const isMessage = (text: string) => (f: ServerFrame) =>
  f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === text;

/**
 * The people who run a page read and answer its conversations as the page: over HTTP
 * (/api/pages/:id/conversations…) and on a socket opened with /ws?page=<id>, which then reads the page's
 * events and acts as the page. Nobody else can, and someone removed from the page stops at once.
 */
for (const backend of backends) {
  describe(`a page's inbox (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let agent: Person;
    let customer: Person;
    let stranger: Person;
    let pageId: string;
    let conversationId: string;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend);
      owner = await signUp(s.url);
      agent = await signUp(s.url);
      customer = await signUp(s.url);
      stranger = await signUp(s.url);
      const page = await owner.http.post<PageResponse>('/api/pages', {
        name: 'Fromagerie',
        username: `fromage${process.pid}`,
      });
      pageId = page.body.page.id;
      await owner.http.post(`/api/pages/${pageId}/members`, { username: agent.user.username, role: 'agent' });
      const conv = await customer.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
      conversationId = conv.body.conversation.id;
      await customer.http.post(`/api/conversations/${conversationId}/messages`, {
        clientId: clientId(),
        text: 'Bonjour !',
      });
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const pageSocket = (p: Person) =>
      SocketClient.connect(`${s.wsUrl}?page=${encodeURIComponent(pageId)}`, p.http.cookie);

    it('lists, reads and answers the conversations as the page over HTTP; the person sees the page answer', async (t) => {
      if (skip) return t.skip(skip);
      const list = await agent.http.get<ConversationsResponse>(`/api/pages/${pageId}/conversations`);
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.conversations.map((c) => c.id),
        [conversationId],
      );
      assert.equal(list.body.conversations[0]?.unread, 1);
      const history = await agent.http.get<MessagesResponse>(
        `/api/pages/${pageId}/conversations/${conversationId}/messages`,
      );
      assert.deepEqual(
        history.body.messages.map((m) => [m.senderId, m.text]),
        [[customer.user.id, 'Bonjour !']],
      );
      const live = await SocketClient.live(s.wsUrl, customer);
      const sent = await agent.http.post<MessageResponse>(
        `/api/pages/${pageId}/conversations/${conversationId}/messages`,
        {
          clientId: clientId(),
          text: 'Bonjour, que puis-je pour vous ?',
        },
      );
      assert.equal(sent.status, 201);
      assert.equal(sent.body.message.senderId, pageId, 'sent as the page, not as the agent');
      const frame = await live.next(isMessage('Bonjour, que puis-je pour vous ?'));
      assert.ok(frame.type === 'event' && frame.event.type === 'message.created');
      assert.equal(frame.event.message.senderId, pageId);
      const more = await customer.http.post<MessageResponse>(`/api/conversations/${conversationId}/messages`, {
        clientId: clientId(),
        text: 'Merci',
      });
      const read = await agent.http.post(`/api/pages/${pageId}/conversations/${conversationId}/receipts`, {
        readSeq: more.body.message.seq,
      });
      assert.equal(read.status, 204);
      const receipt = await live.next((f) => f.type === 'event' && f.event.type === 'receipt.updated');
      assert.ok(receipt.type === 'event' && receipt.event.type === 'receipt.updated');
      assert.deepEqual(
        [receipt.event.userId, receipt.event.readSeq],
        [pageId, more.body.message.seq],
        'read by the page',
      );
      live.close();
    });

    it('a socket acting as the page catches up, receives the page’s events live and sends as the page', async (t) => {
      if (skip) return t.skip(skip);
      const ws = await pageSocket(agent);
      ws.send({ type: 'hello', cursor: 0 });
      await ws.next((f) => f.type === 'ready');
      assert.ok(ws.frames.some(isMessage('Bonjour !')), 'the catch-up replays the page’s conversations');
      const personal = await SocketClient.live(s.wsUrl, agent);
      const customerSocket = await SocketClient.live(s.wsUrl, customer);
      await customerSocket.sendMessage(conversationId, 'Avez-vous du comté ?');
      await ws.next(isMessage('Avez-vous du comté ?'));
      ws.send({ type: 'send', ref: 'r1', conversationId, clientId: clientId(), text: 'Oui, 24 mois.' });
      const ack = await ws.next((f) => f.type === 'ack' && f.ref === 'r1');
      assert.ok(ack.type === 'ack');
      assert.equal(ack.message?.senderId, pageId);
      const seen = await customerSocket.next(isMessage('Oui, 24 mois.'));
      assert.ok(seen.type === 'event' && seen.event.type === 'message.created');
      assert.equal(seen.event.message.senderId, pageId);
      await barrier(customerSocket, conversationId, ws);
      assert.ok(
        !personal.frames.some((f) => f.type === 'event' && f.event.conversationId === conversationId),
        "the agent's own socket gets none of the page's conversations",
      );
      ws.send({ type: 'send', ref: 'r2', conversationId: 'not-the-pages', clientId: clientId(), text: 'x' });
      const refused = await ws.next((f) => f.type === 'error' && f.ref === 'r2');
      assert.ok(refused.type === 'error');
      assert.equal(refused.error.id, 'conversation_not_found', 'the page acts only in its own conversations');
      for (const c of [ws, personal, customerSocket]) c.close();
    });

    it('refuses people who do not run the page, and bad page ids', async (t) => {
      if (skip) return t.skip(skip);
      await assert.rejects(pageSocket(stranger), { status: 403 });
      await assert.rejects(pageSocket(customer), { status: 403 });
      await assert.rejects(SocketClient.connect(`${s.wsUrl}?page=nope`, agent.http.cookie), { status: 404 });
      await assert.rejects(SocketClient.connect(`${s.wsUrl}?page=`, agent.http.cookie), { status: 400 });
      await assert.rejects(SocketClient.connect(`${s.wsUrl}?page=${pageId}&page=${pageId}`, agent.http.cookie), {
        status: 400,
      });
      await assert.rejects(SocketClient.connect(`${s.wsUrl}?page=${'x'.repeat(65)}`, agent.http.cookie), {
        status: 400,
      });
      const list = await stranger.http.get<Err>(`/api/pages/${pageId}/conversations`);
      assert.equal(list.body.error.id, 'not_page_member');
      const send = await customer.http.post<Err>(`/api/pages/${pageId}/conversations/${conversationId}/messages`, {
        clientId: clientId(),
        text: 'pretending to be the page',
      });
      assert.equal(send.status, 403, 'a person in the conversation cannot speak as the page');
      const bad = await agent.http.post<Err>(`/api/pages/${pageId}/conversations/${conversationId}/messages`, {
        text: '',
      });
      assert.equal(bad.status, 400);
      const elsewhere = await agent.http.get<Err>(`/api/pages/${pageId}/conversations/nope/messages`);
      assert.equal(elsewhere.status, 404);
    });

    it('someone removed from the page loses it at once: its socket closes (4003), their own stays', async (t) => {
      if (skip) return t.skip(skip);
      const helper = await signUp(s.url);
      await owner.http.post(`/api/pages/${pageId}/members`, { username: helper.user.username, role: 'agent' });
      const ws = await pageSocket(helper);
      ws.send({ type: 'hello', cursor: null });
      await ws.next((f) => f.type === 'ready');
      const own = await SocketClient.live(s.wsUrl, helper);
      const removed = await owner.http.delete(`/api/pages/${pageId}/members/${helper.user.id}`);
      assert.equal(removed.status, 204);
      const closed = await ws.waitClose();
      assert.equal(closed.code, 4003);
      const told = await own.next((f) => f.type === 'event' && f.event.type === 'page.membership_changed');
      assert.ok(told.type === 'event' && told.event.type === 'page.membership_changed');
      assert.deepEqual([told.event.page.id, told.event.role], [pageId, null]);
      assert.equal(own.ws.readyState, 1, 'their own socket stays open');
      assert.equal((await helper.http.get<Err>(`/api/pages/${pageId}/conversations`)).body.error.id, 'not_page_member');
      await assert.rejects(pageSocket(helper), { status: 403 });
      own.close();
    });
  });
}
