import { type ReactNode, useId, useState } from 'react';
import { type OrderRequestResponse, requestLimits } from '../../../protocol/order-requests.ts';
import { ordersApi } from '../api/orders.ts';
import { type I18n, useI18n } from '../i18n/useI18n.ts';
import { badFields, errorIdOf } from '../lib/errors.ts';
import { applyOrder } from '../state/apply.ts';
import type { Store } from '../state/store.ts';
import type { State } from '../state/types.ts';
import { Dialog } from './Dialog.tsx';
import type { DraftProblem } from './order-requests.ts';

/**
 * What the order card's request dialogs share: the dialog (a form, Enter sends, the problem or the
 * server's refusal shown in it), its fields, and putting a request's answer into the store.
 */

export type OrderForm = 'change' | 'cancel' | 'return' | 'support';

/** A request's answer into the store: its order as it now is, so the card shows the request at once. */
export function applyAnswer(store: Store<State>, answer: OrderRequestResponse): void {
  store.update((s) => applyOrder(s, answer.order));
}

/** The order as it now is, into the store (a request's line whose order the thread has not loaded). */
export async function refreshOrder(store: Store<State>, orderId: string): Promise<void> {
  try {
    const { order } = await ordersApi.order(orderId);
    store.update((s) => applyOrder(s, order));
  } catch {
    // the order.updated event brings it
  }
}

/** The sentence for what a call threw: the catalogue's, with the fields a bad_request named. */
export function failureText(e: unknown, { te }: Pick<I18n, 'te'>): string {
  const fields = badFields(e);
  const text = te(errorIdOf(e));
  return fields.length > 0 ? `${text} (${fields.join(', ')})` : text;
}

/** Enter sends the form a textarea is in; Shift+Enter is a new line. */
export function enterSubmits(e: React.KeyboardEvent<HTMLTextAreaElement>): void {
  if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
  e.preventDefault();
  e.currentTarget.form?.requestSubmit();
}

export function RequestDialog({
  form,
  title,
  submitLabel,
  dismissLabel,
  danger,
  send,
  onDone,
  onClose,
  children,
}: {
  form: OrderForm;
  title: string;
  submitLabel: string;
  dismissLabel?: string;
  danger?: boolean;
  /** Makes the call, or says what to fix first. */
  send: () => Promise<unknown> | DraftProblem;
  onDone: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (busy) return;
    const call = send();
    if (typeof call === 'string') {
      setError(t(`orderRequest.problem.${call}`));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call;
      onDone();
    } catch (e) {
      setBusy(false);
      setError(failureText(e, i18n));
    }
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      testId={`order-form-${form}`}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {dismissLabel ?? t('common.cancel')}
          </button>
          <button
            type="submit"
            form={id}
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            disabled={busy}
            data-testid="order-form-submit"
          >
            {busy ? t('orderRequest.form.busy') : submitLabel}
          </button>
        </>
      }
    >
      <form
        id={id}
        noValidate
        className="order-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {children}
        {error && (
          <p className="form-error" role="alert" data-testid="order-form-error">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}

export function NoteField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <textarea
        id={id}
        className="input order-form-note"
        rows={2}
        maxLength={requestLimits.note}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={enterSubmits}
        data-testid="order-form-note"
      />
    </>
  );
}

export function QuantityField({
  label,
  value,
  max,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  max: number;
  onChange: (v: string) => void;
  testId: string;
}) {
  const id = useId();
  return (
    <div className="order-form-row">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input order-form-qty"
        type="number"
        inputMode="numeric"
        min={0}
        max={max}
        step={1}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </div>
  );
}
