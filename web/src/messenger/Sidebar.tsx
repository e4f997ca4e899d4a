import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { messageSearch } from '../../../protocol/limits.ts';
import type { PageView, UserView } from '../../../protocol/views.ts';
import { startDirect } from '../app/actions.ts';
import { openPageConversation } from '../app/pages.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { archivedConversationIds, conversationIdsMatching, mainConversationIds } from '../state/selectors.ts';
import { shallowEqual, useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { ConnectionNote, ConnectionStatus } from '../ui/ConnectionStatus.tsx';
import {
  IconArchive,
  IconBack,
  IconClose,
  IconCode,
  IconMore,
  IconPlus,
  IconSearch,
  IconSettings,
  IconStore,
} from '../ui/Icons.tsx';
import { Menu } from '../ui/Menu.tsx';
import { ConversationItem } from './ConversationItem.tsx';
import { MessageResults } from './MessageResults.tsx';
import { PageResults } from './PageResults.tsx';
import { PeopleResults } from './PeopleResults.tsx';
import { usePageSearch, usePeopleSearch } from './useSearch.ts';
import './sidebar.css';
import './chat.css';

export interface SidebarHandle {
  focusSearch(): void;
  clearSearch(): void;
}

/** What the sidebar's buttons and menu open (the shell decides how). */
export interface SidebarActions {
  onOpenSettings: () => void;
  onNewGroup: () => void;
  onNewPage: () => void;
  onMyPages: () => void;
  onConsole: () => void;
}

/** The list side: header with actions, search of people and pages, conversations by latest activity. */
/** ↑/↓ from one search result to the next (people, then pages); ↑ from the first returns to the search field. */
function moveInResults(e: React.KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const all = e.currentTarget.closest('.search-results')?.querySelectorAll<HTMLElement>('.person:not(:disabled)');
  const buttons = [...(all ?? [])];
  const at = buttons.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  e.preventDefault();
  if (e.key === 'ArrowDown') buttons[Math.min(at + 1, buttons.length - 1)]?.focus();
  else if (at === 0) document.getElementById('people-search')?.focus();
  else buttons[at - 1]?.focus();
}

/** Opens the first search result (a person, else a page), as a click would; false when there is none. */
function openFirstResult(): boolean {
  const first = document.querySelector<HTMLElement>('.sidebar .search-results .person:not(:disabled)');
  first?.click();
  return !!first;
}

export const Sidebar = forwardRef<SidebarHandle, { activeId: string | null } & SidebarActions>(function Sidebar(
  { activeId, onOpenSettings, onNewGroup, onNewPage, onMyPages, onConsole },
  ref,
) {
  const me = useStore((s) => s.me);
  /** The list's order only: each item reads its own conversation. Pinned on top; the archived apart. */
  const main = useStore(mainConversationIds, shallowEqual);
  const archived = useStore(archivedConversationIds, shallowEqual);
  const [showArchived, setShowArchived] = useState(false);
  const list = showArchived ? archived : main;
  const [query, setQuery] = useState('');
  /** Typing filters the list at once, by title and members' names (the server searches messages). */
  const shown = useStore((s) => conversationIdsMatching(s, query), shallowEqual);
  const { t, te } = useI18n();
  const [startError, setStartError] = useState<string | null>(null);
  const search = usePeopleSearch(query);
  const pageSearch = usePageSearch(query);
  const searchRef = useRef<HTMLInputElement>(null);
  const menuRef = useRef<HTMLButtonElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  /** The query for which Enter was pressed before its results came: the first one opens when they do. */
  const [enterFor, setEnterFor] = useState<string | null>(null);
  const searching = search.searching || pageSearch.searching;
  useEffect(() => {
    if (enterFor === null || searching) return;
    setEnterFor(null);
    if (enterFor === query) openFirstResult();
  }, [enterFor, query, searching]);

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

  const start = async (open: () => Promise<void>) => {
    setStartError(null);
    try {
      await open();
      setQuery('');
    } catch (e) {
      setStartError(te(errorIdOf(e)));
    }
  };

  return (
    <aside className="sidebar" aria-label={t('sidebar.label')}>
      <header className="sidebar-header">
        {me && <Avatar id={me.id} name={me.displayName} size={32} user={me} />}
        <h1 className="sidebar-title">{t('app.name')}</h1>
        <ConnectionStatus compact />
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
        <span className="sidebar-menu">
          <button
            ref={menuRef}
            type="button"
            className="icon-button"
            data-testid="sidebar-menu-button"
            onClick={() => setMenuOpen((o) => !o)}
            aria-label={t('sidebar.menu')}
            title={t('sidebar.menu')}
            aria-haspopup="menu"
            aria-expanded={menuOpen}
          >
            <IconMore />
          </button>
          {menuOpen && (
            <Menu
              label={t('sidebar.menu')}
              anchorRef={menuRef}
              onClose={() => setMenuOpen(false)}
              items={[
                {
                  key: 'new-page',
                  label: t('sidebar.menu.newPage'),
                  icon: <IconPlus size={18} />,
                  testId: 'menu-new-page',
                  onSelect: () => {
                    setQuery('');
                    onNewPage();
                  },
                },
                {
                  key: 'my-pages',
                  label: t('sidebar.menu.myPages'),
                  icon: <IconStore size={18} />,
                  testId: 'menu-my-pages',
                  onSelect: () => {
                    setQuery('');
                    onMyPages();
                  },
                },
                {
                  key: 'console',
                  label: t('sidebar.menu.console'),
                  icon: <IconCode size={18} />,
                  testId: 'menu-console',
                  onSelect: onConsole,
                },
              ]}
            />
          )}
        </span>
      </header>
      <ConnectionNote />
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
          maxLength={messageSearch.queryMax}
          autoComplete="off"
          onChange={(e) => {
            setQuery(e.target.value);
            setStartError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query) {
              e.preventDefault();
              setQuery('');
            } else if (e.key === 'Enter' && query.trim()) {
              e.preventDefault();
              if (searching) setEnterFor(query);
              else openFirstResult();
            } else if (e.key === 'ArrowDown') {
              const first = document.querySelector<HTMLElement>('.sidebar .search-results .person:not(:disabled)');
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
        <div className="sidebar-people search-results">
          <section className="search-section" aria-labelledby="search-people-title">
            <h2 id="search-people-title" className="search-section-title">
              {t('sidebar.search.results')}
            </h2>
            <PeopleResults
              search={search}
              query={query}
              onPick={(u: UserView) => void start(() => startDirect(u))}
              labelFor={(u) => `${u.displayName} (@${u.username})`}
              onKeyDown={moveInResults}
            />
          </section>
          <PageResults
            search={pageSearch}
            onPick={(p: PageView) => void start(() => openPageConversation(p))}
            onKeyDown={moveInResults}
          />
          <MessageResults query={query} onOpened={() => setQuery('')} onKeyDown={moveInResults} />
          {startError && (
            <p className="form-error" role="alert">
              {startError}
            </p>
          )}
        </div>
      )}
      <nav className="conversation-nav" aria-label={showArchived ? t('chat.archivedTitle') : t('sidebar.label')}>
        {showArchived ? (
          <div className="archived-header">
            <button
              type="button"
              className="icon-button"
              data-testid="archived-back"
              aria-label={t('chat.backToChats')}
              title={t('chat.backToChats')}
              onClick={() => setShowArchived(false)}
            >
              <IconBack size={18} />
            </button>
            <h2>{t('chat.archivedTitle')}</h2>
          </div>
        ) : (
          archived.length > 0 && (
            <button
              type="button"
              className="archived-row"
              data-testid="archived-row"
              onClick={() => setShowArchived(true)}
            >
              <IconArchive size={20} />
              <span>{t('chat.archivedRow', { count: archived.length })}</span>
            </button>
          )
        )}
        {list.length === 0 ? (
          <p className="sidebar-empty">{showArchived ? t('chat.archivedEmpty') : t('sidebar.empty')}</p>
        ) : (
          <ul className="conversation-list">
            {(query.trim() ? shown : list).map((id) => (
              <ConversationItem key={id} id={id} active={id === activeId} />
            ))}
          </ul>
        )}
      </nav>
    </aside>
  );
});
