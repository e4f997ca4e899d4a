import { useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n.ts';
import { useStore } from '../state/store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { CopyField } from '../ui/CopyField.tsx';
import { rotateSecret } from './actions.ts';
import type { Once } from './OnceDialog.tsx';

/** The app's id (to copy at any time) and its secret: never shown again, only replaced (confirmed first). */
export function CredentialsSection({ appId, onShowOnce }: { appId: string; onShowOnce: (once: Once) => void }) {
  const { t } = useI18n();
  const name = useStore((s) => s.apps?.[appId]?.app.name ?? '');
  const [confirming, setConfirming] = useState(false);
  /** The new secret, shown once the confirmation has closed (one dialog at a time). */
  const made = useRef<string | null>(null);
  return (
    <section className="console-section" aria-labelledby="console-credentials-title" data-testid="console-credentials">
      <h3 id="console-credentials-title" className="section-title">
        {t('console.credentials.title')}
      </h3>
      <CopyField label={t('console.credentials.id')} value={appId} testId="console-app-id" />
      <p className="field-label">{t('console.credentials.secret')}</p>
      <p className="field-hint console-secret-hidden" data-testid="console-secret-hidden">
        <span aria-hidden="true">•••••••• </span>
        {t('console.credentials.secretHidden')}
      </p>
      <div className="console-actions">
        <button
          type="button"
          className="button button-danger-outline"
          data-testid="console-rotate"
          aria-haspopup="dialog"
          onClick={() => setConfirming(true)}
        >
          {t('console.credentials.rotate')}
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('console.credentials.rotate.title')}
          body={t('console.credentials.rotate.body')}
          confirmLabel={t('console.credentials.rotate.confirm')}
          confirmTestId="console-rotate-confirm"
          onConfirm={async () => {
            made.current = await rotateSecret(appId);
          }}
          onClose={() => {
            setConfirming(false);
            const secret = made.current;
            made.current = null;
            if (secret)
              onShowOnce({
                title: t('console.once.newSecretTitle', { name }),
                label: t('console.credentials.secret'),
                value: secret,
              });
          }}
        />
      )}
    </section>
  );
}
