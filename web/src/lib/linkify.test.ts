import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkify, safeHref } from './linkify.ts';

const links = (text: string) => linkify(text).filter((s) => s.kind === 'link');

test('plain text is a single text segment', () => {
  assert.deepEqual(linkify('hello world'), [{ kind: 'text', text: 'hello world' }]);
  assert.deepEqual(linkify(''), []);
});

test('http and https URLs become links, the rest stays text', () => {
  const segs = linkify('see https://example.com/a?b=1#c and http://foo.org now');
  assert.deepEqual(segs, [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://example.com/a?b=1#c', href: 'https://example.com/a?b=1#c' },
    { kind: 'text', text: ' and ' },
    { kind: 'link', text: 'http://foo.org', href: 'http://foo.org/' },
    { kind: 'text', text: ' now' },
  ]);
});

test('javascript:, data: and other schemes never become links', () => {
  for (const text of [
    'javascript:alert(1)',
    'click javascript://example.com/%0Aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://example.com/file',
    'mailto:a@b.c',
    'vbscript:msgbox',
  ]) {
    assert.deepEqual(links(text), [], text);
    assert.equal(
      linkify(text)
        .map((s) => s.text)
        .join(''),
      text,
    );
  }
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref('JAVASCRIPT:alert(1)'), null);
});

test('markup stays text, verbatim', () => {
  const text = '<script>alert("x")</script> <img src=x onerror=alert(1)>';
  assert.deepEqual(linkify(text), [{ kind: 'text', text }]);
});

test('a URL stops at markup and quotes', () => {
  const segs = linkify('<a href="https://evil.example/x">hi</a>');
  const l = links('<a href="https://evil.example/x">hi</a>');
  assert.equal(l.length, 1);
  assert.equal(l[0]?.text, 'https://evil.example/x');
  assert.equal(segs.map((s) => s.text).join(''), '<a href="https://evil.example/x">hi</a>');
});

test('trailing punctuation and unbalanced brackets are left out', () => {
  assert.equal(links('go to https://example.com.')[0]?.text, 'https://example.com');
  assert.equal(links('(see https://example.com/x)')[0]?.text, 'https://example.com/x');
  assert.equal(links('https://en.wikipedia.org/wiki/Foo_(bar)!')[0]?.text, 'https://en.wikipedia.org/wiki/Foo_(bar)');
  assert.equal(links('really? https://a.b/c?!')[0]?.text, 'https://a.b/c');
});

test('the scheme must start a word, and a host is required', () => {
  assert.deepEqual(links('xhttps://example.com'), []);
  assert.deepEqual(links('https://'), []);
  assert.equal(links('HTTPS://Example.com/Path')[0]?.href, 'https://example.com/Path');
});

test('text around links is kept exactly', () => {
  const text = 'a https://x.io b\nhttps://y.io\tc';
  assert.equal(
    linkify(text)
      .map((s) => s.text)
      .join(''),
    text,
  );
  assert.equal(links(text).length, 2);
});
