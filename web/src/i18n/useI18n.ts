import { useMemo, useSyncExternalStore } from 'react';
import type { ErrorId } from '../../../protocol/errors.ts';
import { formatDateTime, formatDay, formatFullDate, formatListStamp, formatTime } from './format.ts';
import { getLocale, subscribeLocale } from './locale.ts';
import { type Locale, makeTranslate, sizeText, type Translate, translateError } from './translate.ts';

export interface I18n {
  locale: Locale;
  t: Translate;
  /** Sentence for an error id. */
  te: (id: ErrorId | 'network' | 'unknown') => string;
  time: (iso: string) => string;
  dateTime: (iso: string) => string;
  /** The full date and time (a message time's hover). */
  fullDate: (iso: string) => string;
  day: (iso: string) => string;
  stamp: (iso: string) => string;
  /** A file's size: "512 bytes", "1.5 kB", "25 MB" / "512 octets", "1,5 ko", "25 Mo". */
  size: (bytes: number) => string;
}

export function useI18n(): I18n {
  const locale = useSyncExternalStore(subscribeLocale, getLocale, getLocale);
  return useMemo(() => {
    const t = makeTranslate(locale);
    return {
      locale,
      t,
      te: (id) => translateError(locale, id),
      time: (iso) => formatTime(locale, iso),
      dateTime: (iso) => formatDateTime(locale, iso),
      fullDate: (iso) => formatFullDate(locale, iso),
      day: (iso) => formatDay(locale, iso),
      stamp: (iso) => formatListStamp(locale, iso, t('thread.yesterday')),
      size: (bytes) => sizeText(locale, bytes),
    };
  }, [locale]);
}
