import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MessageView } from '../../../protocol/views.ts';
import { deleteMessage } from '../app/actions.ts';
import { loadLatest } from '../app/history.ts';
import { useJumpTarget } from '../app/jump.ts';
import { sendTap } from '../app/outbox.ts';
import { loadPageProfile } from '../app/pages.ts';
import { navigate } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import {
  avatarIdOf,
  avatarUserOf,
  blocksPeer,
  displayNameOf,
  forLanguage,
  lastOwnMessage,
  otherMembers,
  pageOf,
  pendingSends,
  threadItemsOf,
  typingUsers,
  withDeletedAccount,
} from '../state/selectors.ts';
import { shallowEqual, useStore } from '../state/store.ts';
import type { Tap } from '../state/types.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { IconBack, IconUsers } from '../ui/Icons.tsx';
import { shownName } from '../ui/names.ts';
import { PageBadge } from '../ui/PageBadge.tsx';
import { BlockedNotice, BlockMenu } from './BlockControls.tsx';
import { Composer, type ComposerHandle, type ComposerMode } from './Composer.tsx';
import { GroupPanel } from './GroupPanel.tsx';
import { MessageList } from './MessageList.tsx';
import { PageConsentMenu } from './PageConsentMenu.tsx';
import { PageWelcome } from './PageWelcome.tsx';
import { TypingIndicator } from './TypingIndicator.tsx';
import { useConversationTitle } from './useConversationTitle.ts';
import { usePresenceText } from './usePresenceText.ts';
import { useReadTracker } from './useReadTracker.ts';
import './thread.css';

const noMessages: MessageView[] = [];

/**
 * One open conversation: header, messages, typing line, composer (or a read-only notice). It reads this
 * conversation's slices only, so activity elsewhere does not re-render it.
 */
export function ThreadPane({ conversationId }: { conversationId: string }) {
  const conv = useStore((s) => s.conversations[conversationId]);
  const thread = useStore((s) => s.threads[conversationId]);
  const activity = useStore((s) => s.activity[conversationId]);
  const pending = useStore((s) => pendingSends(s, conversationId), shallowEqual);
  const meId = useStore((s) => s.me?.id ?? '');
  const removed = useStore((s) => s.removed[conversationId]);
  const ready = useStore((s) => s.phase === 'ready');
  const users = useStore((s) => s.users);
  // Expired signals are pruned from the store on time, so reading the clock here is enough.
  const typing = useStore((s) => typingUsers(s, conversationId, Date.now()).length > 0);
  // A one-to-one conversation with a person: whether they are online, or when they were last seen.
  const peerId = useStore((s) => {
    const c = s.conversations[conversationId];
    if (c?.kind !== 'direct') return null;
    return c.members.find((m) => m.user.id !== meId && m.user.kind !== 'page')?.user.id ?? null;
  });
  const presenceText = usePresenceText(peerId);
  // The page on the other side, if any: its profile (greeting, Get Started, menu), read whenever it opens.
  const pageId = useStore((s) => pageOf(s.conversations[conversationId], s.me?.id)?.id ?? null);
  const profile = useStore((s) => (pageId ? s.pageProfiles[pageId] : undefined));
  const myName = useStore((s) => s.me?.displayName ?? '');
  // I block the other person of this one-to-one conversation: a notice replaces the composer.
  const iBlockPeer = useStore((s) => blocksPeer(s, conversationId));
  const { t, te, locale } = useI18n();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mode, setMode] = useState<ComposerMode>(null);
  const [toDelete, setToDelete] = useState<MessageView | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  const [atBottom, setAtBottom] = useState(true);
  const composerRef = useRef<ComposerHandle>(null);
  const [dropping, setDropping] = useState(false);
  const dragDepth = useRef(0);
  const titleOf = useConversationTitle();

  // Opening a conversation (a click, Enter on the list or a search result, Alt+↑/↓) puts the cursor in the
  // composer — except on touch screens, where the keyboard would pop up over the messages.
  const hasConv = !!conv;
  useEffect(() => {
    if (!hasConv || window.matchMedia('(pointer: coarse)').matches) return;
    const frame = requestAnimationFrame(() => composerRef.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, [hasConv]);

  const loaded = thread?.loaded ?? false;
  const hasNewer = thread?.hasNewer ?? false;
  // Opened at a search result: the window around it is loading (app/jump.ts), not the latest page.
  const jumping = useJumpTarget(conversationId) !== null;
  useEffect(() => {
    if (!conv || loaded || removed || loadError || jumping) return;
    loadLatest(conversationId).catch((e: unknown) => setLoadError(te(errorIdOf(e))));
  }, [conversationId, conv, loaded, removed, loadError, te, jumping]);

  const messages = thread?.messages ?? noMessages;
  const items = useMemo(() => threadItemsOf(messages, pending, conversationId), [messages, pending, conversationId]);
  const lastOwn = useMemo(() => lastOwnMessage(messages, meId), [messages, meId]);

  const nameOf = useCallback(
    (userId: string) => (userId === meId ? t('message.you') : shownName(displayNameOf(users, conv, userId), t)),
    [users, conv, meId, t],
  );

  // In a window opened at a search result, the bottom of the window is not the newest message.
  useReadTracker(conversationId, atBottom && !hasNewer, conv?.lastSeq ?? 0, !!conv && !removed && loaded);

  useEffect(() => {
    // Without it the thread works as any other: no greeting, no menu (a failed read is not worth a notice).
    if (pageId) loadPageProfile(pageId).catch(() => {});
  }, [pageId]);
  const onTap = useCallback(
    (title: string, tap: Tap) => {
      sendTap(conversationId, title, tap);
      requestAnimationFrame(() => composerRef.current?.focus());
    },
    [conversationId],
  );
  const menu = useMemo(() => forLanguage(profile?.persistentMenu ?? null, locale), [profile, locale]);
  const welcome = useMemo(
    () =>
      pageId && !removed ? (
        <PageWelcome
          profile={profile}
          displayName={myName}
          onGetStarted={(title, payload) => onTap(title, { kind: 'postback', payload })}
        />
      ) : undefined,
    [pageId, removed, profile, myName, onTap],
  );

  // Escape in the thread cancels a reply or edit too.
  const onReply = useCallback((m: MessageView) => {
    setMode({ kind: 'reply', message: m });
    requestAnimationFrame(() => composerRef.current?.focus());
  }, []);
  const onEdit = useCallback((m: MessageView) => setMode({ kind: 'edit', message: m }), []);
  const onDelete = useCallback((m: MessageView) => setToDelete(m), []);

  if (!conv) {
    return (
      <section className="thread-pane thread-missing" aria-label={t('thread.label')}>
        <header className="thread-header">
          <BackButton label={t('thread.back')} />
        </header>
        <p className="thread-placeholder">{ready ? t('thread.notFound') : t('common.loading')}</p>
      </section>
    );
  }

  const title = titleOf(conv);
  const page = pageOf(conv, meId);
  const presence = presenceText;
  // The other person of a one-to-one conversation (not a page: pages are blocked from PageConsentMenu).
  const peer = conv.kind === 'direct' && !page ? (otherMembers(conv, meId)[0]?.user ?? null) : null;

  // Files dragged from the device onto the pane go to the composer's tray; the pane shows a drop zone meanwhile.
  const draggingFiles = (e: React.DragEvent) => !removed && [...e.dataTransfer.types].includes('Files');
  const drag = {
    onDragEnter: (e: React.DragEvent) => {
      if (!draggingFiles(e)) return;
      e.preventDefault();
      dragDepth.current++;
      setDropping(true);
    },
    onDragOver: (e: React.DragEvent) => {
      if (!draggingFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: () => {
      dragDepth.current = Math.max(0, dragDepth.current - 1);
      if (dragDepth.current === 0) setDropping(false);
    },
    onDrop: (e: React.DragEvent) => {
      dragDepth.current = 0;
      setDropping(false);
      if (!draggingFiles(e)) return;
      e.preventDefault();
      composerRef.current?.addFiles([...e.dataTransfer.files]);
      composerRef.current?.focus();
    },
  };
  const subtitle = typing
    ? t('sidebar.typing')
    : conv.kind === 'group'
      ? t('conversation.members', { count: conv.members.length })
      : page
        ? t('conversation.page', { username: page.username })
        : (presence ?? t('conversation.direct'));

  return (
    <section className="thread-pane" aria-labelledby="thread-title" {...drag}>
      {dropping && (
        <div className="drop-zone" data-testid="drop-zone" aria-hidden="true">
          {t('composer.drop')}
        </div>
      )}
      <header className="thread-header">
        <BackButton label={t('thread.back')} />
        <Avatar
          id={avatarIdOf(conv, meId)}
          name={title}
          size={36}
          group={conv.kind === 'group'}
          page={page !== null}
          user={avatarUserOf(conv, meId)}
        />
        <div className="thread-heading">
          <div className="thread-title-line">
            <h2 id="thread-title">{title}</h2>
            {page && <PageBadge />}
          </div>
          <p className="thread-subtitle" data-testid="thread-subtitle" aria-live="polite">
            {subtitle}
          </p>
        </div>
        {conv.kind === 'group' && !removed && (
          <button
            type="button"
            className="icon-button"
            data-testid="group-settings-button"
            onClick={() => setPanelOpen(true)}
            aria-label={t('group.info')}
            aria-haspopup="dialog"
          >
            <IconUsers />
          </button>
        )}
        {page && !removed && <PageConsentMenu key={page.id} pageId={page.id} pageName={title} />}
        {peer && !removed && <BlockMenu key={peer.id} user={peer} />}
      </header>
      {loadError && !loaded ? (
        <div className="thread-placeholder" role="alert">
          <p>{t('thread.loadFailed', { error: loadError })}</p>
          <button type="button" className="button" onClick={() => setLoadError(null)}>
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <MessageList
          conversationId={conversationId}
          conv={conv}
          items={items}
          messages={messages}
          hasMore={thread?.hasMore ?? false}
          hasNewer={hasNewer}
          loaded={loaded}
          meId={meId}
          nameOf={nameOf}
          onReply={onReply}
          onEdit={onEdit}
          onDelete={onDelete}
          onAtBottomChange={setAtBottom}
          pageId={removed ? null : pageId}
          onTap={onTap}
          empty={welcome}
          activity={activity}
        />
      )}
      {removed ? (
        <p className="thread-readonly" role="status">
          {t('thread.notMember')}
        </p>
      ) : withDeletedAccount(conv, meId) ? (
        <p className="thread-readonly" role="status" data-testid="thread-deleted-account">
          {t('thread.deletedAccount')}
        </p>
      ) : peer && iBlockPeer ? (
        <BlockedNotice user={peer} />
      ) : (
        <>
          <TypingIndicator conversationId={conversationId} />
          <Composer
            ref={composerRef}
            conversationId={conversationId}
            mode={mode}
            setMode={setMode}
            lastOwnMessage={lastOwn}
            nameOf={nameOf}
            menu={pageId ? menu : null}
            onTap={onTap}
          />
        </>
      )}
      {toDelete && (
        <ConfirmDialog
          title={t('confirmDelete.title')}
          body={t('confirmDelete.body')}
          confirmLabel={t('confirmDelete.confirm')}
          confirmTestId="confirm-delete"
          onConfirm={async () => {
            await deleteMessage(toDelete.id);
            if (mode?.message.id === toDelete.id) setMode(null);
          }}
          onClose={() => setToDelete(null)}
        />
      )}
      {panelOpen && conv.kind === 'group' && (
        <GroupPanel conversationId={conversationId} onClose={() => setPanelOpen(false)} />
      )}
    </section>
  );
}

/** Back to the conversation list (shown on narrow screens). */
function BackButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      className="icon-button back-button"
      data-testid="back-button"
      onClick={() => navigate(null)}
      aria-label={label}
    >
      <IconBack />
    </button>
  );
}
