import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { UserView } from '../../../protocol/views.ts';
import { startDirect } from '../app/actions.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { conversationIds } from '../state/selectors.ts';
import { shallowEqual, useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { ConnectionStatus } from '../ui/ConnectionStatus.tsx';
import { IconClose, IconPlus, IconSearch, IconSettings } from '../ui/Icons.tsx';
import { ConversationItem } from './ConversationItem.tsx';
import { PeopleResults } from './PeopleResults.tsx';
import { usePeopleSearch } from './usePeopleSearch.ts';
import './sidebar.css';

export interface SidebarHandle {
  focusSearch(): void;
  clearSearch(): void;
}

/** The list side: header with actions, people search, conversations by latest activity. */
export const Sidebar = forwardRef<
  SidebarHandle,
  { activeId: string | null; onOpenSettings: () => void; onNewGroup: () => void }
>(function Sidebar({ activeId, onOpenSettings, onNewGroup }, ref) {
  const me = useStore((s) => s.me);
  /** The list's order only: each item reads its own conversation. */
  const list = useStore(conversationIds, shallowEqual);
  const { t, te } = useI18n();
  const [query, setQuery] = useState('');
  const [startError, setStartError] = useState<string | null>(null);
  const search = usePeopleSearch(query);
  const searchRef = useRef<HTMLInputElement>(null);

  useImperativeHandle(
    ref,
    () => ({
      focusSearch: () => {
        searchRef.current?.focus();
        searchRef.current?.select();
      },
      clearSearch: () => setQuery(''),
    }),
    [],
  );

  const start = async (user: UserView) => {
    setStartError(null);
    try {
      await startDirect(user);
      setQuery('');
    } catch (e) {
      setStartError(te(errorIdOf(e)));
    }
  };

  return (
    <aside className="sidebar" aria-label={t('sidebar.label')}>
      <header className="sidebar-header">
        {me && <Avatar id={me.id} name={me.displayName} size={32} />}
        <h1 className="sidebar-title">{t('app.name')}</h1>
        <ConnectionStatus />
        <button
          type="button"
          className="icon-button"
          data-testid="new-group-button"
          onClick={() => {
            setQuery('');
            onNewGroup();
          }}
          aria-label={t('sidebar.newGroup')}
          title={t('sidebar.newGroup')}
          aria-haspopup="dialog"
        >
          <IconPlus />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="settings-button"
          onClick={() => {
            setQuery('');
            onOpenSettings();
          }}
          aria-label={t('sidebar.settings')}
          title={t('sidebar.settings')}
          aria-haspopup="dialog"
        >
          <IconSettings />
        </button>
      </header>
      <search className="sidebar-search">
        <label htmlFor="people-search" className="sr-only">
          {t('sidebar.search.label')}
        </label>
        <span className="search-icon" aria-hidden="true">
          <IconSearch size={16} />
        </span>
        <input
          ref={searchRef}
          id="people-search"
          type="search"
          className="input search-input"
          data-testid="people-search"
          placeholder={t('sidebar.search.placeholder')}
          value={query}
          maxLength={limits.userSearch.queryMax}
          autoComplete="off"
          onChange={(e) => {
            setQuery(e.target.value);
            setStartError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query) {
              e.preventDefault();
              setQuery('');
            } else if (e.key === 'ArrowDown') {
              const first = document.querySelector<HTMLElement>('.sidebar [data-testid="people-result"]');
              if (first) {
                e.preventDefault();
                first.focus();
              }
            }
          }}
        />
        {query && (
          <button
            type="button"
            className="icon-button search-clear"
            onClick={() => setQuery('')}
            aria-label={t('sidebar.search.clear')}
          >
            <IconClose size={16} />
          </button>
        )}
      </search>
      {query.trim() && (
        <section className="sidebar-people" aria-label={t('sidebar.search.results')}>
          <PeopleResults
            search={search}
            query={query}
            onPick={(u) => void start(u)}
            labelFor={(u) => `${u.displayName} (@${u.username})`}
          />
          {startError && (
            <p className="form-error" role="alert">
              {startError}
            </p>
          )}
        </section>
      )}
      <nav className="conversation-nav" aria-label={t('sidebar.label')}>
        {list.length === 0 ? (
          <p className="sidebar-empty">{t('sidebar.empty')}</p>
        ) : (
          <ul className="conversation-list">
            {list.map((id) => (
              <ConversationItem key={id} id={id} active={id === activeId} />
            ))}
          </ul>
        )}
      </nav>
    </aside>
  );
});
