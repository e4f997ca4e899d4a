import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type {
  AppSecretResponse,
  MessagesResponse,
  PageAccessTokenResponse,
  PageConversationResponse,
  PageResponse,
} from '../../protocol/api.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { STANDARD_WINDOW_MS } from './window.ts';

interface GraphAnswer {
  status: number;
  body: {
    recipient_id?: string;
    message_id?: string;
    error?: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
  };
}

/**
 * The Graph-compatible Send API over plain HTTP, as a bot calls it: a page access token, the person by the
 * id the page knows them by, Messenger's body; Graph error objects for everything refused.
 */
for (const backend of backends) {
  describe(`the Send API (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let customer: Person;
    let pageId: string;
    let otherPageId: string;
    let token: string;
    let otherToken: string;
    let secret: string;
    let psid: string;
    let conversationId: string;
    let skip: string | false = false;
    let clock = Date.now();

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000' }, { graphClock: () => clock });
      owner = await signUp(s.url);
      customer = await signUp(s.url);
      const page = await owner.http.post<PageResponse>('/api/pages', {
        name: 'Épicerie',
        username: `epi${process.pid}g`,
      });
      pageId = page.body.page.id;
      const other = await owner.http.post<PageResponse>('/api/pages', {
        name: 'Other',
        username: `oth${process.pid}g`,
      });
      otherPageId = other.body.page.id;
      const app = await owner.http.post<AppSecretResponse>('/api/apps', { name: 'Bot' });
      secret = app.body.secret;
      token = (await owner.http.post<PageAccessTokenResponse>(`/api/apps/${app.body.app.id}/pages/${pageId}`)).body
        .pageAccessToken;
      otherToken = (await owner.http.post<PageAccessTokenResponse>(`/api/apps/${app.body.app.id}/pages/${otherPageId}`))
        .body.pageAccessToken;
      const conv = await customer.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
      conversationId = conv.body.conversation.id;
      await customer.http.post(`/api/conversations/${conversationId}/messages`, {
        clientId: `g-${Date.now()}-x`,
        text: 'Hello?',
      });
      psid = (await s.comptoir.storage.reader.pages.psidOf(pageId, customer.user.id)) as string;
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const call = async (
      path: string,
      body: unknown,
      opts: { token?: string | null; bearer?: boolean; proof?: string; form?: boolean } = {},
    ): Promise<GraphAnswer> => {
      const t = opts.token === undefined ? token : opts.token;
      const q = new URLSearchParams();
      if (t !== null && !opts.bearer) q.set('access_token', t);
      if (opts.proof !== undefined) q.set('appsecret_proof', opts.proof);
      const headers: Record<string, string> = {};
      if (opts.bearer && t) headers.authorization = `Bearer ${t}`;
      let payload: string;
      if (opts.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        const f = new URLSearchParams();
        for (const [k, v] of Object.entries(body as Record<string, unknown>)) f.set(k, JSON.stringify(v));
        payload = f.toString();
      } else {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body);
      }
      const res = await fetch(`${s.url}${path}?${q}`, { method: 'POST', headers, body: payload });
      return { status: res.status, body: (await res.json()) as GraphAnswer['body'] };
    };
    const refused = (a: GraphAnswer, code: number, subcode?: number) => {
      assert.ok(a.status >= 400 && a.status < 500, `status ${a.status}`);
      assert.equal(a.body.error?.code, code, JSON.stringify(a.body));
      assert.equal(a.body.error?.type, 'OAuthException');
      assert.equal(typeof a.body.error?.fbtrace_id, 'string');
      if (subcode !== undefined) assert.equal(a.body.error?.error_subcode, subcode);
    };
    const isText = (text: string) => (f: ServerFrame) =>
      f.type === 'event' && f.event.type === 'message.created' && f.event.message.text === text;

    it('sends text, quick replies and templates as the page; the person gets them live', async (t) => {
      if (skip) return t.skip(skip);
      const live = await SocketClient.live(s.wsUrl, customer);
      const a = await call('/v19.0/me/messages', {
        recipient: { id: psid },
        messaging_type: 'RESPONSE',
        message: { text: 'Bonjour !', quick_replies: [{ content_type: 'text', title: 'Prix', payload: 'PRICE' }] },
      });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.recipient_id, psid);
      assert.match(a.body.message_id ?? '', /^m_/);
      const frame = await live.next(isText('Bonjour !'));
      assert.ok(frame.type === 'event' && frame.event.type === 'message.created');
      assert.equal(frame.event.message.senderId, pageId);
      assert.deepEqual(frame.event.message.quickReplies, [{ contentType: 'text', title: 'Prix', payload: 'PRICE' }]);
      for (const path of ['/me/messages', `/v2.9/${pageId}/messages`, `/${pageId}/messages`]) {
        const r = await call(path, {
          recipient: { id: psid },
          message: {
            attachment: {
              type: 'template',
              payload: {
                template_type: 'button',
                text: `via ${path}`,
                buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }],
              },
            },
          },
        });
        assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
      }
      const bearer = await call(
        '/v6.0/me/messages',
        { recipient: { id: psid }, message: { text: 'bearer' } },
        { bearer: true },
      );
      assert.equal(bearer.status, 200);
      const form = await call(
        '/v6.0/me/messages',
        { recipient: { id: psid }, message: { text: 'form' } },
        { form: true },
      );
      assert.equal(form.status, 200, JSON.stringify(form.body));
      const proof = createHmac('sha256', secret).update(token).digest('hex');
      assert.equal(
        (await call('/v6.0/me/messages', { recipient: { id: psid }, message: { text: 'proof' } }, { proof })).status,
        200,
      );
      const history = await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      const texts = history.body.messages.map((m) => m.text ?? m.attachment?.type);
      assert.deepEqual(texts.slice(-7), ['Bonjour !', 'template', 'template', 'template', 'bearer', 'form', 'proof']);
      live.close();
    });

    it('sender actions: typing to the person, mark_seen as a read receipt', async (t) => {
      if (skip) return t.skip(skip);
      const live = await SocketClient.live(s.wsUrl, customer);
      assert.equal(
        (await call('/v6.0/me/messages', { recipient: { id: psid }, sender_action: 'typing_on' })).status,
        200,
      );
      const typing = await live.next((f) => f.type === 'signal');
      assert.ok(typing.type === 'signal' && typing.signal.type === 'typing');
      assert.deepEqual([typing.signal.userId, typing.signal.typing], [pageId, true]);
      await customer.http.post(`/api/conversations/${conversationId}/messages`, {
        clientId: `g-${Date.now()}-y`,
        text: 'Merci',
      });
      assert.equal(
        (await call('/v6.0/me/messages', { recipient: { id: psid }, sender_action: 'mark_seen' })).status,
        200,
      );
      const seen = await live.next(
        (f) => f.type === 'event' && f.event.type === 'receipt.updated' && f.event.userId === pageId,
      );
      assert.ok(seen);
      live.close();
    });

    it('refuses tokens: none, unknown, revoked, another page’s, a forged proof (190 / 100)', async (t) => {
      if (skip) return t.skip(skip);
      const body = { recipient: { id: psid }, message: { text: 'x' } };
      refused(await call('/v6.0/me/messages', body, { token: null }), 190);
      refused(await call('/v6.0/me/messages', body, { token: 'cpt_forged' }), 190);
      refused(await call(`/v6.0/${pageId}/messages`, body, { token: otherToken }), 190);
      refused(await call('/v6.0/me/messages', body, { proof: 'ab'.repeat(32) }), 100);
      refused(await call('/v6.0/me/messages', body, { token: otherToken }), 100, 2018001);
      const app = await owner.http.get<{ apps: { id: string }[] }>('/api/apps');
      const appId = app.body.apps[0]?.id as string;
      const fresh = await owner.http.post<PageAccessTokenResponse>(`/api/apps/${appId}/pages/${otherPageId}`);
      refused(await call('/v6.0/me/messages', body, { token: otherToken }), 190);
      assert.equal((await owner.http.delete(`/api/apps/${appId}/pages/${otherPageId}`)).status, 204);
      refused(await call('/v6.0/me/messages', body, { token: fresh.body.pageAccessToken }), 190);
    });

    it('refuses bad bodies naming the field (100), unknown people (2018001), never a 5xx', async (t) => {
      if (skip) return t.skip(skip);
      refused(await call('/v6.0/me/messages', { message: { text: 'x' } }), 100);
      refused(await call('/v6.0/me/messages', { recipient: { id: psid }, message: { text: '' } }), 100, 2018034);
      const long = await call('/v6.0/me/messages', { recipient: { id: psid }, message: { text: 'x'.repeat(2001) } });
      refused(long, 100);
      assert.match(long.body.error?.message ?? '', /message\[text\]/);
      const button = await call('/v6.0/me/messages', {
        recipient: { id: psid },
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'button',
              text: 't',
              buttons: [{ type: 'postback', title: 'x'.repeat(21), payload: 'p' }],
            },
          },
        },
      });
      refused(button, 100);
      assert.match(button.body.error?.message ?? '', /message\[attachment\]\[payload\]\[buttons\]\[0\]\[title\]/);
      refused(
        await call('/v6.0/me/messages', { recipient: { id: '9999999999999999' }, message: { text: 'x' } }),
        100,
        2018001,
      );
      refused(
        await call('/v6.0/me/messages', { recipient: { id: customer.user.id }, message: { text: 'x' } }),
        100,
        2018001,
      );
      for (const raw of ['{', '[]', 'null', '"x"']) {
        const res = await fetch(`${s.url}/v6.0/me/messages?access_token=${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: raw,
        });
        assert.ok(res.status >= 400 && res.status < 500, `${raw}: ${res.status}`);
        assert.equal(((await res.json()) as GraphAnswer['body']).error?.code, 100);
      }
      const wrongVersion = await call('/vX/me/messages', { recipient: { id: psid }, message: { text: 'x' } });
      assert.ok(wrongVersion.status >= 400 && wrongVersion.status < 500);
    });

    it('keeps the messaging window: 24 h after the person, then HUMAN_AGENT for 7 days (10 / 2018278)', async (t) => {
      if (skip) return t.skip(skip);
      const body = { recipient: { id: psid }, message: { text: 'later' } };
      clock = Date.now() + STANDARD_WINDOW_MS + 60_000;
      refused(await call('/v6.0/me/messages', body), 10, 2018278);
      const tagged = await call('/v6.0/me/messages', { ...body, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
      assert.equal(tagged.status, 200, JSON.stringify(tagged.body));
      clock = Date.now() + 8 * STANDARD_WINDOW_MS;
      refused(
        await call('/v6.0/me/messages', { ...body, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }),
        10,
        2018278,
      );
      clock = Date.now();
      assert.equal((await call('/v6.0/me/messages', body)).status, 200);
    });
  });
}
