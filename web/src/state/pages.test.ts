import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PageAppView, PageMemberView, PageView, UserView } from '../../../protocol/views.ts';
import { applyEvent } from './apply.ts';
import { ana, ben, conv, me, member, stateWith } from './fixtures.test-helpers.ts';
import {
  forgetPage,
  forgetPageApps,
  removePageMember,
  renameMyPage,
  setMyPages,
  setPageApps,
  setPageMembers,
  upsertMyPage,
} from './pages.ts';
import { myPageIds, pageOf } from './selectors.ts';
import type { State } from './types.ts';

const page = (id: string, name: string, extra: Partial<PageView> = {}): PageView => ({
  id,
  username: name.toLowerCase().replace(/[^a-z]/g, ''),
  name,
  description: '',
  createdAt: '2024-01-01T00:00:00.000Z',
  ...extra,
});
const shop = page('p-shop', 'Shop');
const bakery = page('p-bakery', 'Boulangerie');
const pageMember = (user: UserView, role: 'admin' | 'agent'): PageMemberView => ({
  user,
  role,
  addedAt: '2024-01-01T00:00:00.000Z',
});
const loaded = (): State =>
  setMyPages(stateWith([]), [
    { page: shop, role: 'admin' },
    { page: bakery, role: 'agent' },
  ]);

describe('my pages', () => {
  test('the list: null until loaded, then by name; read again, unchanged entries keep their objects', () => {
    const s0 = stateWith([]);
    assert.equal(s0.myPages, null);
    assert.equal(myPageIds(s0), null);
    const s1 = loaded();
    assert.deepEqual(myPageIds(s1), ['p-bakery', 'p-shop'], 'Boulangerie before Shop');
    assert.equal(
      setMyPages(s1, [
        { page: shop, role: 'admin' },
        { page: bakery, role: 'agent' },
      ]),
      s1,
      'the same answer again changes nothing',
    );
    const s2 = setMyPages(s1, [
      { page: { ...shop }, role: 'admin' },
      { page: bakery, role: 'admin' },
    ]);
    assert.equal(s2.myPages?.['p-shop'], s1.myPages?.['p-shop'], 'an equal entry keeps its object');
    assert.equal(s2.myPages?.['p-bakery']?.role, 'admin');
    assert.deepEqual(myPageIds(setMyPages(s1, [])), [], 'loaded and empty is not "not loaded"');
  });

  test('a page no longer in the list loses its members too', () => {
    const s = setPageMembers(loaded(), 'p-bakery', [pageMember(ana, 'admin'), pageMember(me, 'agent')]);
    const after = setMyPages(s, [{ page: shop, role: 'admin' }]);
    assert.deepEqual(Object.keys(after.myPages ?? {}), ['p-shop']);
    assert.deepEqual(after.pageMembers, {});
  });

  test('a created or edited page: added with its role, or updated keeping mine; nothing before the list is loaded', () => {
    const fresh = page('p-new', 'Atelier');
    assert.equal(upsertMyPage(stateWith([]), fresh, 'admin').myPages, null, 'the list, when loaded, will have it');
    const s = upsertMyPage(loaded(), fresh, 'admin');
    assert.deepEqual(s.myPages?.['p-new'], { page: fresh, role: 'admin' });
    const renamed = upsertMyPage(s, { ...bakery, name: 'Boulangerie Émile', description: 'Pain' });
    assert.equal(renamed.myPages?.['p-bakery']?.role, 'agent', 'role kept');
    assert.equal(renamed.myPages?.['p-bakery']?.page.description, 'Pain');
    assert.equal(upsertMyPage(renamed, { ...bakery, name: 'Boulangerie Émile', description: 'Pain' }), renamed);
    assert.equal(upsertMyPage(s, page('p-other', 'Not mine')), s, 'a page not mine, without a role: ignored');
  });

  test('forgetting a page drops it and its members; an unknown page changes nothing', () => {
    const s = setPageMembers(loaded(), 'p-shop', [pageMember(me, 'admin')]);
    const after = forgetPage(s, 'p-shop');
    assert.deepEqual(myPageIds(after), ['p-bakery']);
    assert.equal(after.pageMembers['p-shop'], undefined);
    assert.equal(forgetPage(after, 'p-shop'), after);
  });
});

describe('who runs a page', () => {
  test('members as answered; my role follows the list', () => {
    const s = loaded();
    const members = [pageMember(me, 'agent'), pageMember(ana, 'admin')];
    const after = setPageMembers(s, 'p-shop', members);
    assert.deepEqual(after.pageMembers['p-shop'], members);
    assert.equal(after.myPages?.['p-shop']?.role, 'agent', 'I was made agent');
    assert.equal(after.myPages?.['p-bakery'], s.myPages?.['p-bakery'], 'other pages untouched');
    assert.equal(setPageMembers(after, 'p-shop', [...members]), after, 'the same list again changes nothing');
  });

  test('someone removed leaves the list; when it is me, the page is no longer mine', () => {
    const s = setPageMembers(loaded(), 'p-shop', [pageMember(me, 'admin'), pageMember(ana, 'agent')]);
    const without = removePageMember(s, 'p-shop', ana.id);
    assert.deepEqual(
      without.pageMembers['p-shop']?.map((m) => m.user.id),
      [me.id],
    );
    assert.equal(removePageMember(without, 'p-shop', ana.id), without, 'removed twice: no change');
    assert.equal(removePageMember(without, 'p-shop', ben.id), without, 'never there: no change');
    const left = removePageMember(without, 'p-shop', me.id);
    assert.deepEqual(myPageIds(left), ['p-bakery']);
    assert.equal(left.pageMembers['p-shop'], undefined);
  });
});

describe('the apps connected to a page I administer', () => {
  const bot: PageAppView = {
    id: 'a-bot',
    name: 'Bot',
    owner: ana,
    connectedAt: '2024-01-02T00:00:00.000Z',
    webhook: {
      status: 'disabled',
      origin: 'https://bot.example',
      fields: ['messages'],
      disabledAt: '2024-01-03T00:00:00.000Z',
      disabledReason: 'HTTP 500 for 8 h',
      failingSince: '2024-01-02T16:00:00.000Z',
    },
  };
  test('as answered; the same again changes nothing; gone with the page, my admin role, or on request', () => {
    const s1 = setPageApps(loaded(), 'p-shop', [bot]);
    assert.deepEqual(s1.pageApps['p-shop'], [bot]);
    assert.equal(setPageApps(s1, 'p-shop', [{ ...bot }]), s1);
    assert.deepEqual(forgetPage(s1, 'p-shop').pageApps, {});
    assert.deepEqual(forgetPageApps(s1, 'p-shop').pageApps, {});
    assert.equal(forgetPageApps(s1, 'p-other'), s1);
    // Made agent there (the members say so, or my pages do): what only admins see goes.
    const withMe = setPageMembers(s1, 'p-shop', [pageMember(me, 'agent')]);
    assert.equal(withMe.myPages?.['p-shop']?.role, 'agent');
    assert.deepEqual(withMe.pageApps, {});
    const listed = setMyPages(s1, [
      { page: shop, role: 'agent' },
      { page: bakery, role: 'agent' },
    ]);
    assert.deepEqual(listed.pageApps, {});
  });
});

describe('a page renamed', () => {
  const pageUser: UserView = { id: 'p-shop', username: 'shop', displayName: 'Shop', kind: 'page' };

  test('its name in my pages follows user.updated; anyone else is no page of mine', () => {
    const s = loaded();
    const renamed = renameMyPage(s, { id: 'p-shop', displayName: 'Shop & Co' });
    assert.equal(renamed.myPages?.['p-shop']?.page.name, 'Shop & Co');
    assert.equal(renameMyPage(renamed, { id: 'p-shop', displayName: 'Shop & Co' }), renamed);
    assert.equal(renameMyPage(s, { id: ana.id, displayName: 'Ana B' }), s);
  });

  test('through the reducer: the conversation with the page and my pages, both; idempotent', () => {
    const withPage = conv({ id: 'c-page', kind: 'direct', title: null, members: [member(me), member(pageUser)] });
    const s = setMyPages(stateWith([withPage]), [{ page: shop, role: 'admin' }]);
    const event = {
      type: 'user.updated',
      conversationId: 'c-page',
      user: { ...pageUser, displayName: 'Shop & Co' },
    } as const;
    const once = applyEvent(s, event);
    assert.equal(once.myPages?.['p-shop']?.page.name, 'Shop & Co');
    const other = once.conversations['c-page']?.members.find((m) => m.user.id === 'p-shop')?.user;
    assert.deepEqual(other, { ...pageUser, displayName: 'Shop & Co' }, 'still a page');
    assert.equal(applyEvent(once, event), once);
  });
});

describe('pageOf', () => {
  const pageUser: UserView = { id: 'p-shop', username: 'shop', displayName: 'Shop', kind: 'page' };
  test('the page on the other side of a one-to-one conversation; null for a person or a group', () => {
    const withPage = conv({ kind: 'direct', title: null, members: [member(me), member(pageUser)] });
    assert.deepEqual(pageOf(withPage, me.id), pageUser);
    assert.equal(pageOf(conv({ kind: 'direct', title: null, members: [member(me), member(ana)] }), me.id), null);
    assert.equal(pageOf(conv({ members: [member(me), member(pageUser), member(ana)] }), me.id), null, 'a group');
    assert.equal(pageOf(undefined, me.id), null);
  });
});

describe('page.membership_changed', () => {
  const event = (p: PageView, userId: string, role: 'admin' | 'agent' | null) =>
    ({ type: 'page.membership_changed', conversationId: null, page: p, userId, role }) as const;

  test('follows my place on pages from any device: added, role changed, removed; others’ changes are not mine', () => {
    const s1 = loaded();
    const bread = page('p-bread', 'Pain');
    const added = applyEvent(s1, event(bread, me.id, 'agent'));
    assert.deepEqual(added.myPages?.['p-bread'], { page: bread, role: 'agent' });
    const promoted = applyEvent(added, event(bread, me.id, 'admin'));
    assert.equal(promoted.myPages?.['p-bread']?.role, 'admin');
    const out = applyEvent(promoted, event(bread, me.id, null));
    assert.equal(out.myPages?.['p-bread'], undefined);
    assert.equal(applyEvent(s1, event(bread, ana.id, 'agent')), s1, 'someone else: nothing');
    const notLoaded = stateWith([]);
    assert.equal(applyEvent(notLoaded, event(bread, me.id, 'agent')).myPages, null, 'the list loads later with it');
  });
});
