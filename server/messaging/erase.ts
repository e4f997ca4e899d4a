import type { DomainEvent } from '../../protocol/events.ts';
import type { MessageView } from '../../protocol/views.ts';
import type { Tx } from '../storage/types.ts';
import { presentQuote } from './presenter.ts';
import type { MessageRecord } from './store.ts';

type MessageEvent = Extract<DomainEvent, { message: MessageView }>;

function messageEvent(payload: string): MessageEvent | null {
  const event = JSON.parse(payload) as DomainEvent;
  return 'message' in event ? event : null;
}

/**
 * Deletion that erases. After an edit or a deletion, every earlier copy of the message in the event log —
 * its own `message.*` events, and the quote of it in the events of every message that replies to it — is
 * rewritten to the message as it now is, in the same transaction: a replay from cursor 0, or
 * `GET /api/events?after=0`, shows the new text (or none), never the old one. `except` is the position
 * of the event this change itself appended (already current).
 */
export async function rewriteEarlierCopies(
  tx: Tx,
  message: MessageRecord,
  view: MessageView,
  except: number,
): Promise<void> {
  for (const e of await tx.events.eventsAt(message.eventPositions.filter((p) => p !== except))) {
    const event = messageEvent(e.payload);
    if (!event || event.message.id !== message.id) continue;
    await tx.events.rewriteEvent(e.pos, JSON.stringify({ ...event, message: view }));
  }
  const replies = await tx.messaging.messagesReplyingTo(message.id);
  if (replies.length === 0) return;
  const quote = presentQuote(message);
  for (const e of await tx.events.eventsAt(replies.flatMap((r) => r.eventPositions))) {
    const event = messageEvent(e.payload);
    if (!event || event.message.replyTo?.id !== message.id) continue;
    await tx.events.rewriteEvent(e.pos, JSON.stringify({ ...event, message: { ...event.message, replyTo: quote } }));
  }
}
