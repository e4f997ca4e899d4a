import { useId, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { FormMessage, type FormOutcome, PasswordField } from './AccountFields.tsx';

type Field = 'current' | 'next';

/** Changing the password: the current one, the new one, and "sign out other devices"; each field its error. */
export function PasswordForm() {
  const { t, te } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [msg, setMsg] = useState<FormOutcome>(null);
  const ids = { current: useId(), next: useId(), hint: useId(), currentError: useId(), nextError: useId() };

  const submit = async () => {
    const problems: Partial<Record<Field, string>> = {};
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
      <PasswordField
        id={ids.current}
        label={t('account.password.current')}
        autoComplete="current-password"
        testId="account-password-current"
        maxLength={1024}
        value={current}
        invalid={Boolean(errors.current)}
        describedBy={errors.current ? ids.currentError : undefined}
        onChange={(value) => {
          setCurrent(value);
          setErrors((x) => ({ ...x, current: undefined }));
        }}
      />
      {errors.current && (
        <p id={ids.currentError} className="form-error" role="alert" data-testid="account-password-current-error">
          {errors.current}
        </p>
      )}
      <PasswordField
        id={ids.next}
        label={t('account.password.new')}
        autoComplete="new-password"
        testId="account-password-new"
        maxLength={limits.password.max}
        value={next}
        invalid={Boolean(errors.next)}
        describedBy={errors.next ? `${ids.nextError} ${ids.hint}` : ids.hint}
        onChange={(value) => {
          setNext(value);
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
      <FormMessage message={msg} />
    </form>
  );
}
