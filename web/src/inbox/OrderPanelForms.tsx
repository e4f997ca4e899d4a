import { useEffect, useId, useRef, useState } from 'react';
import type { OrderView } from '../../../protocol/commerce.ts';
import { formatMoney } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { exampleAmount, minorUnitsOf } from './orders.ts';

/** Cancelling is confirmed first: the focus goes to the confirmation; Escape keeps the order. */
export function CancelForm({
  order,
  busy,
  onClose,
  onCancel,
}: {
  order: OrderView;
  busy: boolean;
  onClose: () => void;
  onCancel: (reason: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const confirmRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <form
      className="order-panel-form"
      data-testid="panel-cancel-form"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
      onSubmit={(e) => {
        e.preventDefault();
        void onCancel(reason.trim());
      }}
    >
      <p>{t('orders.panel.cancel.confirm', { number: order.number })}</p>
      <label htmlFor={`${id}-reason`}>{t('orders.panel.cancel.reason')}</label>
      <input
        id={`${id}-reason`}
        value={reason}
        maxLength={256}
        data-testid="panel-cancel-reason"
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="order-panel-actions">
        <button
          ref={confirmRef}
          type="submit"
          className="button button-small button-danger"
          data-testid="panel-cancel-yes"
          disabled={busy}
        >
          {t('orders.panel.cancel.yes')}
        </button>
        <button type="button" className="button button-small" data-testid="panel-cancel-keep" onClick={onClose}>
          {t('orders.panel.cancel.keep')}
        </button>
      </div>
    </form>
  );
}

/**
 * A refund in the currency's major units ("12.50"), read into minor units (protocol/currencies.ts); what
 * is not an amount, or more than is left, is said beside the field before anything is sent.
 */
export function RefundForm({
  order,
  busy,
  onClose,
  onRefund,
}: {
  order: OrderView;
  busy: boolean;
  onClose: () => void;
  onRefund: (amount: number, reason: string) => Promise<void>;
}) {
  const { t, locale } = useI18n();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => amountRef.current?.focus(), []);
  const left = order.total - (order.refunded ?? 0);
  const example = exampleAmount(order.currency);
  const leftText = formatMoney(locale, left, order.currency);
  return (
    <form
      className="order-panel-form"
      data-testid="panel-refund-form"
      noValidate
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
      onSubmit={(e) => {
        e.preventDefault();
        const minor = minorUnitsOf(amount, order.currency);
        if (minor === null) return setInvalid(t('orders.panel.refund.invalid', { example }));
        if (minor > left) return setInvalid(t('orders.panel.refund.tooMuch', { left: leftText }));
        setInvalid(null);
        void onRefund(minor, reason.trim());
      }}
    >
      <label htmlFor={`${id}-amount`}>{t('orders.panel.refund.amount', { currency: order.currency })}</label>
      <input
        ref={amountRef}
        id={`${id}-amount`}
        inputMode="decimal"
        autoComplete="off"
        value={amount}
        data-testid="panel-refund-amount"
        aria-invalid={invalid !== null}
        aria-describedby={`${id}-hint${invalid ? ` ${id}-invalid` : ''}`}
        onChange={(e) => setAmount(e.target.value)}
      />
      <p id={`${id}-hint`} className="order-panel-note">
        {t('orders.panel.refund.hint', { example, left: leftText })}
      </p>
      {invalid && (
        <p id={`${id}-invalid`} className="form-error" role="alert" data-testid="panel-refund-invalid">
          {invalid}
        </p>
      )}
      <label htmlFor={`${id}-reason`}>{t('orders.panel.refund.reason')}</label>
      <input
        id={`${id}-reason`}
        value={reason}
        maxLength={256}
        data-testid="panel-refund-reason"
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="order-panel-actions">
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="panel-refund-submit"
          disabled={busy}
        >
          {t('orders.panel.refund.submit')}
        </button>
        <button type="button" className="button button-small" onClick={onClose}>
          {t('orders.panel.refund.close')}
        </button>
      </div>
    </form>
  );
}
