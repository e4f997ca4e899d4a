import { useEffect, useId, useRef, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import { ApiError, api } from '../api/http.ts';
import { type Upload, UploadAborted, uploadMedia } from '../api/media.ts';
import { updateAvatar } from '../app/actions.ts';
import { endSession } from '../app/session.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import './account.css';

type Message = { ok: boolean; text: string } | null;

/**
 * Settings' "Account" section (issue 9): the profile photo (pick, preview, progress, remove), the password
 * (current, new, "sign out other devices"), and deleting the account (a danger zone, a dialog asking the
 * password, saying what is erased and what remains). Every field says its own error.
 */
export function AccountSection() {
  const { t } = useI18n();
  return (
    <section className="settings-section account-section" aria-labelledby="settings-account">
      <h3 id="settings-account" className="section-title">
        {t('account.title')}
      </h3>
      <PhotoForm />
      <PasswordForm />
      <DeleteAccount />
    </section>
  );
}

function PhotoForm() {
  const me = useStore((s) => s.me);
  const { t, te } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Message>(null);
  const upload = useRef<Upload | null>(null);
  const hintId = useId();

  // Closing the settings stops an upload under way; a preview's object URL is let go once replaced.
  useEffect(() => () => upload.current?.abort(), []);
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  const pick = async (file: File) => {
    setMsg(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    setBusy(true);
    setPercent(0);
    try {
      const up = uploadMedia(file, {
        name: file.name,
        onProgress: (sent) => setPercent(file.size > 0 ? Math.min(100, Math.round((sent / file.size) * 100)) : 100),
      });
      upload.current = up;
      const attachment = await up.done;
      await updateAvatar(attachment.id);
      setMsg({ ok: true, text: t('account.photo.saved') });
    } catch (e) {
      if (e instanceof UploadAborted) return;
      setMsg({ ok: false, text: te(errorIdOf(e)) });
    } finally {
      upload.current = null;
      setBusy(false);
      setPercent(null);
      setPreview(null);
      if (input.current) input.current.value = '';
    }
  };

  if (!me) return null;
  return (
    <div className="account-photo" data-testid="account-photo">
      <span className="field-label">{t('account.photo')}</span>
      <div className="account-photo-row">
        {preview ? (
          <img className="account-photo-preview" src={preview} alt="" data-testid="account-photo-preview" />
        ) : (
          <Avatar id={me.id} name={me.displayName} size={72} user={me} />
        )}
        <div className="account-photo-actions">
          <input
            ref={input}
            type="file"
            accept="image/*"
            className="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            data-testid="account-photo-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void pick(file);
            }}
          />
          <button
            type="button"
            className="button"
            data-testid="account-photo-choose"
            aria-describedby={hintId}
            disabled={busy}
            onClick={() => input.current?.click()}
          >
            {me.avatar ? t('account.photo.change') : t('account.photo.choose')}
          </button>
          {me.avatar && (
            <button
              type="button"
              className="button button-danger-outline"
              data-testid="account-photo-remove"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setMsg(null);
                try {
                  await updateAvatar(null);
                  setMsg({ ok: true, text: t('account.photo.removed') });
                } catch (e) {
                  setMsg({ ok: false, text: te(errorIdOf(e)) });
                } finally {
                  setBusy(false);
                }
              }}
            >
              {t('account.photo.remove')}
            </button>
          )}
        </div>
      </div>
      <p id={hintId} className="field-hint">
        {t('account.photo.hint')}
      </p>
      {percent !== null && (
        <div className="account-photo-progress">
          <progress
            max={100}
            value={percent}
            aria-label={t('account.photo.uploading', { percent })}
            data-testid="account-photo-progress"
          />
          <span className="field-hint">{t('account.photo.uploading', { percent })}</span>
        </div>
      )}
      {msg && (
        <p className={msg.ok ? 'field-hint' : 'form-error'} role={msg.ok ? 'status' : 'alert'}>
          {msg.text}
        </p>
      )}
    </div>
  );
}

type PasswordField = 'current' | 'next';

function PasswordForm() {
  const { t, te } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<PasswordField, string>>>({});
  const [msg, setMsg] = useState<Message>(null);
  const ids = { current: useId(), next: useId(), hint: useId(), currentError: useId(), nextError: useId() };

  const submit = async () => {
    const problems: Partial<Record<PasswordField, string>> = {};
    if (!current) problems.current = te('wrong_password');
    if (next.length < limits.password.min || next.length > limits.password.max)
      problems.next = t('auth.invalid.password', { min: limits.password.min });
    setErrors(problems);
    setMsg(null);
    if (Object.keys(problems).length > 0) {
      document.getElementById(problems.current ? ids.current : ids.next)?.focus();
      return;
    }
    setBusy(true);
    try {
      await api.changePassword({ currentPassword: current, newPassword: next, signOutOtherDevices: signOutOthers });
      setCurrent('');
      setNext('');
      setMsg({
        ok: true,
        text: signOutOthers ? t('account.password.changedSignedOut') : t('account.password.changed'),
      });
    } catch (e) {
      const id = errorIdOf(e);
      if (id === 'wrong_password') {
        setErrors({ current: te(id) });
        document.getElementById(ids.current)?.focus();
      } else if (id === 'weak_password') {
        setErrors({ next: te(id) });
        document.getElementById(ids.next)?.focus();
      } else setMsg({ ok: false, text: te(id) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="account-password"
      data-testid="account-password-form"
      aria-labelledby={`${ids.current}-title`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h4 id={`${ids.current}-title`} className="account-subtitle">
        {t('account.password.title')}
      </h4>
      <label htmlFor={ids.current} className="field-label">
        {t('account.password.current')}
      </label>
      <input
        id={ids.current}
        className="input"
        type="password"
        autoComplete="current-password"
        data-testid="account-password-current"
        maxLength={1024}
        value={current}
        aria-invalid={errors.current ? true : undefined}
        aria-describedby={errors.current ? ids.currentError : undefined}
        onChange={(e) => {
          setCurrent(e.target.value);
          setErrors((x) => ({ ...x, current: undefined }));
        }}
      />
      {errors.current && (
        <p id={ids.currentError} className="form-error" role="alert" data-testid="account-password-current-error">
          {errors.current}
        </p>
      )}
      <label htmlFor={ids.next} className="field-label">
        {t('account.password.new')}
      </label>
      <input
        id={ids.next}
        className="input"
        type="password"
        autoComplete="new-password"
        data-testid="account-password-new"
        maxLength={limits.password.max}
        value={next}
        aria-invalid={errors.next ? true : undefined}
        aria-describedby={errors.next ? `${ids.nextError} ${ids.hint}` : ids.hint}
        onChange={(e) => {
          setNext(e.target.value);
          setErrors((x) => ({ ...x, next: undefined }));
        }}
      />
      {errors.next && (
        <p id={ids.nextError} className="form-error" role="alert" data-testid="account-password-new-error">
          {errors.next}
        </p>
      )}
      <p id={ids.hint} className="field-hint">
        {t('auth.password.hint', { min: limits.password.min })}
        {next.length > 0 && next.length < limits.password.min ? ` (${next.length}/${limits.password.min})` : ''}
      </p>
      <label className="checkbox-label">
        <input
          type="checkbox"
          data-testid="account-password-signout"
          checked={signOutOthers}
          onChange={(e) => setSignOutOthers(e.target.checked)}
        />{' '}
        {t('account.password.signOutOthers')}
      </label>
      <div>
        <button type="submit" className="button button-primary" data-testid="account-password-submit" disabled={busy}>
          {t('account.password.submit')}
        </button>
      </div>
      {msg && (
        <p className={msg.ok ? 'field-hint' : 'form-error'} role={msg.ok ? 'status' : 'alert'}>
          {msg.text}
        </p>
      )}
    </form>
  );
}

function DeleteAccount() {
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
        <label htmlFor={ids.password} className="field-label">
          {t('account.delete.password')}
        </label>
        <input
          id={ids.password}
          className="input"
          type="password"
          autoComplete="current-password"
          data-testid="account-delete-password"
          maxLength={1024}
          value={password}
          aria-invalid={error?.field ? true : undefined}
          aria-describedby={error ? `${ids.error} ${ids.explain}` : ids.explain}
          onChange={(e) => {
            setPassword(e.target.value);
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
