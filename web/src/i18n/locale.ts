import { detectLocale, isLocale, type Locale } from './translate.ts';

/** The current language: detected, persisted in localStorage, mirrored in <html lang>, shared by tabs. */
const STORAGE_KEY = 'comptoir.locale';
const listeners = new Set<() => void>();

function readStored(): Locale | null {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    return null;
  }
}

function detect(): Locale {
  const nav = globalThis.navigator;
  if (!nav) return 'en';
  return detectLocale(nav.languages?.length ? nav.languages : [nav.language ?? 'en']);
}

let current: Locale = readStored() ?? detect();

function reflect(): void {
  if (typeof document !== 'undefined' && document.documentElement) document.documentElement.lang = current;
}
reflect();

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice lasts for this page only
  }
  if (locale === current) return;
  current = locale;
  reflect();
  for (const l of listeners) l();
}

export function subscribeLocale(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY && isLocale(e.newValue) && e.newValue !== current) {
      current = e.newValue;
      reflect();
      for (const l of listeners) l();
    }
  });
}
