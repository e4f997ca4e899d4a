import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePath, pathFor, type Route } from './router.ts';

test('each view’s paths parse to their route and back', () => {
  const routes: [string, Route][] = [
    ['/', { view: 'messenger', conversationId: null }],
    ['/c/01abc', { view: 'messenger', conversationId: '01abc' }],
    ['/inbox/p1', { view: 'inbox', pageId: 'p1', conversationId: null }],
    ['/inbox/p1/c/c%2F2', { view: 'inbox', pageId: 'p1', conversationId: 'c/2' }],
    ['/console', { view: 'console', appId: null }],
    ['/console/apps/a%20b', { view: 'console', appId: 'a b' }],
    ['/m/epicerie', { view: 'link', username: 'epicerie', ref: null }],
  ];
  for (const [path, route] of routes) {
    assert.deepEqual(parsePath(path), route, path);
    assert.equal(pathFor(route), path);
  }
  const link = { view: 'link', username: 'epicerie', ref: 'promo+/=-.:_' } as const;
  assert.deepEqual(parsePath('/m/epicerie', '?ref=promo%2B%2F%3D-.%3A_'), link);
  assert.equal(pathFor(link), '/m/epicerie?ref=promo%2B%2F%3D-.%3A_');
  assert.deepEqual(parsePath('/c/01abc/'), { view: 'messenger', conversationId: '01abc' }, 'a trailing slash');
  assert.deepEqual(parsePath('/inbox/p1/'), { view: 'inbox', pageId: 'p1', conversationId: null });
  assert.deepEqual(parsePath('/console/'), { view: 'console', appId: null });
});

test('a short link’s ref: the first one, percent-decoded, a + kept; none when empty or absent', () => {
  const ref = (search: string) => {
    const r = parsePath('/m/shop/', search);
    assert.equal(r.view, 'link', search);
    return r.view === 'link' ? r.ref : undefined;
  };
  assert.equal(ref(''), null);
  assert.equal(ref('?ref=summer-sale'), 'summer-sale');
  assert.equal(ref('?ref=a+b=='), 'a+b==', 'a + stays a + (base64), not a space');
  assert.equal(ref('?utm=x&ref=a%20b&ref=c'), 'a b', 'the first, decoded (the server refuses what it must)');
  assert.equal(ref('?ref='), null);
  assert.equal(ref('?ref'), null);
  assert.equal(ref('?ref=%E0%A4%A'), null, 'undecodable');
  assert.equal(ref('?referrer=x'), null);
});

test('anything else is the messenger’s list', () => {
  for (const path of [
    '/c',
    '/c/',
    '/c/a/b',
    '/c/%E0%A4%A',
    '/inbox',
    '/inbox//c/x',
    '/inbox/p1/c',
    '/inbox/p1/x/y',
    '/inbox/p1/c/x/y',
    '/console/apps',
    '/console/x',
    '/console/apps/a/b',
    '/m',
    '/m/',
    '/m/shop/x',
    '/m/%E0%A4%A',
    '/elsewhere',
    '//c/x',
  ]) {
    assert.deepEqual(parsePath(path), { view: 'messenger', conversationId: null }, path);
  }
});

test('the opt-in link flow: its parameters as the checkbox plugin encodes them, and back', () => {
  const search =
    '?page_id=01P&user_ref=order-1.a_b&ref=cart%2B1&return_to=https%3A%2F%2Fshop.example%2Fcheckout%3Fstep%3D2';
  const route = parsePath('/optin', search);
  assert.deepEqual(route, {
    view: 'optin',
    pageId: '01P',
    userRef: 'order-1.a_b',
    ref: 'cart+1',
    returnTo: 'https://shop.example/checkout?step=2',
  });
  const back = pathFor(route);
  assert.deepEqual(parsePath('/optin', back.slice('/optin'.length)), route);
  assert.deepEqual(parsePath('/optin', '?page_id=01P&user_ref=x&return_to=https%3A%2F%2Fa.b').view, 'optin');
  for (const missing of ['', '?page_id=01P&user_ref=x', '?user_ref=x&return_to=y', '?page_id=01P&return_to=y'])
    assert.deepEqual(parsePath('/optin', missing), { view: 'messenger', conversationId: null }, missing);
  assert.deepEqual(parsePath('/optin/x', search), { view: 'messenger', conversationId: null });
});
