import { useId } from 'react';
import { useI18n } from '../i18n/useI18n.ts';

/**
 * One labelled field of the page forms: an input or a textarea, with its hint, a counter of characters
 * against the limit (maxLength stops typing past it), and the problem found with it, all tied to the
 * field for screen readers (aria-describedby, aria-invalid).
 */
export function Field({
  label,
  value,
  onChange,
  max,
  hint,
  error,
  multiline = false,
  testId,
  inputRef,
  onKeyDown,
  autoFocus = false,
  autoComplete = 'off',
  prefix,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  max: number;
  hint?: string;
  error?: string | null;
  multiline?: boolean;
  testId: string;
  inputRef?: React.Ref<HTMLInputElement & HTMLTextAreaElement>;
  onKeyDown?: (e: React.KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
  autoFocus?: boolean;
  autoComplete?: string;
  /** Shown before the input, as "@" before a username. */
  prefix?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  // The problem first: it is what a screen reader should say when focus is sent back to the field.
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null, `${id}-count`].filter(Boolean).join(' ');
  const common = {
    id,
    className: `input${multiline ? ' pages-textarea' : ''}`,
    'data-testid': testId,
    value,
    maxLength: max,
    autoComplete,
    'aria-describedby': described,
    'aria-invalid': error ? true : undefined,
    'data-autofocus': autoFocus ? true : undefined,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value),
    onKeyDown,
  };
  return (
    <div className="pages-field">
      <div className="pages-field-head">
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        <span id={`${id}-count`} className="pages-counter" data-testid={`${testId}-count`}>
          {t('pages.counter', { count: value.length, max })}
        </span>
      </div>
      {multiline ? (
        <textarea ref={inputRef} rows={3} {...common} />
      ) : prefix ? (
        <div className="pages-prefixed">
          <span className="pages-prefix" aria-hidden="true">
            {prefix}
          </span>
          <input ref={inputRef} spellCheck={false} autoCapitalize="none" {...common} />
        </div>
      ) : (
        <input ref={inputRef} {...common} />
      )}
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="form-error" data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
