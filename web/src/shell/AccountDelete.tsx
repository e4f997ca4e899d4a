import { useId, useState } from 'react';
import { ApiError, api } from '../api/http.ts';
import { endSession } from '../app/session.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { PasswordField } from './AccountFields.tsx';

/** Deleting the account: a danger zone, and a dialog asking the password, saying what is erased and what remains. */
export function DeleteAccount() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const explainId = useId();
  return (
    <div className="account-delete dialog-danger-zone">
      <h4 className="account-subtitle">{t('account.delete.title')}</h4>
      <p id={explainId} className="field-hint">
        {t('account.delete.explain')}
      </p>
      <button
        type="button"
        className="button button-danger-outline"
        data-testid="account-delete"
        aria-describedby={explainId}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {t('account.delete.button')}
      </button>
      {open && <DeleteDialog onClose={() => setOpen(false)} />}
    </div>
  );
}

function DeleteDialog({ onClose }: { onClose: () => void }) {
  const { t, te } = useI18n();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: boolean; text: string } | null>(null);
  const ids = { password: useId(), error: useId(), explain: useId() };

  const confirm = async () => {
    if (!password) {
      setError({ field: true, text: te('wrong_password') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.deleteAccount(password);
      endSession(false);
    } catch (e) {
      const id = errorIdOf(e);
      if (id === 'wrong_password') setError({ field: true, text: te(id) });
      else if (id === 'last_page_admin' && e instanceof ApiError) {
        const page = (e.details?.page as { name?: string } | undefined)?.name ?? '';
        setError({ field: false, text: t('account.delete.lastAdmin', { page }) });
      } else setError({ field: false, text: te(id) });
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('account.delete.confirmTitle')}
      onClose={onClose}
      testId="account-delete-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            form={`${ids.password}-form`}
            className="button button-danger"
            data-testid="account-delete-confirm"
            disabled={busy}
          >
            {t('account.delete.confirm')}
          </button>
        </>
      }
    >
      <form
        id={`${ids.password}-form`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <p id={ids.explain}>{t('account.delete.explain')}</p>
        <PasswordField
          id={ids.password}
          label={t('account.delete.password')}
          autoComplete="current-password"
          testId="account-delete-password"
          maxLength={1024}
          value={password}
          invalid={Boolean(error?.field)}
          describedBy={error ? `${ids.error} ${ids.explain}` : ids.explain}
          onChange={(value) => {
            setPassword(value);
            setError(null);
          }}
        />
        {error && (
          <p id={ids.error} className="form-error" role="alert" data-testid="account-delete-error">
            {error.text}
          </p>
        )}
      </form>
    </Dialog>
  );
}
