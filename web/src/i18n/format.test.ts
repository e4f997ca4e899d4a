import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration } from './format.ts';
import { sizeText } from './translate.ts';

/** French puts a (narrow) no-break space before units and between thousands: compared as plain spaces. */
const size = (locale: 'en' | 'fr', bytes: number) => sizeText(locale, bytes).replace(/\s/g, ' ');

test('file sizes in each language’s units, 1024-based like the limits, one decimal under 10', () => {
  assert.equal(size('en', 0), '0 bytes');
  assert.equal(size('en', 1), '1 byte');
  assert.equal(size('en', 1023), '1,023 bytes');
  assert.equal(size('fr', 1), '1 octet');
  assert.equal(size('fr', 512), '512 octets');
  assert.equal(size('en', 1024), '1 kB');
  assert.equal(size('en', 1536), '1.5 kB');
  assert.equal(size('fr', 1536), '1,5 ko');
  assert.equal(size('en', 25 * 1024 * 1024), '25 MB');
  assert.equal(size('fr', 25 * 1024 * 1024), '25 Mo');
  assert.equal(size('en', 3.25 * 1024 * 1024 * 1024), '3.3 GB');
  assert.equal(size('fr', 5000 * 1024 ** 3), '5 000 Go');
  assert.equal(formatBytes('en', 999), null, 'bytes are the catalogue’s to word');
  assert.equal(formatBytes('en', Number.NaN), null);
});

test('durations as players show them', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(999), '0:00');
  assert.equal(formatDuration(12_400), '0:12');
  assert.equal(formatDuration(62_000), '1:02');
  assert.equal(formatDuration(3_723_000), '1:02:03');
  assert.equal(formatDuration(-5), '0:00');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '0:00');
  // A clip's length: to the nearest second, never 0:00 when it has one.
  assert.equal(formatDuration(960, true), '0:01');
  assert.equal(formatDuration(120, true), '0:01');
  assert.equal(formatDuration(12_400, true), '0:12');
  assert.equal(formatDuration(12_600, true), '0:13');
  assert.equal(formatDuration(0, true), '0:00');
});
