/**
 * The GIF Box against a real Comptoir (in process, SQLite, port 0) and its own server (port 0): it sets itself
 * up through Comptoir's API (the app, its extension), a person turns it on, searches, pages and sends a GIF
 * "via GIF Box"; a reply gets the reply-tagged items; an unsigned or wrongly signed query is refused. Its
 * library: animated GIFs under 100 KB, WAV tones that say what they are.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { MessageResponse } from '../../protocol/api.ts';
import type { ComposeResultsResponse } from '../../protocol/compose.ts';
import { type Person, signUp, startDirect } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { setUpInComptoir } from './comptoir.ts';
import { GifAppConfigError, loadGifAppConfig } from './config.ts';
import { drawIcon, generateLibrary, type LibraryItem, tone } from './generate.ts';
import { find } from './library.ts';
import { createGifAppServer, type GifAppServer } from './server.ts';

describe('the GIF Box', () => {
  let comptoir: TestServer;
  let gifBox: GifAppServer;
  let library: LibraryItem[];
  let appId: string;
  let secret: string;
  let ana: Person;
  let ben: Person;

  before(async () => {
    comptoir = await startServer({ WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32', RATE_UPLOADS_PER_MINUTE: '1000' });
    const dev = await signUp(comptoir.url);
    const config = loadGifAppConfig({
      COMPTOIR_URL: comptoir.url,
      COMPTOIR_USERNAME: dev.user.username,
      COMPTOIR_PASSWORD: dev.password,
      GIF_APP_PORT: '0',
      GIF_APP_PAGE_SIZE: '3',
    });
    library = await generateLibrary();
    gifBox = createGifAppServer(config, library, await drawIcon());
    const url = await gifBox.listen();
    assert.ok(config.setup);
    ({ appId, secret } = await setUpInComptoir({ ...config.setup, appUrl: url, name: config.name }, (s) =>
      gifBox.setSecret(s),
    ));
    ana = await signUp(comptoir.url);
    ben = await signUp(comptoir.url);
  });
  after(async () => {
    await gifBox?.close();
    await comptoir?.close();
  });

  it('draws a library of animated GIFs under 100 KB and short WAV tones, each with a preview', async () => {
    const gifs = library.filter((i) => i.type === 'gif');
    const clips = library.filter((i) => i.type === 'audio');
    assert.ok(gifs.length >= 10 && clips.length >= 3, `${gifs.length} GIFs, ${clips.length} clips`);
    assert.equal(new Set(library.map((i) => i.id)).size, library.length, 'ids are unique');
    for (const g of gifs) {
      assert.ok(g.file.bytes.length < 100 * 1024, `${g.id}: ${g.file.bytes.length} bytes`);
      const meta = await sharp(g.file.bytes, { animated: true }).metadata();
      assert.equal(meta.format, 'gif', g.id);
      assert.ok((meta.pages ?? 1) > 1, `${g.id} is animated`);
      assert.deepEqual([meta.width, meta.pageHeight], [g.width, g.height], g.id);
    }
    for (const c of clips) {
      const b = c.file.bytes;
      assert.deepEqual([b.toString('ascii', 0, 4), b.toString('ascii', 8, 12)], ['RIFF', 'WAVE'], c.id);
      const rate = b.readUInt32LE(24);
      const ms = ((b.length - 44) / 2 / rate) * 1000;
      assert.equal(Math.round(ms), c.durationMs, `${c.id} lasts what it says`);
      assert.equal((await sharp(c.preview.bytes).metadata()).format, 'png', `${c.id}'s preview`);
    }
    assert.equal(tone([440], 100).length, 44 + 1600 * 2, '100 ms at 16 kHz, 16 bits');
    assert.deepEqual(
      find(library, { query: 'CAT', locale: 'en', offset: '', user: { id: 'x' } }).map((i) => i.id),
      ['cat-hello', 'cat-nap', 'cat-love', 'meow'],
    );
    assert.deepEqual(
      find(library, { query: 'happy dog', locale: 'en', offset: '', user: { id: 'x' } }).map((i) => i.id),
      ['dog-wag'],
    );
  });

  it('is set up in Comptoir by its developer: the app and its extension, pointing at itself', async () => {
    const list = await ana.http.get<{ apps: { appId: string; name: string; kinds: string[]; enabled: boolean }[] }>(
      '/api/compose-apps',
    );
    const mine = list.body.apps.find((a) => a.appId === appId);
    assert.deepEqual(mine && { name: mine.name, kinds: mine.kinds, enabled: mine.enabled }, {
      name: 'GIF Box',
      kinds: ['gif', 'audio'],
      enabled: false,
    });
  });

  it('answers searches through Comptoir, page by page, and its GIFs are sent via GIF Box', async () => {
    assert.equal((await ana.http.put(`/api/compose-apps/${appId}/enabled`)).status, 200);
    const answered = gifBox.stats.answered;
    const first = await ana.http.get<ComposeResultsResponse>(`/api/compose-apps/${appId}/results?q=cat&locale=fr`);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(
      first.body.results.map((r) => [r.id, r.type]),
      [
        ['cat-hello', 'gif'],
        ['cat-nap', 'gif'],
        ['cat-love', 'gif'],
      ],
    );
    assert.equal(first.body.nextOffset, '3');
    const second = await ana.http.get<ComposeResultsResponse>(
      `/api/compose-apps/${appId}/results?q=cat&locale=fr&offset=3`,
    );
    assert.deepEqual(
      second.body.results.map((r) => [r.id, r.type, r.title, r.durationMs]),
      [['meow', 'audio', 'Miaou (un son)', 420]],
    );
    assert.equal(second.body.nextOffset, null);
    assert.equal(gifBox.stats.answered, answered + 2);
    await ana.http.get(`/api/compose-apps/${appId}/results?q=cat&locale=fr`);
    assert.equal(gifBox.stats.answered, answered + 2, 'Comptoir kept the answer for its cacheTime');

    const conversation = await startDirect(ana, ben);
    const sent = await ana.http.post<MessageResponse>(`/api/compose-apps/${appId}/send`, {
      conversationId: conversation.id,
      clientId: 'gif-box-test-1',
      resultId: 'cat-nap',
      q: 'cat',
      locale: 'fr',
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.deepEqual(sent.body.message.via, { appId, name: 'GIF Box' });
    assert.equal(sent.body.message.attachments?.[0]?.mime, 'image/gif');

    // Ben turns it on and answers with it: nothing typed, the app offers its replies.
    await ben.http.put(`/api/compose-apps/${appId}/enabled`);
    const replies = await ben.http.get<ComposeResultsResponse>(
      `/api/compose-apps/${appId}/results?q=&replyTo=${sent.body.message.id}`,
    );
    assert.deepEqual(
      replies.body.results.map((r) => r.id),
      ['yes', 'no', 'thanks'],
    );
    const clip = await ben.http.get<ComposeResultsResponse>(`/api/compose-apps/${appId}/results?q=ding`);
    const reply = await ben.http.post<MessageResponse>(`/api/compose-apps/${appId}/send`, {
      conversationId: conversation.id,
      clientId: 'gif-box-test-2',
      resultId: clip.body.results[0]?.id,
      q: 'ding',
      replyTo: sent.body.message.id,
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.message.attachments?.[0]?.kind, 'audio', 'a sound is sent as audio');
    assert.equal(reply.body.message.replyTo?.id, sent.body.message.id);
  });

  it('refuses a query that is not signed with its app secret, and reads nothing of it', async () => {
    const body = Buffer.from(JSON.stringify({ query: 'cat', locale: 'en', offset: '', user: { id: 'x' } }));
    const post = (headers: Record<string, string>) =>
      fetch(`${gifBox.url()}/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const refused = gifBox.stats.refused;
    assert.equal((await post({})).status, 403);
    const wrong = createHmac('sha256', 'not the secret').update(body).digest('hex');
    assert.equal((await post({ 'x-hub-signature-256': `sha256=${wrong}` })).status, 403);
    assert.equal(gifBox.stats.refused, refused + 2);
    const right = createHmac('sha256', secret).update(body).digest('hex');
    const ok = await post({ 'x-hub-signature-256': `sha256=${right}` });
    assert.equal(ok.status, 200);
    const answer = (await ok.json()) as { results: { url: string }[]; cacheTime: number };
    assert.equal(answer.cacheTime, 60);
    assert.ok(answer.results[0]?.url.startsWith(`${gifBox.url()}/media/`));
  });

  it('names what is missing or malformed in its configuration', () => {
    assert.throws(() => loadGifAppConfig({}), GifAppConfigError);
    assert.throws(() => loadGifAppConfig({ GIF_APP_SECRET: 'short' }), /64 hex/);
    assert.throws(() => loadGifAppConfig({ COMPTOIR_USERNAME: 'dev' }), /COMPTOIR_URL, COMPTOIR_USERNAME/);
    assert.throws(() => loadGifAppConfig({ GIF_APP_SECRET: 'a'.repeat(64), GIF_APP_PORT: 'x' }), /GIF_APP_PORT/);
    assert.equal(loadGifAppConfig({ GIF_APP_SECRET: 'a'.repeat(64) }).port, 3302);
  });
});
