import { useCallback, useEffect, useRef, useState } from 'react';
import type { ComposeResultView } from '../../../protocol/compose.ts';
import { composeApi } from '../api/compose.ts';
import { type ErrorKey, errorIdOf } from '../lib/errors.ts';

/** A result with the offset of the page it came in (a send names it, so the server can find it again). */
export interface FoundResult {
  result: ComposeResultView;
  offset: string | null;
}

export interface AppResults {
  results: FoundResult[];
  /** A page is being asked for. */
  loading: boolean;
  /** The app has been answering for a while (a slow app is told apart from a broken one). */
  slow: boolean;
  error: ErrorKey | null;
  /** More pages after these. */
  more: boolean;
  /** The query the results answer. */
  answered: string | null;
  loadMore(): void;
  retry(): void;
}

const SLOW_MS = 2500;

/**
 * A content app's answers to a query, page after page (`nextOffset`), as the drawer shows them: the query
 * debounced while it is typed, an older query's late answer ignored, a slow answer marked as such, the
 * error kept for the words. `replyTo`: the message answered with the app.
 */
export function useAppResults(
  appId: string | null,
  query: string,
  replyTo: string | null,
  locale: string,
  delayMs = 300,
): AppResults {
  const [state, setState] = useState<Omit<AppResults, 'loadMore' | 'retry'>>({
    results: [],
    loading: false,
    slow: false,
    error: null,
    more: false,
    answered: null,
  });
  const next = useRef<string | null>(null);
  const asked = useRef(0);
  const [attempt, setAttempt] = useState(0);
  const q = query.trim();

  const page = useCallback(
    (offset: string | null, first: boolean) => {
      if (!appId) return;
      const ask = ++asked.current;
      setState((s) => ({
        ...s,
        loading: true,
        slow: false,
        error: null,
        ...(first ? { results: [], more: false } : {}),
      }));
      const slow = setTimeout(() => {
        if (asked.current === ask) setState((s) => ({ ...s, slow: true }));
      }, SLOW_MS);
      composeApi
        .results(appId, { q, offset, replyTo, locale })
        .then((r) => {
          if (asked.current !== ask) return;
          next.current = r.nextOffset;
          setState((s) => ({
            results: [...(first ? [] : s.results), ...r.results.map((result) => ({ result, offset }))],
            loading: false,
            slow: false,
            error: null,
            more: r.nextOffset !== null,
            answered: q,
          }));
        })
        .catch((e: unknown) => {
          if (asked.current !== ask) return;
          setState((s) => ({ ...s, loading: false, slow: false, error: errorIdOf(e), answered: q }));
        })
        .finally(() => clearTimeout(slow));
    },
    [appId, q, replyTo, locale],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` asks again (Retry)
  useEffect(() => {
    if (!appId) return;
    next.current = null;
    const timer = setTimeout(() => page(null, true), q === '' ? 0 : delayMs);
    return () => {
      clearTimeout(timer);
      asked.current++; // an answer to what was asked before is ignored
    };
  }, [page, appId, q, delayMs, attempt]);

  return {
    ...state,
    loadMore: () => {
      if (!state.loading && !state.error && next.current !== null) page(next.current, false);
    },
    retry: () => {
      if (state.results.length > 0 && next.current !== null) page(next.current, false);
      else setAttempt((n) => n + 1);
    },
  };
}
