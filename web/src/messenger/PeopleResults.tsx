import type { ReactNode } from 'react';
import type { UserView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { IconTicks } from '../ui/Icons.tsx';
import type { PeopleSearch } from './useSearch.ts';

/**
 * A list of people found, each a button (`people-result`). With `isSelected` (a picker), each is a checkbox
 * (`role="checkbox"`, aria-checked) with a visible box ticked for who is picked.
 */
export function PeopleResults({
  search,
  query,
  onPick,
  labelFor,
  isDisabled,
  renderAction,
  isSelected,
  onKeyDown,
}: {
  search: PeopleSearch;
  query: string;
  onPick: (u: UserView) => void;
  labelFor: (u: UserView) => string;
  isDisabled?: (u: UserView) => boolean;
  renderAction?: (u: UserView) => ReactNode;
  isSelected?: (u: UserView) => boolean;
  onKeyDown?: (e: React.KeyboardEvent<HTMLButtonElement>) => void;
}) {
  const { t, te } = useI18n();
  if (!query.trim()) return null;
  return (
    <div className="people-results" aria-live="polite">
      {search.searching && search.results.length === 0 && <p className="field-hint">{t('sidebar.search.searching')}</p>}
      {search.error && <p className="form-error">{te(search.error)}</p>}
      {!search.searching && !search.error && search.answered && search.results.length === 0 && (
        <p className="field-hint">{t('sidebar.search.none')}</p>
      )}
      {!search.searching && !search.error && search.answered && (
        <p className="field-hint" data-testid="people-search-hint">
          {t('sidebar.search.hint')}
        </p>
      )}
      {search.results.length > 0 && (
        <ul className="people-list">
          {search.results.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                className="person"
                data-testid="people-result"
                data-user-id={u.id}
                disabled={isDisabled?.(u)}
                {...(isSelected && { role: 'checkbox', 'aria-checked': isSelected(u) })}
                onClick={() => onPick(u)}
                onKeyDown={onKeyDown}
                aria-label={labelFor(u)}
              >
                <Avatar id={u.id} name={u.displayName} size={32} user={u} />
                <span className="person-name">
                  {u.displayName}
                  <span className="member-username">@{u.username}</span>
                </span>
                {renderAction?.(u)}
                {isSelected && (
                  <span className="person-check" data-testid="pick-mark" aria-hidden="true">
                    {isSelected(u) && <IconTicks double={false} size={14} />}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
