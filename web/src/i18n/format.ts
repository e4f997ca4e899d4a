import { exponentOf } from '../../../protocol/currencies.ts';
import type { Locale } from './translate.ts';

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

/** Local calendar day of an ISO date, as a comparable key. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/**
 * A time of day, in the language's usual clock — 24 h in French ("03:12"), 12 h in English ("3:12 AM") —
 * the same style everywhere: alone, in `formatDateTime` and in `formatFullDate`.
 */
export function formatTime(locale: Locale, iso: string): string {
  return dtf(locale, { timeStyle: 'short' }).format(new Date(iso));
}

export function formatDateTime(locale: Locale, iso: string): string {
  return dtf(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** The full date and time, for a message time's hover: "Wednesday, December 2, 2026 at 3:11 AM". */
export function formatFullDate(locale: Locale, iso: string): string {
  return dtf(locale, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}

/** "today" / "yesterday" are left to the caller (they are catalogue entries); this formats other days. */
export function formatDay(locale: Locale, iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const sameYear = d.getFullYear() === now.getFullYear();
  return dtf(locale, sameYear ? { weekday: 'long', day: 'numeric', month: 'long' } : { dateStyle: 'long' }).format(d);
}

export type DayRelation = 'today' | 'yesterday' | 'other';
export function dayRelation(iso: string, now: Date = new Date()): DayRelation {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return 'today';
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (key === dayKey(y.toISOString())) return 'yesterday';
  return 'other';
}

/** Calendar days from `iso`'s day to `now`'s, in local time (0 today, 1 yesterday; negative ahead). */
function daysAgo(iso: string, now: Date): number {
  const d = new Date(iso);
  const midnight = (x: Date) => Date.UTC(x.getFullYear(), x.getMonth(), x.getDate());
  return Math.round((midnight(now) - midnight(d)) / 86_400_000);
}

/**
 * Short stamp for the conversation list: the time today (or ahead, a clock a little off), `yesterday` (the
 * catalogue's word) yesterday, the weekday within the last week, else the date.
 */
export function formatListStamp(locale: Locale, iso: string, yesterday: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const ago = daysAgo(iso, now);
  if (ago <= 0) return formatTime(locale, iso);
  if (ago === 1) return yesterday;
  if (ago < 7) return dtf(locale, { weekday: 'short' }).format(d);
  if (d.getFullYear() === now.getFullYear()) return dtf(locale, { day: 'numeric', month: 'short' }).format(d);
  return dtf(locale, { dateStyle: 'short' }).format(d);
}

const money = new Map<string, Intl.NumberFormat>();
/**
 * An amount in the currency's minor units (protocol/currencies.ts) as the person's language writes it:
 * 3430 EUR → "34,30 €" in French, "€34.30" in English; 1200 JPY → "¥1,200".
 */
export function formatMoney(locale: Locale, minor: number, currency: string): string {
  const key = `${locale}|${currency}`;
  let f = money.get(key);
  if (!f) {
    const digits = exponentOf(currency);
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    money.set(key, f);
  }
  return f.format(minor / 10 ** exponentOf(currency));
}

const units = new Map<string, Intl.NumberFormat>();
const KB = 1024;
/**
 * A file's size as the person's language writes it: bytes under 1 KB (by the catalogue, for the plural),
 * then kB, MB, GB at powers of 1024 — the base protocol/media.ts's limits are written in —, one decimal
 * under 10: 1536 → "1.5 kB" / "1,5 ko", 25 MB → "25 MB" / "25 Mo". Returns null for bytes (the caller
 * words them).
 */
export function formatBytes(locale: Locale, bytes: number): string | null {
  if (!Number.isFinite(bytes) || bytes < KB) return null;
  const steps = ['kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes / KB;
  let i = 0;
  while (value >= KB && i < steps.length - 1) {
    value /= KB;
    i++;
  }
  const unit = steps[i] ?? 'gigabyte';
  const digits = value < 10 ? 1 : 0;
  const key = `${locale}|${unit}|${digits}`;
  let f = units.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits });
    units.set(key, f);
  }
  return f.format(value);
}

/**
 * A duration as media players show it: 0:07, 1:02, 1:02:03. A time elapsed is rounded down to the second; a
 * clip's length (`length`) to the nearest, and at least 0:01 (a clip of 0.96 s is not "0:00" long).
 */
export function formatDuration(ms: number, length = false): string {
  const positive = Number.isFinite(ms) && ms > 0;
  const total = !positive ? 0 : length ? Math.max(1, Math.round(ms / 1000)) : Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
