import type { PageView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { PageBadge } from '../ui/PageBadge.tsx';
import type { PageSearch } from './useSearch.ts';

/**
 * Business pages found by the sidebar search, under their own heading (`page-result` buttons); shown only
 * when there are some, so that a search for a person is not cluttered.
 */
export function PageResults({
  search,
  onPick,
  onKeyDown,
}: {
  search: PageSearch;
  onPick: (page: PageView) => void;
  onKeyDown?: (e: React.KeyboardEvent<HTMLButtonElement>) => void;
}) {
  const { t } = useI18n();
  if (search.results.length === 0) return null;
  return (
    <section className="search-section" aria-labelledby="search-pages-title" data-testid="page-results">
      <h2 id="search-pages-title" className="search-section-title">
        {t('sidebar.search.pages')}
      </h2>
      <ul className="people-list">
        {search.results.map((page) => (
          <li key={page.id}>
            <button
              type="button"
              className="person"
              data-testid="page-result"
              data-page-id={page.id}
              onClick={() => onPick(page)}
              onKeyDown={onKeyDown}
              aria-label={t('sidebar.search.pageResult', { name: page.name, username: page.username })}
              aria-describedby={page.description ? `page-result-description-${page.id}` : undefined}
            >
              <Avatar id={page.id} name={page.name} size={32} page />
              <span className="person-name">
                <span className="person-name-line">
                  <span className="person-name-text">{page.name}</span>
                  <PageBadge />
                </span>
                <span className="member-username">@{page.username}</span>
                {page.description && (
                  <span id={`page-result-description-${page.id}`} className="page-result-description">
                    {page.description}
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
