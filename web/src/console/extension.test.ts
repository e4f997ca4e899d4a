import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/http.ts';
import { checkExtension, extensionDraftFrom, extensionProblem, toggleKind } from './extension.ts';

test('a new extension starts from the app’s name (cut to 30) and GIFs', () => {
  assert.deepEqual(extensionDraftFrom(null, 'A very long name for a content app, really'), {
    name: 'A very long name for a content',
    iconUrl: '',
    kinds: ['gif'],
    queryUrl: '',
  });
});

test('kinds keep the protocol’s order', () => {
  assert.deepEqual(toggleKind(['audio'], 'gif', true), ['gif', 'audio']);
  assert.deepEqual(toggleKind(['gif', 'audio'], 'gif', false), ['audio']);
});

test('the form is checked as the server checks it, each problem under its field', () => {
  const ok = checkExtension({
    name: ' GIF Box ',
    iconUrl: ' https://gifs.example.org/icon.png ',
    kinds: ['gif'],
    queryUrl: 'http://gifs.example.org/q',
  });
  assert.deepEqual(ok, {
    body: {
      name: 'GIF Box',
      iconUrl: 'https://gifs.example.org/icon.png',
      kinds: ['gif'],
      queryUrl: 'http://gifs.example.org/q',
    },
  });
  const bad = checkExtension({ name: '', iconUrl: 'ftp://x/y', kinds: [], queryUrl: 'https://u:p@x/q' });
  assert.ok('problems' in bad);
  assert.deepEqual(
    bad.problems.map((p) => [p.field, p.key]),
    [
      ['name', 'console.extension.problem.name'],
      ['iconUrl', 'console.extension.problem.url'],
      ['kinds', 'console.extension.problem.kinds'],
      ['queryUrl', 'console.extension.problem.url'],
    ],
  );
});

test('the server’s refusals land under their field', () => {
  const icon = new ApiError('app_icon_failed', 400, 'iconUrl: …', { reason: 'status', status: 404 });
  assert.deepEqual(extensionProblem(icon), {
    field: 'iconUrl',
    key: 'console.extension.problem.icon.status',
    params: { status: 404 },
  });
  const bomb = new ApiError('app_icon_failed', 400, 'iconUrl: …', { reason: 'not_image' });
  assert.equal(extensionProblem(bomb)?.key, 'console.extension.problem.icon.not_image');
  const field = new ApiError('bad_request', 400, 'x', { fields: { queryUrl: 'an http(s) URL' } });
  assert.equal(extensionProblem(field)?.field, 'queryUrl');
  assert.equal(extensionProblem(new ApiError('app_not_found', 404, 'x')), null);
  assert.equal(extensionProblem(new Error('x')), null);
});
