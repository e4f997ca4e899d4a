import { memo } from 'react';
import type { MessageView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import type { MessageStatus } from '../state/selectors.ts';
import type { OutboxItem } from '../state/types.ts';
import { MessageAttachment, QuickReplies } from '../ui/MessageAttachment.tsx';
import { MessageMedia } from '../ui/MessageMedia.tsx';
import { messageFacts, StatusIcon } from '../ui/MessageStatus.tsx';
import { MessageText } from '../ui/MessageText.tsx';
import { OrderCard } from '../ui/OrderCard.tsx';
import { OrderRequestLine } from '../ui/OrderRequestLine.tsx';
import { ReactionChips } from '../ui/ReactionChips.tsx';
import { SendFailure } from '../ui/SendFailure.tsx';
import type { InboxSession } from './session.ts';

/**
 * One message of a page's conversation: the person's on the left, the page's (its agents', its bot's) on
 * the right with its ticks. A bot's templates and quick replies show as the person saw them, read-only.
 */
export const InboxMessage = memo(function InboxMessage({
  message,
  pending,
  own,
  status,
  senderName,
  quoteName,
  session,
  nameOf,
}: {
  message: MessageView | null;
  pending: OutboxItem | null;
  own: boolean;
  status: MessageStatus;
  senderName: string;
  quoteName: string;
  session: InboxSession;
  /** People's names, for who reacted to the message. */
  nameOf?: (userId: string) => string;
}) {
  const { t, te, time, fullDate } = useI18n();
  const { text, deleted, createdAt, clientId, statusLabel } = messageFacts(message, pending, status, { t, te });
  const quote = message?.replyTo;
  // A customer's photos, files, voice clips (the caption under them).
  const files = message ? (deleted ? undefined : message.attachments) : pending?.attachments;
  const media = files && files.length > 0 ? files : null;

  return (
    <article
      className={`inbox-msg ${own ? 'inbox-msg-own' : 'inbox-msg-other'}${deleted ? ' inbox-msg-deleted' : ''}`}
      data-testid="message"
      data-message-id={message?.id ?? ''}
      data-client-id={clientId}
      data-seq={message ? String(message.seq) : ''}
      data-status={status}
      aria-label={t('message.from', { name: senderName, time: time(createdAt) })}
    >
      <div className="inbox-bubble">
        {quote && (
          <blockquote className="inbox-quote" data-testid="message-quote">
            <span className="inbox-quote-name">{quoteName}</span>
            <span>{quote.deleted ? t('message.quote.deleted') : quote.text || t('sidebar.preview.attachment')}</span>
          </blockquote>
        )}
        {!deleted && message?.order ? (
          // The page's team sees the customer's card read-only: no customer's buttons here.
          <OrderCard message={message.order} store={session.store} viewer="page" />
        ) : (
          <>
            {!deleted && message?.orderRequest && (
              <OrderRequestLine request={message.orderRequest} store={session.store} />
            )}
            {media && <MessageMedia attachments={media} tabbable />}
            {!(media && !text) && (
              <div className="inbox-msg-text" data-testid="message-text">
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
          <MessageAttachment attachment={message.attachment} tabbable />
        )}
        {!deleted && message?.quickReplies && <QuickReplies replies={message.quickReplies} tabbable />}
        <div className="inbox-msg-meta">
          {own && <span className="sr-only">{t('inbox.sentAs', { name: senderName })}</span>}
          {message?.editedAt && !deleted && <span>{t('message.edited')}</span>}
          <time dateTime={createdAt} title={fullDate(createdAt)}>
            {time(createdAt)}
          </time>
          {own && <StatusIcon status={status} label={statusLabel} className="inbox-status" />}
        </div>
      </div>
      {!deleted && nameOf && message?.reactions && message.reactions.length > 0 && (
        // What the customer (and the page) reacted with; the page's people read them here.
        <ReactionChips reactions={message.reactions} meId="" nameOf={nameOf} tabbable={false} />
      )}
      {status === 'failed' && pending && (
        <SendFailure
          className="inbox-failure"
          label={statusLabel}
          onRetry={() => session.retry(pending.clientId)}
          onDiscard={() => session.discard(pending.clientId)}
        />
      )}
    </article>
  );
});
