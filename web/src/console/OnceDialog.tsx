import { useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { IconCopy } from '../ui/Icons.tsx';

/** A secret or a token the server answered once: what the console shows of it, and where it came from. */
export interface Once {
  title: string;
  label: string;
  value: string;
  /** Shown above it, with its own copy button (the app id of an app just made). */
  extra?: { label: string; value: string };
}

/** A read-only value with a copy button; if the clipboard refuses, the text is selected for a manual copy. */
export function CopyField({
  label,
  value,
  testId,
  autoFocus = false,
}: {
  label: string;
  value: string;
  testId: string;
  autoFocus?: boolean;
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
    <div className="console-copy">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="inline-row">
        <input
          ref={ref}
          id={id}
          className="input console-secret"
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
          aria-label={`${t('console.once.copy')} (${label})`}
        >
          <IconCopy size={16} />
          {t('console.once.copy')}
        </button>
      </div>
      <p className="field-hint" role="status" data-testid={`${testId}-copied`}>
        {copied === 'yes' ? t('console.once.copied') : copied === 'failed' ? t('console.once.copyFailed') : ''}
      </p>
    </div>
  );
}

/**
 * The one time a secret or a token is shown: with a copy button and a plain "you will not see it again".
 * Closing the dialog drops it: nothing keeps it, in memory or in storage.
 */
export function OnceDialog({ once, onClose }: { once: Once; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog
      title={once.title}
      onClose={onClose}
      testId="once-dialog"
      footer={
        <button type="button" className="button button-primary" data-testid="once-done" onClick={onClose}>
          {t('console.once.done')}
        </button>
      }
    >
      {once.extra && <CopyField label={once.extra.label} value={once.extra.value} testId="once-extra" />}
      <CopyField label={once.label} value={once.value} testId="once-value" autoFocus />
      <p className="console-warning" data-testid="once-warning">
        {t('console.once.warning')}
      </p>
    </Dialog>
  );
}
