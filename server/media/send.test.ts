import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttachmentView } from '../../protocol/media.ts';
import type { ConversationView, MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { createGroup, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { readMedia, uploaded } from '../../test/helpers/media.ts';
import { pageWithCustomer } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { stillImage, wav } from './fixtures.ts';

type Err = { error: { id: string } };
let n = 0;
const cid = () => `media-${Date.now().toString(36)}-${++n}`;

/** Sending uploaded media in messages, on both backends: claims, captions, who reads the files, deletion. */
for (const backend of backends) {
  describe(`media in messages (${backend.name})`, () => {
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let eve: Person;
    let direct: ConversationView;
    let jpeg: Buffer;
    let skip: string | false = false;

    const send = (p: Person, conversationId: string, text: string, attachmentIds?: string[], clientId = cid()) =>
      p.http.post<{ message: MessageView } & Err>(`/api/conversations/${conversationId}/messages`, {
        clientId,
        text,
        ...(attachmentIds ? { attachmentIds } : {}),
      });
    const up = (p: Person, bytes: Buffer = jpeg, q: Record<string, string> = {}) => uploaded(s.url, p, bytes, q);
    const lastMessages = async (p: Person, conversationId: string) =>
      (await p.http.get<{ messages: MessageView[] }>(`/api/conversations/${conversationId}/messages`)).body.messages;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '500', RATE_UPLOADS_PER_MINUTE: '1000' });
      [ana, ben, eve] = await Promise.all([signUp(s.url), signUp(s.url), signUp(s.url)]);
      direct = await startDirect(ana, ben);
      jpeg = await stillImage('jpeg', 320, 240);
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    it('sends one attachment with a caption; the other member reads it, a stranger gets 404', async (t) => {
      if (skip) return t.skip(skip);
      const a = await up(ana);
      const r = await send(ana, direct.id, 'look', [a.id]);
      assert.equal(r.status, 201);
      assert.equal(r.body.message.text, 'look');
      assert.deepEqual(r.body.message.attachments, [a]);
      const seen = (await lastMessages(ben, direct.id)).find((m) => m.id === r.body.message.id);
      assert.deepEqual(seen?.attachments, [a], 'in the history too');
      const got = await readMedia(s.url, a.url, ben);
      assert.equal(got.status, 200);
      assert.equal(got.bytes.length, a.size);
      assert.equal((await readMedia(s.url, a.thumbnailUrl as string, ben)).status, 200);
      for (const p of [a.url, a.thumbnailUrl as string])
        assert.deepEqual((await readMedia(s.url, p, eve)).error, 'media_not_found');
    });

    it('sends three attachments in order over the socket, with no text; the event carries them', async (t) => {
      if (skip) return t.skip(skip);
      const atts: AttachmentView[] = [await up(ana), await up(ana, wav(500)), await up(ana, Buffer.from('notes'))];
      const sock = await SocketClient.live(s.wsUrl, ana);
      const listener = await SocketClient.live(s.wsUrl, ben);
      try {
        const clientId = cid();
        sock.send({
          type: 'send',
          ref: clientId,
          conversationId: direct.id,
          clientId,
          text: '',
          attachmentIds: atts.map((a) => a.id),
        });
        const ack = await sock.next((f) => f.type === 'ack' && f.ref === clientId);
        assert.equal(ack.type, 'ack');
        const created = await listener.next(
          (f) => f.type === 'event' && f.event.type === 'message.created' && f.event.message.clientId === clientId,
        );
        assert.ok(created.type === 'event' && created.event.type === 'message.created');
        const m = created.event.message;
        assert.equal(m.text, null);
        assert.deepEqual(
          m.attachments?.map((x) => [x.id, x.kind]),
          [
            [atts[0]?.id, 'image'],
            [atts[1]?.id, 'audio'],
            [atts[2]?.id, 'file'],
          ],
        );
        assert.equal(m.attachments?.[2]?.thumbnailUrl, null);
      } finally {
        sock.close();
        listener.close();
      }
    });

    it('refuses another person’s upload, one sent in another conversation, and more than 10 — storing nothing', async (t) => {
      if (skip) return t.skip(skip);
      const before = (await lastMessages(ana, direct.id)).length;
      const bens = await up(ben);
      const r = await send(ana, direct.id, 'not mine', [bens.id]);
      assert.deepEqual([r.status, r.body.error.id], [404, 'media_not_found']);
      assert.equal((await s.comptoir.storage.reader.media.mediaById(bens.id))?.conversationId, null, 'still unsent');
      assert.equal((await readMedia(s.url, bens.url, ana)).error, 'media_not_found', 'and still not ana’s to read');
      // One of mine and one not: nothing at all.
      const mine = await up(ana);
      assert.equal((await send(ana, direct.id, 'mixed', [mine.id, bens.id])).body.error.id, 'media_not_found');
      assert.equal((await s.comptoir.storage.reader.media.mediaById(mine.id))?.conversationId, null);
      // Sent in one conversation, then offered in another.
      const other = await startDirect(ana, eve);
      assert.equal((await send(ana, direct.id, 'first', [mine.id])).status, 201);
      const again = await send(ana, other.id, 'second', [mine.id]);
      assert.deepEqual([again.status, again.body.error.id], [404, 'media_not_found']);
      assert.equal((await readMedia(s.url, mine.url, eve)).error, 'media_not_found', 'eve never got it');
      // …while the same conversation may carry it again.
      assert.equal((await send(ana, direct.id, 'again, here', [mine.id])).status, 201);
      const eleven: AttachmentView[] = [];
      for (let i = 0; i < 11; i++) eleven.push(await up(ana, Buffer.from(`x${i}`)));
      const tooMany = await send(
        ana,
        direct.id,
        'all',
        eleven.map((a) => a.id),
      );
      assert.deepEqual([tooMany.status, tooMany.body.error.id], [400, 'too_many_attachments']);
      for (const bad of [['nope'], ['x\u0000'], [mine.id, mine.id]]) {
        const x = await send(ana, direct.id, 'bad', bad);
        assert.ok(['media_not_found', 'bad_request'].includes(x.body.error.id), JSON.stringify(bad));
      }
      assert.equal((await send(ana, direct.id, '   ', [])).body.error.id, 'message_empty');
      assert.equal((await lastMessages(ana, direct.id)).length, before + 2, 'only the two accepted');
    });

    it('refuses an upload older than a day (the sweeper may be deleting it)', async (t) => {
      if (skip) return t.skip(skip);
      const a = await up(ana);
      const record = await s.comptoir.storage.reader.media.mediaById(a.id);
      assert.ok(record);
      const old = { ...record, id: `${record.id.slice(0, -3)}old`, createdAt: Date.now() - 24 * 3_600_000 - 60_000 };
      await s.comptoir.committer.run(({ tx }) => tx.media.insertMedia(old));
      const r = await send(ana, direct.id, 'late', [old.id]);
      assert.deepEqual([r.status, r.body.error.id], [404, 'media_not_found']);
      assert.equal((await send(ana, direct.id, 'in time', [a.id])).status, 201);
    });

    it('sends a saved (reusable) attachment as a copy each time, in any conversation; the sweeper leaves it', async (t) => {
      if (skip) return t.skip(skip);
      const a = await up(ana);
      const record = await s.comptoir.storage.reader.media.mediaById(a.id);
      assert.ok(record);
      // Saved for reuse (as the Graph API's saved attachments are): same bytes, never bound itself.
      const saved = { ...record, id: `${record.id.slice(0, -5)}saved`, reusable: true, createdAt: 1000 };
      await s.comptoir.committer.run(({ tx }) => tx.media.insertMedia(saved));
      const other = await startDirect(ana, eve);
      const one = (await send(ana, direct.id, '', [saved.id])).body.message.attachments?.[0];
      const two = (await send(ana, other.id, '', [saved.id])).body.message.attachments?.[0];
      assert.ok(one && two);
      assert.notEqual(one.id, saved.id);
      assert.notEqual(two.id, one.id);
      assert.equal((await readMedia(s.url, one.url, ben)).status, 200);
      assert.equal((await readMedia(s.url, two.url, eve)).status, 200);
      assert.equal((await readMedia(s.url, one.url, eve)).error, 'media_not_found');
      assert.equal((await s.comptoir.storage.reader.media.mediaById(saved.id))?.conversationId, null);
      await s.comptoir.media.sweeper.run(Date.now() + 26 * 3_600_000);
      assert.ok(await s.comptoir.storage.reader.media.mediaById(saved.id), 'a saved attachment is never swept');
      assert.ok(await s.comptoir.media.service.blobs.stat(record.key));
    });

    it('answers a resend by client id with the same message, claiming nothing twice', async (t) => {
      if (skip) return t.skip(skip);
      const a = await up(ana);
      const clientId = cid();
      const first = await send(ana, direct.id, '', [a.id], clientId);
      const second = await send(ana, direct.id, '', [a.id], clientId);
      assert.deepEqual([first.status, second.status], [201, 200]);
      assert.equal(second.body.message.id, first.body.message.id);
      assert.deepEqual(second.body.message.attachments, first.body.message.attachments);
    });

    it('a group member who left reads its files no more; members do', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Photos', [ben, eve]);
      const a = await up(ana);
      assert.equal((await send(ana, group.id, 'group photo', [a.id])).status, 201);
      assert.equal((await readMedia(s.url, a.url, eve)).status, 200);
      const left = await eve.http.delete(`/api/conversations/${group.id}/members/${eve.user.id}`);
      assert.equal(left.status, 204);
      assert.equal((await readMedia(s.url, a.url, eve)).error, 'media_not_found');
      assert.equal((await readMedia(s.url, a.url, ben)).status, 200);
    });

    it('a deleted message’s files go with it: absent from the message, unreadable, their bytes removed', async (t) => {
      if (skip) return t.skip(skip);
      const a = await up(ana);
      const m = (await send(ana, direct.id, 'oops', [a.id])).body.message;
      const record = await s.comptoir.storage.reader.media.mediaById(a.id);
      assert.ok(record);
      const deleted = await ana.http.delete<{ message: MessageView }>(`/api/messages/${m.id}`);
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.message.attachments, undefined);
      assert.equal((await lastMessages(ben, direct.id)).find((x) => x.id === m.id)?.attachments, undefined);
      assert.equal((await readMedia(s.url, a.url, ana)).error, 'media_not_found');
      assert.equal(await s.comptoir.storage.reader.media.mediaById(a.id), null);
      const blobs = s.comptoir.media.service.blobs;
      // Their bytes go once the delete is committed, a moment after the answer.
      const gone = async () =>
        (await blobs.stat(record.key)) === null && (await blobs.stat(record.thumbnailKey as string)) === null;
      for (let i = 0; i < 100 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await blobs.stat(record.key), null);
      assert.equal(await blobs.stat(record.thumbnailKey as string), null);
    });

    it('the people of a page read its threads’ files, and send their own uploads as the page', async (t) => {
      if (skip) return t.skip(skip);
      const { owner, customer, pageId, conversationId } = await pageWithCustomer(s);
      const photo = await up(customer);
      assert.equal((await send(customer, conversationId, 'broken', [photo.id])).status, 201);
      assert.equal((await readMedia(s.url, photo.url, owner)).status, 200, 'the page’s admin reads it');
      assert.equal((await readMedia(s.url, photo.url, eve)).error, 'media_not_found');
      const answer = await up(owner);
      const r = await owner.http.post<{ message: MessageView } & Err>(
        `/api/pages/${pageId}/conversations/${conversationId}/messages`,
        { clientId: cid(), text: '', attachmentIds: [answer.id] },
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.message.senderId, pageId);
      assert.equal((await readMedia(s.url, answer.url, customer)).status, 200);
      // Another person's upload is not the page's to send.
      const evesUpload = await up(eve);
      const refused = await owner.http.post<Err>(`/api/pages/${pageId}/conversations/${conversationId}/messages`, {
        clientId: cid(),
        text: 'x',
        attachmentIds: [evesUpload.id],
      });
      assert.equal(refused.body.error.id, 'media_not_found');
    });

    it('sweeps unsent uploads past their age — blobs, then rows — and leaves sent ones', async (t) => {
      if (skip) return t.skip(skip);
      const media = s.comptoir.media;
      const unsent = await up(ana);
      const sent = await up(ana);
      assert.equal((await send(ana, direct.id, 'kept', [sent.id])).status, 201);
      const rec = await s.comptoir.storage.reader.media.mediaById(unsent.id);
      assert.ok(rec);
      assert.equal(await media.sweeper.run(Date.now() + 60_000), 0, 'too young');
      const swept = await media.sweeper.run(Date.now() + 26 * 3_600_000);
      assert.ok(swept >= 1);
      assert.equal(await s.comptoir.storage.reader.media.mediaById(unsent.id), null);
      assert.equal(await media.service.blobs.stat(rec.key), null);
      assert.equal(await media.service.blobs.stat(rec.thumbnailKey as string), null);
      assert.ok(await s.comptoir.storage.reader.media.mediaById(sent.id), 'a sent one stays');
      assert.equal((await readMedia(s.url, sent.url, ben)).status, 200);
    });
  });
}
