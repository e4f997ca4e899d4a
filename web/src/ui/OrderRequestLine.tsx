import { useEffect } from 'react';
import type { OrderRequestMessageView } from '../../../protocol/order-requests.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { type Store, useStoreOf } from '../state/store.ts';
import type { State } from '../state/types.ts';
import { refreshOrder } from './OrderRequestDialog.tsx';
import './order.css';

/**
 * A thread's message about a request on an order (asked, answered, replied): a short line naming the
 * request and its order ("Change requested — order 1042"), above the message's own words (the bubble's
 * text: the note or the answer, what screen readers and notifications read); pressed, it takes the person
 * to the request on the order's card. The order's number comes from the store (the card in the same
 * thread loads it), else from one read of the order.
 */
export function OrderRequestLine({ request, store }: { request: OrderRequestMessageView; store: Store<State> }) {
  const { t } = useI18n();
  const number = useStoreOf(store, (s) => s.orders[request.orderId]?.number ?? null);
  const orderId = request.orderId;
  useEffect(() => {
    if (!store.getSnapshot().orders[orderId]) void refreshOrder(store, orderId);
  }, [store, orderId]);
  return (
    <p
      className="order-request-line"
      data-testid="order-request-line"
      data-order-id={request.orderId}
      data-request-id={request.requestId}
      data-kind={request.kind}
      data-state={request.state}
    >
      {/* To the request on the order's card, in this thread: scrolled to and focused. */}
      <button
        type="button"
        className="link-button order-request-line-what"
        data-testid="order-request-line-goto"
        onClick={() => {
          const onCard = document.getElementById(`order-request-${request.requestId}`);
          onCard?.scrollIntoView({ block: 'center' });
          onCard?.focus();
        }}
      >
        {t(`orderRequest.line.${request.kind}.${request.state}`)}
      </button>
      {number !== null && (
        <>
          {' — '}
          <span>{t('orderRequest.ofOrder', { number })}</span>
        </>
      )}
    </p>
  );
}
