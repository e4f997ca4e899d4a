import type { MessageView } from '../../../protocol/views.ts';
import type { I18n } from '../i18n/useI18n.ts';
import type { MessageStatus } from '../state/selectors.ts';
import type { OutboxItem } from '../state/types.ts';
import { IconAlert, IconClock, IconTicks } from './Icons.tsx';

/**
 * What a message shows, stored or still in the outbox, alike in the messenger and the page inbox: its
 * text, whether it was deleted, when, its client id, and its status in words (none once received).
 */
export function messageFacts(
  message: MessageView | null,
  pending: OutboxItem | null,
  status: MessageStatus,
  { t, te }: Pick<I18n, 't' | 'te'>,
) {
  return {
    // The page's satisfaction question is shown in the person's language (its text is for notifications).
    text: message ? (message.csat && message.text !== null ? t('csat.question') : message.text) : (pending?.text ?? ''),
    deleted: message?.deletedAt != null,
    createdAt: message?.createdAt ?? pending?.createdAt ?? new Date().toISOString(),
    clientId: message?.clientId ?? pending?.clientId ?? '',
    statusLabel:
      status === 'failed'
        ? t('message.status.failed', { error: te(pending?.error ?? 'unknown') })
        : status === 'received'
          ? ''
          : t(`message.status.${status}`),
  };
}

/** The ticks (or clock, or alert) of one's own message, with its status in words for screen readers. */
export function StatusIcon({ status, label, className }: { status: MessageStatus; label: string; className: string }) {
  if (status === 'received') return null;
  return (
    <span className={`${className} ${className}-${status}`} title={label}>
      {status === 'pending' && <IconClock size={14} />}
      {status === 'failed' && <IconAlert size={14} />}
      {status === 'sent' && <IconTicks size={16} double={false} />}
      {(status === 'delivered' || status === 'read') && <IconTicks size={16} double />}
      <span className="sr-only">{label}</span>
    </span>
  );
}
