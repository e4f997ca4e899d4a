import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initials } from './Avatar.tsx';

test('initials take whole graphemes: an emoji, a flag, a family or an accented letter is never cut in half', () => {
  assert.equal(initials('Ana 🎉'), 'A🎉');
  assert.equal(initials('🎉 party'), '🎉P');
  assert.equal(initials('Zoé 🇫🇷'), 'Z🇫🇷');
  assert.equal(initials('👨‍👩‍👧 Family'), '👨‍👩‍👧F');
  assert.equal(initials('👍🏽 Thumbs'), '👍🏽T');
  // "e" followed by a combining acute accent: one letter on screen.
  assert.equal(initials('e\u0301lodie martin'), 'E\u0301M');
  for (const name of ['Ana 🎉', '🎉 party', '👨‍👩‍👧 Family']) {
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(initials(name)), name);
  }
});

test('initials of ordinary names, one word and blank names', () => {
  assert.equal(initials('ana maria lopez'), 'AL');
  assert.equal(initials('  Ben  '), 'B');
  assert.equal(initials(''), '?');
});
