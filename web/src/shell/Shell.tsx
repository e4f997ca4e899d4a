import { useEffect, useRef, useState } from 'react';
import { useTabBadge } from '../app/badge.ts';
import { go, navigate, useRoute } from '../app/router.ts';
import { ConsoleView } from '../console/ConsoleView.tsx';
import { useI18n } from '../i18n/useI18n.ts';
import { InboxView } from '../inbox/InboxView.tsx';
import { NewGroupDialog } from '../messenger/NewGroupDialog.tsx';
import { OptinConfirm } from '../messenger/OptinConfirm.tsx';
import { ShortLink } from '../messenger/ShortLink.tsx';
import { Sidebar, type SidebarHandle } from '../messenger/Sidebar.tsx';
import { ThreadPane } from '../messenger/ThreadPane.tsx';
import { PagesDialogs } from '../pages/PagesDialogs.tsx';
import { mainConversationIds } from '../state/selectors.ts';
import { store } from '../state/store.ts';
import { IconChat } from '../ui/Icons.tsx';
import { Toasts } from '../ui/Toasts.tsx';
import { NotificationBanner } from './NotificationBanner.tsx';
import { SettingsDialog } from './SettingsDialog.tsx';
import './layout.css';

/**
 * Signed-in layout, by route: the messenger (the person's own conversations), a page's inbox (answering as
 * the page), or the developer console. Each feature is a screen of its own; this is where they meet.
 */
export function Shell() {
  const route = useRoute();
  return (
    <>
      {route.view === 'optin' ? (
        <OptinConfirm pageId={route.pageId} userRef={route.userRef} optinRef={route.ref} returnTo={route.returnTo} />
      ) : route.view === 'inbox' ? (
        <InboxView key={route.pageId} pageId={route.pageId} conversationId={route.conversationId} />
      ) : route.view === 'console' ? (
        <ConsoleView appId={route.appId} />
      ) : route.view === 'link' ? (
        <Messenger conversationId={null} link={route} />
      ) : (
        <Messenger conversationId={route.conversationId} />
      )}
      <Toasts />
    </>
  );
}

/**
 * The messenger: list + thread side by side (≥ 720 px), or one of them with a back button. A page's short
 * link (`link`) opens in the thread's place until its conversation replaces it.
 */
function Messenger({
  conversationId,
  link = null,
}: {
  conversationId: string | null;
  link?: { username: string; ref: string | null } | null;
}) {
  const { t } = useI18n();
  const [dialog, setDialog] = useState<'settings' | 'newGroup' | 'newPage' | 'myPages' | null>(null);
  const sidebarRef = useRef<SidebarHandle>(null);

  // Keyboard: Alt+↑/↓ moves between conversations, Ctrl/⌘+K searches people.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        if (conversationId && window.matchMedia('(max-width: 719px)').matches) navigate(null);
        requestAnimationFrame(() => sidebarRef.current?.focusSearch());
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        // In the list's order: the pinned first, the archived apart (chat management).
        const list = mainConversationIds(store.getSnapshot());
        if (list.length === 0) return;
        e.preventDefault();
        const at = list.indexOf(conversationId ?? '');
        const next =
          e.key === 'ArrowUp' ? (at <= 0 ? list.length - 1 : at - 1) : at < 0 || at >= list.length - 1 ? 0 : at + 1;
        const target = list[next];
        if (target) navigate(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conversationId]);

  // "(3) Comptoir" and the icon's badge: unread messages of the conversations not muted.
  useTabBadge(t('app.name'));

  return (
    <div className={`shell ${conversationId || link ? 'shell-thread-open' : 'shell-list-open'}`}>
      <a href="#thread" className="skip-link">
        {t('app.skipToMessages')}
      </a>
      <Sidebar
        ref={sidebarRef}
        activeId={conversationId}
        onOpenSettings={() => setDialog('settings')}
        onNewGroup={() => setDialog('newGroup')}
        onNewPage={() => setDialog('newPage')}
        onMyPages={() => setDialog('myPages')}
        onConsole={() => go({ view: 'console', appId: null })}
      />
      <main className="main-pane">
        <NotificationBanner />
        {conversationId ? (
          <ThreadPane key={conversationId} conversationId={conversationId} />
        ) : link ? (
          <ShortLink username={link.username} linkRef={link.ref} />
        ) : (
          <div className="thread-empty-state">
            <IconChat size={48} />
            <p>{t('thread.noConversation')}</p>
          </div>
        )}
      </main>
      {dialog === 'settings' && <SettingsDialog onClose={() => setDialog(null)} />}
      {dialog === 'newGroup' && <NewGroupDialog onClose={() => setDialog(null)} />}
      {(dialog === 'newPage' || dialog === 'myPages') && (
        <PagesDialogs
          start={dialog === 'newPage' ? 'new' : 'mine'}
          onClose={() => setDialog(null)}
          onOpenInbox={(pageId) => {
            setDialog(null);
            go({ view: 'inbox', pageId, conversationId: null });
          }}
        />
      )}
    </div>
  );
}
