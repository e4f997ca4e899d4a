import fc from 'fast-check';

/**
 * Generators for fuzzing: text near the limits and full of awkward characters, edge values of every JSON
 * type, mutations of a valid body (a field dropped, added, retyped; prototype keys; another shape), and
 * damage to its JSON text (truncated, duplicate keys, numbers JSON cannot hold, deep nesting, oversized).
 */

/** Single UTF-16 units that break things: NUL and controls, bidi and zero-width, BOM, separators, lone surrogates, LIKE wildcards, quotes. */
const oddUnits = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\u2029',
  '\u3000',
  '\ufeff',
  '\ufffd',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '%',
  '_',
  '\\',
  '"',
  "'",
  '<',
  '&',
  '/',
  '.',
  '\n',
  '\r',
  '\t',
  ' ',
];
/** Longer pieces: astral characters and sequences, case-folding oddities, injection-shaped text. */
const oddPieces = [
  '😀',
  '\u{10ffff}',
  '👩‍👩‍👧',
  'e\u0301',
  'İ',
  'ß',
  'ﬁ',
  '𝒜',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '$' + '{x}',
  '%00',
  '%s%n',
  '../',
  '__proto__',
  'constructor',
  'toString',
];

/** Text of any length up to `maxLength` units (astral ones count two), from several alphabets. */
export const oddText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength: Math.ceil(maxLength / 2) }),
    fc.string({ unit: fc.constantFrom(...oddUnits, ...oddPieces), maxLength: Math.ceil(maxLength / 4) }),
    fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength }),
    fc.string({ unit: 'grapheme', maxLength: Math.ceil(maxLength / 4) }),
  );

/** A string of exactly `n` UTF-16 units; some end in half of an astral pair, some hold NUL or bidi controls. */
export const ofLength = (n: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('a', 'Z', '0', '_', ' ', 'é', '\u202e').map((c) => c.repeat(n)),
    fc.string({ unit: fc.constantFrom('a', 'b', '.', '_', '1', 'é'), minLength: n, maxLength: n }),
    fc.constant('😀'.repeat(Math.ceil(n / 2)).slice(0, n)),
    fc.nat(Math.max(0, n - 1)).map((i) => `${'a'.repeat(i)}\u0000${'a'.repeat(Math.max(0, n - i - 1))}`.slice(0, n)),
  );

/** Strings at and around a limit: min-1, min, max, max+1 units (and empty, and far over). */
export const nearLimit = (min: number, max: number): fc.Arbitrary<string> =>
  fc.constantFrom(...new Set([0, min - 1, min, max - 1, max, max + 1, max * 4].filter((n) => n >= 0))).chain(ofLength);

/** Odd values of every JSON type. */
export const jsonEdge: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    -0.5,
    1e21,
    2 ** 31,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53 + 2,
    -(2 ** 53) - 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    '',
    ' ',
    '0',
    '-1',
    '1e3',
    'NaN',
    'Infinity',
    'null',
    'true',
    [],
    {},
    [null],
    { '': '' },
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  oddText(40),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Keys that have hurt JavaScript servers: prototype pollution, empty, case and space variants. */
export const oddKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '', ' ', 'type', 'ref', 'id'),
  fc.string({ maxLength: 12 }),
);

/** Copies an object, setting `key` as an own enumerable property (even `__proto__`, which JSON then carries). */
function withKey(o: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o))
    Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

type Mutation = (body: unknown) => unknown;

/** One change to a body: a field dropped, retyped, given odd text, a key added, or another shape. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (i): Mutation =>
      (b) => {
        if (!isObject(b)) return b;
        const keys = Object.keys(b);
        if (keys.length === 0) return b;
        const drop = keys[i % keys.length];
        return Object.fromEntries(Object.entries(b).filter(([k]) => k !== drop));
      },
  ),
  fc.tuple(fc.nat(), fc.oneof(jsonEdge, oddText(80), nearLimit(1, 64))).map(
    ([i, v]): Mutation =>
      (b) => {
        if (!isObject(b)) return b;
        const keys = Object.keys(b);
        const key = keys[i % Math.max(1, keys.length)];
        return key === undefined ? b : withKey(b, key, v);
      },
  ),
  fc.tuple(oddKey, jsonEdge).map(
    ([k, v]): Mutation =>
      (b) =>
        isObject(b) ? withKey(b, k, v) : b,
  ),
  fc.constantFrom<Mutation>(
    (b) => [b],
    (b) => ({ body: b }),
    () => null,
    () => 'text',
    () => 42,
    () => [],
    () => ({}),
  ),
);

/** A valid body with one to three mutations. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([b, ms]) => ms.reduce((acc, m) => m(acc), b));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Bytes a body may be: JSON.stringify of a value, or damaged JSON text. */
export type TextMutation = (json: string) => string;

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

/** Damage to a JSON text: cut, spliced, duplicate keys, numbers JSON cannot hold, deep nesting, BOM, comments. */
export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.nat().map(
    (i): TextMutation =>
      (t) =>
        t.slice(0, i % Math.max(1, t.length)),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('{', '}', '"', ',', ':', '\\', '\u0000', '\ud800', 'x', ']')).map(
    ([i, c]): TextMutation =>
      (t) => {
        const at = i % (t.length + 1);
        return t.slice(0, at) + c + t.slice(at);
      },
  ),
  // A key given twice: JSON.parse keeps the last one.
  fc.tuple(fc.nat(), jsonEdge).map(
    ([i, v]): TextMutation =>
      (t) => {
        const keys = [...t.matchAll(/"([^"\\]*)":/g)].map((m) => m[1]);
        const key = keys[i % Math.max(1, keys.length)];
        return key === undefined || !t.startsWith('{') ? t : `{"${key}":${JSON.stringify(v) ?? 'null'},${t.slice(1)}`;
      },
  ),
  // Numbers that parse to Infinity or are not JSON at all.
  fc.constantFrom('1e999', '-1e999', 'NaN', 'Infinity', '0x10', '01', '-', '1.', '.5', '+1').map(
    (n): TextMutation =>
      (t) =>
        /\d/.test(t) ? t.replace(/-?\d+(\.\d+)?([eE][+-]?\d+)?/, n) : t.replace(/^\{/, `{"n":${n},`),
  ),
  fc.constantFrom<TextMutation>(
    (t) => `\ufeff${t}`,
    (t) => ` \n\t${t}\n `,
    (t) => `${t}${t}`,
    (t) => `${t},`,
    (t) => t.replace(/"/g, "'"),
    (t) => t.replace(/\}$/, ',}'),
    (t) => `/* c */${t}`,
    () => '',
    () => ' ',
    () => 'null',
    () => 'true',
    () => '"a string"',
    () => deep(100_000),
    () => `{"a":${deep(10_000)}}`,
    (t) => t.replace(/^\{/, `{"deep":${deep(5_000)},`),
  ),
);

/** A body padded with a string field to exactly `bytes` bytes (the limit is 64 KiB). */
export function padded(body: unknown, bytes: number): string {
  const base = isObject(body) ? body : { body };
  const text = JSON.stringify({ ...base, pad: '' });
  return text.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, bytes - Buffer.byteLength(text)))}"`);
}

/** Content types a client might send with a body. */
export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json; charset=latin1',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/vnd.api+json',
      'application/json-patch+json',
      '',
      '*/*',
      'application/json, text/plain',
      'application/json;;',
    ),
  },
);

/** Values for a numeric query parameter: near its bounds, negative, fractional, huge, not numbers at all. */
export const numericParam = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-0',
    '1',
    '-1',
    '1.5',
    '1e3',
    '1e309',
    '-1e309',
    '0x10',
    '0b1',
    '0o7',
    '1_0',
    'NaN',
    'Infinity',
    '-Infinity',
    'null',
    'true',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '99999999999999999999',
    '50',
    '100',
    '101',
    '1000',
    '1001',
    ' 5 ',
    '5abc',
    '%00',
    '[1]',
    '{}',
  ),
  fc.integer({ min: -2, max: 1200 }).map(String),
  fc.double().map(String),
  oddText(12),
);

/**
 * encodeURIComponent for any string: a lone surrogate (which encodeURIComponent refuses) becomes the
 * three bytes UTF-8 would give it — invalid UTF-8 the server must cope with.
 */
export function encodeAny(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(s[i] as string);
  }
  return out;
}
