/**
 * Full-text search of messages, the part both backends share (docs/ARCHITECTURE.md, "Search"): the
 * person's text is cut into plain words here — never handed to the index as query syntax — and each
 * backend's query is built from those words (quoted terms for SQLite's FTS5, lexemes for PostgreSQL's
 * tsquery). The last word matches as a prefix ("bonj" finds "bonjour"), as a messenger's search box does.
 * Words are folded like the index folds them: lower case, diacritics removed ("cafe" finds "café").
 */
import { messageSearch } from '../../protocol/limits.ts';

/** A word of an index: letters and digits (SQLite's unicode61 and our PostgreSQL text agree on these). */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu;

/** One word folded as the indexes fold it. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words of a query, folded, without repeats, at most `messageSearch.terms`. Empty: nothing to find. */
export function searchTerms(query: string): string[] {
  const words = foldWord(query).match(WORD) ?? [];
  const out: string[] = [];
  for (const w of words) if (!out.includes(w)) out.push(w);
  // The last word typed is the prefix: keep it last when a repeat was dropped.
  const last = words.at(-1);
  if (last !== undefined && out.at(-1) !== last) {
    out.splice(out.indexOf(last), 1);
    out.push(last);
  }
  return out.slice(-messageSearch.terms);
}

/** A term quoted for FTS5 (a word has no `"` but we double them anyway: it is never syntax). */
const quoted = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * The FTS5 MATCH expression of `terms` (all of them, the last as a prefix) in the `body` column, ANDed with
 * the conversations in the `conv` column when given: the index intersects the doclists, so a common word
 * costs what the person's conversations hold, not what the whole server holds.
 */
export function ftsMatch(terms: readonly string[], conversationIds: readonly string[] | null): string {
  const body = terms.map((t, i) => (i === terms.length - 1 ? `${quoted(t)}*` : quoted(t))).join(' AND ');
  const words = `body : (${body})`;
  if (conversationIds === null) return words;
  return `conv : (${conversationIds.map(quoted).join(' OR ')}) AND ${words}`;
}

/** The PostgreSQL tsquery text of `terms` (for to_tsquery('simple', …)): lexemes quoted, the last a prefix. */
export function tsQuery(terms: readonly string[]): string {
  return terms
    .map((t, i) => `'${t.replaceAll("'", "''").replaceAll('\\', '\\\\')}'${i === terms.length - 1 ? ':*' : ''}`)
    .join(' & ');
}

export interface Snippet {
  /** A piece of the message's text around its first match ("…" marks where it was cut). */
  text: string;
  /** Where the matched words are in `text`: [start, end) in UTF-16 code units, in order, not overlapping. */
  matches: [number, number][];
}

/**
 * The words of `text` that `terms` match (each word folded: equal to a term, or starting with the last
 * one), and a snippet of about `messageSearch.snippet` characters around the first of them.
 */
export function snippetOf(text: string, terms: readonly string[], size = messageSearch.snippet): Snippet {
  const found: [number, number][] = [];
  const last = terms.at(-1);
  for (const m of text.matchAll(WORD)) {
    const w = foldWord(m[0]);
    if (terms.includes(w) || (last !== undefined && w.startsWith(last))) found.push([m.index, m.index + m[0].length]);
  }
  if (text.length <= size) return { text, matches: found };
  const first = found[0]?.[0] ?? 0;
  // Start a little before the first match, on a word boundary when one is near.
  let start = Math.max(0, Math.min(first - Math.floor(size / 4), text.length - size));
  if (start > 0) {
    const space = text.lastIndexOf(' ', start);
    if (space >= 0 && start - space < 16) start = space + 1;
  }
  let end = Math.min(text.length, start + size);
  if (end < text.length) {
    const space = text.indexOf(' ', end);
    if (space >= 0 && space - end < 16) end = space;
  }
  // Never cut a surrogate pair.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start] ?? '')) start--;
  if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end] ?? '')) end++;
  const head = start > 0 ? '…' : '';
  const tail = end < text.length ? '…' : '';
  const shift = head.length - start;
  return {
    text: `${head}${text.slice(start, end)}${tail}`,
    matches: found.filter(([a, b]) => a >= start && b <= end).map(([a, b]) => [a + shift, b + shift]),
  };
}
