import { useLayoutEffect, useRef, useState } from 'react';
import { inboxLimits } from '../../../protocol/inbox.ts';
import { limits } from '../../../protocol/limits.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStoreOf } from '../state/store.ts';
import { IconSend } from '../ui/Icons.tsx';
import { type InboxWork, matchCanned } from './work.ts';

/** Drafts survive switching conversations (not reloads), per page conversation. */
const drafts = new Map<string, string>();

/**
 * The answer, as the page — or an internal note for the team (another colour, another label, never sent to
 * the customer). Enter sends, Shift+Enter starts a new line; `/` at the start searches the canned replies
 * (↑/↓ to choose, Enter to insert with its variables filled, Escape to close).
 */
export function InboxComposer({
  conversationId,
  pageName,
  onSend,
  work,
}: {
  conversationId: string;
  pageName: string;
  onSend: (text: string) => boolean;
  work: InboxWork;
}) {
  const { t, te } = useI18n();
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [chosen, setChosen] = useState(0);
  const [closed, setClosed] = useState(false);
  const canned = useStoreOf(work.store, (s) => s.canned);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const id = `inbox-composer-${conversationId}`;
  const note = mode === 'note';
  const slash = !note && !closed && /^\/\S*$/.test(text) ? text.slice(1) : null;
  const matches = slash === null ? [] : matchCanned(canned, slash).slice(0, 8);
  const picked = matches[Math.min(chosen, matches.length - 1)];

  const insert = (replyId: string) => {
    work
      .expandCanned(conversationId, replyId)
      .then((r) => {
        setText(r.text);
        drafts.set(conversationId, r.text);
        setError(r.missing.length ? t('work.canned.missing', { names: r.missing.join(', ') }) : null);
        areaRef.current?.focus();
      })
      .catch((e: unknown) => setError(te(errorIdOf(e))));
  };

  // Grow with the text, up to a limit (CSS max-height).
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
  useLayoutEffect(() => {
    const el = areaRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const max = note ? inboxLimits.noteText.max : limits.messageText.max;
  const tooLong = text.length > max;
  const empty = text.trim() === '';

  const clear = () => {
    drafts.delete(conversationId);
    setText('');
    areaRef.current?.focus();
  };
  const submit = () => {
    if (empty) {
      setError(te('message_empty'));
      return;
    }
    if (tooLong) return;
    if (note) {
      work
        .addNote(conversationId, text.trim())
        .then(clear)
        .catch((e: unknown) => setError(te(errorIdOf(e))));
      return;
    }
    if (!onSend(text)) return;
    clear();
  };

  return (
    <form
      className={`inbox-composer${note ? ' inbox-composer-note' : ''}`}
      data-mode={mode}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <fieldset className="work-modes">
        <legend className="sr-only">{t('work.mode')}</legend>
        {(['reply', 'note'] as const).map((m) => (
          <button
            key={m}
            type="button"
            className={`work-mode${mode === m ? ' active' : ''}`}
            aria-pressed={mode === m}
            data-testid={`composer-mode-${m}`}
            onClick={() => {
              setMode(m);
              areaRef.current?.focus();
            }}
          >
            {t(`work.mode.${m}`)}
          </button>
        ))}
        {note && (
          <span className="work-note-label" data-testid="note-label">
            {t('work.note.label')}
          </span>
        )}
      </fieldset>
      <label htmlFor={id} className="sr-only">
        {note ? t('work.note.label') : t('inbox.composer.label', { name: pageName })}
      </label>
      {matches.length > 0 && (
        <div className="work-canned" id={`${id}-canned`} role="listbox" aria-label={t('work.canned.title')}>
          {matches.map((c) => (
            <div
              key={c.id}
              tabIndex={-1}
              id={`${id}-canned-${c.id}`}
              role="option"
              aria-selected={c === picked}
              className={c === picked ? 'active' : ''}
              data-testid="canned-option"
              onMouseDown={(e) => {
                e.preventDefault();
                insert(c.id);
              }}
            >
              <code>/{c.shortcut}</code> <span>{c.text}</span>
            </div>
          ))}
        </div>
      )}
      {slash !== null && matches.length === 0 && canned.length > 0 && (
        <p className="work-canned-none" role="status">
          {t('work.canned.none')}
        </p>
      )}
      <div className="inbox-composer-row">
        <textarea
          id={id}
          ref={areaRef}
          className="inbox-composer-input"
          data-testid="composer"
          rows={1}
          value={text}
          placeholder={note ? t('work.note.placeholder') : t('inbox.composer.placeholder', { name: pageName })}
          aria-describedby={`${id}-hint`}
          aria-invalid={tooLong || undefined}
          aria-controls={matches.length > 0 ? `${id}-canned` : undefined}
          aria-activedescendant={picked ? `${id}-canned-${picked.id}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            drafts.set(conversationId, e.target.value);
            setError(null);
            setChosen(0);
            setClosed(false);
          }}
          onKeyDown={(e) => {
            if (e.nativeEvent.isComposing) return;
            if (matches.length > 0) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const n = matches.length;
                setChosen((c) => (Math.min(c, n - 1) + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
                return;
              }
              if (e.key === 'Escape') {
                e.preventDefault();
                setClosed(true);
                return;
              }
              if (e.key === 'Enter' && picked) {
                e.preventDefault();
                insert(picked.id);
                return;
              }
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button
          type="submit"
          className="inbox-send"
          data-testid="send-button"
          disabled={empty || tooLong}
          aria-label={note ? t('work.note.send') : t('composer.send')}
        >
          <IconSend size={20} />
        </button>
      </div>
      <p id={`${id}-hint`} className="inbox-composer-hint">
        {error ? (
          <span className="form-error" role="alert">
            {error}
          </span>
        ) : tooLong ? (
          <span className="form-error">{t('composer.tooLong', { count: text.length - max })}</span>
        ) : (
          `${t('composer.hint')} ${note ? '' : t('work.canned.hint')}`
        )}
      </p>
    </form>
  );
}
