import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDateTime, formatDuration, formatFullDate, formatListStamp, formatTime } from './format.ts';
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

/** Intl puts (narrow) no-break spaces around AM/PM and in French dates: compared as plain spaces. */
const plain = (s: string) => s.replace(/\s/g, ' ');
/** Local times, so that the calendar days are the machine's whatever its time zone. */
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).toISOString();

test('one clock per language everywhere: 12 h without a leading zero in English, 24 h in French', () => {
  const early = at(2026, 12, 2, 3, 11);
  assert.equal(plain(formatTime('en', early)), '3:11 AM');
  assert.equal(plain(formatTime('fr', early)), '03:11');
  assert.equal(plain(formatTime('en', at(2026, 12, 2, 15, 5))), '3:05 PM');
  assert.equal(plain(formatTime('fr', at(2026, 12, 2, 15, 5))), '15:05');
  // The date-and-time (settings, orders…) and the full date write the time the same way.
  for (const locale of ['en', 'fr'] as const) {
    const time = plain(formatTime(locale, early));
    assert.ok(plain(formatDateTime(locale, early)).endsWith(time), `${locale}: ${formatDateTime(locale, early)}`);
    assert.ok(plain(formatFullDate(locale, early)).endsWith(time), `${locale}: ${formatFullDate(locale, early)}`);
  }
  assert.equal(plain(formatFullDate('en', early)), 'Wednesday, December 2, 2026 at 3:11 AM');
  assert.equal(plain(formatFullDate('fr', early)), 'mercredi 2 décembre 2026 à 03:11');
});

test('list stamps: the time today, "Yesterday" yesterday, the weekday within the last week, else the date', () => {
  const now = new Date(2026, 11, 3, 0, 30); // Thursday 3 December 2026, just after midnight
  const stamp = (locale: 'en' | 'fr', iso: string) =>
    plain(formatListStamp(locale, iso, locale === 'en' ? 'Yesterday' : 'Hier', now));
  assert.equal(stamp('en', at(2026, 12, 3, 0, 10)), '12:10 AM');
  assert.equal(stamp('fr', at(2026, 12, 3, 0, 10)), '00:10');
  // An hour ago, but yesterday: not a weekday.
  assert.equal(stamp('en', at(2026, 12, 2, 23, 30)), 'Yesterday');
  assert.equal(stamp('fr', at(2026, 12, 2, 8, 0)), 'Hier');
  assert.equal(stamp('en', at(2026, 12, 1, 9, 0)), 'Tue');
  assert.equal(stamp('fr', at(2026, 11, 27, 9, 0)), 'ven.');
  // Seven days ago is the same weekday as today: a date, not "Thu".
  assert.equal(stamp('en', at(2026, 11, 26, 9, 0)), 'Nov 26');
  assert.equal(stamp('fr', at(2026, 11, 26, 9, 0)), '26 nov.');
  assert.equal(stamp('en', at(2025, 12, 31, 9, 0)), '12/31/25');
  // A clock a little ahead: the time, not a date.
  assert.equal(stamp('en', at(2026, 12, 3, 0, 40)), '12:40 AM');
});
