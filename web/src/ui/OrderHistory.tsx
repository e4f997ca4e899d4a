import { useId, useState } from 'react';
import type { OrderStatus, OrderView, ShipmentStatus, TimelineEntryView } from '../../../protocol/commerce.ts';
import { formatMoney } from '../i18n/format.ts';
import type { Locale, Translate } from '../i18n/translate.ts';
import { useI18n } from '../i18n/useI18n.ts';

/**
 * One line of the order's history in the person's language: the order's moves ("Order placed", "Order
 * cancelled · reason"), its changes ("Order details changed"), a parcel leaving ("Shipped with La Poste") and
 * each of its tracking events ("In transit · Lyon"; the parcel named when the order has several), a refund
 * with its amount ("Refund of €12.50 · reason"). `refund`: the refund the line records (the timeline's
 * refund lines and the order's `refunds` are both oldest first, one line per refund).
 */
export function historyLine(
  entry: TimelineEntryView,
  order: OrderView,
  refund: OrderView['refunds'][number] | undefined,
  t: Translate,
  locale: Locale,
): string {
  const shipment = entry.shipmentId ? order.shipments.find((s) => s.id === entry.shipmentId) : undefined;
  const withNotes = (text: string, ...notes: (string | null)[]) => [text, ...notes.filter(Boolean)].join(' · ');
  switch (entry.kind) {
    case 'status':
      return withNotes(t(`order.history.${entry.status as OrderStatus}`), entry.description);
    case 'updated':
      return t('order.updated');
    case 'refund':
      return refund
        ? withNotes(
            t('order.history.refund', { amount: formatMoney(locale, refund.amount, order.currency) }),
            refund.reason,
          )
        : withNotes(t('order.refunded'), entry.description);
    case 'shipment':
      // The server's description names the carrier and number ("Colissimo 6A12345"): a shipment not in the view.
      return shipment ? t('order.history.shipment', { carrier: shipment.carrier }) : (entry.description ?? '');
    case 'tracking': {
      const event = withNotes(t(`shipment.status.${entry.status as ShipmentStatus}`), entry.place, entry.description);
      return shipment && order.shipments.length > 1
        ? t('order.history.parcel', {
            parcel: t('order.shipment', { carrier: shipment.carrier, tracking: shipment.trackingNumber }),
            event,
          })
        : event;
    }
  }
}

/**
 * The order's history (its `timeline`, oldest first: the story as it happened; the badge above says where
 * it is now), behind its own disclosure button so that the card stays compact — for the customer and the
 * page's team alike. The list is always rendered (hidden until opened), so it follows the order in place:
 * `order.updated`, and the lines a tracking change appends (applyOrderTracked).
 */
export function OrderHistory({ order, tabbable }: { order: OrderView; tabbable: boolean }) {
  const { t, locale, dateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const timeline = order.timeline ?? [];
  if (timeline.length === 0) return null;
  let refunds = 0;
  return (
    <div className="order-history">
      <button
        type="button"
        className="link-button order-history-toggle"
        tabIndex={tabbable ? 0 : -1}
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
        data-testid="order-history-toggle"
      >
        {t('order.history')}
      </button>
      <ol
        id={listId}
        className="order-timeline order-history-list"
        aria-label={t('order.history')}
        hidden={!open}
        data-testid="order-history"
      >
        {timeline.map((e, i) => {
          const refund = e.kind === 'refund' ? order.refunds?.[refunds++] : undefined;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is only ever appended to
            <li key={i} data-testid="order-history-entry" data-kind={e.kind}>
              <time dateTime={e.at}>{dateTime(e.at)}</time> {historyLine(e, order, refund, t, locale)}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
