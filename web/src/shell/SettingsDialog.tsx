import { useCallback, useEffect, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { SessionView } from '../../../protocol/views.ts';
import { api } from '../api/http.ts';
import { updateDisplayName } from '../app/actions.ts';
import { signOut } from '../app/session.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { LanguageSelect } from '../ui/LanguageSelect.tsx';
import { AccountSection } from './AccountSection.tsx';
import { BlockedSection } from './BlockedSection.tsx';
import { NotificationsSection } from './NotificationsSection.tsx';
import { PageUpdatesSection } from './PageUpdatesSection.tsx';
import { PrivacySection } from './PrivacySection.tsx';

/** Best-effort short name of a browser from its user agent. */
function describeAgent(ua: string | null): string | null {
  if (!ua) return null;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? ua.slice(0, 60);
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const me = useStore((s) => s.me);
  const revoked = useStore((s) => s.revokedSessions);
  const { t, te, dateTime } = useI18n();
  const [name, setName] = useState(me?.displayName ?? '');
  const [nameMsg, setNameMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [sessionsError, setSessionsError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loadSessions = useCallback(() => {
    api
      .sessions()
      .then((r) => {
        setSessions(r.sessions);
        setSessionsError(null);
      })
      .catch((e: unknown) => setSessionsError(te(errorIdOf(e))));
  }, [te]);
  useEffect(loadSessions, [loadSessions]);

  const visible = (sessions ?? []).filter((s) => !revoked.includes(s.id));
  visible.sort((a, b) => (a.current ? -1 : b.current ? 1 : Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt)));

  const trimmed = name.trim();
  const nameValid = trimmed.length >= limits.displayName.min && trimmed.length <= limits.displayName.max;

  return (
    <Dialog title={t('settings.title')} onClose={onClose} testId="settings-dialog">
      <section className="settings-section" aria-labelledby="settings-profile">
        <h3 id="settings-profile" className="section-title">
          {t('settings.profile')}
        </h3>
        {me && <p className="field-hint">{t('settings.signedInAs', { username: me.username })}</p>}
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!nameValid) return;
            setBusy(true);
            setNameMsg(null);
            try {
              await updateDisplayName(trimmed);
              setNameMsg({ ok: true, text: t('common.saved') });
            } catch (err) {
              setNameMsg({ ok: false, text: te(errorIdOf(err)) });
            } finally {
              setBusy(false);
            }
          }}
        >
          <label htmlFor="display-name" className="field-label">
            {t('settings.displayName')}
          </label>
          <div className="inline-row">
            <input
              id="display-name"
              className="input"
              data-testid="display-name-input"
              value={name}
              maxLength={limits.displayName.max}
              onChange={(e) => {
                setName(e.target.value);
                setNameMsg(null);
              }}
              required
            />
            <button
              type="submit"
              className="button button-primary"
              data-testid="display-name-save"
              disabled={busy || !nameValid || trimmed === me?.displayName}
            >
              {t('common.save')}
            </button>
          </div>
          {nameMsg && (
            <p className={nameMsg.ok ? 'field-hint' : 'form-error'} role={nameMsg.ok ? 'status' : 'alert'}>
              {nameMsg.text}
            </p>
          )}
        </form>
      </section>

      <section className="settings-section">
        <LanguageSelect />
      </section>

      <section className="settings-section" aria-labelledby="settings-sessions">
        <h3 id="settings-sessions" className="section-title">
          {t('settings.sessions')}
        </h3>
        {sessionsError && (
          <p className="form-error" role="alert">
            {sessionsError}
          </p>
        )}
        {!sessions && !sessionsError && <p className="field-hint">{t('common.loading')}</p>}
        <ul className="session-list">
          {visible.map((s) => (
            <li
              key={s.id}
              className="session-item"
              data-testid="session-item"
              data-current={s.current ? 'true' : 'false'}
            >
              <div className="session-info">
                <strong>{describeAgent(s.userAgent) ?? t('settings.session.unknownAgent')}</strong>
                {s.current && <span className="role-badge role-admin">{t('settings.session.current')}</span>}
                <span className="field-hint">
                  {/* This device is in use: its stored last activity is as old as the last sign-in or refresh. */}
                  {s.current
                    ? t('settings.session.activeNow')
                    : t('settings.session.lastSeen', { time: dateTime(s.lastSeenAt) })}
                  {s.ip ? ` · ${s.ip}` : ''}
                </span>
              </div>
              {!s.current && (
                <button
                  type="button"
                  className="button button-small button-danger-outline"
                  data-testid="session-revoke"
                  onClick={async () => {
                    try {
                      await api.revokeSession(s.id);
                    } catch (err) {
                      const id = errorIdOf(err);
                      if (id !== 'session_not_found') {
                        setSessionsError(te(id));
                        return;
                      }
                    }
                    setSessions((list) => (list ?? []).filter((x) => x.id !== s.id));
                  }}
                >
                  {t('settings.session.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
        {sessions && visible.length <= 1 && <p className="field-hint">{t('settings.session.none')}</p>}
      </section>

      <PageUpdatesSection />
      <BlockedSection />

      <NotificationsSection />

      <PrivacySection />

      <AccountSection />

      <div className="dialog-danger-zone">
        <button
          type="button"
          className="button button-danger-outline"
          data-testid="signout-button"
          onClick={() => void signOut()}
        >
          {t('settings.signOut')}
        </button>
      </div>
    </Dialog>
  );
}
