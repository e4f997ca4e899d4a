import { useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { UserView } from '../../../protocol/views.ts';
import { createGroup } from '../app/actions.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { IconClose } from '../ui/Icons.tsx';
import { PeopleResults } from './PeopleResults.tsx';
import { usePeopleSearch } from './useSearch.ts';

/** New group: a title and people picked by search. */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const { t, te } = useI18n();
  const [title, setTitle] = useState('');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<UserView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const search = usePeopleSearch(query);

  /** What the last pick did, said to screen readers and shown: who was added, removed or already there. */
  const [said, setSaid] = useState('');
  const isPicked = (u: UserView) => picked.some((p) => p.id === u.id);
  const pick = (u: UserView) => {
    if (isPicked(u)) {
      setSaid(t('newGroup.alreadyPicked', { name: u.displayName }));
      return;
    }
    setPicked((list) => [...list, u]);
    setSaid(t('newGroup.picked', { name: u.displayName }));
  };
  const unpick = (u: UserView) => {
    setPicked((list) => list.filter((p) => p.id !== u.id));
    setSaid(t('newGroup.unpicked', { name: u.displayName }));
  };
  /** A click (or Space) on a result's checkbox: explicit, either way. */
  const toggle = (u: UserView) => (isPicked(u) ? unpick(u) : pick(u));

  const canSubmit = title.trim().length >= limits.groupTitle.min && !busy;
  const submit = async () => {
    if (!canSubmit) return;
    setBusy(true);
    setError(null);
    try {
      await createGroup(
        title.trim(),
        picked.map((u) => u.id),
      );
      onClose();
    } catch (e) {
      setError(te(errorIdOf(e)));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('newGroup.title')}
      onClose={onClose}
      testId="new-group-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            form="new-group-form"
            className="button button-primary"
            data-testid="group-create-submit"
            disabled={!canSubmit}
          >
            {t('newGroup.create')}
          </button>
        </>
      }
    >
      <form
        id="new-group-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="group-title" className="field-label">
          {t('newGroup.name')}
        </label>
        <input
          id="group-title"
          className="input"
          data-testid="group-title-input"
          value={title}
          maxLength={limits.groupTitle.max}
          onChange={(e) => setTitle(e.target.value)}
          required
          data-autofocus
        />
        <label htmlFor="group-people" className="field-label">
          {t('newGroup.addPeople')}
        </label>
        <input
          id="group-people"
          className="input"
          type="search"
          data-testid="add-member-search"
          placeholder={t('newGroup.searchPlaceholder')}
          value={query}
          maxLength={limits.userSearch.queryMax}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            // Enter in the search field picks the single result rather than submitting the form; it never
            // un-picks (a second Enter says the person is already picked).
            if (e.key === 'Enter') {
              e.preventDefault();
              const only = search.results.length === 1 ? search.results[0] : undefined;
              if (only) pick(only);
            }
          }}
          autoComplete="off"
        />
        <p className="field-hint" aria-live="polite">
          {t('newGroup.selected', { count: picked.length })}
        </p>
        <p className="field-hint" role="status" data-testid="group-pick-status">
          {said}
        </p>
        {picked.length > 0 && (
          <ul className="chips">
            {picked.map((u) => (
              <li key={u.id} className="chip">
                <Avatar id={u.id} name={u.displayName} size={22} user={u} />
                <span>{u.displayName}</span>
                <button
                  type="button"
                  className="chip-remove"
                  onClick={() => unpick(u)}
                  aria-label={t('newGroup.unselect', { name: u.displayName })}
                >
                  <IconClose size={14} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <PeopleResults
          search={search}
          query={query}
          onPick={toggle}
          isSelected={isPicked}
          labelFor={(u) => `${u.displayName} (@${u.username})`}
        />
        {error && (
          <p className="form-error" role="alert" data-testid="group-error">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
