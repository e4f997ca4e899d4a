/**
 * Content apps end to end over HTTP, against a real Comptoir and a real content app on 127.0.0.1
 * (test/helpers/content-app.ts): a search answered, paged and kept (the app asked once), previews through
 * Comptoir for the searcher only, a result sent as the person's message "via" the app — stored by Comptoir,
 * idempotent — the reply's context given to the app; and every way it goes wrong: an app that hangs or
 * answers garbage, a result it did not return, a stranger's conversation, media that cannot be fetched
 * (nothing stored), an app not turned on.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { ComposeResultsResponse } from '../../protocol/compose.ts';
import type { MessageView } from '../../protocol/views.ts';
import { type Person, signUp, startDirect } from '../../test/helpers/client.ts';
import {
  catalogue,
  composeApp,
  contentAppEnv,
  startContentApp,
  type TestContentApp,
} from '../../test/helpers/content-app.ts';
import { readMedia } from '../../test/helpers/media.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';

type Failure = { error: { id: string; details?: Record<string, unknown> } };

describe('content apps: search, previews, send', () => {
  let s: TestServer;
  let app: TestContentApp;
  let appId: string;
  let [dev, ana, ben, eve]: Person[] = [];
  let conversationId: string;
  let n = 0;
  const clientId = () => `content-app-${process.pid}-${++n}`;
  const results = (p: Person, query: Record<string, string>, headers: Record<string, string> = {}) =>
    p.http.request<ComposeResultsResponse & Failure>(
      'GET',
      `/api/compose-apps/${appId}/results?${new URLSearchParams(query)}`,
      undefined,
      headers,
    );
  const send = (p: Person, body: Record<string, unknown>) =>
    p.http.post<{ message: MessageView } & Failure>(`/api/compose-apps/${appId}/send`, {
      conversationId,
      clientId: clientId(),
      ...body,
    });
  /** Ana's uploads not (yet) in a message: what a failed send would leave behind. */
  const unsentOf = async (p: Person) =>
    (await s.comptoir.storage.reader.media.unsentBefore(Date.now() + 3_600_000, 1000)).filter(
      (m) => m.ownerId === p.user.id,
    );

  before(async () => {
    s = await startServer(contentAppEnv);
    app = await startContentApp();
    [dev, ana, ben, eve] = [await signUp(s.url), await signUp(s.url), await signUp(s.url), await signUp(s.url)];
    ({ appId } = await composeApp(dev as Person, app));
    for (const p of [ana, ben]) await (p as Person).http.put(`/api/compose-apps/${appId}/enabled`);
    conversationId = (await startDirect(ana as Person, ben as Person)).id;
  });
  after(async () => {
    await app.close();
    await s.close();
  });
  beforeEach(() => {
    app.answer = (q) => catalogue(app, q);
  });

  it('answers a search through Comptoir, page by page, kept for its cacheTime (the app asked once)', async () => {
    const a = ana as Person;
    const asked = app.queries.length;
    const first = await results(a, { q: 'cat' }, { 'accept-language': 'fr-FR,fr;q=0.9' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(
      first.body.results.map((r) => [r.id, r.type, r.width, r.height, r.durationMs, r.title]),
      [
        ['cat-1', 'gif', 24, 24, null, 'cat-1'],
        ['cat-2', 'gif', 24, 24, null, 'cat-2'],
      ],
    );
    assert.equal(first.body.nextOffset, '2');
    for (const r of first.body.results) assert.match(r.previewUrl, new RegExp(`^/api/compose-apps/${appId}/preview/`));
    const q = app.queries.at(-1);
    assert.ok(q?.signed, 'signed with the app secret');
    assert.deepEqual(Object.keys(q?.body ?? {}).sort(), ['locale', 'offset', 'query', 'user']);
    assert.equal(q?.body.locale, 'fr-FR', 'the Accept-Language');
    assert.match(q?.body.user.id ?? '', /^[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(q?.body).includes(a.user.id), 'never the account id');

    const second = await results(a, { q: 'cat', offset: '2', locale: 'fr-FR' });
    assert.deepEqual(
      second.body.results.map((r) => r.id),
      ['cat-3'],
    );
    assert.equal(second.body.nextOffset, null);
    assert.equal(app.queries.length, asked + 2);

    await results(a, { q: 'cat', locale: 'fr-FR' });
    await results(ben as Person, { q: 'cat', locale: 'fr-FR' });
    assert.equal(app.queries.length, asked + 2, 'kept: the app was not asked again');
    await results(ben as Person, { q: 'dog', locale: 'fr-FR' });
    const anaId = q?.body.user.id;
    const benId = app.queries.at(-1)?.body.user.id;
    assert.notEqual(benId, anaId, 'each person has an id of their own');
    await results(a, { q: 'dog', locale: 'en' });
    assert.equal(app.queries.at(-1)?.body.user.id, anaId, 'the same person, the same id');
  });

  it('serves previews through Comptoir to the searcher only, typed from their bytes', async () => {
    const r = await results(ana as Person, { q: 'dog' });
    const url = r.body.results[0]?.previewUrl ?? '';
    const mine = await readMedia(s.url, url, ana as Person);
    assert.equal(mine.status, 200);
    assert.equal(mine.headers.get('content-type'), 'image/gif');
    assert.equal(mine.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(mine.headers.get('content-security-policy'), "default-src 'none'; sandbox");
    assert.ok(mine.bytes.equals(app.files.get('/media/dog-1.gif')?.bytes ?? Buffer.alloc(0)));
    const other = await readMedia(s.url, url, ben as Person);
    assert.equal(other.status, 404, 'another person’s link');
    assert.equal(other.error, 'not_found');
    assert.equal((await readMedia(s.url, url, null)).status, 401);
    assert.equal((await readMedia(s.url, `/api/compose-apps/${appId}/preview/not-a-token`, ana as Person)).status, 404);

    // A preview that is no image nor video is refused, whatever its type says.
    app.files.set('/media/page.gif', { type: 'image/gif', bytes: Buffer.from('<script>alert(1)</script>') });
    app.answer = () => ({
      status: 200,
      body: {
        results: [
          { id: 'x', type: 'gif', previewUrl: `${app.origin}/media/page.gif`, url: `${app.origin}/media/page.gif` },
        ],
      },
    });
    const bad = await results(ana as Person, { q: 'html' });
    const html = await readMedia(s.url, bad.body.results[0]?.previewUrl ?? '', ana as Person);
    assert.equal(html.status, 502);
    assert.equal(html.error, 'app_query_failed');
  });

  it('sends a picked result as the person’s message via the app: stored by Comptoir, idempotent by clientId', async () => {
    const a = ana as Person;
    const asked = app.queries.length;
    const id = clientId();
    const sent = await a.http.post<{ message: MessageView }>(`/api/compose-apps/${appId}/send`, {
      conversationId,
      clientId: id,
      resultId: 'cat-2',
      q: 'cat',
      locale: 'fr-FR',
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const m = sent.body.message;
    assert.deepEqual(m.via, { appId, name: 'GIF Box' });
    assert.equal(m.text, null);
    assert.equal(m.attachments?.length, 1);
    assert.equal(m.attachments?.[0]?.kind, 'image');
    assert.equal(m.attachments?.[0]?.mime, 'image/gif');
    assert.equal(app.queries.length, asked, 'found in the kept answer');
    assert.equal(app.fetched.filter((p) => p === '/media/cat-2.gif').length, 1);

    // Ben sees it, and reads the stored copy: the app's file may go, the message stays whole.
    const history = await (ben as Person).http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
    const seen = history.body.messages.find((x) => x.id === m.id);
    assert.deepEqual(seen?.via, { appId, name: 'GIF Box' });
    app.files.delete('/media/cat-2.gif');
    const file = await readMedia(s.url, seen?.attachments?.[0]?.url ?? '', ben as Person);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/gif');

    const again = await a.http.post<{ message: MessageView }>(`/api/compose-apps/${appId}/send`, {
      conversationId,
      clientId: id,
      resultId: 'cat-2',
      q: 'cat',
      locale: 'fr-FR',
    });
    assert.equal(again.status, 200, 'the same clientId: the same message');
    assert.equal(again.body.message.id, m.id);
    assert.equal(app.queries.length, asked);
    assert.deepEqual(await unsentOf(a), [], 'nothing fetched or stored again');
    const elsewhere = await a.http.post<Failure>(`/api/compose-apps/${appId}/send`, {
      conversationId: (await startDirect(a, dev as Person)).id,
      clientId: id,
      resultId: 'cat-2',
      q: 'cat',
    });
    assert.equal(elsewhere.body.error.id, 'client_id_conflict');
  });

  it('asks the app again for a result whose answer is no longer kept', async () => {
    app.answer = (q) => {
      const a = catalogue(app, q);
      return a === 'hang' || a === 'close' ? a : { ...a, body: { ...(a.body as object), cacheTime: 0 } };
    };
    const asked = app.queries.length;
    const sent = await send(ana as Person, { resultId: 'dog-1', q: 'DOG' });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(app.queries.length, asked + 1);
  });

  it('gives the app the replied message’s context, and the reply quotes it', async () => {
    const b = ben as Person;
    const history = await b.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
    const original = history.body.messages.find((x) => x.via && x.senderId === (ana as Person).user.id);
    assert.ok(original);
    const r = await results(b, { q: '', replyTo: original.id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const context = app.queries.at(-1)?.body.context?.replyTo;
    assert.equal(context?.messageId, original.id);
    assert.deepEqual(context?.via, { appId });
    assert.equal(context?.attachment?.kind, 'image');
    assert.equal(context?.attachment?.mime, 'image/gif');
    const link = await fetch(context?.attachment?.url ?? '');
    assert.equal(link.status, 200, 'a link the app may read, without a session');

    const reply = await send(b, { resultId: 'cat-1', q: '', replyTo: original.id });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.message.replyTo?.id, original.id);
    assert.deepEqual(reply.body.message.via, { appId, name: 'GIF Box' });

    const e = eve as Person;
    await e.http.put(`/api/compose-apps/${appId}/enabled`);
    const stranger = await results(e, { q: '', replyTo: original.id });
    assert.equal(stranger.status, 404);
    assert.equal(stranger.body.error.id, 'message_not_found', 'a stranger learns nothing of the message');
  });

  it('answers 504 app_query_timeout for an app that hangs, 502 app_query_failed for garbage; the server goes on', async () => {
    app.answer = () => 'hang';
    const slow = await results(ana as Person, { q: 'hang' });
    assert.equal(slow.status, 504);
    assert.equal(slow.body.error.id, 'app_query_timeout');
    app.answer = () => ({ status: 200, body: 'GIF! GIF! GIF!' });
    const garbage = await results(ana as Person, { q: 'garbage' });
    assert.equal(garbage.status, 502);
    assert.equal(garbage.body.error.id, 'app_query_failed');
    assert.equal(garbage.body.error.details?.reason, 'json');
    app.answer = () => ({ status: 200, body: { results: [{ id: 'a', type: 'video', url: 'x' }] } });
    const shape = await results(ana as Person, { q: 'shape' });
    assert.equal(shape.body.error.details?.reason, 'shape');
    app.answer = (q) => catalogue(app, q);
    assert.equal((await results(ana as Person, { q: 'dog', locale: 'de' })).status, 200);
  });

  it('refuses a result the app did not return, a stranger’s conversation, an app not turned on', async () => {
    const unknown = await send(ana as Person, { resultId: 'nope', q: 'cat' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.id, 'app_result_not_found');
    const otherSearch = await send(ana as Person, { resultId: 'dog-1', q: 'cat' });
    assert.equal(otherSearch.body.error.id, 'app_result_not_found', 'returned for another search only');

    const asked = app.queries.length;
    const stranger = await send(eve as Person, { resultId: 'cat-1', q: 'cat' });
    assert.equal(stranger.status, 404);
    assert.equal(stranger.body.error.id, 'conversation_not_found');
    assert.equal(app.queries.length, asked, 'refused before the app is asked');

    const d = dev as Person;
    const off = await results(d, { q: 'cat' });
    assert.equal(off.status, 409);
    assert.equal(off.body.error.id, 'content_app_not_enabled');
    assert.equal((await send(d, { resultId: 'cat-1', q: 'cat' })).body.error.id, 'content_app_not_enabled');
    await (ana as Person).http.delete(`/api/compose-apps/${appId}/enabled`);
    assert.equal((await results(ana as Person, { q: 'cat' })).body.error.id, 'content_app_not_enabled');
    await (ana as Person).http.put(`/api/compose-apps/${appId}/enabled`);
    const bad = await results(ana as Person, { q: 'x'.repeat(257) });
    assert.equal(bad.body.error.id, 'bad_request');
  });

  it('fails a pick whose media cannot be fetched — unreachable, private, not media — and stores nothing', async () => {
    app.files.set('/media/page.html', { type: 'text/html', bytes: Buffer.from('<!doctype html><p>hello</p>') });
    const item = (id: string, url: string) => ({ id, type: 'gif', previewUrl: `${app.origin}/media/dog-1.gif`, url });
    app.answer = () => ({
      status: 200,
      body: {
        results: [
          item('gone', 'http://127.0.0.1:1/gone.gif'),
          item('private', 'http://10.0.0.7/cat.gif'),
          item('html', `${app.origin}/media/page.html`),
          item('missing', `${app.origin}/media/missing.gif`),
        ],
        cacheTime: 60,
      },
    });
    const history = async () =>
      (await (ana as Person).http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`)).body.messages
        .length;
    const before = await history();
    for (const [resultId, id] of [
      ['gone', 'media_fetch_failed'],
      ['private', 'media_fetch_failed'],
      ['html', 'app_query_failed'],
      ['missing', 'media_fetch_failed'],
    ] as const) {
      const r = await send(ana as Person, { resultId, q: 'broken' });
      assert.equal(r.body.error?.id, id, `${resultId}: ${JSON.stringify(r.body)}`);
    }
    assert.equal(await history(), before, 'no message');
    assert.deepEqual(await unsentOf(ana as Person), [], 'no upload left behind');
  });
});
