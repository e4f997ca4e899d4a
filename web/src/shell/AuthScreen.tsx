import { useEffect, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import { api } from '../api/http.ts';
import { useRoute } from '../app/router.ts';
import { getAuthNotice, signIn, signUp } from '../app/session.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { IconChat } from '../ui/Icons.tsx';
import { LanguageSelect } from '../ui/LanguageSelect.tsx';
import './auth.css';

type Mode = 'signIn' | 'signUp';
type FieldName = 'username' | 'displayName' | 'password';
type FieldErrors = Partial<Record<FieldName, string>>;

const FIELD_IDS: Record<FieldName, string> = {
  username: 'auth-username',
  displayName: 'auth-display-name',
  password: 'auth-password',
};

/** The field a server refusal is about, to mark it. */
const FIELD_OF_ERROR: Partial<Record<string, FieldName>> = { username_taken: 'username', weak_password: 'password' };

/**
 * Sign in / sign up, switchable; server errors shown through the catalogue. Sign-up checks every field at
 * once: each one in error is marked (aria-invalid, red) and says why under it (aria-describedby).
 */
export function AuthScreen() {
  const { t, te } = useI18n();
  const [mode, setMode] = useState<Mode>('signIn');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(() =>
    getAuthNotice() === 'sessionEnded' ? t('auth.sessionEnded') : null,
  );
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  /** The field a server refusal (shown in `error`) is about. */
  const [errorField, setErrorField] = useState<FieldName | null>(null);
  const [busy, setBusy] = useState(false);
  /** Whether this server takes sign-ups (its operator may have closed them). */
  const [signupOpen, setSignupOpen] = useState(true);
  useEffect(() => {
    let live = true;
    api
      .instance()
      .then((i) => {
        if (!live) return;
        setSignupOpen(i.signup === 'open');
        if (i.signup === 'closed') setMode('signIn');
      })
      .catch(() => {
        // Unreachable server: the form says so when used.
      });
    return () => {
      live = false;
    };
  }, []);

  /** Sign-up: every field's problem at once. */
  const validateSignUp = (): FieldErrors => {
    const problems: FieldErrors = {};
    const u = username.trim().toLowerCase();
    if (u.length < limits.username.min || u.length > limits.username.max || !limits.username.pattern.test(u)) {
      problems.username = t('auth.invalid.username', { min: limits.username.min, max: limits.username.max });
    }
    if (displayName.trim().length > limits.displayName.max) {
      problems.displayName = t('auth.invalid.displayName', {
        min: limits.displayName.min,
        max: limits.displayName.max,
      });
    }
    if (password.length < limits.password.min || password.length > limits.password.max) {
      problems.password = t('auth.invalid.password', { min: limits.password.min });
    }
    return problems;
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setErrorField(null);
    if (mode === 'signIn' && !(username.trim() && password)) {
      setError(te('bad_request'));
      return;
    }
    const problems = mode === 'signUp' ? validateSignUp() : {};
    setFieldErrors(problems);
    const first = (['username', 'displayName', 'password'] as const).find((f) => problems[f]);
    if (first) {
      setError(null);
      document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signIn') await signIn(username.trim(), password);
      else await signUp(username.trim().toLowerCase(), password, displayName);
    } catch (err) {
      const id = errorIdOf(err);
      setError(te(id));
      const field = mode === 'signUp' ? FIELD_OF_ERROR[id] : undefined;
      setErrorField(field ?? null);
      setBusy(false);
      if (field) document.getElementById(FIELD_IDS[field])?.focus();
    }
  };

  const switchMode = () => {
    setMode((m) => (m === 'signIn' ? 'signUp' : 'signIn'));
    setError(null);
    setFieldErrors({});
    setErrorField(null);
  };

  /** A field's state for screen readers: invalid or not, described by its problem first, then its hint. */
  const fieldA11y = (field: FieldName, hint: boolean) => {
    const own = fieldErrors[field] ? `${FIELD_IDS[field]}-error` : null;
    const server = errorField === field ? 'auth-error' : null;
    const described = [own, server, hint ? `${FIELD_IDS[field]}-hint` : null].filter(Boolean).join(' ');
    return {
      'aria-invalid': own || server ? true : undefined,
      'aria-describedby': described || undefined,
    };
  };
  const fieldError = (field: FieldName) =>
    fieldErrors[field] ? (
      <p
        id={`${FIELD_IDS[field]}-error`}
        className="form-error auth-field-error"
        data-testid={`${FIELD_IDS[field]}-error`}
      >
        {fieldErrors[field]}
      </p>
    ) : null;
  /** Typing in a field clears its problem (checked again on the next submit). */
  const edited = (field: FieldName) => {
    if (fieldErrors[field]) setFieldErrors(({ [field]: _, ...rest }) => rest);
    if (errorField === field) setErrorField(null);
  };

  const signUpMode = mode === 'signUp';
  // A page's short link waits for the sign-in (the URL stays; the link is followed once signed in).
  const route = useRoute();
  const link = route.view === 'link' ? route : null;
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="auth-logo" aria-hidden="true">
            <IconChat size={28} />
          </span>
          <div>
            <p className="auth-app">{t('app.name')}</p>
            <p className="auth-tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <h1 className="auth-title">{signUpMode ? t('auth.signUp.title') : t('auth.signIn.title')}</h1>
        {link && (
          <p className="field-hint" data-testid="auth-continue">
            {t('auth.continueTo', { username: link.username })}
          </p>
        )}
        {route.view === 'optin' && (
          <p className="field-hint" data-testid="auth-continue">
            {t('auth.continueToOptin')}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <label htmlFor="auth-username" className="field-label">
            {t('auth.username')}
          </label>
          <input
            id="auth-username"
            className="input"
            data-testid="auth-username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            maxLength={signUpMode ? limits.username.max : 256}
            onChange={(e) => {
              setUsername(e.target.value);
              edited('username');
            }}
            {...fieldA11y('username', signUpMode)}
            required
          />
          {fieldError('username')}
          {signUpMode && (
            <p id="auth-username-hint" className="field-hint">
              {t('auth.username.hint', { min: limits.username.min, max: limits.username.max })}
            </p>
          )}
          {signUpMode && (
            <>
              <label htmlFor="auth-display-name" className="field-label">
                {t('auth.displayName')}
              </label>
              <input
                id="auth-display-name"
                className="input"
                data-testid="auth-display-name"
                autoComplete="name"
                value={displayName}
                maxLength={limits.displayName.max}
                onChange={(e) => {
                  setDisplayName(e.target.value);
                  edited('displayName');
                }}
                {...fieldA11y('displayName', true)}
              />
              {fieldError('displayName')}
              <p id="auth-display-name-hint" className="field-hint">
                {t('auth.displayName.hint')}
              </p>
            </>
          )}
          <label htmlFor="auth-password" className="field-label">
            {t('auth.password')}
          </label>
          <input
            id="auth-password"
            className="input"
            type="password"
            data-testid="auth-password"
            autoComplete={signUpMode ? 'new-password' : 'current-password'}
            value={password}
            maxLength={signUpMode ? limits.password.max : 1024}
            onChange={(e) => {
              setPassword(e.target.value);
              edited('password');
            }}
            {...fieldA11y('password', signUpMode)}
            required
          />
          {fieldError('password')}
          {signUpMode && (
            <p id="auth-password-hint" className="field-hint">
              {t('auth.password.hint', { min: limits.password.min })}
            </p>
          )}
          {error && (
            <p id="auth-error" className="form-error auth-error" data-testid="auth-error" role="alert">
              {error}
            </p>
          )}
          <button
            type="submit"
            className="button button-primary button-block"
            data-testid="auth-submit"
            disabled={busy}
          >
            {busy ? t('auth.busy') : signUpMode ? t('auth.signUp.submit') : t('auth.signIn.submit')}
          </button>
        </form>
        {signupOpen ? (
          <button type="button" className="link-button auth-switch" data-testid="auth-switch" onClick={switchMode}>
            {signUpMode ? t('auth.switch.toSignIn') : t('auth.switch.toSignUp')}
          </button>
        ) : (
          <p className="field-hint auth-switch" data-testid="auth-signup-closed">
            {t('auth.signupClosed')}
          </p>
        )}
        <div className="auth-footer">
          <LanguageSelect id="auth-language" />
        </div>
      </div>
    </main>
  );
}
