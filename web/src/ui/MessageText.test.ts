import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MessageText } from './MessageText.tsx';

const html = (text: string) => renderToStaticMarkup(createElement(MessageText, { text }));

test('a link is isolated and laid out left to right, so controls around it cannot reorder it', () => {
  const out = html('\u202Esee https://example.com/a and more');
  assert.match(
    out,
    /<a href="https:\/\/example\.com\/a" dir="ltr" target="_blank" rel="noopener noreferrer nofollow">/,
  );
  assert.match(out, />https:\/\/example\.com\/a<\/a>/);
});

test('a lookalike host is shown as it really is', () => {
  const out = html('pay at https://p\u0430ypal.com/login');
  assert.match(out, /<a href="https:\/\/xn--pypal-4ve\.com\/login"[^>]*>https:\/\/xn--pypal-4ve\.com\/login<\/a>/);
});
