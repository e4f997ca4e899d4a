import { memo, useEffect, useRef, useState } from 'react';
import { loadMyPages } from '../app/pages.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { myPageIds } from '../state/selectors.ts';
import { shallowEqual, useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { IconInbox, IconPlus } from '../ui/Icons.tsx';

/**
 * The pages I help run, each with my role; read again each time the list is shown. Choosing one opens its
 * settings; `focusId` (the page just created, or just left behind with "Back") gets the focus.
 */
export function MyPagesDialog({
  onOpen,
  onInbox,
  onNew,
  onClose,
  focusId,
  notice,
}: {
  onOpen: (pageId: string) => void;
  onInbox: (pageId: string) => void;
  onNew: () => void;
  onClose: () => void;
  focusId?: string;
  notice?: string;
}) {
  const { t, te } = useI18n();
  const ids = useStore(myPageIds, shallowEqual);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadMyPages().catch((e: unknown) => setError(te(errorIdOf(e))));
  }, [te]);

  // The page to focus may appear only once the list is read (a page created before it was ever loaded).
  const focused = useRef(false);
  useEffect(() => {
    if (focused.current || !focusId || !ids?.includes(focusId)) return;
    focused.current = true;
    const item = document.querySelector<HTMLElement>(
      `[data-testid="my-page-item"][data-page-id="${CSS.escape(focusId)}"]`,
    );
    if (item && document.activeElement !== item && !item.contains(document.activeElement)) item.focus();
  }, [focusId, ids]);

  return (
    <Dialog
      title={t('pages.mine.title')}
      onClose={onClose}
      testId="my-pages-dialog"
      footer={
        <button type="button" className="button button-primary" data-testid="my-pages-new" onClick={onNew}>
          <IconPlus size={18} />
          {t('pages.mine.new')}
        </button>
      }
    >
      {notice && (
        <p className="field-hint" role="status" data-testid="my-pages-notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {ids === null && !error && <p className="field-hint">{t('common.loading')}</p>}
      {ids?.length === 0 && <p className="field-hint">{t('pages.mine.empty')}</p>}
      {ids && ids.length > 0 && (
        <ul className="pages-list">
          {ids.map((id) => (
            <MyPageItem key={id} id={id} onOpen={onOpen} onInbox={onInbox} autoFocus={id === focusId} />
          ))}
        </ul>
      )}
    </Dialog>
  );
}

/** One page of mine: reads its own entry only. */
const MyPageItem = memo(function MyPageItem({
  id,
  onOpen,
  onInbox,
  autoFocus,
}: {
  id: string;
  onOpen: (pageId: string) => void;
  onInbox: (pageId: string) => void;
  autoFocus: boolean;
}) {
  const item = useStore((s) => s.myPages?.[id]);
  const { t } = useI18n();
  if (!item) return null;
  const { page, role } = item;
  const roleLabel = role === 'admin' ? t('pages.role.admin') : t('pages.role.agent');
  return (
    <li className="pages-row">
      <button
        type="button"
        className="pages-item"
        data-testid="my-page-item"
        data-page-id={page.id}
        data-role={role}
        data-autofocus={autoFocus ? true : undefined}
        aria-label={t('pages.mine.open', { name: page.name, username: page.username, role: roleLabel })}
        onClick={() => onOpen(page.id)}
      >
        <Avatar id={page.id} name={page.name} size={36} page />
        <span className="pages-item-name">
          {page.name}
          <span className="member-username">@{page.username}</span>
        </span>
        <span className={`role-badge role-${role}`} data-testid="my-page-role">
          {roleLabel}
        </span>
      </button>
      <button
        type="button"
        className="button button-small pages-inbox"
        data-testid="my-page-inbox"
        aria-label={t('pages.mine.inboxOf', { name: page.name })}
        onClick={() => onInbox(page.id)}
      >
        <IconInbox size={16} />
        {t('pages.mine.inbox')}
      </button>
    </li>
  );
});
