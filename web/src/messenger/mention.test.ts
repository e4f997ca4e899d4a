import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComposeAppView } from '../../../protocol/compose.ts';
import { handleOf, handlesMatching, mentionOf } from './mention.ts';

const app = (name: string, enabled = true): ComposeAppView => ({
  appId: name,
  name,
  icon: '/icon',
  kinds: ['gif'],
  enabled,
});
const apps = [app('GIF Box'), app('Café Sons'), app('Off', false)];

test('an app is named by its handle: lowercase letters and digits', () => {
  assert.equal(handleOf('GIF Box'), 'gifbox');
  assert.equal(handleOf('Café Sons!'), 'cafesons');
  assert.equal(handleOf('Pics 2 Go'), 'pics2go');
});

test('@handle and a space start a search of an enabled app; the rest is the query', () => {
  assert.deepEqual(mentionOf('@gifbox cat', apps), { app: apps[0], query: 'cat' });
  assert.deepEqual(mentionOf('@GIFBOX  happy cat', apps), { app: apps[0], query: 'happy cat' });
  assert.deepEqual(mentionOf('@gifbox ', apps), { app: apps[0], query: '' });
  assert.deepEqual(mentionOf('@cafesons ding', apps), { app: apps[1], query: 'ding' });
  assert.equal(mentionOf('@gifbox', apps), null, 'not before the space');
  assert.equal(mentionOf('hi @gifbox cat', apps), null, 'at the start only');
  assert.equal(mentionOf('@off cat', apps), null, 'a disabled app is not searched');
  assert.equal(mentionOf('@nobody cat', apps), null);
  assert.equal(mentionOf('@gifbox cat', null), null);
});

test('while the handle is typed, the enabled apps it may name are suggested', () => {
  assert.deepEqual(handlesMatching('@', apps), [apps[0], apps[1]]);
  assert.deepEqual(handlesMatching('@gi', apps), [apps[0]]);
  assert.deepEqual(handlesMatching('@o', apps), []);
  assert.deepEqual(handlesMatching('@gifbox cat', apps), []);
  assert.deepEqual(handlesMatching('gi', apps), []);
});
