import { useEffect, useId, useState } from 'react';
import type { OrderMessageView, OrderView, RefundNoticeView, ShippingUpdateView } from '../../../protocol/commerce.ts';
import { api } from '../api/http.ts';
import { formatMoney } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { safeUrl } from '../lib/urls.ts';
import { applyOrder } from '../state/apply.ts';
import { type Store, useStoreOf } from '../state/store.ts';
import type { State } from '../state/types.ts';
import { OrderActions } from './OrderActions.tsx';
import { OrderHistory } from './OrderHistory.tsx';
import { Receipt } from './OrderReceipt.tsx';
import { OrderRequests, type OrderViewer } from './OrderRequests.tsx';
import './order.css';

/**
 * The order as the card shows it: the newest of what the store holds (from `order.updated` and
 * `order.tracked` events and the read below) and the message's snapshot. Asks for the order as it now is
 * once, so that a card shown from history is not stale, and again when a change came that the store could
 * not apply (its head: a tracking change to a version it did not hold); other changes come as events.
 */
function useOrder(store: Store<State>, orderId: string, placed: OrderView): OrderView {
  const live = useStoreOf(store, (s) => s.orders[orderId]);
  const head = useStoreOf(store, (s) => s.orderHeads[orderId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new head is the reason to read again
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
  }, [store, orderId, head]);
  return complete(live && live.version >= placed.version ? live : placed);
}

const noActions = { changeAddress: false, changeItems: false, cancel: false, return: false };

/** A snapshot stored before orders had requests carries neither its requests nor the customer's actions. */
function complete(order: OrderView): OrderView {
  if (order.requests && order.customerActions) return order;
  return { ...order, requests: order.requests ?? [], customerActions: order.customerActions ?? noActions };
}

/**
 * An order's message in a thread: the receipt card (the order as it now is: status, items, totals,
 * shipments and their tracking, the customer's requests), or a shipping update (what happened then, with
 * the order's status now). `viewer`: the customer (in their messenger: their buttons, Track, their
 * answers to the shop) or the page's team (in the inbox: the same card, read-only, tracking open).
 * `tabbable`: whether its buttons are in the tab order (the thread's roving focus).
 */
export function OrderCard({
  message,
  store,
  viewer,
  tabbable = true,
}: {
  message: OrderMessageView;
  store: Store<State>;
  viewer: OrderViewer;
  tabbable?: boolean;
}) {
  if (message.kind === 'refund') return message.refund ? <RefundUpdate refund={message.refund} /> : null;
  if (message.snapshot && message.kind === 'receipt')
    return (
      <ReceiptCard
        orderId={message.orderId}
        placed={message.snapshot}
        store={store}
        viewer={viewer}
        tabbable={tabbable}
      />
    );
  const update = message.update ?? updateOfSnapshot(message);
  return update ? <ShippingUpdate message={message} update={update} /> : null;
}

/**
 * The receipt card: the order as it now is (status, items, totals, addresses, shipments and their tracking,
 * its history, requests).
 */
function ReceiptCard({
  orderId,
  placed,
  store,
  viewer,
  tabbable,
}: {
  orderId: string;
  placed: OrderView;
  store: Store<State>;
  viewer: OrderViewer;
  tabbable: boolean;
}) {
  const { t } = useI18n();
  const order = useOrder(store, orderId, placed);
  const [tracking, setTracking] = useState(false);
  const shipmentsId = useId();
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
      <Receipt order={order} tracking={viewer === 'page' || tracking} tabbable={tabbable} shipmentsId={shipmentsId} />
      <OrderHistory order={order} tabbable={tabbable} />
      <OrderRequests order={order} store={store} viewer={viewer} tabbable={tabbable} />
      {viewer === 'customer' && (
        <OrderActions
          order={order}
          store={store}
          tracking={tracking}
          onTracking={setTracking}
          shipmentsId={shipmentsId}
          tabbable={tabbable}
        />
      )}
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
