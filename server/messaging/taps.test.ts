import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageResponse, MessagesResponse } from '../../protocol/api.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { conversationWithPage, graphCall, pageWithApp } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type Answer = { ok: true; message: MessageView; pos: number | undefined } | { ok: false; id: string; message: string };

/**
 * The people's side of a bot conversation: a person taps a page's quick reply or postback button, which is
 * sent as a message whose text is the title and whose content carries the payload — over the socket and
 * over HTTP — and only what the page offered, in that conversation, under that title, is taken.
 */
for (const backend of backends) {
  describe(`tapping quick replies and postback buttons (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let customer: Person;
    let stranger: Person;
    let pageId: string;
    let token: string;
    let psid: string;
    let conversationId: string;
    let socket: SocketClient;
    let skip: string | false = false;
    let n = 0;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_MESSAGES_PER_SECOND: '1000' });
      [owner, customer, stranger] = await Promise.all([signUp(s.url), signUp(s.url), signUp(s.url)]);
      ({ pageId, token } = await pageWithApp(owner.http));
      conversationId = await conversationWithPage(customer.http, pageId);
      psid = (await s.comptoir.storage.reader.pages.psidOf(pageId, customer.user.id)) as string;
      socket = await SocketClient.live(s.wsUrl, customer);
      await socket.sendMessage(conversationId, 'Bonjour ?'); // opens the page's messaging window
    });
    after(async () => {
      if (skip) return;
      socket.close();
      await s.close();
    });

    /** The page (its bot) sends a message through the Send API; answers its id. */
    const pageSends = async (message: unknown): Promise<string> => {
      const r = await graphCall<{ message_id: string }>(s.url, 'POST', '/v19.0/me/messages', token, {
        recipient: { id: psid },
        message,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.message_id.replace(/^m_/, '');
    };
    const buttonTemplate = (text: string, buttons: unknown[]) => ({
      attachment: { type: 'template', payload: { template_type: 'button', text, buttons } },
    });
    /** A send frame from `client`, answered by its ack or error. */
    const tap = async (fields: Record<string, unknown>, client = socket, cid = conversationId): Promise<Answer> => {
      const clientId = (fields.clientId as string | undefined) ?? `tap-${++n}-${Date.now()}`;
      const from = client.frames.length;
      client.send({ type: 'send', ref: clientId, conversationId: cid, clientId, ...fields });
      const f = await client.next(
        (x: ServerFrame) => (x.type === 'ack' || x.type === 'error') && x.ref === clientId,
        5000,
        from,
      );
      if (f.type === 'error') return { ok: false, id: f.error.id, message: f.error.message };
      assert.ok(f.type === 'ack' && f.message);
      return { ok: true, message: f.message, pos: f.pos };
    };
    const refusedWith = (a: Answer, id: string) => {
      assert.equal(a.ok, false, `refused with ${id}, got ${JSON.stringify(a)}`);
      if (!a.ok) assert.equal(a.id, id, a.message);
    };
    const stored = async (messageId: string) =>
      (await s.comptoir.storage.reader.messaging.messageById(messageId))?.content;

    it('a quick reply under the page’s latest message: its title as the text, its payload stored and shown', async (t) => {
      if (skip) return t.skip(skip);
      const page = await SocketClient.connect(`${s.wsUrl}?page=${pageId}`, owner.http.cookie);
      page.send({ type: 'hello', cursor: null });
      await page.next((f) => f.type === 'ready');
      await pageSends({
        text: 'Que voulez-vous savoir ?',
        quick_replies: [
          { content_type: 'text', title: 'Prix', payload: 'PRICE' },
          { content_type: 'text', title: 'Horaires', payload: 'HOURS' },
        ],
      });
      const a = await tap({ text: 'Horaires', quickReply: { payload: 'HOURS' }, clientId: 'tap-hours-1' });
      assert.ok(a.ok, JSON.stringify(a));
      assert.equal(a.message.text, 'Horaires');
      assert.deepEqual(a.message.quickReply, { payload: 'HOURS' });
      assert.equal(a.message.senderId, customer.user.id);
      assert.equal(typeof a.pos, 'number');
      assert.deepEqual(await stored(a.message.id), { quickReply: { payload: 'HOURS' } });
      // The page (its inbox) sees it with the payload.
      const seen = await page.next(
        (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.id === a.message.id,
      );
      assert.ok(seen.type === 'event' && seen.event.type === 'message.created');
      assert.deepEqual(seen.event.message.quickReply, { payload: 'HOURS' });
      page.close();
      // A retry with the same clientId answers the original, nothing new.
      const again = await tap({ text: 'Horaires', quickReply: { payload: 'HOURS' }, clientId: 'tap-hours-1' });
      assert.ok(again.ok);
      assert.equal(again.message.id, a.message.id);
      assert.equal(again.pos, undefined);
    });

    it('refuses a quick reply the page did not offer, under another title, or under an earlier message', async (t) => {
      if (skip) return t.skip(skip);
      await pageSends({ text: 'Taille ?', quick_replies: [{ content_type: 'text', title: 'M', payload: 'SIZE_M' }] });
      refusedWith(await tap({ text: 'M', quickReply: { payload: 'SIZE_L' } }), 'quick_reply_not_offered');
      refusedWith(await tap({ text: 'L', quickReply: { payload: 'SIZE_M' } }), 'quick_reply_not_offered');
      // Offered by the latest message only: once the page wrote again, the earlier ones are gone.
      await pageSends({ text: 'Merci, je regarde.' });
      refusedWith(await tap({ text: 'M', quickReply: { payload: 'SIZE_M' } }), 'quick_reply_not_offered');
      // A postback payload is not a quick reply.
      await pageSends(buttonTemplate('Choisir', [{ type: 'postback', title: 'Rouge', payload: 'RED' }]));
      refusedWith(await tap({ text: 'Rouge', quickReply: { payload: 'RED' } }), 'quick_reply_not_offered');
      // None of it was stored.
      const history = await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      assert.ok(!history.body.messages.some((m) => m.text === 'M' || m.text === 'L'));
    });

    it('a postback button of any of the page’s messages not deleted, with its title: a button template, a carousel', async (t) => {
      if (skip) return t.skip(skip);
      const template = await pageSends(
        buttonTemplate('Votre commande est prête', [
          { type: 'web_url', title: 'Suivre', url: 'https://example.org/track' },
          { type: 'postback', title: 'Retrait', payload: 'PICKUP {"n":1} 100%_' },
        ]),
      );
      await pageSends({
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [
              { title: 'Baguette', buttons: [{ type: 'postback', title: 'Ajouter', payload: 'ADD_BAGUETTE' }] },
              { title: 'Croissant', buttons: [{ type: 'postback', title: 'Ajouter', payload: 'ADD_CROISSANT' }] },
            ],
          },
        },
      });
      await pageSends({ text: 'Autre chose ?' });
      const a = await tap({ text: 'Retrait', postback: { payload: 'PICKUP {"n":1} 100%_' } });
      assert.ok(a.ok, JSON.stringify(a));
      assert.equal(a.message.text, 'Retrait');
      assert.deepEqual(a.message.postback, { payload: 'PICKUP {"n":1} 100%_' });
      assert.equal(a.message.quickReply, undefined);
      assert.deepEqual(await stored(a.message.id), { postback: { payload: 'PICKUP {"n":1} 100%_' } });
      const b = await tap({ text: 'Ajouter', postback: { payload: 'ADD_CROISSANT' } });
      assert.ok(b.ok, JSON.stringify(b));
      assert.deepEqual(b.message.postback, { payload: 'ADD_CROISSANT' });

      refusedWith(await tap({ text: 'Retrait', postback: { payload: 'PICKUP' } }), 'postback_not_offered');
      refusedWith(await tap({ text: 'Ajout', postback: { payload: 'ADD_CROISSANT' } }), 'postback_not_offered');
      refusedWith(
        await tap({ text: 'Suivre', postback: { payload: 'https://example.org/track' } }),
        'postback_not_offered',
      );
      // Once the page deleted its message, its buttons are gone.
      await s.comptoir.messages.delete(pageId, template);
      refusedWith(
        await tap({ text: 'Retrait', postback: { payload: 'PICKUP {"n":1} 100%_' } }),
        'postback_not_offered',
      );
    });

    it('the messenger profile’s postbacks: Get Started under the app’s own label, the menu’s under their titles', async (t) => {
      if (skip) return t.skip(skip);
      refusedWith(await tap({ text: 'Démarrer', postback: { payload: 'GET_STARTED' } }), 'postback_not_offered');
      const set = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', token, {
        get_started: { payload: 'GET_STARTED' },
        persistent_menu: [
          {
            locale: 'default',
            call_to_actions: [
              { type: 'postback', title: 'Mes commandes', payload: 'MY_ORDERS' },
              { type: 'web_url', title: 'Le site', url: 'https://example.org/' },
            ],
          },
          {
            locale: 'en_US',
            call_to_actions: [{ type: 'postback', title: 'My orders', payload: 'MY_ORDERS' }],
          },
        ],
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const started = await tap({ text: 'Démarrer', postback: { payload: 'GET_STARTED' } });
      assert.ok(started.ok, JSON.stringify(started));
      assert.deepEqual(started.message.postback, { payload: 'GET_STARTED' });
      for (const title of ['Mes commandes', 'My orders']) {
        const m = await tap({ text: title, postback: { payload: 'MY_ORDERS' } });
        assert.ok(m.ok, JSON.stringify(m));
        assert.equal(m.message.text, title);
      }
      refusedWith(await tap({ text: 'Orders', postback: { payload: 'MY_ORDERS' } }), 'postback_not_offered');
      await graphCall(s.url, 'DELETE', '/v19.0/me/messenger_profile', token, {
        fields: ['persistent_menu', 'get_started'],
      });
      refusedWith(await tap({ text: 'Mes commandes', postback: { payload: 'MY_ORDERS' } }), 'postback_not_offered');
    });

    it('only in a conversation with a page: not between people, not in a group, and never by the page itself', async (t) => {
      if (skip) return t.skip(skip);
      const direct = await startDirect(customer, stranger);
      await socket.sendMessage(direct.id, 'salut');
      refusedWith(
        await tap({ text: 'Retrait', postback: { payload: 'PICKUP' } }, socket, direct.id),
        'not_page_conversation',
      );
      const group = await createGroup(customer, 'Amis', [stranger]);
      refusedWith(
        await tap({ text: 'Prix', quickReply: { payload: 'PRICE' } }, socket, group.id),
        'not_page_conversation',
      );
      // A conversation one is not in stays unknown.
      const other = await SocketClient.live(s.wsUrl, stranger);
      refusedWith(await tap({ text: 'Prix', quickReply: { payload: 'PRICE' } }, other), 'conversation_not_found');
      other.close();
      // The page does not tap its own buttons: on its socket, nor through its inbox over HTTP.
      await pageSends(buttonTemplate('Et ça ?', [{ type: 'postback', title: 'Oui', payload: 'YES' }]));
      const page = await SocketClient.connect(`${s.wsUrl}?page=${pageId}`, owner.http.cookie);
      page.send({ type: 'hello', cursor: null });
      await page.next((f) => f.type === 'ready');
      refusedWith(await tap({ text: 'Oui', postback: { payload: 'YES' } }, page), 'not_a_person');
      page.close();
      const http = await owner.http.post(`/api/pages/${pageId}/conversations/${conversationId}/messages`, {
        clientId: `page-tap-${Date.now()}`,
        text: 'Oui',
        postback: { payload: 'YES' },
      });
      assert.equal(http.status, 400);
      assert.equal((http.body as { error: { id: string } }).error.id, 'not_a_person');
    });

    it('refuses malformed taps: an over-long or empty payload, two taps, a tap quoting, a template or metadata', async (t) => {
      if (skip) return t.skip(skip);
      await pageSends(buttonTemplate('Oui ?', [{ type: 'postback', title: 'Oui', payload: 'YES' }]));
      const long = 'x'.repeat(1001);
      const bad: Record<string, unknown>[] = [
        { text: 'Oui', postback: { payload: long } },
        { text: 'Oui', quickReply: { payload: long } },
        { text: 'Oui', postback: { payload: '' } },
        { text: 'Oui', postback: {} },
        { text: 'Oui', postback: { payload: 'YES', title: 'Oui' } },
        { text: 'Oui', postback: { payload: 'YES' }, quickReply: { payload: 'YES' } },
        { text: 'Oui', postback: { payload: 'YES' }, replyToId: 'm1' },
        { text: 'Oui', postback: { payload: 'Y\u0000' } },
        {
          text: 'Voici',
          attachment: { type: 'template', template: { templateType: 'button', text: 'x', buttons: [] } },
        },
        { text: 'Voici', quickReplies: [{ contentType: 'text', title: 'a', payload: 'b' }] },
        { text: 'Voici', metadata: 'note' },
        { text: 'Voici', content: { postback: { payload: 'YES' } } },
      ];
      for (const fields of bad) {
        refusedWith(await tap(fields), 'invalid_frame');
        const http = await customer.http.post(`/api/conversations/${conversationId}/messages`, {
          clientId: `bad-${++n}-${Date.now()}`,
          ...fields,
        });
        assert.equal(http.status, 400, JSON.stringify(fields));
        assert.equal((http.body as { error: { id: string } }).error.id, 'bad_request');
      }
      // The longest payload allowed is taken.
      const max = 'p'.repeat(1000);
      await pageSends(buttonTemplate('Long', [{ type: 'postback', title: 'Long', payload: max }]));
      const a = await tap({ text: 'Long', postback: { payload: max } });
      assert.ok(a.ok, JSON.stringify(a));
    });

    it('over HTTP too, idempotent by clientId; deleting the message erases the payload with the text', async (t) => {
      if (skip) return t.skip(skip);
      await pageSends(buttonTemplate('Livraison ?', [{ type: 'postback', title: 'Demain', payload: 'TOMORROW' }]));
      const body = { clientId: `http-tap-${Date.now()}`, text: 'Demain', postback: { payload: 'TOMORROW' } };
      const first = await customer.http.post<MessageResponse>(`/api/conversations/${conversationId}/messages`, body);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.deepEqual(first.body.message.postback, { payload: 'TOMORROW' });
      const again = await customer.http.post<MessageResponse>(`/api/conversations/${conversationId}/messages`, body);
      assert.equal(again.status, 200);
      assert.equal(again.body.message.id, first.body.message.id);
      const refused = await customer.http.post(`/api/conversations/${conversationId}/messages`, {
        ...body,
        clientId: `http-tap-${Date.now()}-2`,
        postback: { payload: 'NEVER' },
      });
      assert.equal(refused.status, 409);
      assert.equal((refused.body as { error: { id: string } }).error.id, 'postback_not_offered');
      const deleted = await customer.http.delete<MessageResponse>(`/api/messages/${first.body.message.id}`);
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.message.text, null);
      assert.equal(deleted.body.message.postback, undefined);
      assert.equal(await stored(first.body.message.id), null);
    });
  });
}
