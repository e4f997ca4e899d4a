import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageSearchResponse, MessagesResponse } from '../../protocol/api.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { createGroup, type Person, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { searchTerms, snippetOf } from '../lib/search.ts';

type Err = { error: { id: string; message: string; details?: { fields?: Record<string, string> } } };
let n = 0;
const cid = () => `client-${Date.now().toString(36)}-${++n}`;

describe('search words and snippets (lib/search.ts)', () => {
  it('cuts a query into folded words, never syntax; the last word typed stays last', () => {
    assert.deepEqual(searchTerms('  Café "crème" NEAR(x* -y:^z)  '), ['cafe', 'creme', 'near', 'x', 'y', 'z']);
    assert.deepEqual(searchTerms('bonjour toi bonjour'), ['toi', 'bonjour']);
    assert.deepEqual(searchTerms('"*" - : ^ ()'), []);
    assert.equal(searchTerms('a b c d e f g h i j k').length, 8);
  });
  it('marks the matched words in a snippet around the first one', () => {
    const s = snippetOf('Bonjour, un café ?', ['cafe']);
    assert.deepEqual(s, { text: 'Bonjour, un café ?', matches: [[12, 16]] });
    assert.equal(s.text.slice(12, 16), 'café');
    const long = `${'avant '.repeat(40)}le mot Rendez-vous est là ${'après '.repeat(40)}`;
    const cut = snippetOf(long, ['rendez', 'vo']);
    assert.ok(cut.text.startsWith('…') && cut.text.endsWith('…'));
    assert.ok(cut.text.length <= 140);
    assert.deepEqual(
      cut.matches.map(([a, b]) => cut.text.slice(a, b)),
      ['Rendez', 'vous'],
    );
  });
});

for (const backend of backends) {
  describe(`message search and history windows over HTTP (${backend.name})`, () => {
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let eve: Person;
    let skip: string | false = false;
    const send = async (p: Person, conversationId: string, text: string) => {
      const r = await p.http.post<{ message: MessageView }>(`/api/conversations/${conversationId}/messages`, {
        clientId: cid(),
        text,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.message;
    };
    const find = (p: Person, query: string) => p.http.get<MessageSearchResponse & Err>(`/api/search/messages?${query}`);

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '500' });
      ana = await signUp(s.url);
      ben = await signUp(s.url);
      eve = await signUp(s.url);
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    it('finds a person’s messages, newest first, with a marked snippet, paged by cursor', async (t) => {
      if (skip) return t.skip(skip);
      const group = await createGroup(ana, 'Pique-nique', [ben]);
      const direct = await startDirect(ana, ben);
      const old = await send(ben, group.id, 'On se retrouve au café de la gare ?');
      await send(ana, direct.id, 'Le café était bon');
      await send(ana, group.id, 'Rien à voir');
      const hidden = await startDirect(ben, eve);
      await send(eve, hidden.id, 'café secret entre Ben et Eve');
      const r = await find(ana, `q=${encodeURIComponent('cafe')}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.results.map((x) => x.message.text),
        ['Le café était bon', 'On se retrouve au café de la gare ?'],
      );
      const first = r.body.results[1];
      assert.equal(first?.message.id, old.id);
      assert.deepEqual(first?.conversation, { id: group.id, kind: 'group', title: 'Pique-nique' });
      assert.deepEqual(
        first?.snippet.matches.map(([a, b]) => first.snippet.text.slice(a, b)),
        ['café'],
      );
      assert.ok(r.body.users.some((u) => u.id === ben.user.id));
      assert.equal(r.body.nextCursor, null);
      // Prefix on the last word, one conversation, and pages.
      const page1 = await find(ana, 'q=caf&limit=1');
      assert.equal(page1.body.results.length, 1);
      assert.ok(page1.body.nextCursor);
      const page2 = await find(ana, `q=caf&limit=1&before=${page1.body.nextCursor}`);
      assert.equal(page2.body.results[0]?.message.id, old.id);
      assert.equal(page2.body.nextCursor, null);
      const inGroup = await find(ana, `q=caf&conversationId=${group.id}`);
      assert.deepEqual(
        inGroup.body.results.map((x) => x.message.id),
        [old.id],
      );
      // Eve's conversation with Ben is never Ana's to search, named or not.
      const theirs = await find(ana, `q=secret&conversationId=${hidden.id}`);
      assert.equal(theirs.status, 404);
      assert.equal((await find(ana, 'q=secret')).body.results.length, 0);
      assert.equal((await find(ben, 'q=secret')).body.results.length, 1);
    });

    it('takes the query as plain words: syntax, quotes, long or empty queries never make a 500', async (t) => {
      if (skip) return t.skip(skip);
      const g = await createGroup(ana, 'Syntaxe', [ben]);
      await send(ana, g.id, 'NEAR the "quoted" thing: a-b ^c (d)');
      for (const q of ['"', '*', 'NEAR', 'NEAR(', '(', '-', ':', '^', '"quoted', 'body:near', 'a-b', "l'œil", '\\']) {
        const r = await find(ana, `q=${encodeURIComponent(q)}&conversationId=${g.id}`);
        assert.ok(r.status === 200 || r.status === 400, `${q}: ${r.status}`);
      }
      const words = await find(ana, `q=${encodeURIComponent('"quoted" NEAR(')}&conversationId=${g.id}`);
      assert.equal(words.body.results.length, 1);
      const dash = await find(ana, `q=${encodeURIComponent('-b')}&conversationId=${g.id}`);
      assert.equal(dash.body.results.length, 1, 'a minus is not NOT');
      for (const q of ['', '   ', '"*"', 'x'.repeat(201)]) {
        const r = await find(ana, `q=${encodeURIComponent(q)}`);
        assert.equal(r.status, 400, q);
        assert.equal(r.body.error.id, 'bad_request');
        assert.ok(r.body.error.details?.fields?.q, `names q: ${JSON.stringify(r.body)}`);
      }
      assert.equal((await find(ana, 'q=a&before=nope')).body.results.length, 0);
    });

    it('finds only what a newcomer may read under history “joined”; nothing once they left', async (t) => {
      if (skip) return t.skip(skip);
      const g = await createGroup(ana, 'Avant après', [ben]);
      await send(ana, g.id, 'ancien souvenir');
      const added = await ana.http.post(`/api/conversations/${g.id}/members`, { userIds: [eve.user.id] });
      assert.equal(added.status, 200);
      await send(ana, g.id, 'nouveau souvenir');
      const r = await find(eve, `q=souvenir&conversationId=${g.id}`);
      assert.deepEqual(
        r.body.results.map((x) => x.message.text),
        ['nouveau souvenir'],
      );
      const left = await eve.http.delete(`/api/conversations/${g.id}/members/${eve.user.id}`);
      assert.equal(left.status, 204);
      assert.equal((await find(eve, 'q=souvenir')).body.results.length, 0);
      assert.equal((await find(eve, `q=souvenir&conversationId=${g.id}`)).status, 403);
    });

    it('opens history around a seq and pages forward to the newest', async (t) => {
      if (skip) return t.skip(skip);
      const g = await createGroup(ana, 'Longue', [ben]);
      for (let i = 1; i <= 30; i++) await send(i % 2 ? ana : ben, g.id, `message numéro ${i}`);
      const get = (q: string) => ana.http.get<MessagesResponse & Err>(`/api/conversations/${g.id}/messages?${q}`);
      const around = await get('around=10&limit=9');
      assert.equal(around.status, 200);
      assert.deepEqual(
        around.body.messages.map((m) => m.seq),
        [6, 7, 8, 9, 10, 11, 12, 13, 14],
      );
      assert.equal(around.body.hasMore, true);
      assert.equal(around.body.hasNewer, true);
      const next = await get('after=14&limit=10');
      assert.deepEqual(
        next.body.messages.map((m) => m.seq),
        [15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
      );
      assert.equal(next.body.hasNewer, true);
      const last = await get('after=24&limit=10');
      assert.deepEqual(
        last.body.messages.map((m) => m.seq),
        [25, 26, 27, 28, 29, 30],
      );
      assert.equal(last.body.hasNewer, false);
      const start = await get('around=2&limit=9');
      assert.deepEqual(
        start.body.messages.map((m) => m.seq),
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      assert.equal(start.body.hasMore, false);
      assert.equal((await get('around=2&before=5')).status, 400);
      assert.equal((await eve.http.get(`/api/conversations/${g.id}/messages?around=2`)).status, 404);
    });
  });
}
