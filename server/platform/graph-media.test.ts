import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MessengerClient } from 'messaging-api-messenger';
import sharp from 'sharp';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { MessageView } from '../../protocol/views.ts';
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
import { readMedia, streamBody } from '../../test/helpers/media.ts';
import { brokenPng, filesUnder, png, type RemoteFiles, startRemoteFiles } from '../../test/helpers/remote-files.ts';
import type { TestServer } from '../../test/helpers/server.ts';

/**
 * The Send API's media (docs/PLATFORM.md, "Attachments"): by URL, fetched server-side and stored; as a
 * file in a multipart form, streamed into storage; `is_reusable` saving it for the page. The person sees
 * and reads the page's photo as any message's. What cannot be fetched or stored is a Graph error naming
 * the field, and nothing is kept: no message, no file.
 */
for (const backend of backends) {
  describe(`the Send API's media (${backend.name})`, () => {
    let s: TestServer;
    let remote: RemoteFiles;
    let customer: Person;
    let stranger: Person;
    let token: string;
    let secret: string;
    let psid: string;
    let conversationId: string;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      remote = await startRemoteFiles({
        '/croissant.png': { type: 'image/png', body: await png(64, 48) },
        '/garbage.png': { type: 'image/png', body: brokenPng() },
        '/hang.png': 'hang',
        '/gone.png': { status: 410, type: 'text/plain', body: Buffer.from('gone') },
      });
      // The fixture server is on 127.0.0.1: allowed here, as an operator allows a private CDN.
      s = await serverOn(
        backend,
        { RATE_GRAPH_CALLS_PER_SECOND: '1000', WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32', RATE_UPLOADS_PER_MINUTE: '1000' },
        { mediaFetchTimeoutMs: 700 },
      );
      const owner = await signUp(s.url);
      customer = await signUp(s.url);
      stranger = await signUp(s.url);
      const pageId = await makePage(owner, 'Boulangerie', `boul${process.pid}m`);
      const app = await makeApp(owner, 'Bot');
      secret = app.secret;
      token = await connectApp(owner, app.id, pageId);
      ({ psid, conversationId } = await writeToPage(s, customer, pageId));
    });
    after(async () => {
      if (skip) return;
      await remote.close();
      await s.close();
    });

    const send = (message: unknown) =>
      graphCall<{ message_id?: string; attachment_id?: string }>(s.url, 'POST', '/v19.0/me/messages', {
        token,
        body: { recipient: { id: psid }, message },
      });
    const sendForm = (parts: Parameters<typeof multipart>[0]) =>
      graphCall<{ message_id?: string; attachment_id?: string }>(s.url, 'POST', '/v19.0/me/messages', {
        token,
        raw: multipart(parts),
      });
    const history = async () =>
      (await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`)).body.messages;
    const lastMessage = async (): Promise<MessageView> => (await history()).at(-1) as MessageView;
    const blobs = () => filesUnder(s.config.media.store.kind === 'local' ? s.config.media.store.dir : '').length;

    it('sends an image by URL: fetched once, stored, the person sees and reads it; is_reusable saves it', async (t) => {
      if (skip) return t.skip(skip);
      const sent = await send({ attachment: { type: 'image', payload: { url: remote.url('/croissant.png') } } });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual(Object.keys(sent.body).sort(), ['message_id', 'recipient_id'], 'no attachment_id unasked');
      assert.equal(remote.hits('/croissant.png'), 1);
      const m = await lastMessage();
      assert.equal(`m_${m.id}`, sent.body.message_id);
      assert.equal(m.text, null, 'no caption');
      assert.equal(m.attachment, undefined, 'not a link to another site');
      const [photo] = m.attachments ?? [];
      assert.ok(photo);
      assert.deepEqual([photo.kind, photo.mime, photo.width, photo.height], ['image', 'image/png', 64, 48]);
      const read = await readMedia(s.url, photo.url, customer);
      assert.equal(read.status, 200);
      assert.deepEqual((await sharp(read.bytes).metadata()).width, 64);
      assert.equal((await readMedia(s.url, photo.url, stranger)).status, 404, 'never another person');

      // is_reusable: saved for the page as well; the answer names it; a send by its id fetches nothing.
      const saved = await send({
        attachment: { type: 'image', payload: { url: remote.url('/croissant.png'), is_reusable: true } },
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.match(saved.body.attachment_id ?? '', /^[1-9][0-9]{14}$/);
      const again = await send({ attachment: { type: 'image', payload: { attachment_id: saved.body.attachment_id } } });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(remote.hits('/croissant.png'), 2, 'the saved one is not fetched again');
      const [first, second] = (await history()).slice(-2).map((x) => x.attachments?.[0]);
      assert.ok(first && second);
      assert.notEqual(first.id, second.id, 'each message its own copy');
      assert.equal((await readMedia(s.url, second.url, customer)).status, 200);
    });

    it('sends a file uploaded with the call — the real messaging-api-messenger client, and any order of fields', async (t) => {
      if (skip) return t.skip(skip);
      const client = new MessengerClient({ accessToken: token, appSecret: secret, origin: s.url });
      // The client sends `message`, then `filedata`, then `messaging_type` and `recipient`.
      const photo = await png(120, 90, 30, 90, 200);
      // Its option type leaves form-data's `filename` out; the client passes it to the form.
      const answer = await client.sendImage(psid, photo, { filename: 'vitrine.png' } as object);
      assert.equal(`m_${(await lastMessage()).id}`, answer.messageId);
      const m = await lastMessage();
      assert.deepEqual(
        m.attachments?.map((a) => [a.kind, a.name, a.width, a.height]),
        [['image', 'vitrine.png', 120, 90]],
      );
      // By URL through the same client.
      await client.sendImage(psid, remote.url('/croissant.png'));
      assert.equal((await lastMessage()).attachments?.[0]?.width, 64);

      // The recipient first, a file saved for reuse: its attachment_id answered, then sent again by it.
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
      const up = await sendForm([
        { name: 'recipient', value: JSON.stringify({ id: psid }) },
        { name: 'message', value: JSON.stringify({ attachment: { type: 'file', payload: { is_reusable: true } } }) },
        { name: 'filedata', value: pdf, filename: 'menu.pdf', type: 'application/pdf' },
      ]);
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.match(up.body.attachment_id ?? '', /^[1-9][0-9]{14}$/);
      const card = (await lastMessage()).attachments?.[0];
      assert.deepEqual([card?.kind, card?.name, card?.size], ['file', 'menu.pdf', pdf.length]);
      const read = await readMedia(s.url, card?.url ?? '', customer);
      assert.deepEqual(read.bytes, pdf, 'a file is kept as sent');
      const byId = await send({ attachment: { type: 'file', payload: { attachment_id: up.body.attachment_id } } });
      assert.equal(byId.status, 200, JSON.stringify(byId.body));
    });

    it('refuses what cannot be fetched or stored, naming the field; nothing is kept', async (t) => {
      if (skip) return t.skip(skip);
      const before = { messages: (await history()).length, blobs: blobs() };
      const url = '/v19.0/me/messages';
      const byUrl = (u: string) => send({ attachment: { type: 'image', payload: { url: u } } });
      const field = /message\[attachment\]\[payload\]\[url\]/;
      // Never a private address (before or after a redirect): the cloud's metadata, a LAN host.
      assertGraphError(await byUrl('http://169.254.169.254/latest/meta-data/'), 100, 2018008, field);
      assertGraphError(await byUrl('http://10.255.255.1/x.png'), 100, 2018008, field);
      assertGraphError(await byUrl(remote.url('/missing.png')), 100, 2018008, /404/);
      assertGraphError(await byUrl(remote.url('/gone.png')), 100, 2018008, /410/);
      const started = Date.now();
      assertGraphError(await byUrl(remote.url('/hang.png')), 100, 2018008, /within/);
      assert.ok(Date.now() - started < 5000, 'a hanging server is given up on at the deadline');
      // Garbage behind a PNG signature, served as image/png: no image → Messenger's upload failure.
      assertGraphError(await byUrl(remote.url('/garbage.png')), 100, 2018047, /Upload attachment failure/);
      assertGraphError(await byUrl('ftp://example.org/x.png'), 100, undefined, field);

      // A file in a call that then fails is deleted: an unknown recipient after the file…
      const image = await png(32, 32);
      const file = { name: 'filedata', value: image, filename: 'a.png', type: 'image/png' };
      const message = (payload: object) => ({
        name: 'message',
        value: JSON.stringify({ attachment: { type: 'image', payload } }),
      });
      assertGraphError(
        await sendForm([message({}), file, { name: 'recipient', value: JSON.stringify({ id: '1234567890123456' }) }]),
        100,
        2018001,
      );
      // …is_reusable asked after the file; a file with a text message; a file as another field; two files.
      assertGraphError(
        await sendForm([
          file,
          message({ is_reusable: true }),
          { name: 'recipient', value: JSON.stringify({ id: psid }) },
        ]),
        100,
        undefined,
        /param filedata: with is_reusable, the message field comes before the file/,
      );
      assertGraphError(
        await sendForm([
          { name: 'recipient', value: JSON.stringify({ id: psid }) },
          { name: 'message', value: JSON.stringify({ text: 'x' }) },
          file,
        ]),
        100,
        undefined,
        /param filedata/,
      );
      assertGraphError(
        await sendForm([message({}), { ...file, name: 'photo' }]),
        100,
        undefined,
        /param photo: the file is sent as filedata/,
      );
      assertGraphError(
        await sendForm([message({}), file, file, { name: 'recipient', value: JSON.stringify({ id: psid }) }]),
        100,
        undefined,
        /param filedata: one file per call/,
      );
      // Garbage as the file: refused as Messenger does.
      assertGraphError(
        await sendForm([
          { name: 'recipient', value: JSON.stringify({ id: psid }) },
          message({}),
          { ...file, value: brokenPng() },
        ]),
        100,
        2018047,
        /param filedata: Upload attachment failure/,
      );
      assert.equal((await history()).length, before.messages, 'no message');
      assert.equal(blobs(), before.blobs, 'no file kept');
      assert.deepEqual(filesUnder(`${s.dataDir}/tmp/media`), [], 'no temporary file left');
      assert.equal(
        (await graphCall(s.url, 'POST', url, { token, body: { recipient: { id: psid }, message: { text: 'ok' } } }))
          .status,
        200,
        'the server carries on',
      );
    });

    it('cuts an oversize file off as it arrives: 2018109, nothing kept', async (t) => {
      if (skip) return t.skip(skip);
      const before = blobs();
      const head = Buffer.concat([
        Buffer.from(
          `--b0undary\r\nContent-Disposition: form-data; name="message"\r\n\r\n` +
            `${JSON.stringify({ attachment: { type: 'image', payload: {} } })}\r\n` +
            `--b0undary\r\nContent-Disposition: form-data; name="filedata"; filename="big.png"\r\n` +
            'Content-Type: image/png\r\n\r\n',
        ),
        await png(16, 16),
      ]);
      // 26 MB of an image (over the 25 MB of its kind): the answer comes before the upload's end.
      const total = 26 * 1024 * 1024;
      const answer = await streamForm(`${s.url}/v19.0/me/messages?access_token=${token}`, head, total);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error?.code, 100);
      assert.equal(answer.body.error?.error_subcode, 2018109, JSON.stringify(answer.body));
      // The rest is not read: the connection is closed once the refusal is sent.
      assert.equal(answer.connection, 'close');
      assert.equal(blobs(), before);
      assert.deepEqual(filesUnder(`${s.dataDir}/tmp/media`), []);
    });
  });
}

describe('the Send API’s media within the page’s upload rate', () => {
  let s: TestServer;
  let remote: RemoteFiles;
  before(async () => {
    remote = await startRemoteFiles({ '/a.png': { type: 'image/png', body: await png(8, 8) } });
    s = await serverOn(backends[0] as (typeof backends)[number], {
      RATE_GRAPH_CALLS_PER_SECOND: '1000',
      WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
      RATE_UPLOADS_PER_MINUTE: '2',
    });
  });
  after(async () => {
    await remote.close();
    await s.close();
  });

  it('answers 613 past the page’s uploads per minute (media’s rate), as Messenger’s rate limit', async () => {
    const owner = await signUp(s.url);
    const customer = await signUp(s.url);
    const pageId = await makePage(owner, 'Rate', `rate${process.pid}m`);
    const app = await makeApp(owner, 'Bot');
    const token = await connectApp(owner, app.id, pageId);
    const { psid } = await writeToPage(s, customer, pageId);
    const send = () =>
      graphCall(s.url, 'POST', '/me/messages', {
        token,
        body: {
          recipient: { id: psid },
          message: { attachment: { type: 'image', payload: { url: remote.url('/a.png') } } },
        },
      });
    assert.equal((await send()).status, 200);
    assert.equal((await send()).status, 200);
    assertGraphError(await send(), 613);
  });
});

/**
 * Streams a multipart form (boundary `b0undary`) of `total` bytes: `head`, then filler — never its end —
 * and answers what the server said, even when it answers and closes before the body is all sent.
 */
async function streamForm(
  url: string,
  head: Buffer,
  total: number,
): Promise<{
  status: number;
  body: { error?: { code: number; error_subcode?: number } };
  connection: string | undefined;
}> {
  const r = await streamBody(url, { 'content-type': 'multipart/form-data; boundary=b0undary' }, head, total);
  return {
    status: r.status,
    body: r.body as { error?: { code: number; error_subcode?: number } },
    connection: r.connection,
  };
}
