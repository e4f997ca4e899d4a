import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTranslate } from '../i18n/translate.ts';
import { shownName } from './names.ts';

test('a deleted account reads "Deleted account", an unknown person "Unknown person", in each language', () => {
  const en = makeTranslate('en');
  const fr = makeTranslate('fr');
  assert.equal(shownName('', en), 'Deleted account');
  assert.equal(shownName('', fr), 'Compte supprimé');
  assert.equal(shownName(null, en), en('conversation.unknownUser'));
  assert.equal(shownName(undefined, fr), fr('conversation.unknownUser'));
  assert.equal(shownName('Ana', en), 'Ana');
});
