import type { ErrorId } from '../../../protocol/errors.ts';
import { limits } from '../../../protocol/limits.ts';
import { type Catalogue, en, type MessageKey } from './en.ts';
import { formatBytes } from './format.ts';
import { fr } from './fr.ts';
import type { Params } from './types.ts';

export type Locale = 'en' | 'fr';
export const locales: readonly Locale[] = ['en', 'fr'];
export const catalogues: Record<Locale, Catalogue> = { en, fr };

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'fr';
}

/** The first language the person prefers that we have (fr* → French, en* → English), else English. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l === 'fr' || l.startsWith('fr-')) return 'fr';
    if (l === 'en' || l.startsWith('en-')) return 'en';
  }
  return 'en';
}

const rulesCache = new Map<Locale, Intl.PluralRules>();
const numberCache = new Map<Locale, Intl.NumberFormat>();

export function pluralCategory(locale: Locale, count: number): Intl.LDMLPluralRule {
  let rules = rulesCache.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    rulesCache.set(locale, rules);
  }
  return rules.select(count);
}

function formatParam(locale: Locale, value: string | number): string {
  if (typeof value === 'string') return value;
  let nf = numberCache.get(locale);
  if (!nf) {
    nf = new Intl.NumberFormat(locale);
    numberCache.set(locale, nf);
  }
  return nf.format(value);
}

/** Replaces `{name}` placeholders; unknown ones are left as they are. */
export function interpolate(locale: Locale, template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : formatParam(locale, value);
  });
}

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const entry = catalogues[locale][key] ?? en[key];
  if (typeof entry === 'string') return interpolate(locale, entry, params);
  const count = typeof params.count === 'number' ? params.count : Number(params.count ?? 0);
  let template: string;
  if (count === 0 && entry.zero !== undefined) template = entry.zero;
  else template = entry[pluralCategory(locale, count)] ?? entry.other;
  return interpolate(locale, template, params);
}

export function errorKey(id: ErrorId): MessageKey {
  return `error.${id}`;
}

/** The sentence for an error id (from the server or the socket), with the limits it mentions. */
export function translateError(locale: Locale, id: ErrorId | 'network' | 'unknown'): string {
  const params = { max: id === 'member_limit' ? limits.groupMembers.max : limits.messageText.max };
  const key = `error.${id}` as const;
  return key in catalogues[locale] ? translate(locale, key, params) : translate(locale, 'error.unknown');
}

export type Translate = (key: MessageKey, params?: Params) => string;
export function makeTranslate(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}

/** A file's size in the locale's words: formatBytes from 1 kB, the catalogue below (for the plural). */
export function sizeText(locale: Locale, bytes: number): string {
  return formatBytes(locale, bytes) ?? translate(locale, 'media.size.bytes', { count: Math.max(0, bytes) });
}
