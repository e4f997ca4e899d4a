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
import type { TestServer } from '../../test/helpers/server.ts';

/**
 * Reusable attachments: saved by URL for a page with `me/message_attachments`, sent again by
 * `attachment_id` — on that page only. Uploads wait for media storage: refused clearly, after the body limit.
 */
for (const backend of backends) {
  describe(`reusable attachments (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let customer: Person;
    let pageId: string;
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
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000' });
      owner = await signUp(s.url);
      customer = await signUp(s.url);
      pageId = await makePage(owner, 'Épicerie', `epi${process.pid}a`);
      const otherPageId = await makePage(owner, 'Other', `oth${process.pid}a`);
      const app = await makeApp(owner, 'Bot');
      secret = app.secret;
      token = await connectApp(owner, app.id, pageId);
      otherToken = await connectApp(owner, app.id, otherPageId);
      ({ psid, conversationId } = await writeToPage(s, customer, pageId));
      otherPsid = (await writeToPage(s, customer, otherPageId)).psid;
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const save = (body: unknown, t: string | null = token, o: { form?: boolean; proof?: string } = {}) =>
      graphCall<{ attachment_id?: string }>(s.url, 'POST', '/v6.0/me/message_attachments', { token: t, body, ...o });
    const image = (url: string, type = 'image') => ({
      message: { attachment: { type, payload: { url, is_reusable: true } } },
    });
    const send = (t: string, recipient: string, message: unknown) =>
      graphCall(s.url, 'POST', '/v6.0/me/messages', { token: t, body: { recipient: { id: recipient }, message } });

    it('saves by URL and sends by attachment_id: the person sees the media', async (t) => {
      if (skip) return t.skip(skip);
      const saved = await save(image('https://cdn.example.org/croissant.jpg'));
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.match(saved.body.attachment_id ?? '', /^[1-9][0-9]{14}$/);
      const id = saved.body.attachment_id as string;
      const proof = createHmac('sha256', secret).update(token).digest('hex');
      const asForm = await save(image('https://cdn.example.org/menu.pdf', 'file'), token, { form: true, proof });
      assert.equal(asForm.status, 200, JSON.stringify(asForm.body));
      // messaging-api-messenger's default: is_reusable false; Comptoir keeps every saved attachment.
      const notReusable = await save({
        message: { attachment: { type: 'video', payload: { url: 'https://x.org/v.mp4', is_reusable: false } } },
      });
      assert.equal(notReusable.status, 200);
      const viaMultipart = await graphCall<{ attachment_id?: string }>(s.url, 'POST', '/me/message_attachments', {
        token,
        raw: multipart([{ name: 'message', value: JSON.stringify(image('https://cdn.example.org/b.png').message) }]),
      });
      assert.equal(viaMultipart.status, 200, JSON.stringify(viaMultipart.body));

      const sent = await send(token, psid, { attachment: { type: 'image', payload: { attachment_id: id } } });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const again = await send(token, psid, { attachment: { type: 'image', payload: { attachment_id: Number(id) } } });
      assert.equal(again.status, 200, 'reusable, also as a number');
      const media = await send(token, psid, {
        attachment: {
          type: 'template',
          payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: id }] },
        },
      });
      assert.equal(media.status, 200, JSON.stringify(media.body));
      const history = await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      const last = history.body.messages.slice(-3);
      assert.deepEqual(
        last.slice(0, 2).map((m) => m.attachment),
        [
          { type: 'image', url: 'https://cdn.example.org/croissant.jpg' },
          { type: 'image', url: 'https://cdn.example.org/croissant.jpg' },
        ],
      );
      const template = last[2]?.attachment;
      assert.ok(template?.type === 'template' && template.template.templateType === 'media');
      assert.equal(template.template.elements[0]?.url, 'https://cdn.example.org/croissant.jpg');
    });

    it('never resolves another page’s attachment, nor an unknown one (100 naming the field)', async (t) => {
      if (skip) return t.skip(skip);
      const id = (await save(image('https://cdn.example.org/secret.png'))).body.attachment_id as string;
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

    it('refuses bad bodies naming the field, bad tokens and forged proofs', async (t) => {
      if (skip) return t.skip(skip);
      const url = 'https://cdn.example.org/x.png';
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
      const app = await makeApp(owner, 'Temp');
      const temp = await connectApp(owner, app.id, pageId);
      assert.equal((await save(image(url), temp)).status, 200);
      assert.equal((await owner.http.delete(`/api/apps/${app.id}/pages/${pageId}`)).status, 204);
      assertGraphError(await save(image(url), temp), 190);
    });

    it('refuses uploads until media storage exists — after the body limit, which comes first', async (t) => {
      if (skip) return t.skip(skip);
      const message = JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } });
      const upload = await graphCall(s.url, 'POST', '/v6.0/me/message_attachments', {
        token,
        raw: multipart([
          { name: 'message', value: message },
          { name: 'filedata', value: 'PNG…', filename: 'a.png', type: 'image/png' },
        ]),
      });
      assertGraphError(upload, 100, undefined, /param filedata: .*by URL only until it has media storage/);
      const sendUpload = await graphCall(s.url, 'POST', '/v6.0/me/messages', {
        token,
        raw: multipart([
          { name: 'recipient', value: JSON.stringify({ id: psid }) },
          { name: 'message', value: message },
          { name: 'filedata', value: 'PNG…', filename: 'a.png', type: 'image/png' },
        ]),
      });
      assertGraphError(sendUpload, 100, undefined, /param filedata/);
      const huge = await graphCall(s.url, 'POST', '/v6.0/me/message_attachments', {
        token,
        raw: multipart([
          { name: 'message', value: message },
          { name: 'filedata', value: 'x'.repeat(limits.httpBodyBytes + 1), filename: 'a.png', type: 'image/png' },
        ]),
      });
      assertGraphError(huge, 100, 2018109);
      const broken = await graphCall(s.url, 'POST', '/v6.0/me/message_attachments', {
        token,
        raw: { contentType: 'multipart/form-data; boundary=nope', body: 'not a form' },
      });
      assertGraphError(broken, 100, undefined, /multipart/);
      // A multipart Send API call without a file is read like a form.
      const fields = await graphCall(s.url, 'POST', '/v6.0/me/messages', {
        token,
        raw: multipart([
          { name: 'recipient', value: JSON.stringify({ id: psid }) },
          { name: 'message', value: JSON.stringify({ text: 'multipart text' }) },
        ]),
      });
      assert.equal(fields.status, 200, JSON.stringify(fields.body));
    });
  });
}
