import { memo, useRef, useState } from 'react';
import { isMuted } from '../../../protocol/limits.ts';
import { useRenderAt } from '../app/render-at.ts';
import { navigate, pathFor } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { previewText } from '../lib/media.ts';
import { avatarIdOf, avatarUserOf, displayNameOf, pageOf, someoneTyping } from '../state/selectors.ts';
import { useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { IconMore, IconMuted, IconPin } from '../ui/Icons.tsx';
import { shownName } from '../ui/names.ts';
import { PageBadge } from '../ui/PageBadge.tsx';
import { ConversationMenu } from './ConversationMenu.tsx';
import { useConversationTitle } from './useConversationTitle.ts';
import { useOnline } from './usePresenceText.ts';

/**
 * One entry of the conversation list: a link to `/c/<id>`. It reads its own conversation, typing flag
 * and last sender's name, so a change to another conversation does not re-render it.
 */
export const ConversationItem = memo(function ConversationItem({ id, active }: { id: string; active: boolean }) {
  const conv = useStore((s) => s.conversations[id]);
  const meId = useStore((s) => s.me?.id);
  const typing = useStore((s) => someoneTyping(s, id, Date.now()));
  /** Display name of the last message's sender (groups). */
  const senderName = useStore((s) => {
    const lastSender = s.conversations[id]?.lastMessage?.senderId;
    return lastSender ? displayNameOf(s.users, s.conversations[id], lastSender) : null;
  });
  const titleOf = useConversationTitle();
  const peerId = useStore((s) => {
    const c = s.conversations[id];
    if (c?.kind !== 'direct') return null;
    return c.members.find((m) => m.user.id !== meId && m.user.kind !== 'page')?.user.id ?? null;
  });
  const online = useOnline(peerId);
  const { t, stamp } = useI18n();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuRef = useRef<HTMLButtonElement>(null);
  // The muted mark goes when the mute ends, with no event to say so.
  useRenderAt(conv?.mutedUntil ? Date.parse(conv.mutedUntil) : null);
  if (!conv) return null;
  const muted = isMuted(conv.mutedUntil, Date.now());
  const title = titleOf(conv);
  /** A conversation with a business page: its name, with the "Page" mark. */
  const page = pageOf(conv, meId);
  const last = conv.lastMessage;
  // The text, else what was sent ("Photo", "Voice message (0:12)"…), else a page's template.
  const body = last ? previewText(last, t) : null;
  let preview: string;
  if (!last) preview = t('sidebar.preview.none');
  else if (last.deletedAt || (last.text === null && !last.attachment && !last.attachments?.length))
    preview = t('sidebar.preview.deleted');
  else if (body === null) preview = t('sidebar.preview.attachment');
  else if (last.senderId === meId) preview = t('sidebar.preview.you', { text: body });
  else if (conv.kind === 'group' && senderName !== null)
    preview = t('sidebar.preview.sender', { name: shownName(senderName, t), text: body });
  else preview = body;
  const unread = conv.unread;

  return (
    <li className="conversation-row">
      <a
        href={pathFor({ view: 'messenger', conversationId: conv.id })}
        className={`conversation-item${active ? ' active' : ''}${unread > 0 ? ' has-unread' : ''}`}
        data-testid="conversation-item"
        data-conversation-id={conv.id}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          navigate(conv.id);
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          setMenuOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
            e.preventDefault();
            setMenuOpen(true);
          }
        }}
      >
        <span className="avatar-wrap">
          <Avatar
            id={avatarIdOf(conv, meId)}
            name={title}
            size={44}
            group={conv.kind === 'group'}
            page={page !== null}
            user={avatarUserOf(conv, meId)}
          />
          {online && <span className="presence-dot" data-testid="presence-dot" aria-hidden="true" />}
        </span>
        <span className="conversation-body">
          <span className="conversation-top">
            <span className="conversation-title">{title}</span>
            {page && <PageBadge />}
            {muted && (
              <span className="conversation-mark" data-testid="muted-mark" title={t('chat.muted')}>
                <IconMuted size={14} />
                <span className="sr-only">{t('chat.muted')}</span>
              </span>
            )}
            {conv.pinnedAt && (
              <span className="conversation-mark" data-testid="pinned-mark" title={t('chat.pinned')}>
                <IconPin size={14} />
                <span className="sr-only">{t('chat.pinned')}</span>
              </span>
            )}
            <time className="conversation-time" dateTime={conv.lastActivityAt}>
              {stamp(conv.lastActivityAt)}
            </time>
          </span>
          {online && <span className="sr-only">{t('presence.online')}</span>}
          <span className="conversation-bottom">
            {typing ? (
              <span className="conversation-preview conversation-typing">{t('sidebar.typing')}</span>
            ) : (
              <span className="conversation-preview">{preview.replace(/\s+/g, ' ')}</span>
            )}
            {unread > 0 && (
              <>
                <span
                  className={`unread-badge${muted ? ' unread-muted' : ''}`}
                  data-testid="unread-badge"
                  aria-hidden="true"
                >
                  {unread}
                </span>
                <span className="sr-only">{t('sidebar.unread', { count: unread })}</span>
              </>
            )}
          </span>
        </span>
      </a>
      <button
        ref={menuRef}
        type="button"
        className="icon-button conversation-menu-button"
        data-testid="conversation-menu-button"
        aria-label={t('chat.menuFor', { title })}
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        onClick={() => setMenuOpen((o) => !o)}
      >
        <IconMore size={18} />
      </button>
      {menuOpen && (
        <ConversationMenu conv={conv} muted={muted} anchorRef={menuRef} onClose={() => setMenuOpen(false)} />
      )}
    </li>
  );
});
