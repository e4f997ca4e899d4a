import type { OrderView, ShipmentView } from '../../../protocol/commerce.ts';
import { formatMoney } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { safeUrl } from '../lib/urls.ts';
import { hideBroken } from './images.ts';
import { addressText } from './order-requests.ts';

/**
 * A shipment: its carrier, number and status, and — when `tracking` — its timeline and the carrier's
 * tracking page (the customer opens them with Track; the page's team always sees them).
 */
function Shipment({ shipment, tracking, tabbable }: { shipment: ShipmentView; tracking: boolean; tabbable: boolean }) {
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
      <div className="order-tracking" hidden={!tracking} data-testid="order-tracking">
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
          <a
            className="msg-button"
            href={href}
            target="_blank"
            rel="noopener noreferrer"
            tabIndex={tabbable ? 0 : -1}
            data-testid="tracking-link"
          >
            {t('order.trackingPage')}
          </a>
        )}
      </div>
    </li>
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
 * The receipt card's body: items, totals, payment, the shipping address and the billing address under it,
 * shipments (shared by messenger and inbox).
 */
export function Receipt({
  order,
  tracking,
  tabbable,
  shipmentsId,
}: {
  order: OrderView;
  tracking: boolean;
  tabbable: boolean;
  shipmentsId: string;
}) {
  const { t, locale } = useI18n();
  const money = (n: number) => formatMoney(locale, n, order.currency);
  const a = order.shippingAddress;
  // A snapshot stored before orders had a billing address does not carry the field.
  const billing = order.billingAddress ?? null;
  return (
    <>
      <ul className="order-items">
        {order.items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an item is its position in the order
          <li key={i} className="order-item">
            {item.imageUrl && safeUrl(item.imageUrl) && (
              <img src={item.imageUrl} alt="" className="order-item-img" onError={hideBroken} />
            )}
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
        <p className="order-note" data-testid="order-address">
          {t('order.shipTo', { address: addressText(a) })}
        </p>
      )}
      {billing && (
        <p className="order-note" data-testid="order-billing-address">
          {t('order.billTo', { address: addressText(billing) })}
        </p>
      )}
      {order.shipments.length > 0 && (
        <section aria-label={t('order.shipments')} id={shipmentsId}>
          <ul className="order-shipments">
            {order.shipments.map((s) => (
              <Shipment key={s.id} shipment={s} tracking={tracking} tabbable={tabbable} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
