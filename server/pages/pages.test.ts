import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ConversationResponse,
  MyPagesResponse,
  PageConversationResponse,
  PageMembersResponse,
  PageResponse,
  PagesResponse,
  UsersResponse,
} from '../../protocol/api.ts';
import type { ErrorBody } from '../../protocol/errors.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { HttpClient, type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';

type Err = { error: ErrorBody };
let n = 0;
const handle = () => `shop${process.pid}${++n}${Math.floor(Math.random() * 1e5)}`;

for (const backend of backends) {
  describe(`business pages (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let agent: Person;
    let customer: Person;
    let stranger: Person;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_PAGES_PER_HOUR: '50' });
      owner = await signUp(s.url);
      agent = await signUp(s.url);
      customer = await signUp(s.url);
      stranger = await signUp(s.url);
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const create = async (p: Person, body: Record<string, unknown>) =>
      p.http.post<PageResponse & Err>('/api/pages', body);
    const newPage = async (p: Person = owner, name = 'Boulangerie Émile') => {
      const r = await create(p, { name, username: handle(), description: 'Pain au levain' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.page;
    };

    it('creates a page run by its creator; anyone finds it, by id, username or name', async (t) => {
      if (skip) return t.skip(skip);
      const username = handle();
      const r = await create(owner, { name: '  Café du Port ', username, description: 'Ouvert tous les jours' });
      assert.equal(r.status, 201);
      const page = r.body.page;
      assert.deepEqual(
        [page.name, page.username, page.description],
        ['Café du Port', username, 'Ouvert tous les jours'],
      );
      assert.deepEqual((await stranger.http.get<PageResponse>(`/api/pages/${page.id}`)).body.page, page);
      const byName = await stranger.http.get<PagesResponse>(`/api/pages?q=${encodeURIComponent('cafe du')}`);
      assert.ok(
        byName.body.pages.some((p) => p.id === page.id),
        'by name, accents and case aside',
      );
      const byUsername = await stranger.http.get<PagesResponse>(`/api/pages?q=${username}`);
      assert.equal(byUsername.body.pages[0]?.id, page.id);
      // Exactly by username (what a short link /m/<username> opens): the page, case aside, or none.
      const exact = await stranger.http.get<PagesResponse>(`/api/pages?username=${username.toUpperCase()}`);
      assert.deepEqual(exact.body.pages, [page]);
      for (const other of [username.slice(0, -1), `${username}x`, 'no such page!', '%00']) {
        const none = await stranger.http.get<PagesResponse>(`/api/pages?username=${encodeURIComponent(other)}`);
        assert.deepEqual([none.status, none.body.pages], [200, []], other);
      }
      for (const query of ['', `?q=${username}&username=${username}`, '?username=', '?q=c']) {
        assert.equal((await stranger.http.get(`/api/pages${query}`)).status, 400, query);
      }
      const mine = await owner.http.get<MyPagesResponse>('/api/me/pages');
      assert.deepEqual(
        mine.body.pages.find((x) => x.page.id === page.id),
        { page, role: 'admin' },
      );
    });

    it("refuses bad pages: each field, a username taken by a person or a page, another's id", async (t) => {
      if (skip) return t.skip(skip);
      const ok = { name: 'Shop', username: handle() };
      const bad: [Record<string, unknown>, string][] = [
        [{ ...ok, name: '' }, 'name'],
        [{ ...ok, name: '   ' }, 'name'],
        [{ ...ok, name: 'x'.repeat(81) }, 'name'],
        [{ ...ok, name: 42 }, 'name'],
        [{ ...ok, username: 'No Spaces' }, 'username'],
        [{ ...ok, username: 'ab' }, 'username'],
        [{ ...ok, description: 'x'.repeat(501) }, 'description'],
        [{ ...ok, extra: true }, 'extra'],
        [{ name: 'Shop' }, 'username'],
      ];
      for (const [body, field] of bad) {
        const r = await create(owner, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error.id, 'bad_request');
        assert.ok(
          JSON.stringify(r.body.error.details ?? {}).includes(field),
          `${field} named: ${JSON.stringify(r.body)}`,
        );
      }
      assert.equal(
        (await create(owner, { name: 'Shop', username: customer.user.username })).body.error.id,
        'username_taken',
      );
      const page = await newPage();
      assert.equal((await create(owner, { name: 'Shop', username: page.username })).body.error.id, 'username_taken');
      const signup = await new HttpClient(s.url).post<Err>('/api/auth/signup', {
        username: page.username,
        password: 'correct horse battery staple',
      });
      assert.equal(signup.body.error.id, 'username_taken', 'pages and people share one namespace');
      assert.equal((await stranger.http.get<Err>(`/api/pages/${customer.user.id}`)).body.error.id, 'page_not_found');
      assert.equal((await stranger.http.get<Err>('/api/pages/nope')).status, 404);
      assert.equal((await new HttpClient(s.url).post<Err>('/api/pages', ok)).status, 401, 'signed in only');
    });

    it('is a page, not a person: its account never signs in and is not found among people', async (t) => {
      if (skip) return t.skip(skip);
      const page = await newPage();
      for (const password of ['', 'correct horse battery']) {
        const r = await new HttpClient(s.url).post<Err>('/api/auth/signin', { username: page.username, password });
        assert.equal(r.status, 401);
        assert.equal(r.body.error.id, 'invalid_credentials');
      }
      const people = await stranger.http.get<UsersResponse>(`/api/users?q=${page.username}`);
      assert.deepEqual(people.body.users, []);
      const group = await owner.http.post<Err>('/api/conversations/group', { title: 'G', memberIds: [page.id] });
      assert.equal(group.status, 400);
      assert.equal(group.body.error.id, 'not_a_person', 'a page is never added to a group');
    });

    it('admins choose who runs the page; agents do not; the last admin stays', async (t) => {
      if (skip) return t.skip(skip);
      const page = await newPage();
      const members = `/api/pages/${page.id}/members`;
      assert.equal((await stranger.http.get<Err>(members)).body.error.id, 'not_page_member');
      const added = await owner.http.post<PageMembersResponse>(members, {
        username: agent.user.username,
        role: 'agent',
      });
      assert.equal(added.status, 200);
      assert.deepEqual(
        added.body.members.map((m) => [m.user.id, m.role]),
        [
          [owner.user.id, 'admin'],
          [agent.user.id, 'agent'],
        ],
      );
      assert.deepEqual((await agent.http.get<PageMembersResponse>(members)).body, added.body, 'agents see who runs it');
      const byAgent = await agent.http.post<Err>(members, { username: stranger.user.username, role: 'agent' });
      assert.equal(byAgent.body.error.id, 'not_page_admin');
      assert.equal(
        (await agent.http.patch<Err>(`/api/pages/${page.id}`, { name: 'Mine' })).body.error.id,
        'not_page_admin',
      );
      const other = await newPage(owner, 'Other');
      const pageAsMember = await owner.http.post<Err>(members, { username: other.username, role: 'agent' });
      assert.equal(pageAsMember.body.error.id, 'not_a_person');
      const nobody = await owner.http.post<Err>(members, { username: 'nobody_here_at_all', role: 'agent' });
      assert.equal(nobody.body.error.id, 'user_not_found');
      assert.equal((await owner.http.post<Err>(members, { username: agent.user.username, role: 'boss' })).status, 400);
      const demote = await owner.http.patch<Err>(`${members}/${owner.user.id}`, { role: 'agent' });
      assert.equal(demote.body.error.id, 'last_page_admin');
      assert.equal((await owner.http.delete<Err>(`${members}/${owner.user.id}`)).body.error.id, 'last_page_admin');
      const promote = await owner.http.patch<PageMembersResponse>(`${members}/${agent.user.id}`, { role: 'admin' });
      assert.deepEqual(
        promote.body.members.map((m) => m.role),
        ['admin', 'admin'],
      );
      assert.equal((await owner.http.delete(`${members}/${owner.user.id}`)).status, 204, 'one admin left: may leave');
      assert.equal((await owner.http.get<Err>(members)).body.error.id, 'not_page_member');
      assert.deepEqual(
        (await agent.http.get<MyPagesResponse>('/api/me/pages')).body.pages.filter((x) => x.page.id === page.id),
        [{ page, role: 'admin' }],
      );
    });

    it('a person opens their conversation with a page, the same every time, and the page knows them by its own id', async (t) => {
      if (skip) return t.skip(skip);
      const page = await newPage(owner, 'Fromagerie');
      const other = await newPage(owner, 'Caviste');
      const open = () => customer.http.post<PageConversationResponse>(`/api/pages/${page.id}/conversation`);
      const first = await open();
      assert.equal(first.status, 201);
      assert.equal(first.body.created, true);
      const them = first.body.conversation.members.find((m) => m.user.id === page.id);
      assert.deepEqual(them?.user, { id: page.id, username: page.username, displayName: 'Fromagerie', kind: 'page' });
      const again = await open();
      assert.equal(again.status, 200);
      assert.deepEqual([again.body.created, again.body.conversation.id], [false, first.body.conversation.id]);
      await customer.http.post(`/api/pages/${other.id}/conversation`);
      const reader = s.comptoir.storage.reader.pages;
      const psid = await reader.psidOf(page.id, customer.user.id);
      const psidElsewhere = await reader.psidOf(other.id, customer.user.id);
      assert.match(psid ?? '', /^[1-9][0-9]{15}$/);
      assert.notEqual(psid, psidElsewhere, 'each page its own id');
      assert.notEqual(psid, customer.user.id);
      assert.equal(await reader.userByPsid(other.id, psid ?? ''), null);
      const sent = await customer.http.post(`/api/conversations/${first.body.conversation.id}/messages`, {
        clientId: `c${Date.now()}abcdef`,
        text: 'Avez-vous du comté 24 mois ?',
      });
      assert.equal(sent.status, 201);
      assert.equal((await customer.http.post<Err>('/api/pages/nope/conversation')).body.error.id, 'page_not_found');
      // Opened the generic way, it is the same conversation, and the page knows them by an id all the same.
      const third = await newPage(owner, 'Troisième');
      const direct = await stranger.http.post<PageConversationResponse>('/api/conversations/direct', {
        userId: third.id,
      });
      assert.equal(direct.status, 201);
      assert.match((await reader.psidOf(third.id, stranger.user.id)) ?? '', /^[1-9][0-9]{15}$/);
      const viaPage = await stranger.http.post<PageConversationResponse>(`/api/pages/${third.id}/conversation`);
      assert.deepEqual([viaPage.status, viaPage.body.conversation.id], [200, direct.body.conversation.id]);
    });

    it('renaming a page is seen live by the people it talks with', async (t) => {
      if (skip) return t.skip(skip);
      const page = await newPage(owner, 'Old name');
      const conv = (await customer.http.post<PageConversationResponse>(`/api/pages/${page.id}/conversation`)).body
        .conversation;
      const socket = await SocketClient.live(s.wsUrl, customer);
      const r = await owner.http.patch<PageResponse>(`/api/pages/${page.id}`, {
        name: 'New name',
        description: 'Fresh',
      });
      assert.equal(r.status, 200);
      assert.deepEqual([r.body.page.name, r.body.page.description], ['New name', 'Fresh']);
      const frame = await socket.next((f) => f.type === 'event' && f.event.type === 'user.updated');
      assert.ok(frame.type === 'event' && frame.event.type === 'user.updated');
      assert.deepEqual(
        [frame.event.conversationId, frame.event.user.displayName, frame.event.user.kind],
        [conv.id, 'New name', 'page'],
      );
      const view = await customer.http.get<ConversationResponse>(`/api/conversations/${conv.id}`);
      assert.equal(view.body.conversation.members.find((m) => m.user.id === page.id)?.user.displayName, 'New name');
      const bad = await owner.http.patch<Err>(`/api/pages/${page.id}`, {});
      assert.equal(bad.status, 400);
      socket.close();
    });

    it('limits how many pages one account creates', async (t) => {
      if (skip) return t.skip(skip);
      const limited = await serverOn(backend, { RATE_PAGES_PER_HOUR: '2' });
      try {
        const p = await signUp(limited.url);
        const make = () => p.http.post<Err>('/api/pages', { name: 'Shop', username: handle() });
        assert.equal((await make()).status, 201);
        assert.equal((await make()).status, 201);
        const third = await make();
        assert.equal(third.status, 429);
        assert.equal(third.body.error.id, 'rate_limited');
      } finally {
        await limited.close();
      }
    });
  });
}
