import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/http.ts';
import { makeTranslate, translateError } from '../i18n/translate.ts';
import { addMemberProblem, checkPage, normalizeUsername, pageProblem } from './form.ts';

const words = (locale: 'en' | 'fr') => ({
  t: makeTranslate(locale),
  te: (id: Parameters<typeof translateError>[1]) => translateError(locale, id),
});
const en = words('en');

test('usernames as typed: trimmed, without a leading @, lowercase', () => {
  assert.equal(normalizeUsername('  @Chez_Emile '), 'chez_emile');
  assert.equal(normalizeUsername('shop.paris'), 'shop.paris');
});

test('the first field the server would refuse, worded with its limits', () => {
  const ok = { name: 'Chez Émile', username: 'chez_emile', description: '' };
  assert.equal(checkPage(ok, en), null);
  assert.equal(checkPage({ ...ok, username: '@Chez_Emile' }, en), null, 'typed as people type it');
  assert.deepEqual(checkPage({ ...ok, name: '   ' }, en), {
    field: 'name',
    text: 'A page name has 1–80 characters.',
  });
  assert.equal(checkPage({ ...ok, name: 'x'.repeat(81) }, en)?.field, 'name');
  assert.equal(checkPage({ ...ok, name: `${'x'.repeat(80)}  ` }, en), null, 'spaces around do not count');
  for (const username of ['ab', 'no spaces', '_shop', 'x'.repeat(33), 'café']) {
    assert.equal(checkPage({ ...ok, username }, en)?.field, 'username', username);
  }
  assert.match(checkPage({ ...ok, username: 'ab' }, en)?.text ?? '', /3–32 characters/);
  assert.deepEqual(checkPage({ ...ok, description: 'x'.repeat(501) }, en), {
    field: 'description',
    text: 'A description has at most 500 characters.',
  });
  assert.equal(checkPage({ description: 'Fresh' }, en), null, 'an edit checks only what it sends');
});

test("the server's refusals: the field it named, a taken username, the wait, or the error's sentence", () => {
  const bad = new ApiError('bad_request', 400, 'Invalid', { fields: { description: 'too long' } });
  assert.equal(pageProblem(bad, en).field, 'description');
  assert.deepEqual(pageProblem(new ApiError('username_taken', 409, 'Taken'), en), {
    field: 'username',
    text: 'This username is already taken.',
  });
  assert.deepEqual(pageProblem(new ApiError('rate_limited', 429, 'Slow', { retryAfter: 1700 }), en), {
    field: null,
    text: 'You have created several pages recently. Try again in 29 minutes.',
  });
  assert.equal(
    pageProblem(new ApiError('rate_limited', 429, 'Slow', { retryAfter: 30 }), words('fr')).text,
    'Vous avez créé plusieurs pages récemment. Réessayez dans 1 minute.',
  );
  assert.deepEqual(pageProblem(new ApiError('rate_limited', 429, 'Slow'), en), {
    field: null,
    text: 'Too many requests. Please wait a moment.',
  });
  assert.deepEqual(pageProblem(new ApiError('bad_request', 400, 'Invalid', { fields: { extra: 'x' } }), en), {
    field: null,
    text: 'Some of the information is missing or invalid.',
  });
  assert.equal(pageProblem(new ApiError('not_page_admin', 403, 'No'), en).text, 'Only this page’s admins can do that.');
});

test('adding someone to a page: who could not be found, or is a page, said for that place', () => {
  assert.equal(addMemberProblem(new ApiError('user_not_found', 404, 'x'), en), 'No one has this username.');
  assert.match(addMemberProblem(new ApiError('not_a_person', 400, 'x'), en), /only people can help run a page/);
  assert.equal(addMemberProblem(new ApiError('not_page_admin', 403, 'x'), en), 'Only this page’s admins can do that.');
  assert.equal(
    addMemberProblem(new ApiError('user_not_found', 404, 'x'), words('fr')),
    'Personne n’a ce nom d’utilisateur.',
  );
});
