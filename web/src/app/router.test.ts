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
  ];
  for (const [path, route] of routes) {
    assert.deepEqual(parsePath(path), route, path);
    assert.equal(pathFor(route), path);
  }
  assert.deepEqual(parsePath('/c/01abc/'), { view: 'messenger', conversationId: '01abc' }, 'a trailing slash');
  assert.deepEqual(parsePath('/inbox/p1/'), { view: 'inbox', pageId: 'p1', conversationId: null });
  assert.deepEqual(parsePath('/console/'), { view: 'console', appId: null });
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
    '/elsewhere',
    '//c/x',
  ]) {
    assert.deepEqual(parsePath(path), { view: 'messenger', conversationId: null }, path);
  }
});
