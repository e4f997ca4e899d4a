import { useId, useReducer, useState } from 'react';
import type { OrderView } from '../../../protocol/commerce.ts';
import { type ReturnReason, requestLimits, returnReasons } from '../../../protocol/order-requests.ts';
import { ordersApi } from '../api/orders.ts';
import { useI18n } from '../i18n/useI18n.ts';
import type { Store } from '../state/store.ts';
import type { State } from '../state/types.ts';
import { PhotoField } from './OrderPhotos.tsx';
import { applyAnswer, NoteField, QuantityField, RequestDialog } from './OrderRequestDialog.tsx';
import { photosReducer } from './order-photos.ts';
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

interface FormProps {
  order: OrderView;
  store: Store<State>;
  onClose: () => void;
}

/** What the person gets once a request is made: the dialog closed, a notice. */
function useDone(onClose: () => void, sentKey: 'sent' | 'supportSent') {
  const { t } = useI18n();
  return () => {
    onClose();
    showToast(t(`orderRequest.${sentKey}`));
  };
}

/** Makes the request the form drafted (its order into the store), or says what to fix. */
const send = (store: Store<State>, order: OrderView, drafted: Drafted): Promise<unknown> | DraftProblem =>
  drafted.problem ?? ordersApi.createRequest(order.id, drafted.body).then((answer) => applyAnswer(store, answer));

/** Change: a quantity per item (0 removes it) and the delivery address, as the page's policy allows. */
export function ChangeForm({ order, store, onClose }: FormProps) {
  const { t } = useI18n();
  // What the page allowed when the form opened: a change of policy or status while it is open is the
  // server's to refuse (shown here), not a reason to take away what the person is typing.
  const [{ changeItems: items, changeAddress: addressAllowed }] = useState(order.customerActions);
  const [quantities, setQuantities] = useState(() => order.items.map((i) => String(i.quantity)));
  const [address, setAddress] = useState<AddressDraft>(() => addressDraftOf(order.shippingAddress));
  const [note, setNote] = useState('');
  const done = useDone(onClose, 'sent');
  return (
    <RequestDialog
      form="change"
      title={t('orderRequest.form.change.title', { number: order.number })}
      submitLabel={t('orderRequest.form.change.submit')}
      send={() =>
        send(
          store,
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
  const done = useDone(onClose, 'sent');
  return (
    <RequestDialog
      form="cancel"
      title={t('orderRequest.form.cancel.title', { number: order.number })}
      submitLabel={t('orderRequest.form.cancel.submit')}
      dismissLabel={t('orderRequest.form.keep')}
      danger
      send={() => send(store, order, cancelRequest(note))}
      onDone={done}
      onClose={onClose}
    >
      <p>{t('orderRequest.form.cancel.body')}</p>
      <NoteField label={t('orderRequest.form.note')} value={note} onChange={setNote} />
    </RequestDialog>
  );
}

/** Return or report a problem: a reason, what goes back (everything unless changed), a note, photos. */
export function ReturnForm({ order, store, onClose }: FormProps) {
  const { t } = useI18n();
  const reasonId = useId();
  const [reason, setReason] = useState<ReturnReason>('damaged');
  const [quantities, setQuantities] = useState(() => order.items.map((i) => String(i.quantity)));
  const [note, setNote] = useState('');
  const [photos, dispatchPhotos] = useReducer(photosReducer, []);
  const done = useDone(onClose, 'sent');
  return (
    <RequestDialog
      form="return"
      title={t('orderRequest.form.return.title', { number: order.number })}
      submitLabel={t('orderRequest.form.return.submit')}
      send={() => send(store, order, returnRequest(order, { reason, quantities, note, photos }))}
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
      <PhotoField photos={photos} dispatch={dispatchPhotos} />
    </RequestDialog>
  );
}

/** Contact support: the thread goes to the shop's team, with the customer's words if any. */
export function SupportForm({ order, onClose }: FormProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const done = useDone(onClose, 'supportSent');
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
