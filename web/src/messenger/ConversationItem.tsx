import { memo } from 'react';
import { navigate, pathFor } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { previewText } from '../lib/media.ts';
import { avatarIdOf, avatarUserOf, displayNameOf, pageOf, someoneTyping } from '../state/selectors.ts';
import { useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { shownName } from '../ui/names.ts';
import { PageBadge } from '../ui/PageBadge.tsx';
import { useConversationTitle } from './useConversationTitle.ts';

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
  const { t, stamp } = useI18n();
  if (!conv) return null;
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
    <li>
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
      >
        <Avatar
          id={avatarIdOf(conv, meId)}
          name={title}
          size={44}
          group={conv.kind === 'group'}
          page={page !== null}
          user={avatarUserOf(conv, meId)}
        />
        <span className="conversation-body">
          <span className="conversation-top">
            <span className="conversation-title">{title}</span>
            {page && <PageBadge />}
            <time className="conversation-time" dateTime={conv.lastActivityAt}>
              {stamp(conv.lastActivityAt)}
            </time>
          </span>
          <span className="conversation-bottom">
            {typing ? (
              <span className="conversation-preview conversation-typing">{t('sidebar.typing')}</span>
            ) : (
              <span className="conversation-preview">{preview.replace(/\s+/g, ' ')}</span>
            )}
            {unread > 0 && (
              <>
                <span className="unread-badge" data-testid="unread-badge" aria-hidden="true">
                  {unread}
                </span>
                <span className="sr-only">{t('sidebar.unread', { count: unread })}</span>
              </>
            )}
          </span>
        </span>
      </a>
    </li>
  );
});
