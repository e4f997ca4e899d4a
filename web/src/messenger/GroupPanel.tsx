import { useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { HistoryVisibility, UserView } from '../../../protocol/views.ts';
import { addMembers, leaveGroup, removeMember, updateGroup } from '../app/actions.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { isAdmin } from '../state/selectors.ts';
import { useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { MemberBlockButton } from './BlockControls.tsx';
import { PeopleResults } from './PeopleResults.tsx';
import { usePeopleSearch } from './useSearch.ts';

/**
 * Group info: rename (admins), members with roles, add people, remove (admins), leave. Live from events.
 * Removing someone and leaving ask first: one click never does either, and the list shifting after a removal
 * cannot put another Remove button under the pointer for a second click to hit.
 */
export function GroupPanel({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const conv = useStore((s) => s.conversations[conversationId]);
  const removed = useStore((s) => s.removed[conversationId]);
  const meId = useStore((s) => s.me?.id);
  const { t, te } = useI18n();
  const [title, setTitle] = useState(conv?.title ?? '');
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  /** The history setting as just chosen, shown at once until the server's answer replaces it. */
  const [pendingHistory, setPendingHistory] = useState<HistoryVisibility | null>(null);
  const search = usePeopleSearch(query);
  /** What waits for confirmation: removing this person, or leaving. */
  const [confirm, setConfirm] = useState<{ remove: UserView } | 'leave' | null>(null);

  if (!conv || removed) {
    return null;
  }
  const admin = isAdmin(conv, meId);
  const memberIds = new Set(conv.members.map((m) => m.user.id));

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(te(errorIdOf(e)));
    } finally {
      setBusy(false);
    }
  };

  const add = (user: UserView) =>
    run(async () => {
      await addMembers(conversationId, [user.id]);
      setQuery('');
    });

  const members = [...conv.members].sort((a, b) =>
    a.user.id === meId ? -1 : b.user.id === meId ? 1 : a.user.displayName.localeCompare(b.user.displayName),
  );

  return (
    <Dialog title={t('group.info')} onClose={onClose} testId="group-panel">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {admin ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await updateGroup(conversationId, { title: title.trim() });
              setSaved(true);
              setTimeout(() => setSaved(false), 2000);
            });
          }}
        >
          <label htmlFor="rename-group" className="field-label">
            {t('group.rename')}
          </label>
          <div className="inline-row">
            <input
              id="rename-group"
              className="input"
              data-testid="rename-group-input"
              value={title}
              maxLength={limits.groupTitle.max}
              onChange={(e) => setTitle(e.target.value)}
            />
            <button
              type="submit"
              className="button"
              data-testid="rename-group-save"
              disabled={busy || title.trim().length < limits.groupTitle.min}
            >
              {t('group.renameSave')}
            </button>
          </div>
          {saved && (
            <span role="status" className="field-hint">
              {t('common.saved')}
            </span>
          )}
        </form>
      ) : (
        <p className="group-title-readonly">{conv.title}</p>
      )}

      <label className="checkbox-row" htmlFor="group-history">
        <input
          id="group-history"
          type="checkbox"
          data-testid="group-history"
          checked={(pendingHistory ?? conv.history) === 'full'}
          disabled={!admin || busy}
          onChange={(e) => {
            const history = e.target.checked ? 'full' : 'joined';
            setPendingHistory(history);
            void run(() => updateGroup(conversationId, { history })).finally(() => setPendingHistory(null));
          }}
        />
        <span>
          {t('group.history')}
          <span className="field-hint">{admin ? t('group.history.hint') : t('group.history.adminsOnly')}</span>
        </span>
      </label>

      <h3 className="section-title">{t('conversation.members', { count: conv.members.length })}</h3>
      <ul className="member-list">
        {members.map((m) => (
          <li key={m.user.id} className="member-item" data-testid="member-item" data-user-id={m.user.id}>
            <Avatar id={m.user.id} name={m.user.displayName} size={32} user={m.user} />
            <span className="member-name">
              {m.user.id === meId ? t('group.you', { name: m.user.displayName }) : m.user.displayName}
              <span className="member-username">@{m.user.username}</span>
            </span>
            <span className={`role-badge role-${m.role}`}>
              {m.role === 'admin' ? t('group.admin') : t('group.member')}
            </span>
            {m.user.id !== meId && m.user.kind !== 'page' && <MemberBlockButton user={m.user} disabled={busy} />}
            {admin && m.user.id !== meId && (
              <button
                type="button"
                className="button button-small button-danger-outline"
                data-testid="remove-member"
                disabled={busy}
                onClick={() => setConfirm({ remove: m.user })}
                aria-label={t('group.remove', { name: m.user.displayName })}
              >
                {t('group.removeShort')}
              </button>
            )}
          </li>
        ))}
      </ul>

      <h3 className="section-title">{t('group.addPeople')}</h3>
      <label htmlFor="add-member-search" className="sr-only">
        {t('group.addSearch')}
      </label>
      <input
        id="add-member-search"
        className="input"
        type="search"
        data-testid="add-member-search"
        placeholder={t('group.addSearch')}
        value={query}
        maxLength={limits.userSearch.queryMax}
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
      />
      <PeopleResults
        search={search}
        query={query}
        renderAction={(u) =>
          memberIds.has(u.id) ? <span className="field-hint">{t('group.alreadyMember')}</span> : null
        }
        isDisabled={(u) => memberIds.has(u.id) || busy}
        onPick={(u) => void add(u)}
        labelFor={(u) => t('group.add', { name: u.displayName })}
      />

      <div className="dialog-danger-zone">
        <button
          type="button"
          className="button button-danger-outline"
          data-testid="leave-group"
          disabled={busy}
          onClick={() => setConfirm('leave')}
        >
          {t('group.leave')}
        </button>
      </div>
      {confirm === 'leave' && (
        <ConfirmDialog
          title={t('group.leaveConfirm.title')}
          body={t('group.leaveConfirm.body')}
          confirmLabel={t('group.leave')}
          confirmTestId="confirm-leave-group"
          onConfirm={async () => {
            await leaveGroup(conversationId);
            onClose();
          }}
          onClose={() => setConfirm(null)}
        />
      )}
      {confirm !== null && confirm !== 'leave' && (
        <ConfirmDialog
          title={t('group.removeConfirm.title', { name: confirm.remove.displayName })}
          body={t('group.removeConfirm.body')}
          confirmLabel={t('group.removeShort')}
          confirmTestId="confirm-remove-member"
          onConfirm={() => removeMember(conversationId, confirm.remove.id)}
          onClose={() => setConfirm(null)}
        />
      )}
    </Dialog>
  );
}
