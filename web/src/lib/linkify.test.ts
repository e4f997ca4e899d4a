import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkify, MAX_LINK_LENGTH, safeHref } from './linkify.ts';

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
    'mailto:javascript:alert(1)',
    'mailto:alert(1)',
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

test('www. addresses become https links; the text stays as written, trailing punctuation left out', () => {
  assert.deepEqual(linkify('see www.example.org.'), [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'www.example.org', href: 'https://www.example.org/' },
    { kind: 'text', text: '.' },
  ]);
  assert.deepEqual(links('(at www.example.org/a_(b)?x=1!)'), [
    { kind: 'link', text: 'www.example.org/a_(b)?x=1', href: 'https://www.example.org/a_(b)?x=1' },
  ]);
  assert.equal(links('WWW.Example.ORG, then')[0]?.href, 'https://www.example.org/');
  // Not web addresses: no domain after www., part of a longer word, host or address, or user info.
  for (const text of [
    'www.',
    'www.example',
    'awww.example.org',
    'mail.www.example.org',
    'me@www.example.org',
    'www.example.org@evil.example',
    'www.example.org:pass@evil.example',
  ]) {
    assert.deepEqual(links(text), [], text);
  }
  // Inside a URL it is the URL's.
  assert.deepEqual(links('https://x.org/www.example.org'), [
    { kind: 'link', text: 'https://x.org/www.example.org', href: 'https://x.org/www.example.org' },
  ]);
  // A lookalike host shows in punycode here too.
  assert.deepEqual(links('www.p\u0430ypal.com/login'), [
    { kind: 'link', text: 'www.xn--pypal-4ve.com/login', href: 'https://www.xn--pypal-4ve.com/login' },
  ]);
});

test('mailto: addresses become links, without the punctuation after them; anything else after mailto: stays text', () => {
  assert.deepEqual(linkify('write to mailto:ana@example.org.'), [
    { kind: 'text', text: 'write to ' },
    { kind: 'link', text: 'mailto:ana@example.org', href: 'mailto:ana@example.org' },
    { kind: 'text', text: '.' },
  ]);
  assert.deepEqual(links('(mailto:ana@example.org?subject=Hi)'), [
    { kind: 'link', text: 'mailto:ana@example.org?subject=Hi', href: 'mailto:ana@example.org?subject=Hi' },
  ]);
  for (const text of ['mailto:', 'mailto:ana', 'mailto:ana@example', 'mailto:a@b@c.org', 'xmailto:ana@example.org']) {
    assert.deepEqual(links(text), [], text);
  }
  // A domain mixing scripts is shown (and linked) in punycode.
  assert.deepEqual(links('mailto:pay@p\u0430ypal.com'), [
    { kind: 'link', text: 'mailto:pay@xn--pypal-4ve.com', href: 'mailto:pay@xn--pypal-4ve.com' },
  ]);
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

/** A deterministic mix of `chars`, `n` long. */
function mix(chars: string, n: number, seed = 7): string {
  let x = seed;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += chars[x % chars.length];
  }
  return s;
}

/** A linear pass over the same text — the URL pattern's matches and a count of brackets — as the yardstick. */
function scan(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"'`]+/gi)) n += m[0].length;
  for (let i = 0; i < text.length; i++) if ('()[]{}'.includes(text[i] as string)) n++;
  return n;
}

/** The fastest of five trials, in ms per call (load on the machine only ever adds time). */
function fastest(fn: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < 5; trial++) {
    const t0 = performance.now();
    let runs = 0;
    do {
      fn();
      runs++;
    } while (performance.now() - t0 < 10);
    best = Math.min(best, (performance.now() - t0) / runs);
  }
  return best;
}

test('linear time: a URL followed by 100,000 brackets or punctuation costs a few scans of it, not n² steps', () => {
  const url = 'see https://example.com/a_(b)';
  const inputs = (n: number): [string, string][] => [
    ['closing parentheses', url + ')'.repeat(n)],
    ['mixed closing brackets and punctuation', url + mix(')]}.,!?', n)],
    ['mixed brackets', url + mix('()[]{}', n)],
    ['punctuation, then a letter', `${url + mix('.,;:!?', n)}x`],
  ];
  // Sizes go up so that a quadratic version fails at 10,000 in about a second instead of hanging at 100,000.
  for (const n of [10_000, 100_000]) {
    for (const [name, text] of inputs(n)) {
      const ratio = fastest(() => linkify(text)) / fastest(() => scan(text));
      assert.ok(ratio < 50, `${name} × ${n}: linkify took ${ratio.toFixed(1)} scans of the same text`);
      assert.equal(
        linkify(text)
          .map((s) => s.text)
          .join(''),
        text,
        name,
      );
    }
  }
  // The trimmed URL is still found.
  assert.equal(links(`${url}${')'.repeat(100_000)}`)[0]?.text, 'https://example.com/a_(b)');
  assert.equal(links(`${url}${mix(')]}.,!?', 100_000)}`)[0]?.text, 'https://example.com/a_(b)');
});

test(`a URL longer than ${MAX_LINK_LENGTH} characters stays plain text, shown whole`, () => {
  const base = 'https://example.com/';
  const atCap = base + 'a'.repeat(MAX_LINK_LENGTH - base.length);
  assert.equal(links(`go ${atCap} now`)[0]?.text, atCap);
  const over = `${atCap}a`;
  const text = `go ${over} now, or https://example.com/short`;
  assert.deepEqual(links(text), [
    { kind: 'link', text: 'https://example.com/short', href: 'https://example.com/short' },
  ]);
  assert.equal(
    linkify(text)
      .map((s) => s.text)
      .join(''),
    text,
  );
  // Trailing punctuation does not count toward the length.
  assert.equal(links(`${atCap}.`)[0]?.text, atCap);
});

test('a host mixing scripts is shown in punycode, so a lookalike shows; the href is always punycode', () => {
  // Cyrillic а (U+0430) in a Latin name: looks like paypal.com.
  assert.deepEqual(links('log in at https://p\u0430ypal.com/login now'), [
    { kind: 'link', text: 'https://xn--pypal-4ve.com/login', href: 'https://xn--pypal-4ve.com/login' },
  ]);
  // Greek ο (U+03BF) in a Latin name.
  assert.equal(links('https://g\u03BFogle.com')[0]?.text, 'https://xn--gogle-rce.com');
  // All-Cyrillic lookalike label under a Latin top-level domain: аррӏе.com.
  assert.equal(links('https://\u0430\u0440\u0440\u04CF\u0435.com')[0]?.text, 'https://xn--80ak6aa92e.com');
  // Wherever the host sits: after user info, before a port, after extra slashes, percent-encoded.
  assert.equal(links('https://me@p\u0430ypal.com:8443/x?y#z')[0]?.text, 'https://me@xn--pypal-4ve.com:8443/x?y#z');
  assert.equal(links('https:///p\u0430ypal.com/')[0]?.text, 'https:///xn--pypal-4ve.com/');
  assert.equal(links('https://p%D0%B0ypal.com/')[0]?.text, 'https://xn--pypal-4ve.com/');
  assert.equal(links('https://P\u0410YPAL.com')[0]?.text, 'https://xn--pypal-4ve.com');
  for (const l of links('https://p\u0430ypal.com https://\u0430\u0440\u0440\u04CF\u0435.com')) {
    assert.match(l.text, /^https:\/\/xn--[a-z0-9-]+\.com/);
    assert.equal(safeHref(l.text), l.href, 'the text names where the link goes');
  }
});

test('a host in one script stays as written (the href in punycode); so does non-Latin text in the path', () => {
  const cases: [string, string][] = [
    ['https://\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444/', 'https://xn--e1afmkfd.xn--p1ai/'], // пример.рф
    ['https://m\u00FCnchen.de/karte', 'https://xn--mnchen-3ya.de/karte'], // münchen.de: Latin
    ['https://\u65E5\u672C\u8A9E.jp', 'https://xn--wgv71a119e.jp/'], // 日本語.jp: Han with Latin, as Japanese names are
    ['https://\uD55C\uAD6D.kr', 'https://xn--3e0b707e.kr/'], // 한국.kr
    ['https://example.com/\u043F\u0443\u0442\u044C', 'https://example.com/%D0%BF%D1%83%D1%82%D1%8C'],
  ];
  for (const [text, href] of cases) assert.deepEqual(links(text), [{ kind: 'link', text, href }], text);
});

test('bidi controls are dropped from link text and hrefs; the text around links keeps them', () => {
  const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
  controls.push('\u200E', '\u200F', '\u061C');
  const bidi = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
  for (const c of controls) {
    const text = `see https://exa${c}mple.com/doc${c}.txt${c}?q=1${c}#${c}x${c}. ok`;
    assert.deepEqual(links(text), [
      { kind: 'link', text: 'https://example.com/doc.txt?q=1#x', href: 'https://example.com/doc.txt?q=1#x' },
    ]);
    const segs = linkify(text);
    assert.equal(segs.at(-1)?.text, `${c}. ok`, 'a trailing control is left to the text after the link');
  }
  // "…/moc.elgoog" shown reversed as google.com: the override goes, the link reads as it goes.
  const reversed = `https://example.com/\u202Emoc.elgoog`;
  assert.deepEqual(links(reversed), [
    { kind: 'link', text: 'https://example.com/moc.elgoog', href: 'https://example.com/moc.elgoog' },
  ]);
  const before = linkify('\u202Ehttps://example.com');
  assert.deepEqual(before, [
    { kind: 'text', text: '\u202E' },
    { kind: 'link', text: 'https://example.com', href: 'https://example.com/' },
  ]);
  for (const l of links(controls.map((c) => `https://a.example/${c}x${c} `).join(''))) {
    assert.doesNotMatch(l.text + l.href, bidi);
  }
});
