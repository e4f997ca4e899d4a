import type { DeliveryView } from '../../../protocol/views.ts';
import type { MessageKey } from '../i18n/en.ts';
import { errorIdOf } from '../lib/errors.ts';

/** What the log shows of a delivery's state: a pending one that was tried already is being retried. */
export type DeliveryStatus = 'delivered' | 'pending' | 'retrying' | 'failed';

export function deliveryStatus(d: Pick<DeliveryView, 'state' | 'attempts'>): DeliveryStatus {
  if (d.state === 'pending') return d.attempts > 0 ? 'retrying' : 'pending';
  return d.state;
}

/** The server's test events come from sender "0", an id no person has (docs/PLATFORM.md). */
export function isTestEvent(d: Pick<DeliveryView, 'event'>): boolean {
  const event = d.event as { sender?: { id?: unknown } } | null;
  return typeof event === 'object' && event !== null && event.sender?.id === '0';
}

/** The event as it went into the envelope, indented for reading. */
export function payloadText(d: Pick<DeliveryView, 'event'>): string {
  return JSON.stringify(d.event, null, 2) ?? String(d.event);
}

/**
 * What to say when a replay or a test event is refused: the two refusals a developer can act on are said
 * with what to do; any other is the error's own sentence (`null` here).
 */
export function refusalKey(e: unknown): MessageKey | null {
  switch (errorIdOf(e)) {
    case 'webhook_not_set':
      return 'console.deliveries.error.webhookNotSet';
    case 'app_not_connected':
      return 'console.deliveries.error.notConnected';
    default:
      return null;
  }
}
