import { useLayoutEffect, useRef, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { IconSend } from '../ui/Icons.tsx';

/** Drafts survive switching conversations (not reloads), per page conversation. */
const drafts = new Map<string, string>();

/** The answer, as the page: Enter sends, Shift+Enter starts a new line. */
export function InboxComposer({
  conversationId,
  pageName,
  onSend,
}: {
  conversationId: string;
  pageName: string;
  onSend: (text: string) => boolean;
}) {
  const { t, te } = useI18n();
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const [error, setError] = useState<string | null>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const id = `inbox-composer-${conversationId}`;

  // Grow with the text, up to a limit (CSS max-height).
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
  useLayoutEffect(() => {
    const el = areaRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const tooLong = text.length > limits.messageText.max;
  const empty = text.trim() === '';

  const submit = () => {
    if (empty) {
      setError(te('message_empty'));
      return;
    }
    if (tooLong) return;
    if (!onSend(text)) return;
    drafts.delete(conversationId);
    setText('');
    areaRef.current?.focus();
  };

  return (
    <form
      className="inbox-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor={id} className="sr-only">
        {t('inbox.composer.label', { name: pageName })}
      </label>
      <div className="inbox-composer-row">
        <textarea
          id={id}
          ref={areaRef}
          className="inbox-composer-input"
          data-testid="composer"
          rows={1}
          value={text}
          placeholder={t('inbox.composer.placeholder', { name: pageName })}
          aria-describedby={`${id}-hint`}
          aria-invalid={tooLong || undefined}
          onChange={(e) => {
            setText(e.target.value);
            drafts.set(conversationId, e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.nativeEvent.isComposing) return;
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
          aria-label={t('composer.send')}
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
          <span className="form-error">{t('composer.tooLong', { count: text.length - limits.messageText.max })}</span>
        ) : (
          t('composer.hint')
        )}
      </p>
    </form>
  );
}
