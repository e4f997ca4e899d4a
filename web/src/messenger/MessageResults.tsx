import { useCallback, useEffect, useState } from 'react';
import type { MessageSearchResult } from '../../../protocol/api.ts';
import type { UserView } from '../../../protocol/views.ts';
import { api } from '../api/http.ts';
import { openAtMessage } from '../app/jump.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { type ErrorKey, errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { useConversationTitle } from './useConversationTitle.ts';

/** Messages are searched from this many characters on (fewer find too much to be useful). */
export const MESSAGE_SEARCH_MIN = 2;

interface Found {
  results: MessageSearchResult[];
  users: Map<string, UserView>;
  next: string | null;
  searching: boolean;
  error: ErrorKey | null;
  /** The query the results answer (trimmed); empty when idle. */
  answered: string;
}
const idle: Found = { results: [], users: new Map(), next: null, searching: false, error: null, answered: '' };

/** Debounced full-text search of my messages (GET /api/search/messages), with "more" pages. */
function useMessageSearch(query: string, delayMs = 300) {
  const [state, setState] = useState<Found>(idle);
  const q = query.trim();
  useEffect(() => {
    if (q.length < MESSAGE_SEARCH_MIN) {
      setState(idle);
      return;
    }
    let cancelled = false;
    setState((s) => ({ ...s, searching: true }));
    const timer = setTimeout(() => {
      api
        .searchMessages(q)
        .then((r) => {
          if (cancelled) return;
          setState({
            results: r.results,
            users: new Map(r.users.map((u) => [u.id, u])),
            next: r.nextCursor,
            searching: false,
            error: null,
            answered: q,
          });
        })
        .catch((e: unknown) => {
          if (!cancelled) setState({ ...idle, error: errorIdOf(e), answered: q });
        });
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q, delayMs]);
  const more = useCallback(async () => {
    const { next, answered } = state;
    if (next === null || state.searching) return;
    setState((s) => ({ ...s, searching: true }));
    try {
      const r = await api.searchMessages(answered, next);
      setState((s) =>
        s.answered !== answered
          ? s
          : {
              ...s,
              results: [...s.results, ...r.results],
              users: new Map([...s.users, ...r.users.map((u) => [u.id, u] as const)]),
              next: r.nextCursor,
              searching: false,
            },
      );
    } catch (e) {
      setState((s) => ({ ...s, searching: false, error: errorIdOf(e) }));
    }
  }, [state]);
  return { ...state, more };
}

/** The snippet with its matched words marked: text nodes and <mark>s, never HTML from the server. */
function Snippet({ text, matches }: MessageSearchResult['snippet']) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of matches) {
    if (start < at || end > text.length) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <span className="message-result-snippet">{parts}</span>;
}

/**
 * The "Messages" section of the sidebar's search: my messages that hold the words, newest first, each a
 * button (part of the results' ↑/↓ navigation) that opens its conversation at the message.
 */
export function MessageResults({
  query,
  onOpened,
  onKeyDown,
}: {
  query: string;
  onOpened: () => void;
  onKeyDown: (e: React.KeyboardEvent<HTMLElement>) => void;
}) {
  const { t, te, stamp, dateTime } = useI18n();
  const found = useMessageSearch(query);
  const conversations = useStore((s) => s.conversations);
  const meId = useStore((s) => s.me?.id);
  const titleOf = useConversationTitle();
  if (query.trim().length < MESSAGE_SEARCH_MIN) return null;
  const nameOf = (id: string) =>
    id === meId ? t('message.you') : (found.users.get(id)?.displayName ?? t('conversation.unknownUser'));
  const conversationName = (r: MessageSearchResult) => {
    const c = conversations[r.conversation.id];
    return c ? titleOf(c) : (r.conversation.title ?? t('conversation.untitled'));
  };
  return (
    <section className="search-section message-results" aria-labelledby="search-messages-title" aria-live="polite">
      <h2 id="search-messages-title" className="search-section-title">
        {t('search.messages')}
      </h2>
      {found.searching && found.results.length === 0 && <p className="field-hint">{t('search.messages.searching')}</p>}
      {found.error && <p className="form-error">{te(found.error)}</p>}
      {!found.searching && !found.error && found.answered && found.results.length === 0 && (
        <p className="field-hint" data-testid="message-search-none">
          {t('search.messages.none')}
        </p>
      )}
      {found.results.length > 0 && (
        <ul className="people-list">
          {found.results.map((r) => {
            const sender = nameOf(r.message.senderId);
            const where = conversationName(r);
            return (
              <li key={r.message.id}>
                <button
                  type="button"
                  className="person message-result"
                  data-testid="message-result"
                  data-message-id={r.message.id}
                  aria-label={t('search.messages.result', {
                    sender,
                    conversation: where,
                    date: dateTime(r.message.createdAt),
                    text: r.snippet.text,
                  })}
                  onKeyDown={onKeyDown}
                  onClick={() => {
                    onOpened();
                    openAtMessage(r.conversation.id, r.message.id, r.message.seq).catch(() => {});
                  }}
                >
                  <Avatar id={r.message.senderId} name={sender} size={32} />
                  <span className="message-result-body">
                    <span className="message-result-head">
                      <span className="message-result-where">{where}</span>
                      <time className="message-result-date" dateTime={r.message.createdAt}>
                        {stamp(r.message.createdAt)}
                      </time>
                    </span>
                    <span className="message-result-line">
                      <span className="message-result-sender">{t('search.messages.from', { sender })}</span>{' '}
                      <Snippet {...r.snippet} />
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {found.next !== null && (
        <button
          type="button"
          className="link-button message-results-more"
          disabled={found.searching}
          onClick={() => void found.more()}
        >
          {t('search.messages.more')}
        </button>
      )}
    </section>
  );
}
