import { useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { PageMemberView, PageRole } from '../../../protocol/views.ts';
import { addPageMember, removePageMember, setPageRole } from '../app/pages.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { addMemberProblem, normalizeUsername } from './form.ts';

const roles: readonly PageRole[] = ['admin', 'agent'];

/**
 * Who runs a page, with their roles. Admins change a role, remove someone, and add a person by username;
 * the server keeps the last admin (its refusal is shown under the list).
 */
export function PageMembers({ pageId, admin, meId }: { pageId: string; admin: boolean; meId: string | undefined }) {
  const members = useStore((s) => s.pageMembers[pageId]);
  const i18n = useI18n();
  const { t, te } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** A role just chosen, shown until the server's answer replaces it (or its refusal puts the old one back). */
  const [pending, setPending] = useState<{ userId: string; role: PageRole } | null>(null);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<PageRole>('agent');
  const [added, setAdded] = useState<string | null>(null);
  const roleLabel = (r: PageRole) => (r === 'admin' ? t('pages.role.admin') : t('pages.role.agent'));

  const run = async (fn: () => Promise<void>, wording: (e: unknown) => string = (e) => te(errorIdOf(e))) => {
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(wording(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const changeRole = (m: PageMemberView, next: PageRole) => {
    setPending({ userId: m.user.id, role: next });
    void run(() => setPageRole(pageId, m.user.id, next)).finally(() => setPending(null));
  };

  const add = async () => {
    const name = normalizeUsername(username);
    if (!name || busy) return;
    const ok = await run(
      () => addPageMember(pageId, name, role),
      (e) => addMemberProblem(e, i18n),
    );
    if (ok) {
      setUsername('');
      setAdded(t('pages.members.added', { username: name }));
    }
  };

  return (
    <section aria-labelledby="page-members-title">
      <h3 id="page-members-title" className="section-title">
        {t('pages.members.title')}
      </h3>
      {!members && <p className="field-hint">{t('common.loading')}</p>}
      <ul className="member-list">
        {(members ?? []).map((m) => {
          const shownRole = pending?.userId === m.user.id ? pending.role : m.role;
          const name = m.user.id === meId ? t('pages.members.you', { name: m.user.displayName }) : m.user.displayName;
          return (
            <li
              key={m.user.id}
              className="member-item"
              data-testid="page-member-item"
              data-user-id={m.user.id}
              data-role={m.role}
            >
              <Avatar id={m.user.id} name={m.user.displayName} size={32} user={m.user} />
              <span className="member-name">
                {name}
                <span className="member-username">@{m.user.username}</span>
              </span>
              {admin ? (
                <select
                  className="input pages-role-select"
                  data-testid="page-member-role"
                  aria-label={t('pages.members.roleOf', { name: m.user.displayName })}
                  value={shownRole}
                  disabled={busy}
                  onChange={(e) => changeRole(m, e.target.value as PageRole)}
                >
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {roleLabel(r)}
                    </option>
                  ))}
                </select>
              ) : (
                <span className={`role-badge role-${m.role}`}>{roleLabel(m.role)}</span>
              )}
              {admin && m.user.id !== meId && (
                <button
                  type="button"
                  className="button button-small button-danger-outline"
                  data-testid="page-member-remove"
                  disabled={busy}
                  onClick={() => void run(() => removePageMember(pageId, m.user.id))}
                  aria-label={t('pages.members.remove', { name: m.user.displayName })}
                >
                  {t('pages.members.removeShort')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <p className="field-hint">{t('pages.roles.hint')}</p>
      {error && (
        <p className="form-error" role="alert" data-testid="page-members-error">
          {error}
        </p>
      )}
      {admin && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <h3 className="section-title">{t('pages.members.add')}</h3>
          <div className="inline-row pages-add-row">
            <label className="pages-add-field">
              <span className="field-label">{t('pages.members.username')}</span>
              <input
                className="input"
                data-testid="page-add-username"
                value={username}
                maxLength={limits.username.max + 1}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                onChange={(e) => {
                  setUsername(e.target.value);
                  setError(null);
                  setAdded(null);
                }}
              />
            </label>
            <label className="pages-add-role">
              <span className="field-label">{t('pages.members.role')}</span>
              <select
                className="input"
                data-testid="page-add-role"
                value={role}
                onChange={(e) => setRole(e.target.value as PageRole)}
              >
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {roleLabel(r)}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="submit"
              className="button"
              data-testid="page-add-submit"
              disabled={busy || !normalizeUsername(username)}
            >
              {t('pages.members.addSubmit')}
            </button>
          </div>
          {added && (
            <p className="field-hint" role="status" data-testid="page-add-done">
              {added}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
