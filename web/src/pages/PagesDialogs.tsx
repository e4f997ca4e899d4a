import { useState } from 'react';
import { useI18n } from '../i18n/useI18n.ts';
import { MyPagesDialog } from './MyPagesDialog.tsx';
import { NewPageDialog } from './NewPageDialog.tsx';
import { PageSettingsDialog } from './PageSettingsDialog.tsx';
import './pages.css';

/** Where the pages window is: creating a page, the list of mine, or one page's settings. */
type View =
  | { kind: 'new'; fromList: boolean }
  | { kind: 'mine'; focusId?: string; notice?: string }
  | { kind: 'page'; pageId: string };

/**
 * Managing business pages, one dialog at a time: "Create a page" leads to "My pages" (the new page in
 * it), a page there to its settings, "Back" (or Cancel, when creating from the list) to the list. Escape
 * closes the whole of it; focus then goes back to what opened it. A page's inbox, where the people who run it
 * answer as the page, is a feature of its own (`inbox/`): "Inbox" beside a page of mine asks the shell for it.
 */
export function PagesDialogs({
  start,
  onClose,
  onOpenInbox,
}: {
  start: 'new' | 'mine';
  onClose: () => void;
  /** Opens a page's inbox (the shell leaves the messenger for it). */
  onOpenInbox: (pageId: string) => void;
}) {
  const { t } = useI18n();
  const [view, setView] = useState<View>(start === 'new' ? { kind: 'new', fromList: false } : { kind: 'mine' });
  switch (view.kind) {
    case 'new':
      return (
        <NewPageDialog
          onCancel={view.fromList ? () => setView({ kind: 'mine' }) : onClose}
          onClose={onClose}
          onCreated={(page) =>
            setView({ kind: 'mine', focusId: page.id, notice: t('pages.new.created', { name: page.name }) })
          }
        />
      );
    case 'mine':
      return (
        <MyPagesDialog
          focusId={view.focusId}
          notice={view.notice}
          onOpen={(pageId) => setView({ kind: 'page', pageId })}
          onInbox={onOpenInbox}
          onNew={() => setView({ kind: 'new', fromList: true })}
          onClose={onClose}
        />
      );
    case 'page':
      return (
        <PageSettingsDialog
          key={view.pageId}
          pageId={view.pageId}
          onBack={() => setView({ kind: 'mine', focusId: view.pageId })}
          onLeft={(name) => setView({ kind: 'mine', notice: t('pages.left', { name }) })}
          onClose={onClose}
        />
      );
  }
}
