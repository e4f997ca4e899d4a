import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import { limits } from '../../protocol/limits.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import {
  assertGraphError,
  connectApp,
  graphCall,
  makeApp,
  makePage,
  multipart,
  writeToPage,
} from '../../test/helpers/graph.ts';
import { readMedia } from '../../test/helpers/media.ts';
import { brokenPng, filesUnder, png, type RemoteFiles, startRemoteFiles } from '../../test/helpers/remote-files.ts';
import type { TestServer } from '../../test/helpers/server.ts';

/**
 * Reusable attachments: saved for a page with `me/message_attachments` — fetched from a URL, or uploaded as
 * a file — and sent again by `attachment_id`, a copy each time, on that page only. One saved before
 * Comptoir stored media (a URL only) is fetched at its first use and kept. Media templates show an
 * attachment saved from a URL by that URL.
 */
for (const backend of backends) {
  describe(`reusable attachments (${backend.name})`, () => {
    let s: TestServer;
    let remote: RemoteFiles;
    let owner: Person;
    let customer: Person;
    let pageId: string;
    let appId: string;
    let token: string;
    let otherToken: string;
    let secret: string;
    let psid: string;
    let otherPsid: string;
    let conversationId: string;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      remote = await startRemoteFiles({
        '/croissant.png': { type: 'image/png', body: await png(40, 30) },
        '/menu.png': { type: 'image/png', body: await png(20, 20, 10, 10, 10) },
        '/old.png': { type: 'image/png', body: await png(24, 12) },
      });
      s = await serverOn(backend, {
        RATE_GRAPH_CALLS_PER_SECOND: '1000',
        WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
        RATE_UPLOADS_PER_MINUTE: '1000',
      });
      owner = await signUp(s.url);
      customer = await signUp(s.url);
      pageId = await makePage(owner, 'Épicerie', `epi${process.pid}a`);
      const otherPageId = await makePage(owner, 'Other', `oth${process.pid}a`);
      const app = await makeApp(owner, 'Bot');
      appId = app.id;
      secret = app.secret;
      token = await connectApp(owner, app.id, pageId);
      otherToken = await connectApp(owner, app.id, otherPageId);
      ({ psid, conversationId } = await writeToPage(s, customer, pageId));
      otherPsid = (await writeToPage(s, customer, otherPageId)).psid;
    });
    after(async () => {
      if (skip) return;
      await remote.close();
      await s.close();
    });

    const save = (body: unknown, t: string | null = token, o: { form?: boolean; proof?: string } = {}) =>
      graphCall<{ attachment_id?: string }>(s.url, 'POST', '/v6.0/me/message_attachments', { token: t, body, ...o });
    const saveForm = (parts: Parameters<typeof multipart>[0]) =>
      graphCall<{ attachment_id?: string }>(s.url, 'POST', '/v6.0/me/message_attachments', {
        token,
        raw: multipart(parts),
      });
    const image = (url: string, type = 'image') => ({
      message: { attachment: { type, payload: { url, is_reusable: true } } },
    });
    const send = (t: string, recipient: string, message: unknown) =>
      graphCall(s.url, 'POST', '/v6.0/me/messages', { token: t, body: { recipient: { id: recipient }, message } });
    const lastMessages = async (n: number) =>
      (await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`)).body.messages.slice(
        -n,
      );
    const savedRow = async (id: string) => (await s.comptoir.storage.reader.platform.attachmentsByIds(pageId, [id]))[0];

    it('saves by URL and by upload; each send by attachment_id carries its own copy', async (t) => {
      if (skip) return t.skip(skip);
      const saved = await save(image(remote.url('/croissant.png')));
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.match(saved.body.attachment_id ?? '', /^[1-9][0-9]{14}$/);
      const id = saved.body.attachment_id as string;
      assert.equal(remote.hits('/croissant.png'), 1, 'fetched when saved');
      const row = await savedRow(id);
      assert.equal(row?.url, remote.url('/croissant.png'));
      const media = await s.comptoir.storage.reader.media.mediaById(row?.mediaId ?? '');
      assert.deepEqual(
        [media?.ownerId, media?.appId, media?.reusable, media?.conversationId],
        [pageId, appId, true, null],
        'the page’s, by its app, reusable, in no conversation',
      );
      // As form fields, with a proof; messaging-api-messenger's is_reusable false: every saved one is reusable.
      const proof = createHmac('sha256', secret).update(token).digest('hex');
      assert.equal((await save(image(remote.url('/menu.png'), 'file'), token, { form: true, proof })).status, 200);
      const notReusable = await save({
        message: { attachment: { type: 'image', payload: { url: remote.url('/menu.png'), is_reusable: false } } },
      });
      assert.equal(notReusable.status, 200);
      assert.equal((await savedRow(notReusable.body.attachment_id as string))?.mediaId !== null, true);
      // Uploaded: `message` first, then the file.
      const uploaded = await saveForm([
        { name: 'message', value: JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }) },
        { name: 'filedata', value: await png(50, 10), filename: 'bandeau.png', type: 'image/png' },
      ]);
      assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
      assert.equal((await savedRow(uploaded.body.attachment_id as string))?.url, null, 'no URL: a file');
      // A form without a file saves by URL, as a JSON body does.
      const viaForm = await saveForm([
        { name: 'message', value: JSON.stringify(image(remote.url('/menu.png')).message) },
      ]);
      assert.equal(viaForm.status, 200, JSON.stringify(viaForm.body));

      for (const a of [id, Number(id), uploaded.body.attachment_id])
        assert.equal(
          (await send(token, psid, { attachment: { type: 'image', payload: { attachment_id: a } } })).status,
          200,
        );
      const sent = (await lastMessages(3)).map((m) => m.attachments?.[0]);
      assert.deepEqual(
        sent.map((a) => [a?.width, a?.height]),
        [
          [40, 30],
          [40, 30],
          [50, 10],
        ],
      );
      assert.equal(new Set(sent.map((a) => a?.id)).size, 3, 'a copy each');
      assert.ok(!sent.some((a) => a?.id === row?.mediaId), 'the saved one is never the message’s');
      for (const a of sent) assert.equal((await readMedia(s.url, a?.url ?? '', customer)).status, 200);
      assert.equal(remote.hits('/croissant.png'), 1, 'never fetched again');
    });

    it('fetches an attachment saved before media storage (its URL only) at its first use, and keeps it', async (t) => {
      if (skip) return t.skip(skip);
      const id = `9${String(Date.now()).slice(-14).padStart(14, '0')}`;
      await s.comptoir.committer.run(({ tx }) =>
        tx.platform.insertAttachment({
          id,
          pageId,
          appId,
          type: 'image',
          url: remote.url('/old.png'),
          mediaId: null,
          createdAt: Date.now(),
        }),
      );
      const first = await send(token, psid, { attachment: { type: 'image', payload: { attachment_id: id } } });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(remote.hits('/old.png'), 1);
      const kept = (await savedRow(id))?.mediaId;
      assert.ok(kept, 'its media kept');
      assert.equal((await s.comptoir.storage.reader.media.mediaById(kept))?.reusable, true);
      assert.equal(
        (await send(token, psid, { attachment: { type: 'image', payload: { attachment_id: id } } })).status,
        200,
      );
      assert.equal(remote.hits('/old.png'), 1, 'not fetched again');
      const [a, b] = (await lastMessages(2)).map((m) => m.attachments?.[0]);
      assert.deepEqual([a?.width, b?.width], [24, 24]);
      // One whose URL no longer answers: refused as a fetch, and tried again next time.
      const gone = `8${String(Date.now()).slice(-14).padStart(14, '0')}`;
      await s.comptoir.committer.run(({ tx }) =>
        tx.platform.insertAttachment({
          id: gone,
          pageId,
          appId,
          type: 'image',
          url: remote.url('/gone.png'),
          mediaId: null,
          createdAt: Date.now(),
        }),
      );
      assertGraphError(
        await send(token, psid, { attachment: { type: 'image', payload: { attachment_id: gone } } }),
        100,
        2018008,
        /attachment_id/,
      );
      assert.equal((await savedRow(gone))?.mediaId, null);
    });

    it('media templates: an attachment saved from a URL shows that URL; one uploaded as a file is refused there', async (t) => {
      if (skip) return t.skip(skip);
      const fromUrl = (await save(image(remote.url('/croissant.png')))).body.attachment_id;
      const fromFile = (
        await saveForm([
          { name: 'message', value: JSON.stringify({ attachment: { type: 'image' } }) },
          { name: 'filedata', value: await png(8, 8), filename: 'x.png', type: 'image/png' },
        ])
      ).body.attachment_id;
      const template = (attachmentId: unknown) => ({
        attachment: {
          type: 'template',
          payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: attachmentId }] },
        },
      });
      assert.equal((await send(token, psid, template(fromUrl))).status, 200);
      const [m] = await lastMessages(1);
      const tpl = m?.attachment;
      assert.ok(tpl?.type === 'template' && tpl.template.templateType === 'media');
      assert.equal(tpl.template.elements[0]?.url, remote.url('/croissant.png'));
      assertGraphError(
        await send(token, psid, template(fromFile)),
        100,
        undefined,
        /elements\]\[0\]\[attachment_id\]: an attachment uploaded as a file/,
      );
    });

    it('never resolves another page’s attachment, nor an unknown one (100 naming the field)', async (t) => {
      if (skip) return t.skip(skip);
      const id = (await save(image(remote.url('/croissant.png')))).body.attachment_id as string;
      const elsewhere = await send(otherToken, otherPsid, {
        attachment: { type: 'image', payload: { attachment_id: id } },
      });
      assertGraphError(elsewhere, 100, undefined, /message\[attachment\]\[payload\]\[attachment_id\]/);
      assertGraphError(
        await send(otherToken, otherPsid, {
          attachment: {
            type: 'template',
            payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: id }] },
          },
        }),
        100,
        undefined,
        /elements\]\[0\]\[attachment_id\]/,
      );
      assertGraphError(
        await send(token, psid, { attachment: { type: 'image', payload: { attachment_id: '123456789012345' } } }),
        100,
        undefined,
        /attachment_id/,
      );
    });

    it('refuses bad bodies naming the field, bad tokens and forged proofs; nothing saved', async (t) => {
      if (skip) return t.skip(skip);
      const url = remote.url('/croissant.png');
      const hits = remote.hits('/croissant.png');
      assertGraphError(await save({}), 100, undefined, /param message: required/);
      assertGraphError(await save({ message: {} }), 100, undefined, /param message\[attachment\]: required/);
      assertGraphError(await save(image(url, 'template')), 100, undefined, /message\[attachment\]\[type\]/);
      assertGraphError(
        await save({ message: { attachment: { type: 'image', payload: {} } } }),
        100,
        undefined,
        /message\[attachment\]\[payload\]\[url\]: required/,
      );
      assertGraphError(
        await save(image('ftp://example.org/x.png')),
        100,
        undefined,
        /payload\]\[url\]: an http\(s\) URL/,
      );
      assertGraphError(await save(image(`https://e.org/${'x'.repeat(2048)}`)), 100, undefined, /payload\]\[url\]/);
      assertGraphError(
        await save({ message: { attachment: { type: 'image', payload: { url, is_reusable: 'yes' } } } }),
        100,
        undefined,
        /is_reusable/,
      );
      assertGraphError(await save(image('http://10.1.2.3/x.png')), 100, 2018008, /payload\]\[url\]/);
      assertGraphError(await save(image(remote.url('/missing.png'))), 100, 2018008);
      for (const raw of ['{', '[]', 'null']) {
        assertGraphError(
          await graphCall(s.url, 'POST', '/v6.0/me/message_attachments', {
            token,
            raw: { contentType: 'application/json', body: raw },
          }),
          100,
        );
      }
      assertGraphError(await save(image(url), null), 190);
      assertGraphError(await save(image(url), 'cpt_forged'), 190);
      assertGraphError(await save(image(url), token, { proof: 'ab'.repeat(32) }), 100, undefined, /appsecret_proof/);
      assert.equal(remote.hits('/croissant.png'), hits, 'nothing fetched for a refused call');
      const app = await makeApp(owner, 'Temp');
      const temp = await connectApp(owner, app.id, pageId);
      assert.equal((await save(image(url), temp)).status, 200);
      assert.equal((await owner.http.delete(`/api/apps/${app.id}/pages/${pageId}`)).status, 204);
      assertGraphError(await save(image(url), temp), 190);
    });

    it('reads multipart forms as streams: the file after its message, fields within 64 KiB, one file', async (t) => {
      if (skip) return t.skip(skip);
      const blobs = () => filesUnder(s.config.media.store.kind === 'local' ? s.config.media.store.dir : '').length;
      const before = blobs();
      const message = JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } });
      const file = { name: 'filedata', value: await png(8, 8), filename: 'a.png', type: 'image/png' };
      assertGraphError(
        await saveForm([file, { name: 'message', value: message }]),
        100,
        undefined,
        /param message: required, before the file/,
      );
      assertGraphError(
        await saveForm([
          {
            name: 'message',
            value: JSON.stringify({ attachment: { type: 'image', payload: { url: 'https://x.org/a.png' } } }),
          },
          file,
        ]),
        100,
        undefined,
        /payload\]\[url\]: a url or a file, not both/,
      );
      assertGraphError(
        await saveForm([
          { name: 'message', value: message },
          { ...file, value: brokenPng() },
        ]),
        100,
        2018047,
      );
      assertGraphError(
        await saveForm([
          { name: 'message', value: message },
          { name: 'note', value: 'x'.repeat(limits.httpBodyBytes + 1) },
        ]),
        100,
        2018109,
      );
      const broken = await graphCall(s.url, 'POST', '/v6.0/me/message_attachments', {
        token,
        raw: { contentType: 'multipart/form-data; boundary=nope', body: 'not a form' },
      });
      assertGraphError(broken, 100, undefined, /multipart/);
      // Other edges take forms without files: a file there is refused naming its field.
      assertGraphError(
        await graphCall(s.url, 'POST', '/v6.0/me/messenger_profile', {
          token,
          raw: multipart([{ name: 'greeting', value: JSON.stringify([{ locale: 'default', text: 'Hi' }]) }, file]),
        }),
        100,
        undefined,
        /param filedata: this edge takes no file/,
      );
      const profile = await graphCall(s.url, 'POST', '/v6.0/me/messenger_profile', {
        token,
        raw: multipart([{ name: 'greeting', value: JSON.stringify([{ locale: 'default', text: 'Bonjour' }]) }]),
      });
      assert.equal(profile.status, 200, JSON.stringify(profile.body));
      // A multipart Send API call without a file is read like a form.
      const fields = await graphCall(s.url, 'POST', '/v6.0/me/messages', {
        token,
        raw: multipart([
          { name: 'recipient', value: JSON.stringify({ id: psid }) },
          { name: 'message', value: JSON.stringify({ text: 'multipart text' }) },
        ]),
      });
      assert.equal(fields.status, 200, JSON.stringify(fields.body));
      assert.equal(blobs(), before, 'nothing kept of the refused uploads');
    });
  });
}
