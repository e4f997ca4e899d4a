import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { OrderView, ShipmentView } from '../../../protocol/commerce.ts';
import { orderPanelApi } from '../api/order-panel.ts';
import { formatMoney } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { newClientId } from '../lib/clientId.ts';
import { errorIdOf } from '../lib/errors.ts';
import { safeUrl } from '../lib/urls.ts';
import { applyOrder } from '../state/apply.ts';
import { useStoreOf } from '../state/store.ts';

import { CancelForm, RefundForm } from './OrderPanelForms.tsx';
import { PanelRequest } from './OrderPanelRequest.tsx';
import { cancellable, newestOrders, refundable, requestsOf, staleOrders, unknownOrders } from './orders.ts';
import type { InboxSession } from './session.ts';

/** What one order's actions report, in place: an error, or what was done (said to screen readers). */
interface Outcome {
  error: string | null;
  done: string | null;
}
const none: Outcome = { error: null, done: null };

/**
 * The order panel beside an open conversation of the page's inbox: the customer's orders with the page —
 * status, total, items, shipments and their tracking, refunds, the customer's requests — and what an
 * agent does with them: cancel (confirmed), record a refund, resend tracking, answer a request. Live: the
 * page's `order.updated` and `order.tracked` events (the inbox session's store) bring an order's newer view, and
 * an order the list does not hold yet has the list read again. Errors are shown beside what failed.
 */
export function OrderPanel({
  session,
  conversationId,
  customerName,
}: {
  session: InboxSession;
  conversationId: string;
  customerName: string;
}) {
  const { t, te } = useI18n();
  const pageId = session.pageId;
  const [list, setList] = useState<OrderView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(true);
  const live = useStoreOf(session.store, (s) => s.orders);
  const heads = useStoreOf(session.store, (s) => s.orderHeads);
  /** The page's orders (from events) the last read already knew of: no need to read again for them. */
  const seen = useRef<Set<string>>(new Set());
  const headingId = useId();

  const load = useCallback(() => {
    const known = new Set(Object.keys(session.store.getSnapshot().orders));
    return orderPanelApi.ofConversation(pageId, conversationId).then(
      (r) => {
        seen.current = known;
        setError(null);
        setList(r.orders);
        session.store.update((s) => r.orders.reduce(applyOrder, s));
      },
      (e: unknown) => setError(te(errorIdOf(e))),
    );
  }, [session, pageId, conversationId, te]);

  useEffect(() => {
    setList(null);
    void load();
  }, [load]);

  // A new order of the page, live: it may be this customer's; the list is read again (debounced). So it is
  // when a tracking change came for a listed order at a version the store did not hold.
  const missing = list
    ? [...unknownOrders(list, live, pageId, seen.current), ...staleOrders(list, live, heads)].join(',')
    : '';
  useEffect(() => {
    if (!missing) return;
    const timer = setTimeout(() => void load(), 250);
    return () => clearTimeout(timer);
  }, [missing, load]);

  const orders = list ? newestOrders(list, live) : [];
  const regionId = `${headingId}-orders`;
  return (
    <aside className="order-panel" aria-labelledby={headingId} data-testid="order-panel">
      <header className="order-panel-head">
        <h2 id={headingId}>{t('orders.panel.title')}</h2>
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-controls={regionId}
          data-testid="order-panel-toggle"
          onClick={() => setOpen(!open)}
        >
          {open ? t('orders.panel.hide') : t('orders.panel.show')}
        </button>
      </header>
      <section id={regionId} hidden={!open} aria-label={t('orders.panel.label', { name: customerName })}>
        {error && (
          <p className="form-error" role="alert" data-testid="order-panel-error">
            {t('orders.panel.loadFailed', { error })}
          </p>
        )}
        {list === null ? (
          !error && <p className="order-panel-note">{t('common.loading')}</p>
        ) : orders.length === 0 ? (
          <p className="order-panel-note" data-testid="order-panel-empty">
            {t('orders.panel.empty')}
          </p>
        ) : (
          <ul className="order-panel-list">
            {orders.map((o) => (
              <PanelOrder key={o.id} session={session} order={o} />
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}

/** One order in the panel, with its actions. */
function PanelOrder({ session, order }: { session: InboxSession; order: OrderView }) {
  const { t, te, locale, dateTime } = useI18n();
  const [outcome, setOutcome] = useState<Outcome>(none);
  const [form, setForm] = useState<'cancel' | 'refund' | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const refundRef = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  // A form closed (done, or Escape): the focus goes back to the button that opened it, or — gone with
  // the order's new state (cancelled, refunded in full) — to the line that says what was done.
  const opened = useRef<'cancel' | 'refund' | null>(null);
  useEffect(() => {
    if (form !== null) {
      opened.current = form;
      return;
    }
    const was = opened.current;
    opened.current = null;
    if (was === null) return;
    const button = was === 'cancel' ? cancelRef.current : refundRef.current;
    (button ?? doneRef.current)?.focus();
  }, [form]);
  const [busy, setBusy] = useState(false);
  const money = (n: number) => formatMoney(locale, n, order.currency);
  const pageId = session.pageId;

  /** Runs an action: its answer applied at once (events follow), its error or result said in place. */
  const act = async (work: () => Promise<{ order: OrderView } | null>, done: string): Promise<boolean> => {
    setBusy(true);
    setOutcome(none);
    try {
      const r = await work();
      if (r) session.store.update((s) => applyOrder(s, r.order));
      setOutcome({ error: null, done });
      return true;
    } catch (e) {
      setOutcome({ error: te(errorIdOf(e)), done: null });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const requests = requestsOf(order);
  return (
    <li
      className="order-panel-order"
      data-testid="panel-order"
      data-order-number={order.number}
      data-status={order.status}
      data-version={order.version}
    >
      <div className="order-panel-order-head">
        <span className="order-title">{t('order.title', { number: order.number })}</span>
        <span className={`order-badge order-status-${order.status}`} data-testid="panel-order-status">
          {t(`order.status.${order.status}`)}
        </span>
      </div>
      <p className="order-panel-note">
        <span data-testid="panel-order-total">{t('orders.panel.total', { amount: money(order.total) })}</span>
        {' · '}
        <time dateTime={order.placedAt}>{t('orders.panel.placed', { time: dateTime(order.placedAt) })}</time>
      </p>
      <h3 className="order-panel-sub">{t('orders.panel.items')}</h3>
      <ul className="order-panel-items">
        {order.items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an item is its position in the order
          <li key={i}>
            {t('orders.panel.item', { quantity: String(item.quantity), title: item.title })}
            <span className="order-amount">{money(item.quantity * item.unitPrice)}</span>
          </li>
        ))}
      </ul>

      <h3 className="order-panel-sub">{t('orders.panel.shipments')}</h3>
      {order.shipments.length === 0 ? (
        <p className="order-panel-note">{t('orders.panel.noShipments')}</p>
      ) : (
        <ul className="order-panel-shipments">
          {order.shipments.map((s) => (
            <PanelShipment
              key={s.id}
              shipment={s}
              busy={busy}
              onResend={() =>
                void act(
                  () => orderPanelApi.resendTracking(pageId, order.number, s.id),
                  t('orders.panel.resent', { tracking: s.trackingNumber }),
                )
              }
            />
          ))}
        </ul>
      )}

      {order.refunds?.length > 0 && (
        <>
          <h3 className="order-panel-sub">{t('orders.panel.refunds')}</h3>
          <ul className="order-panel-refunds" data-testid="panel-refunds">
            {order.refunds.map((r) => (
              <li key={r.id} data-testid="panel-refund">
                {t('orders.panel.refundLine', { amount: money(r.amount), time: dateTime(r.at) })}
                {r.reason ? ` · ${r.reason}` : ''}
              </li>
            ))}
          </ul>
          <p className="order-panel-note" data-testid="panel-refunded">
            {t('orders.panel.refundedOf', { amount: money(order.refunded), total: money(order.total) })}
          </p>
        </>
      )}

      {requests.length > 0 && (
        <>
          <h3 className="order-panel-sub">{t('orders.panel.requests')}</h3>
          <ul className="order-panel-requests">
            {requests.map((r) => (
              <PanelRequest
                key={r.id}
                order={order}
                request={r}
                busy={busy}
                onAnswer={(body) =>
                  act(
                    () => orderPanelApi.answerRequest(pageId, order.number, r.id, body),
                    t('orders.panel.request.answered'),
                  )
                }
              />
            ))}
          </ul>
        </>
      )}

      <div className="order-panel-actions">
        {cancellable(order) && form !== 'cancel' && (
          <button
            type="button"
            className="button button-small"
            ref={cancelRef}
            data-testid="panel-cancel"
            disabled={busy}
            onClick={() => {
              setOutcome(none);
              setForm('cancel');
            }}
          >
            {t('orders.panel.cancel')}
          </button>
        )}
        {refundable(order) && form !== 'refund' && (
          <button
            type="button"
            className="button button-small"
            ref={refundRef}
            data-testid="panel-refund-open"
            disabled={busy}
            onClick={() => {
              setOutcome(none);
              setForm('refund');
            }}
          >
            {t('orders.panel.refund')}
          </button>
        )}
      </div>
      {form === 'cancel' && cancellable(order) && (
        <CancelForm
          order={order}
          busy={busy}
          onClose={() => setForm(null)}
          onCancel={async (reason) => {
            const key = newClientId();
            const ok = await act(
              () => orderPanelApi.cancel(pageId, order.number, reason ? { reason } : {}, key),
              t('orders.panel.cancelled', { number: order.number }),
            );
            if (ok) setForm(null);
          }}
        />
      )}
      {form === 'refund' && (
        <RefundForm
          order={order}
          busy={busy}
          onClose={() => setForm(null)}
          onRefund={async (amount, reason) => {
            const ok = await act(
              () => orderPanelApi.refund(pageId, order.number, reason ? { amount, reason } : { amount }, newClientId()),
              t('orders.panel.refunded', { amount: money(amount) }),
            );
            if (ok) setForm(null);
          }}
        />
      )}
      {outcome.error && (
        <p className="form-error" role="alert" data-testid="panel-order-error">
          {outcome.error}
        </p>
      )}
      <p ref={doneRef} tabIndex={-1} className="order-panel-done" role="status" data-testid="panel-order-done">
        {outcome.done ?? ''}
      </p>
    </li>
  );
}

function PanelShipment({ shipment, busy, onResend }: { shipment: ShipmentView; busy: boolean; onResend: () => void }) {
  const { t, dateTime } = useI18n();
  const href = safeUrl(shipment.trackingUrl);
  return (
    <li data-testid="panel-shipment" data-shipment-id={shipment.id} data-status={shipment.status}>
      <div className="order-panel-order-head">
        <span>{shipment.carrier}</span>
        <span className="order-badge">{t(`shipment.status.${shipment.status}`)}</span>
      </div>
      <p className="order-panel-note">
        {href ? (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {t('orders.panel.trackingNumber', { tracking: shipment.trackingNumber })}
          </a>
        ) : (
          t('orders.panel.trackingNumber', { tracking: shipment.trackingNumber })
        )}
      </p>
      <ol className="order-timeline" aria-label={t('order.timeline')}>
        {shipment.events.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a shipment's events are only ever appended
          <li key={i}>
            <time dateTime={e.at}>{dateTime(e.at)}</time> {t(`shipment.status.${e.status}`)}
            {e.place ? ` · ${e.place}` : ''}
          </li>
        ))}
      </ol>
      <button type="button" className="link-button" data-testid="panel-resend" disabled={busy} onClick={onResend}>
        {t('orders.panel.resend')}
      </button>
    </li>
  );
}
