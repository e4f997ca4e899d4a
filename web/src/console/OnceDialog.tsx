import { useI18n } from '../i18n/useI18n.ts';
import { CopyField } from '../ui/CopyField.tsx';
import { Dialog } from '../ui/Dialog.tsx';

/** A secret or a token the server answered once: what the console shows of it, and where it came from. */
export interface Once {
  title: string;
  label: string;
  value: string;
  /** Shown above it, with its own copy button (the app id of an app just made). */
  extra?: { label: string; value: string };
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
