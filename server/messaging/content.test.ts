import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventsResponse, MessagesResponse, PageConversationResponse, PageResponse } from '../../protocol/api.ts';
import type { MessageContent } from '../../protocol/content.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

/**
 * What a message carries besides text (a page's or a bot's: protocol/content.ts) reaches the person live
 * and in history, never its metadata, and goes with the text when the message is deleted for everyone —
 * from every copy in the log too.
 */
for (const backend of backends) {
  describe(`messages with content (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let customer: Person;
    let pageId: string;
    let conversationId: string;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend);
      owner = await signUp(s.url);
      customer = await signUp(s.url);
      const page = await owner.http.post<PageResponse>('/api/pages', { name: 'Shop', username: `shop${process.pid}c` });
      pageId = page.body.page.id;
      const conv = await customer.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
      conversationId = conv.body.conversation.id;
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const content: MessageContent = {
      attachment: {
        type: 'template',
        template: {
          templateType: 'generic',
          elements: [
            {
              title: 'Comté 24 mois',
              subtitle: '250 g',
              imageUrl: 'https://shop.example/comte.jpg',
              buttons: [{ type: 'postback', title: 'Ajouter', payload: 'ADD_COMTE' }],
            },
          ],
        },
      },
      quickReplies: [{ contentType: 'text', title: 'Autre chose', payload: 'MORE' }],
      metadata: 'campaign:winter',
    };

    it('shows it live and in history, without the metadata; deleting erases it everywhere', async (t) => {
      if (skip) return t.skip(skip);
      const live = await SocketClient.live(s.wsUrl, customer);
      const sent = await s.comptoir.messages.send(pageId, {
        conversationId,
        clientId: `content-${Date.now()}`,
        text: '',
        content,
      });
      assert.equal(sent.message.text, null, 'a template alone has no text');
      const frame = await live.next((f) => f.type === 'event' && f.event.type === 'message.created');
      assert.ok(frame.type === 'event' && frame.event.type === 'message.created');
      assert.deepEqual(frame.event.message.attachment, content.attachment);
      assert.deepEqual(frame.event.message.quickReplies, content.quickReplies);
      assert.ok(!JSON.stringify(frame.event).includes('campaign:winter'), 'metadata is never shown to people');
      const history = await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      assert.deepEqual(history.body.messages.at(-1)?.attachment, content.attachment);

      await s.comptoir.messages.delete(pageId, sent.message.id);
      const after = await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      const gone = after.body.messages.find((m) => m.id === sent.message.id);
      assert.equal(gone?.attachment, undefined);
      assert.equal(gone?.quickReplies, undefined);
      const log = await customer.http.get<EventsResponse>('/api/events?after=0');
      assert.ok(!JSON.stringify(log.body).includes('Comté 24 mois'), 'no copy left in the log');
      assert.equal((await s.comptoir.storage.reader.messaging.messageById(sent.message.id))?.content, null);
      live.close();
    });

    it('a person cannot send an empty message even with content absent', async (t) => {
      if (skip) return t.skip(skip);
      await assert.rejects(
        s.comptoir.messages.send(customer.user.id, { conversationId, clientId: `empty-${Date.now()}`, text: '  ' }),
        { id: 'message_empty' },
      );
    });
  });
}
