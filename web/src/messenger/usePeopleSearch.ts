import { useEffect, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { UserView } from '../../../protocol/views.ts';
import { api } from '../api/http.ts';
import { type ErrorKey, errorIdOf } from '../lib/errors.ts';

export interface PeopleSearch {
  results: UserView[];
  searching: boolean;
  error: ErrorKey | null;
  /** The query the results answer (trimmed); empty when idle. */
  answered: string;
}

/** Debounced `GET /api/users?q=`; stale answers are ignored. */
export function usePeopleSearch(query: string, delayMs = 250): PeopleSearch {
  const [state, setState] = useState<PeopleSearch>({ results: [], searching: false, error: null, answered: '' });
  const q = query.trim().slice(0, limits.userSearch.queryMax);
  useEffect(() => {
    if (q.length < limits.userSearch.queryMin) {
      setState({ results: [], searching: false, error: null, answered: '' });
      return;
    }
    let cancelled = false;
    setState((s) => ({ ...s, searching: true }));
    const timer = setTimeout(() => {
      api
        .searchUsers(q)
        .then((r) => {
          if (!cancelled) setState({ results: r.users, searching: false, error: null, answered: q });
        })
        .catch((e: unknown) => {
          if (!cancelled) setState({ results: [], searching: false, error: errorIdOf(e), answered: q });
        });
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q, delayMs]);
  return state;
}
