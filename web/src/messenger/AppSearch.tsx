import { useEffect, useId, useRef, useState } from 'react';
import { type ComposeAppView, composeLimits } from '../../../protocol/compose.ts';
import type { MessageView } from '../../../protocol/views.ts';
import { composeApi } from '../api/compose.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { newClientId } from '../lib/clientId.ts';
import { errorIdOf } from '../lib/errors.ts';
import { IconBack, IconClose } from '../ui/Icons.tsx';
import { type FoundResult, useAppResults } from './useAppResults.ts';

/** Results per row of the grid (the arrow keys move by one, or by a row). */
const COLUMNS = 3;

export interface AppSearchProps {
  app: ComposeAppView;
  conversationId: string;
  /** The message answered with the app ("Reply with …"), and its sender's name. */
  replyTo: { message: MessageView; name: string } | null;
  /** Inline (`@app query` in the composer): the composer's text is the query, no search box here. */
  inlineQuery: string | null;
  /** Back to the list of apps (the drawer), or null inline. */
  onBack: (() => void) | null;
  onClose: () => void;
  /** A result was sent. */
  onSent: () => void;
  /** Focus left the grid upwards from its first row, inline (back to the composer). */
  onLeaveTop?: () => void;
  /** Lets the composer move focus into the grid (inline). */
  gridRef?: React.RefObject<HTMLDivElement | null>;
}

/**
 * One content app's search: a box (or the composer's text, inline), a grid of previews served by Comptoir
 * (never the app's own URLs), more pages as the grid scrolls, a loading state that says when the app is
 * slow, the error in words with a retry. Arrow keys move in the grid; Enter or a click sends the result.
 */
export function AppSearch(p: AppSearchProps) {
  const { t, te, locale } = useI18n();
  const id = useId();
  const [typed, setTyped] = useState('');
  const query = p.inlineQuery ?? typed;
  const r = useAppResults(p.app.appId, query, p.replyTo?.message.id ?? null, locale);
  const [sending, setSending] = useState<string | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);
  /** A retried send of the same result keeps its client id: it is sent once. */
  const clientIds = useRef(new Map<string, string>());
  const inputRef = useRef<HTMLInputElement>(null);
  const ownGrid = useRef<HTMLDivElement>(null);
  const grid = p.gridRef ?? ownGrid;
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (p.inlineQuery === null) inputRef.current?.focus();
  }, [p.inlineQuery]);

  // The next page when the end of the grid comes into view.
  const loadMore = r.loadMore;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !r.more) return;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, [r.more, loadMore]);

  const pick = async (f: FoundResult) => {
    if (sending) return;
    const key = `${f.result.id}\n${r.answered ?? ''}\n${f.offset ?? ''}`;
    const clientId = clientIds.current.get(key) ?? newClientId();
    clientIds.current.set(key, clientId);
    setSending(f.result.id);
    setSendError(null);
    try {
      await composeApi.send(p.app.appId, {
        conversationId: p.conversationId,
        clientId,
        resultId: f.result.id,
        q: (r.answered ?? '').slice(0, composeLimits.query),
        ...(f.offset ? { offset: f.offset } : {}),
        ...(p.replyTo ? { replyTo: p.replyTo.message.id } : {}),
        locale,
      });
      p.onSent();
    } catch (e) {
      setSendError(te(errorIdOf(e)));
    } finally {
      setSending(null);
    }
  };

  const onGridKey = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const cells = [...(grid.current?.querySelectorAll<HTMLButtonElement>('[data-result]') ?? [])];
    const at = cells.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[e.key];
    if (move === undefined) return;
    e.preventDefault();
    const to = at + move;
    if (to < 0) {
      if (p.onLeaveTop) p.onLeaveTop();
      else inputRef.current?.focus();
      return;
    }
    const cell = cells[Math.min(to, cells.length - 1)];
    cell?.focus();
    cell?.scrollIntoView({ block: 'nearest' });
    if (to >= cells.length - COLUMNS) r.loadMore();
  };

  const status = r.error
    ? null
    : r.loading
      ? r.slow
        ? t('compose.search.slow', { name: p.app.name })
        : t('compose.search.loading', { name: p.app.name })
      : r.answered !== null && r.results.length === 0
        ? r.answered === ''
          ? t('compose.search.nothing', { name: p.app.name })
          : t('compose.search.none', { query: r.answered })
        : null;

  return (
    <section className="app-search" aria-labelledby={`${id}-title`} data-testid="app-search" data-app-id={p.app.appId}>
      <header className="app-drawer-header">
        {p.onBack && (
          <button type="button" className="icon-button" onClick={p.onBack} aria-label={t('compose.back')}>
            <IconBack size={18} />
          </button>
        )}
        <img className="app-icon" src={p.app.icon} alt="" width={24} height={24} />
        <h2 id={`${id}-title`} className="app-drawer-title">
          {p.app.name}
        </h2>
        <button
          type="button"
          className="icon-button"
          onClick={p.onClose}
          aria-label={t('compose.close')}
          data-testid="app-drawer-close"
        >
          <IconClose size={18} />
        </button>
      </header>
      {p.replyTo && (
        <p className="app-search-reply" data-testid="app-search-reply">
          {t('compose.search.replyingTo', { name: p.replyTo.name })}
        </p>
      )}
      {p.inlineQuery === null && (
        <>
          <label htmlFor={`${id}-q`} className="sr-only">
            {t('compose.search.label', { name: p.app.name })}
          </label>
          <input
            ref={inputRef}
            id={`${id}-q`}
            className="input app-search-input"
            data-testid="app-search-input"
            type="search"
            value={typed}
            maxLength={composeLimits.query}
            placeholder={t('compose.search.placeholder', { name: p.app.name })}
            onChange={(e) => setTyped(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || (e.key === 'Enter' && !e.nativeEvent.isComposing)) {
                e.preventDefault();
                grid.current?.querySelector<HTMLButtonElement>('[data-result]')?.focus();
              } else if (e.key === 'Escape') {
                e.preventDefault();
                p.onClose();
              }
            }}
          />
        </>
      )}
      {/* biome-ignore lint/a11y/useSemanticElements: a grid of results moved in with the arrow keys, not a form's fieldset */}
      <div
        ref={grid}
        className="app-results"
        role="group"
        aria-label={t('compose.results', { name: p.app.name })}
        aria-busy={r.loading}
        data-testid="app-results"
        onKeyDown={onGridKey}
      >
        {r.results.map((f) => (
          <button
            key={`${f.offset ?? ''}:${f.result.id}`}
            type="button"
            className="app-result"
            data-result={f.result.id}
            data-testid="app-result"
            data-type={f.result.type}
            aria-label={t('compose.result.send', {
              title: f.result.title || t(`compose.kind.${f.result.type}`),
            })}
            aria-busy={sending === f.result.id}
            disabled={sending !== null && sending !== f.result.id}
            onClick={() => void pick(f)}
          >
            {f.result.type === 'video' ? (
              <video src={f.result.previewUrl} muted autoPlay loop playsInline tabIndex={-1} />
            ) : (
              <img src={f.result.previewUrl} alt="" loading="lazy" />
            )}
            {f.result.type === 'audio' && (
              <span className="app-result-badge" aria-hidden="true">
                ♪
              </span>
            )}
          </button>
        ))}
        <div ref={sentinel} className="app-results-end" aria-hidden="true" />
      </div>
      <div className="app-search-status" aria-live="polite">
        {status && (
          <p className={r.loading ? 'app-search-loading' : 'field-hint'} data-testid="app-search-status">
            {r.loading && <span className="spinner" aria-hidden="true" />}
            {status}
          </p>
        )}
        {sending && (
          <p className="app-search-loading" data-testid="app-search-sending">
            <span className="spinner" aria-hidden="true" />
            {t('compose.sending')}
          </p>
        )}
      </div>
      {(r.error || sendError) && (
        <div className="form-error app-search-error" role="alert" data-testid="app-search-error">
          <p>{sendError ?? (r.error ? te(r.error) : '')}</p>
          {r.error && !sendError && (
            <button type="button" className="button button-small" onClick={r.retry}>
              {t('common.retry')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
