import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ForwardResponse, MessagesResponse } from '../../protocol/api.ts';
import type { ConversationView, MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { readMedia, uploaded } from '../../test/helpers/media.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { stillImage } from '../media/fixtures.ts';
import { forwardable } from './forward.ts';

type Err = { error: { id: string } };
let n = 0;
const cid = () => `fwd-${Date.now().toString(36)}-${++n}`;

describe('what may be forwarded', () => {
  it('text and media; not what a page made for the person, nor the taps on it', () => {
    assert.equal(forwardable(null), true);
    assert.equal(forwardable({ via: { appId: 'a', name: 'GIF Box' } }), true);
    assert.equal(forwardable({ attachment: { type: 'template' } as never }), false);
    assert.equal(forwardable({ quickReplies: [{ content_type: 'text', title: 'Yes', payload: 'Y' }] as never }), false);
    assert.equal(forwardable({ quickReply: { payload: 'Y' } }), false);
    assert.equal(forwardable({ postback: { payload: 'P' } }), false);
    assert.equal(forwardable({ order: {} as never }), false);
    assert.equal(forwardable({ orderRequest: {} as never }), false);
    assert.equal(forwardable({ csat: { questionId: 'q' } }), false);
  });
});

for (const backend of backends) {
  describe(`forward (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let carol: Person;
    let eve: Person;
    let withBen: ConversationView;
    let withCarol: ConversationView;
    let jpeg: Buffer;
    const send = async (p: Person, conversationId: string, text: string, attachmentIds?: string[]) =>
      (
        await p.http.post<{ message: MessageView }>(`/api/conversations/${conversationId}/messages`, {
          clientId: cid(),
          text,
          ...(attachmentIds ? { attachmentIds } : {}),
        })
      ).body.message;
    const forward = (p: Person, messageId: string, conversationIds: string[], clientId = cid()) =>
      p.http.post<ForwardResponse & Err>(`/api/messages/${messageId}/forward`, { clientId, conversationIds });
    const history = async (p: Person, conversationId: string) =>
      (await p.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`)).body.messages;
    const mediaRows = async () =>
      (
        await s.comptoir.storage.reader.media.mediaByIds(
          (await history(ana, withCarol.id)).flatMap((m) => (m.attachments ?? []).map((a) => a.id)),
        )
      ).length;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '500', RATE_UPLOADS_PER_MINUTE: '1000' });
      [ana, ben, carol, eve] = await Promise.all([signUp(s.url), signUp(s.url), signUp(s.url), signUp(s.url)]);
      withBen = await startDirect(ana, ben);
      withCarol = await startDirect(ana, carol);
      jpeg = await stillImage('jpeg', 320, 240);
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('forwards a message with an image: each copy has its own media, deleting one never breaks another', async (t) => {
      if (skip) return t.skip(skip);
      const image = await uploaded(s.url, ben, jpeg);
      const original = await send(ben, withBen.id, 'look at this', [image.id]);
      const group = await createGroup(ana, 'Friends', [carol]);
      const carolSocket = await SocketClient.live(s.wsUrl, carol);
      const clientId = cid();
      const r = await forward(ana, original.id, [withCarol.id, group.id], clientId);
      assert.equal(r.status, 201);
      assert.equal(r.body.messages.length, 2);
      const [toCarol, toGroup] = r.body.messages as [MessageView, MessageView];
      for (const [copy, conversationId] of [
        [toCarol, withCarol.id],
        [toGroup, group.id],
      ] as const) {
        assert.equal(copy.conversationId, conversationId);
        assert.equal(copy.senderId, ana.user.id, 'the forwarder sends it');
        assert.equal(copy.text, 'look at this');
        assert.equal(copy.forwarded, true);
        assert.equal(copy.attachments?.length, 1);
        assert.notEqual(copy.attachments?.[0]?.id, image.id, 'a media record of its own');
        assert.equal(copy.attachments?.[0]?.size, image.size);
      }
      const live = await carolSocket.next(
        (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.id === toCarol.id,
      );
      assert.ok(live.type === 'event' && live.event.type === 'message.created' && live.event.message.forwarded);
      carolSocket.close();
      const carolCopy = toCarol.attachments?.[0]?.url as string;
      assert.equal((await readMedia(s.url, carolCopy, carol)).status, 200, 'carol reads her copy');
      assert.equal((await readMedia(s.url, image.url, carol)).status, 404, 'not the original (not her conversation)');
      assert.equal((await readMedia(s.url, carolCopy, ben)).status, 404, 'ben is not in that conversation');
      assert.equal((await history(carol, withCarol.id)).at(-1)?.forwarded, true, 'in the history too');

      // A retry with the same clientId: the same copies, no new media records.
      const before = await mediaRows();
      const again = await forward(ana, original.id, [withCarol.id, group.id], clientId);
      assert.equal(again.status, 200);
      assert.deepEqual(
        again.body.messages.map((m) => m.id),
        [toCarol.id, toGroup.id],
      );
      assert.equal(await mediaRows(), before);

      // The original deleted for everyone: the copies still show their image, bytes and all.
      await ben.http.delete(`/api/messages/${original.id}`);
      await s.comptoir.committer.run(async () => {}); // the deletion's after-commit work has run
      await new Promise((r) => setTimeout(r, 100));
      const bytes = await readMedia(s.url, carolCopy, carol);
      assert.equal(bytes.status, 200);
      assert.ok(bytes.bytes.length > 0);
      // One copy deleted: the other still reads.
      await ana.http.delete(`/api/messages/${toCarol.id}`);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await readMedia(s.url, toGroup.attachments?.[0]?.url as string, carol)).status, 200);
    });

    it('refuses what one cannot read, deleted messages, bad targets — and stores nothing', async (t) => {
      if (skip) return t.skip(skip);
      const text = await send(ben, withBen.id, 'secret');
      const stranger = await forward(eve, text.id, [withCarol.id]);
      assert.equal(stranger.status, 404);
      assert.equal(stranger.body.error.id, 'message_not_found');
      assert.equal((await forward(ana, 'no-such', [withCarol.id])).status, 404);
      // A target one is not in: nothing is sent to the other target either.
      const count = (await history(ana, withCarol.id)).length;
      const eveDirect = await startDirect(eve, ben);
      const notIn = await forward(ana, text.id, [withCarol.id, eveDirect.id]);
      assert.equal(notIn.status, 404);
      assert.equal(notIn.body.error.id, 'conversation_not_found');
      assert.equal((await history(ana, withCarol.id)).length, count, 'all or nothing');
      // Too many targets, the same twice, none, a missing clientId.
      const six = Array.from({ length: 6 }, () => withCarol.id);
      assert.equal((await forward(ana, text.id, six)).status, 400);
      assert.equal((await forward(ana, text.id, [withCarol.id, withCarol.id])).status, 400);
      assert.equal((await forward(ana, text.id, [])).status, 400);
      assert.equal(
        (await ana.http.post(`/api/messages/${text.id}/forward`, { conversationIds: [withCarol.id] })).status,
        400,
      );
      const gone = await send(ben, withBen.id, 'soon gone');
      await ben.http.delete(`/api/messages/${gone.id}`);
      const deleted = await forward(ana, gone.id, [withCarol.id]);
      assert.equal(deleted.status, 409);
      assert.equal(deleted.body.error.id, 'message_deleted');
      assert.equal((await history(ana, withCarol.id)).length, count);
      // Text only works; the forward of a forward too.
      const ok = await forward(ana, text.id, [withCarol.id]);
      assert.equal(ok.status, 201);
      assert.equal(ok.body.messages[0]?.attachments, undefined);
      const twice = await forward(carol, ok.body.messages[0]?.id as string, [withCarol.id]);
      assert.equal(twice.body.messages[0]?.forwarded, true);
    });
  });
}
