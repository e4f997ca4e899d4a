import { useId, useRef, useState } from 'react';
import type { OrderView } from '../../../protocol/commerce.ts';
import { type OrderRequestResponse, type OrderRequestView, requestLimits } from '../../../protocol/order-requests.ts';
import { ordersApi } from '../api/orders.ts';
import { useI18n } from '../i18n/useI18n.ts';
import type { Store } from '../state/store.ts';
import type { State } from '../state/types.ts';
import { RequestPhotos } from './OrderPhotos.tsx';
import { applyAnswer, enterSubmits, failureText } from './OrderRequestDialog.tsx';
import { addressText, canWithdraw, questionOf, stepKind } from './order-requests.ts';

export type OrderViewer = 'customer' | 'page';

/**
 * The requests made on an order, on its card: each with its kind and state, what was asked, its history
 * (who, when, what they wrote). The customer answers the shop's question and withdraws a request the shop
 * has not decided yet; the page's team sees the same, read-only. They change in place with the order.
 */
export function OrderRequests({
  order,
  store,
  viewer,
  tabbable,
}: {
  order: OrderView;
  store: Store<State>;
  viewer: OrderViewer;
  tabbable: boolean;
}) {
  const { t } = useI18n();
  if (order.requests.length === 0) return null;
  return (
    <section
      className="order-requests"
      aria-label={t(viewer === 'customer' ? 'orderRequest.requests' : 'orderRequest.requestsOfCustomer')}
    >
      <ul>
        {order.requests.map((r) => (
          <Request key={r.id} order={order} request={r} store={store} viewer={viewer} tabbable={tabbable} />
        ))}
      </ul>
    </section>
  );
}

function Request({
  order,
  request: r,
  store,
  viewer,
  tabbable,
}: {
  order: OrderView;
  request: OrderRequestView;
  store: Store<State>;
  viewer: OrderViewer;
  tabbable: boolean;
}) {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shop = order.merchantName ?? t('orderRequest.by.shop');
  const customer = t('orderRequest.by.customer');
  const question = questionOf(r);
  const mine = viewer === 'customer';
  const self = useRef<HTMLLIElement>(null);

  const act = async (call: () => Promise<OrderRequestResponse>): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    try {
      applyAnswer(store, await call());
      // The button or field that had focus may be gone with the new state: keep the person's place.
      self.current?.focus();
      return true;
    } catch (e) {
      setError(failureText(e, i18n));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      ref={self}
      className="order-request"
      id={`order-request-${r.id}`}
      tabIndex={-1}
      data-testid="order-request"
      data-request-id={r.id}
      data-kind={r.kind}
      data-state={r.state}
    >
      <div className="order-request-head">
        <span className="order-request-kind">{t(`orderRequest.kind.${r.kind}`)}</span>
        <span className={`order-badge order-request-${r.state}`} data-testid="order-request-state">
          {t(`orderRequest.state.${r.state}`)}
        </span>
      </div>
      <Asked order={order} request={r} />
      <RequestPhotos photos={r.photos} testId="order-request-photos" tabbable={tabbable} />
      {question?.text && (
        <p className="order-request-question" data-testid="order-request-question">
          {t('orderRequest.question', { who: shop, text: question.text })}
        </p>
      )}
      {r.history.length > 0 && (
        <ol className="order-timeline order-request-history" aria-label={t('orderRequest.history')}>
          {r.history.map((step, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a request's history is only ever appended
            <li key={i} data-testid="order-request-step">
              {step.by === 'customer' && mine
                ? t(`orderRequest.you.${stepKind(step, i)}`)
                : t(`orderRequest.by.${stepKind(step, i)}`, { who: step.by === 'customer' ? customer : shop })}
              {' · '}
              <time dateTime={step.at}>{dateTime(step.at)}</time>
              {step.text && <q className="order-request-text">{step.text}</q>}
            </li>
          ))}
        </ol>
      )}
      {mine && question && (
        <ReplyForm
          tabbable={tabbable}
          busy={busy}
          onSend={(text) => act(() => ordersApi.reply(order.id, r.id, { text }))}
        />
      )}
      {mine && canWithdraw(r) && (
        <div className="msg-buttons">
          <button
            type="button"
            className="msg-button"
            tabIndex={tabbable ? 0 : -1}
            disabled={busy}
            onClick={() => void act(() => ordersApi.withdraw(order.id, r.id))}
            data-testid="order-request-withdraw"
          >
            {t('orderRequest.withdraw')}
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="order-request-error">
          {error}
        </p>
      )}
    </li>
  );
}

/** What the request asks: new quantities and address, a cancellation, a return's reason and items; its note. */
function Asked({ order, request: r }: { order: OrderView; request: OrderRequestView }) {
  const { t } = useI18n();
  const title = (item: number) => order.items[item]?.title ?? `#${item + 1}`;
  const lines: string[] = [];
  if (r.kind === 'change') {
    for (const x of r.change?.items ?? [])
      lines.push(
        x.quantity === 0
          ? t('orderRequest.asked.remove', { title: title(x.item) })
          : t('orderRequest.asked.quantity', { title: title(x.item), count: String(x.quantity) }),
      );
    if (r.change?.shippingAddress)
      lines.push(t('orderRequest.asked.address', { address: addressText(r.change.shippingAddress) }));
  } else if (r.kind === 'cancel') {
    lines.push(t('orderRequest.asked.cancel'));
  } else {
    if (r.reason) lines.push(t('orderRequest.asked.reason', { reason: t(`orderRequest.reason.${r.reason}`) }));
    if (r.items)
      for (const x of r.items)
        lines.push(t('orderRequest.asked.returnItem', { title: title(x.item), count: String(x.quantity) }));
    else lines.push(t('orderRequest.asked.returnAll'));
  }
  // The note, unless the history already quotes it (the asking step's words).
  if (r.note && r.history[0]?.text !== r.note) lines.push(t('orderRequest.asked.note', { note: r.note }));
  return (
    <ul className="order-request-asked" data-testid="order-request-asked">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one request, in a fixed order
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

/** The customer's answer to the shop's question: Enter sends it (Shift+Enter, a new line). */
function ReplyForm({
  tabbable,
  busy,
  onSend,
}: {
  tabbable: boolean;
  busy: boolean;
  onSend: (text: string) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  return (
    <form
      className="order-request-reply"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const words = text.trim();
        if (!words) return;
        void onSend(words).then((sent) => {
          if (sent) setText('');
        });
      }}
    >
      <label className="field-label" htmlFor={id}>
        {t('orderRequest.reply.label')}
      </label>
      <textarea
        id={id}
        className="input"
        rows={2}
        maxLength={requestLimits.note}
        value={text}
        tabIndex={tabbable ? 0 : -1}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={enterSubmits}
        data-testid="order-request-reply"
      />
      <button
        type="submit"
        className="msg-button"
        tabIndex={tabbable ? 0 : -1}
        disabled={busy || text.trim().length === 0}
        data-testid="order-request-reply-send"
      >
        {t('orderRequest.reply.send')}
      </button>
    </form>
  );
}
