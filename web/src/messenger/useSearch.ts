import { useEffect, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { PageView, UserView } from '../../../protocol/views.ts';
import { api } from '../api/http.ts';
import { type ErrorKey, errorIdOf } from '../lib/errors.ts';

export interface Search<T> {
  results: T[];
  searching: boolean;
  error: ErrorKey | null;
  /** The query the results answer (trimmed); empty when idle. */
  answered: string;
}
export type PeopleSearch = Search<UserView>;
export type PageSearch = Search<PageView>;

const idle = { results: [], searching: false, error: null, answered: '' };

/**
 * Debounced search: `find` is called with the trimmed query once it has `queryMin` characters and the
 * typing has paused; stale answers are ignored. `find` must be a stable function (module-level).
 */
export function useSearch<T>(
  query: string,
  find: (q: string) => Promise<T[]>,
  bounds: { queryMin: number; queryMax: number },
  delayMs = 250,
): Search<T> {
  const [state, setState] = useState<Search<T>>(idle);
  const q = query.trim().slice(0, bounds.queryMax);
  useEffect(() => {
    if (q.length < bounds.queryMin) {
      setState(idle);
      return;
    }
    let cancelled = false;
    setState((s) => ({ ...s, searching: true }));
    const timer = setTimeout(() => {
      find(q)
        .then((results) => {
          if (!cancelled) setState({ results, searching: false, error: null, answered: q });
        })
        .catch((e: unknown) => {
          if (!cancelled) setState({ results: [], searching: false, error: errorIdOf(e), answered: q });
        });
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q, find, bounds.queryMin, delayMs]);
  return state;
}

const findPeople = async (q: string) => (await api.searchUsers(q)).users;
const findPages = async (q: string) => (await api.searchPages(q)).pages;

/** `GET /api/users?q=`: people (strangers by their exact username only). */
export function usePeopleSearch(query: string, delayMs?: number): PeopleSearch {
  return useSearch(query, findPeople, limits.userSearch, delayMs);
}

/** `GET /api/pages?q=`: business pages, by username prefix or name. */
export function usePageSearch(query: string, delayMs?: number): PageSearch {
  return useSearch(query, findPages, limits.pageSearch, delayMs);
}
