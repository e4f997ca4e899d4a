import { memo, useRef, useState } from 'react';
import type { MessageView, QuoteView } from '../../../protocol/views.ts';
import { copyText, hideMessage } from '../app/chat.ts';
import { react } from '../app/reactions.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { previewText } from '../lib/media.ts';
import type { MessageStatus } from '../state/selectors.ts';
import { store } from '../state/store.ts';
import type { OutboxItem } from '../state/types.ts';
import { IconCopy, IconEdit, IconForward, IconMore, IconReply, IconSmile, IconTrash } from '../ui/Icons.tsx';
import { Menu, type MenuItem } from '../ui/Menu.tsx';
import { MessageAttachment, type OnTap, QuickReplies } from '../ui/MessageAttachment.tsx';
import { MessageMedia, VoiceUploading } from '../ui/MessageMedia.tsx';
import { messageFacts, StatusIcon } from '../ui/MessageStatus.tsx';
import { MessageText } from '../ui/MessageText.tsx';
import { OrderCard } from '../ui/OrderCard.tsx';
import { OrderRequestLine } from '../ui/OrderRequestLine.tsx';
import { ReactionChips } from '../ui/ReactionChips.tsx';
import { SendFailure } from '../ui/SendFailure.tsx';
import { showToast } from '../ui/toasts.ts';
import { ForwardDialog } from './ForwardDialog.tsx';
import { ReactionPicker } from './reactions/ReactionPicker.tsx';
import { ViaLine } from './ViaLine.tsx';

export interface BubbleProps {
  /** A stored message, or a pending/failed one from the outbox. */
  message: MessageView | null;
  pending: OutboxItem | null;
  own: boolean;
  status: MessageStatus;
  senderName: string;
  showSender: boolean;
  /** The quoted message: its current local copy when loaded, else the server's quote. */
  quote: { quote: QuoteView; local: MessageView | undefined; senderName: string } | null;
  seenBy: string | null;
  tabbable: boolean;
  /** A page's message, in the person's conversation with it: its postback buttons can be tapped. */
  onTap?: OnTap | undefined;
  /** Its quick replies are offered (the page's latest message, not answered yet): else they are not shown. */
  showQuickReplies?: boolean;
  onReply: (m: MessageView) => void;
  onEdit: (m: MessageView) => void;
  onDelete: (m: MessageView) => void;
  onQuoteClick: (messageId: string) => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** Me, and people's names: a stored message then shows its reactions and offers to react. */
  meId?: string;
  nameOf?: (userId: string) => string;
}

export const MessageBubble = memo(function MessageBubble(props: BubbleProps) {
  const { message, pending, own, status, t, te, time, fullDate } = { ...props, ...useI18n() };
  const [menuOpen, setMenuOpen] = useState(false);
  const [forwarding, setForwarding] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const moreRef = useRef<HTMLButtonElement>(null);
  const reactRef = useRef<HTMLButtonElement>(null);
  const { text, deleted, createdAt, clientId, statusLabel } = messageFacts(message, pending, status, { t, te });
  const files = message ? (deleted ? undefined : message.attachments) : pending?.attachments;
  const media = files && files.length > 0 ? files : null;

  const items: MenuItem[] = [];
  const { meId, nameOf } = props;
  const canReact = Boolean(message && !deleted && meId && nameOf);
  const onReact = (emoji: string, on: boolean) => {
    if (message) void react(message.conversationId, message.id, emoji, on);
  };
  const mine = new Set((message?.reactions ?? []).filter((r) => meId && r.userIds.includes(meId)).map((r) => r.emoji));
  if (message && !deleted) {
    items.push({
      key: 'reply',
      label: t('message.reply'),
      icon: <IconReply size={16} />,
      onSelect: () => props.onReply(message),
      testId: 'action-reply',
    });
    if (canReact) {
      items.push({
        key: 'react',
        label: t('reactions.react'),
        icon: <IconSmile size={16} />,
        // After the menu has closed (and given focus back), the picker opens and takes it.
        onSelect: () => setTimeout(() => setPickerOpen(true), 0),
        testId: 'action-react',
      });
    }
    if (own) {
      items.push({
        key: 'edit',
        label: t('message.edit'),
        icon: <IconEdit size={16} />,
        onSelect: () => props.onEdit(message),
        testId: 'action-edit',
      });
      items.push({
        key: 'delete',
        label: t('message.delete'),
        icon: <IconTrash size={16} />,
        onSelect: () => props.onDelete(message),
        testId: 'action-delete',
        danger: true,
      });
    }
    // Chat management: forward (text and people's media, not what a page's bot made), copy the text.
    if (isForwardable(message)) {
      items.push({
        key: 'forward',
        label: t('message.forward'),
        icon: <IconForward size={16} />,
        onSelect: () => setForwarding(true),
        testId: 'action-forward',
      });
    }
    const copyable = message.text;
    if (copyable) {
      items.push({
        key: 'copy',
        label: t('message.copyText'),
        icon: <IconCopy size={16} />,
        onSelect: () =>
          void copyText(copyable).then((ok) => showToast(ok ? t('message.copied') : t('message.copyFailed'), 2500)),
        testId: 'action-copy',
      });
    }
  }
  if (message) {
    items.push({
      key: 'delete-for-me',
      label: t('message.deleteForMe'),
      icon: <IconTrash size={16} />,
      onSelect: () =>
        void hideMessage(message.conversationId, message.id).then(
          () => showToast(t('message.hiddenToast'), 2500),
          (e: unknown) => showToast(te(errorIdOf(e))),
        ),
      testId: 'action-delete-for-me',
      danger: true,
    });
  }

  const onKeyDown = (e: React.KeyboardEvent<HTMLElement>) => {
    if (e.target !== e.currentTarget || items.length === 0) return;
    if (e.key === 'Enter' || e.key === ' ' || e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      setMenuOpen(true);
    }
  };

  const quote = props.quote;
  // A quoted message without text carries something else: what (its local copy says), else that it does.
  const quoteText = quote
    ? (quote.local ? previewText(quote.local, t) : quote.quote.text) || t('sidebar.preview.attachment')
    : null;
  const quoteDeleted = quote ? (quote.local ? quote.local.deletedAt !== null : quote.quote.deleted) : false;

  return (
    <article
      className={`msg ${own ? 'msg-own' : 'msg-other'}${deleted ? ' msg-deleted' : ''}${status === 'failed' ? ' msg-failed' : ''}`}
      id={message ? `msg-${message.id}` : `pending-${clientId}`}
      data-testid="message"
      data-message-id={message?.id ?? ''}
      data-client-id={clientId}
      data-seq={message ? String(message.seq) : ''}
      data-status={status}
      tabIndex={props.tabbable ? 0 : -1}
      onKeyDown={onKeyDown}
      aria-label={
        own
          ? t('message.fromYou', { time: time(createdAt) })
          : t('message.from', { name: props.senderName, time: time(createdAt) })
      }
    >
      {props.showSender && !own && <div className="msg-sender">{props.senderName}</div>}
      <div className="msg-row">
        <div className="bubble">
          {quote && (
            <button
              type="button"
              className="msg-quote"
              data-testid="message-quote"
              onClick={() => props.onQuoteClick(quote.quote.id)}
              aria-label={t('message.quote.goto', { name: quote.senderName })}
            >
              <span className="msg-quote-name">{quote.senderName}</span>
              <span className="msg-quote-text">{quoteDeleted ? t('message.quote.deleted') : quoteText}</span>
            </button>
          )}
          {!deleted && message?.forwarded && (
            <div className="msg-forwarded" data-testid="forwarded-label">
              <IconForward size={12} />
              {t('message.forwarded')}
            </div>
          )}
          {!deleted && message?.order ? (
            // An order's card or shipping update, in the app's language (its text is for notifications).
            // The person's own card: their buttons and answers to the shop are on it.
            <OrderCard message={message.order} store={store} viewer="customer" tabbable={props.tabbable} />
          ) : (
            <>
              {!deleted && message?.orderRequest && <OrderRequestLine request={message.orderRequest} store={store} />}
              {media && <MessageMedia attachments={media} tabbable={props.tabbable} />}
              {!deleted && message?.via && (
                // Picked in a content app: "via …", and Reply with / Enable for the others.
                <ViaLine message={message} via={message.via} own={own} tabbable={props.tabbable} />
              )}
              {pending?.upload && <VoiceUploading upload={pending.upload} />}
              {/* The text; under media, their caption (none when empty). */}
              {!((media || pending?.upload) && !text) && (
                <div className="msg-text" data-testid="message-text">
                  {deleted || (text === null && !message?.attachment) ? (
                    <em>{t('message.deleted')}</em>
                  ) : text !== null ? (
                    <MessageText text={text} />
                  ) : null}
                </div>
              )}
            </>
          )}
          {!deleted && message?.attachment && !message.order && (
            <MessageAttachment attachment={message.attachment} onTap={props.onTap} tabbable={props.tabbable} />
          )}
          {!deleted && message?.quickReplies && props.showQuickReplies && (
            // Always in the tab order: the answers the page waits for, under its latest message only.
            <QuickReplies replies={message.quickReplies} onTap={props.onTap} tabbable />
          )}
          <div className="msg-meta">
            {message?.editedAt && !deleted && (
              <span className="msg-edited" data-testid="edited-label">
                {t('message.edited')}
              </span>
            )}
            <time dateTime={createdAt} title={fullDate(createdAt)}>
              {time(createdAt)}
            </time>
            {own && <StatusIcon status={status} label={statusLabel} className="msg-status" />}
          </div>
        </div>
        {items.length > 0 && (
          <div className="msg-actions">
            {canReact && (
              <button
                ref={reactRef}
                type="button"
                className="icon-button msg-react"
                data-testid="message-react"
                aria-label={t('reactions.reactTo')}
                title={t('reactions.reactTo')}
                aria-haspopup="dialog"
                aria-expanded={pickerOpen}
                tabIndex={props.tabbable ? 0 : -1}
                onClick={() => setPickerOpen((o) => !o)}
              >
                <IconSmile size={18} />
              </button>
            )}
            {pickerOpen && canReact && (
              <ReactionPicker
                anchorRef={reactRef}
                mine={mine}
                align={own ? 'end' : 'start'}
                onPick={(emoji) => onReact(emoji, !mine.has(emoji))}
                onClose={() => setPickerOpen(false)}
              />
            )}
            <button
              ref={moreRef}
              type="button"
              className="icon-button msg-more"
              data-testid="message-actions"
              aria-label={t('message.actions')}
              aria-haspopup="menu"
              aria-expanded={menuOpen}
              tabIndex={props.tabbable ? 0 : -1}
              onClick={() => setMenuOpen((o) => !o)}
            >
              <IconMore size={18} />
            </button>
            {menuOpen && (
              <Menu
                items={items}
                label={t('message.actions')}
                onClose={() => setMenuOpen(false)}
                anchorRef={moreRef}
                align={own ? 'end' : 'start'}
              />
            )}
          </div>
        )}
      </div>
      {canReact && meId && nameOf && message?.reactions && message.reactions.length > 0 && (
        <ReactionChips
          reactions={message.reactions}
          meId={meId}
          nameOf={nameOf}
          tabbable={props.tabbable}
          onToggle={onReact}
        />
      )}
      {status === 'failed' && pending && (
        <SendFailure
          className="msg-failure"
          label={statusLabel}
          onRetry={() => props.onRetry(pending.clientId)}
          onDiscard={() => props.onDiscard(pending.clientId)}
        />
      )}
      {forwarding && message && <ForwardDialog message={message} onClose={() => setForwarding(false)} />}
      {props.seenBy && (
        <div className="msg-seen" data-testid="seen-by">
          {props.seenBy}
        </div>
      )}
    </article>
  );
});

/** Text and people's media may be forwarded; what a page's bot made for the person may not (the server agrees). */
function isForwardable(m: MessageView): boolean {
  return !(m.attachment || m.quickReplies || m.quickReply || m.postback || m.order || m.orderRequest || m.csat);
}
