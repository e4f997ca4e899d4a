/**
 * The GIF Box's answers (docs/PLATFORM.md, "Content apps"): a query's words against the library's tags and
 * titles, a page of results from the offset, the next offset, and how long Comptoir may keep the answer.
 */
import type { LibraryItem } from './generate.ts';

/** The query Comptoir POSTs (the fields the GIF Box reads). */
export interface Query {
  query: string;
  locale: string;
  offset: string;
  user: { id: string };
  context?: { replyTo?: { messageId?: string; attachment?: { kind?: string }; via?: { appId?: string } } };
}

/** The query, if the body is one (the fields used, of the right types); null otherwise. */
export function parseQuery(body: unknown): Query | null {
  const b = body as Partial<Query> | null;
  if (typeof b !== 'object' || b === null) return null;
  if (typeof b.query !== 'string' || typeof b.locale !== 'string' || typeof b.offset !== 'string') return null;
  if (typeof b.user?.id !== 'string') return null;
  return b as Query;
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * What a query finds, in the library's order: every word must start one of an item's tags or be in its
 * title. Nothing typed: when the person answers a message, the items tagged "reply"; otherwise everything.
 */
export function find(library: readonly LibraryItem[], q: Query): LibraryItem[] {
  const words = fold(q.query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return q.context?.replyTo ? library.filter((i) => i.tags.includes('reply')) : [...library];
  return library.filter((item) =>
    words.every((w) => item.tags.some((t) => t.startsWith(w)) || fold(item.title).includes(w)),
  );
}

export interface AnswerOptions {
  pageSize: number;
  cacheSeconds: number;
  /** Where Comptoir fetches the app's files. */
  baseUrl: string;
}

/** The answer Comptoir expects: a page of results, the next offset (null: the last page), cacheTime. */
export function answer(library: readonly LibraryItem[], q: Query, o: AnswerOptions) {
  const found = find(library, q);
  const from = /^\d{1,6}$/.test(q.offset) ? Number(q.offset) : 0;
  const page = found.slice(from, from + o.pageSize);
  const french = q.locale.toLowerCase().startsWith('fr');
  return {
    results: page.map((item) => ({
      id: item.id,
      type: item.type,
      previewUrl: `${o.baseUrl}/preview/${item.preview.name}`,
      url: `${o.baseUrl}/media/${item.file.name}`,
      width: item.width,
      height: item.height,
      ...(item.durationMs !== null ? { durationMs: item.durationMs } : {}),
      title: french && item.titleFr ? item.titleFr : item.title,
    })),
    nextOffset: from + o.pageSize < found.length ? String(from + o.pageSize) : null,
    cacheTime: o.cacheSeconds,
  };
}
