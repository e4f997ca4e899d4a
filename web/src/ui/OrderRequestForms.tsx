import { type ReactNode, useId, useState } from 'react';
import type { OrderView } from '../../../protocol/commerce.ts';
import { type ReturnReason, requestLimits, returnReasons } from '../../../protocol/order-requests.ts';
import { ordersApi } from '../api/orders.ts';
import type { I18n } from '../i18n/useI18n.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { badFields, errorIdOf } from '../lib/errors.ts';
import { applyOrder } from '../state/apply.ts';
import type { Store } from '../state/store.ts';
import type { State } from '../state/types.ts';
import { Dialog } from './Dialog.tsx';
import {
  type AddressDraft,
  addressDraftOf,
  addressFields,
  cancelRequest,
  changeRequest,
  type Drafted,
  type DraftProblem,
  requiredAddressFields,
  returnRequest,
} from './order-requests.ts';
import { showToast } from './toasts.ts';

/**
 * The customer's forms on an order card, each in a modal dialog (focus moves into it and back to the
 * button, Escape closes it, Enter sends — Shift+Enter for a new line in a note): Change, Cancel, Return
 * or report a problem, Contact support. What is missing is said before anything is sent; what the server
 * refuses is shown in the dialog, in the person's language.
 */

export type OrderForm = 'change' | 'cancel' | 'return' | 'support';

/** The order as it now is, into the store: the card shows the request at once (its event may follow). */
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

function RequestDialog({
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

function NoteField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
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

function QuantityField({
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

interface FormProps {
  order: OrderView;
  store: Store<State>;
  onClose: () => void;
}

/** What the store and the person get once a request is made. */
function useDone(store: Store<State>, order: OrderView, onClose: () => void, sentKey: 'sent' | 'supportSent') {
  const { t } = useI18n();
  return () => {
    onClose();
    showToast(t(`orderRequest.${sentKey}`));
    void refreshOrder(store, order.id);
  };
}

const send = (order: OrderView, drafted: Drafted): Promise<unknown> | DraftProblem =>
  drafted.problem ?? ordersApi.createRequest(order.id, drafted.body);

/** Change: a quantity per item (0 removes it) and the delivery address, as the page's policy allows. */
export function ChangeForm({ order, store, onClose }: FormProps) {
  const { t } = useI18n();
  // What the page allowed when the form opened: a change of policy or status while it is open is the
  // server's to refuse (shown here), not a reason to take away what the person is typing.
  const [{ changeItems: items, changeAddress: addressAllowed }] = useState(order.customerActions);
  const [quantities, setQuantities] = useState(() => order.items.map((i) => String(i.quantity)));
  const [address, setAddress] = useState<AddressDraft>(() => addressDraftOf(order.shippingAddress));
  const [note, setNote] = useState('');
  const done = useDone(store, order, onClose, 'sent');
  return (
    <RequestDialog
      form="change"
      title={t('orderRequest.form.change.title', { number: order.number })}
      submitLabel={t('orderRequest.form.change.submit')}
      send={() =>
        send(
          order,
          changeRequest(order, {
            quantities: items ? quantities : null,
            address: addressAllowed ? address : null,
            note,
          }),
        )
      }
      onDone={done}
      onClose={onClose}
    >
      {items && (
        <fieldset className="order-form-group">
          <legend className="field-label">{t('orderRequest.form.quantities')}</legend>
          {order.items.map((item, i) => (
            <QuantityField
              // biome-ignore lint/suspicious/noArrayIndexKey: an item is its position in the order
              key={i}
              label={t('orderRequest.form.quantityOf', { title: item.title })}
              value={quantities[i] ?? ''}
              max={1_000_000}
              onChange={(v) => setQuantities((q) => q.map((x, j) => (j === i ? v : x)))}
              testId="order-form-quantity"
            />
          ))}
          <p className="field-hint">{t('orderRequest.form.quantityHint')}</p>
        </fieldset>
      )}
      {addressAllowed && (
        <fieldset className="order-form-group">
          <legend className="field-label">{t('orderRequest.form.address')}</legend>
          {addressFields.map((k) => (
            <AddressField
              key={k}
              field={k}
              value={address[k]}
              onChange={(v) => setAddress((a) => ({ ...a, [k]: v }))}
            />
          ))}
        </fieldset>
      )}
      <NoteField label={t('orderRequest.form.note')} value={note} onChange={setNote} />
    </RequestDialog>
  );
}

function AddressField({
  field,
  value,
  onChange,
}: {
  field: keyof AddressDraft;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const required = requiredAddressFields.includes(field);
  return (
    <div className="order-form-row">
      <label htmlFor={id}>{t(`orderRequest.form.address.${field}`)}</label>
      <input
        id={id}
        className="input"
        value={value}
        maxLength={256}
        required={required}
        aria-required={required}
        autoComplete={autocomplete[field]}
        onChange={(e) => onChange(e.target.value)}
        data-testid={`order-form-address-${field}`}
      />
    </div>
  );
}

const autocomplete: Record<keyof AddressDraft, string> = {
  name: 'shipping name',
  street1: 'shipping address-line1',
  street2: 'shipping address-line2',
  city: 'shipping address-level2',
  postalCode: 'shipping postal-code',
  state: 'shipping address-level1',
  country: 'shipping country-name',
};

/** Cancel: a confirmation, with an optional note for the shop. */
export function CancelForm({ order, store, onClose }: FormProps) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const done = useDone(store, order, onClose, 'sent');
  return (
    <RequestDialog
      form="cancel"
      title={t('orderRequest.form.cancel.title', { number: order.number })}
      submitLabel={t('orderRequest.form.cancel.submit')}
      dismissLabel={t('orderRequest.form.keep')}
      danger
      send={() => send(order, cancelRequest(note))}
      onDone={done}
      onClose={onClose}
    >
      <p>{t('orderRequest.form.cancel.body')}</p>
      <NoteField label={t('orderRequest.form.note')} value={note} onChange={setNote} />
    </RequestDialog>
  );
}

/** Return or report a problem: a reason, what goes back (everything unless changed), a note. */
export function ReturnForm({ order, store, onClose }: FormProps) {
  const { t } = useI18n();
  const reasonId = useId();
  const [reason, setReason] = useState<ReturnReason>('damaged');
  const [quantities, setQuantities] = useState(() => order.items.map((i) => String(i.quantity)));
  const [note, setNote] = useState('');
  const done = useDone(store, order, onClose, 'sent');
  return (
    <RequestDialog
      form="return"
      title={t('orderRequest.form.return.title', { number: order.number })}
      submitLabel={t('orderRequest.form.return.submit')}
      send={() => send(order, returnRequest(order, { reason, quantities, note }))}
      onDone={done}
      onClose={onClose}
    >
      <label className="field-label" htmlFor={reasonId}>
        {t('orderRequest.form.reason')}
      </label>
      <select
        id={reasonId}
        className="input select"
        value={reason}
        onChange={(e) => setReason(e.target.value as ReturnReason)}
        data-testid="order-form-reason"
      >
        {returnReasons.map((r) => (
          <option key={r} value={r}>
            {t(`orderRequest.reason.${r}`)}
          </option>
        ))}
      </select>
      <fieldset className="order-form-group">
        <legend className="field-label">{t('orderRequest.form.returnItems')}</legend>
        {order.items.map((item, i) => (
          <QuantityField
            // biome-ignore lint/suspicious/noArrayIndexKey: an item is its position in the order
            key={i}
            label={t('orderRequest.form.returnQuantityOf', { title: item.title })}
            value={quantities[i] ?? ''}
            max={item.quantity}
            onChange={(v) => setQuantities((q) => q.map((x, j) => (j === i ? v : x)))}
            testId="order-form-return-quantity"
          />
        ))}
        <p className="field-hint">{t('orderRequest.form.returnHint')}</p>
      </fieldset>
      <NoteField label={t('orderRequest.form.note')} value={note} onChange={setNote} />
    </RequestDialog>
  );
}

/** Contact support: the thread goes to the shop's team, with the customer's words if any. */
export function SupportForm({ order, store, onClose }: FormProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const done = useDone(store, order, onClose, 'supportSent');
  return (
    <RequestDialog
      form="support"
      title={t('orderRequest.form.support.title')}
      submitLabel={t('orderRequest.form.support.submit')}
      send={() => {
        const words = text.trim();
        if (words.length > requestLimits.note) return 'note_too_long';
        return ordersApi.contactSupport(order.id, words ? { text: words } : {});
      }}
      onDone={done}
      onClose={onClose}
    >
      <p>{t('orderRequest.form.support.body')}</p>
      <NoteField label={t('orderRequest.form.support.text')} value={text} onChange={setText} />
    </RequestDialog>
  );
}
