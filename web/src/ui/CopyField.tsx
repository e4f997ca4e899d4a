import { useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n.ts';
import { IconCopy } from './Icons.tsx';
import './copy-field.css';

/** A read-only value with a copy button; if the clipboard refuses, the text is selected for a manual copy. */
export function CopyField({
  label,
  value,
  testId,
  autoFocus = false,
  hint,
}: {
  label: string;
  value: string;
  testId: string;
  autoFocus?: boolean;
  /** A line under it, before what the copy did. */
  hint?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
      ref.current?.focus();
      ref.current?.select();
    }
  };
  return (
    <div className="copy-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="inline-row">
        <input
          ref={ref}
          id={id}
          className="input copy-field-value"
          data-testid={testId}
          value={value}
          readOnly
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          className="button"
          data-testid={`${testId}-copy`}
          data-autofocus={autoFocus ? true : undefined}
          onClick={() => void copy()}
          aria-label={`${t('common.copy')} (${label})`}
        >
          <IconCopy size={16} />
          {t('common.copy')}
        </button>
      </div>
      {hint && <p className="field-hint">{hint}</p>}
      <p className="field-hint" role="status" data-testid={`${testId}-copied`}>
        {copied === 'yes' ? t('common.copied') : copied === 'failed' ? t('common.copyFailed') : ''}
      </p>
    </div>
  );
}
