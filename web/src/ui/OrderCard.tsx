import { useEffect } from 'react';
import type {
  OrderMessageView,
  OrderView,
  RefundNoticeView,
  ShipmentView,
  ShippingUpdateView,
} from '../../../protocol/commerce.ts';
import { api } from '../api/http.ts';
import { formatMoney } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { applyOrder } from '../state/apply.ts';
import { type Store, useStoreOf } from '../state/store.ts';
import type { State } from '../state/types.ts';
import './order.css';

/** Only http(s) links leave the app. */
const safeUrl = (url: string | null): string | null => {
  if (!url) return null;
  try {
    const p = new URL(url).protocol;
    return p === 'https:' || p === 'http:' ? url : null;
  } catch {
    return null;
  }
};

/**
 * The order as the card shows it: the newest of what the store holds (from `order.updated` events and
 * the read below) and the message's snapshot. Asks once for the order as it now is, so that a card shown
 * from history is not stale; later changes come as events.
 */
function useOrder(store: Store<State>, orderId: string, placed: OrderView): OrderView {
  const live = useStoreOf(store, (s) => s.orders[orderId]);
  useEffect(() => {
    let gone = false;
    api.order(orderId).then(
      (r) => {
        if (!gone) store.update((s) => applyOrder(s, r.order));
      },
      () => {}, // the snapshot stays shown: the message carries it
    );
    return () => {
      gone = true;
    };
  }, [store, orderId]);
  return live && live.version >= placed.version ? live : placed;
}

function Shipment({ shipment }: { shipment: ShipmentView }) {
  const { t, dateTime } = useI18n();
  const href = safeUrl(shipment.trackingUrl);
  return (
    <li className="order-shipment" data-testid="order-shipment" data-status={shipment.status}>
      <div className="order-shipment-head">
        <span>{t('order.shipment', { carrier: shipment.carrier, tracking: shipment.trackingNumber })}</span>
        <span className="order-badge" data-testid="shipment-status">
          {t(`shipment.status.${shipment.status}`)}
        </span>
      </div>
      <ol className="order-timeline" aria-label={t('order.timeline')}>
        {shipment.events.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a shipment's events are only ever appended
          <li key={i} data-testid="tracking-event">
            <time dateTime={e.at}>{dateTime(e.at)}</time> {t(`shipment.status.${e.status}`)}
            {e.place ? ` · ${e.place}` : ''}
          </li>
        ))}
      </ol>
      {href && (
        <a className="msg-button" href={href} target="_blank" rel="noopener noreferrer">
          {t('order.track')}
        </a>
      )}
    </li>
  );
}

/** The receipt card of an order, updated in place as the order changes (shared by messenger and inbox). */
function Receipt({ order }: { order: OrderView }) {
  const { t, locale } = useI18n();
  const money = (n: number) => formatMoney(locale, n, order.currency);
  const a = order.shippingAddress;
  return (
    <>
      <ul className="order-items">
        {order.items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an item is its position in the order
          <li key={i} className="order-item">
            {item.imageUrl && safeUrl(item.imageUrl) && <img src={item.imageUrl} alt="" className="order-item-img" />}
            <span className="order-item-title">
              {item.title}
              {item.subtitle && <small>{item.subtitle}</small>}
            </span>
            <span className="order-item-qty">{t('order.quantity', { count: String(item.quantity) })}</span>
            <span className="order-amount">{money(item.quantity * item.unitPrice)}</span>
          </li>
        ))}
      </ul>
      <dl className="order-totals">
        <dt>{t('order.subtotal')}</dt>
        <dd>{money(order.subtotal)}</dd>
        {order.adjustments.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines in the order's order
          <Line key={`a${i}`} label={x.label} value={money(x.amount)} />
        ))}
        {order.taxes.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines in the order's order
          <Line key={`t${i}`} label={x.label} value={money(x.amount)} />
        ))}
        <dt>{t('order.shipping')}</dt>
        <dd>{money(order.shippingCost)}</dd>
        <dt className="order-total">{t('order.total')}</dt>
        <dd className="order-total" data-testid="order-total">
          {money(order.total)}
        </dd>
        {(order.refunded ?? 0) > 0 && (
          <>
            <dt>{t('order.refunded')}</dt>
            <dd data-testid="order-refunded">{money(order.refunded)}</dd>
          </>
        )}
      </dl>
      {order.paymentMethod && <p className="order-note">{t('order.paidWith', { method: order.paymentMethod })}</p>}
      {a && (
        <p className="order-note">
          {t('order.shipTo', {
            address: [a.name, a.street1, a.street2, `${a.postalCode} ${a.city}`, a.state, a.country]
              .filter(Boolean)
              .join(', '),
          })}
        </p>
      )}
      {order.shipments.length > 0 && (
        <section aria-label={t('order.shipments')}>
          <ul className="order-shipments">
            {order.shipments.map((s) => (
              <Shipment key={s.id} shipment={s} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function Line({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

/**
 * An order's message in a thread: the receipt card (the order as it now is: status, items, totals,
 * shipments and their tracking), or a shipping update (what happened then, with the order's status now).
 */
export function OrderCard({ message, store }: { message: OrderMessageView; store: Store<State> }) {
  if (message.kind === 'refund') return message.refund ? <RefundUpdate refund={message.refund} /> : null;
  if (message.snapshot && message.kind === 'receipt')
    return <ReceiptCard orderId={message.orderId} placed={message.snapshot} store={store} />;
  const update = message.update ?? updateOfSnapshot(message);
  return update ? <ShippingUpdate message={message} update={update} /> : null;
}

/** The receipt card: the order as it now is (status, items, totals, shipments and their tracking). */
function ReceiptCard({ orderId, placed, store }: { orderId: string; placed: OrderView; store: Store<State> }) {
  const { t } = useI18n();
  const order = useOrder(store, orderId, placed);
  return (
    <div className="order-card" data-testid="order-card" data-order-id={order.id} data-version={order.version}>
      <header className="order-head">
        <span className="order-title">{t('order.title', { number: order.number })}</span>
        {order.merchantName && (
          <span className="order-merchant">{t('order.from', { merchant: order.merchantName })}</span>
        )}
        <span className={`order-badge order-status-${order.status}`} data-testid="order-status">
          {t(`order.status.${order.status}`)}
        </span>
      </header>
      <Receipt order={order} />
    </div>
  );
}

/**
 * A shipping update stored before updates carried what they announce (they carried the whole order):
 * read from that order.
 */
function updateOfSnapshot(message: OrderMessageView): ShippingUpdateView | null {
  const shipment = message.snapshot?.shipments.find((s) => s.id === message.shipmentId);
  if (!message.snapshot || !shipment) return null;
  const last = shipment.events.at(-1);
  return {
    number: message.snapshot.number,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    trackingUrl: shipment.trackingUrl,
    place: message.kind === 'tracking' ? (last?.place ?? null) : null,
    description: message.kind === 'tracking' ? (last?.description ?? null) : null,
    at: last?.at ?? shipment.createdAt,
  };
}

/** A refund the page recorded, in the person's language and the order's currency. */
function RefundUpdate({ refund }: { refund: RefundNoticeView }) {
  const { t, locale } = useI18n();
  return (
    <div className="order-update" data-testid="refund-update">
      <p>
        {t('order.update.refund', {
          amount: formatMoney(locale, refund.amount, refund.currency),
          number: refund.number,
        })}
      </p>
      {refund.reason && <p className="order-note">{refund.reason}</p>}
    </div>
  );
}

/**
 * What happened then: the parcel's carrier and number when it left, each tracking event's status and
 * place after; the receipt card shows where the order is now.
 */
function ShippingUpdate({ message, update }: { message: OrderMessageView; update: ShippingUpdateView }) {
  const { t } = useI18n();
  const href = safeUrl(update.trackingUrl);
  return (
    <div className="order-update" data-testid="shipping-update" data-order-id={message.orderId}>
      <p>
        {message.kind === 'shipment'
          ? t('shipment.update.shipped', { number: update.number, carrier: update.carrier })
          : t('shipment.update.tracking', {
              number: update.number,
              status: t(`shipment.status.${message.status ?? 'in_transit'}`),
            })}
        {message.kind === 'tracking' && update.place ? ` ${t('shipment.update.at', { place: update.place })}` : ''}
      </p>
      <p className="order-note">
        {t('order.shipment', { carrier: update.carrier, tracking: update.trackingNumber })}
        {href && message.kind === 'shipment' && (
          <>
            {' · '}
            <a href={href} target="_blank" rel="noopener noreferrer">
              {t('order.track')}
            </a>
          </>
        )}
      </p>
    </div>
  );
}
