import { useState } from 'react';
import type { OrderView } from '../../../protocol/commerce.ts';
import { useI18n } from '../i18n/useI18n.ts';
import type { Store } from '../state/store.ts';
import type { State } from '../state/types.ts';
import type { OrderForm } from './OrderRequestDialog.tsx';
import { CancelForm, ChangeForm, ReturnForm, SupportForm } from './OrderRequestForms.tsx';

/**
 * The customer's buttons under their order's card: Track once something shipped (shows the shipments'
 * timelines and the carrier's page), then those the page's policy allows now (`customerActions`), and
 * Contact support. Each form opens in a dialog; focus comes back to its button when it closes.
 */
export function OrderActions({
  order,
  store,
  tracking,
  onTracking,
  shipmentsId,
  tabbable,
}: {
  order: OrderView;
  store: Store<State>;
  tracking: boolean;
  onTracking: (on: boolean) => void;
  shipmentsId: string;
  tabbable: boolean;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState<OrderForm | null>(null);
  const can = order.customerActions;
  const tabIndex = tabbable ? 0 : -1;
  const button = (form: OrderForm, label: string) => (
    <button
      type="button"
      className="msg-button"
      tabIndex={tabIndex}
      onClick={() => setOpen(form)}
      data-testid={`order-action-${form}`}
      aria-haspopup="dialog"
    >
      {label}
    </button>
  );
  const close = () => setOpen(null);
  return (
    <>
      <fieldset className="msg-buttons order-actions">
        <legend className="sr-only">{t('order.actions')}</legend>
        {order.shipments.length > 0 && (
          <button
            type="button"
            className="msg-button"
            tabIndex={tabIndex}
            aria-expanded={tracking}
            aria-controls={shipmentsId}
            onClick={() => onTracking(!tracking)}
            data-testid="order-action-track"
          >
            {t('order.action.track')}
          </button>
        )}
        {(can.changeItems || can.changeAddress) && button('change', t('order.action.change'))}
        {can.cancel && button('cancel', t('order.action.cancel'))}
        {can.return && button('return', t('order.action.return'))}
        {button('support', t('order.action.support'))}
      </fieldset>
      {open === 'change' && <ChangeForm order={order} store={store} onClose={close} />}
      {open === 'cancel' && <CancelForm order={order} store={store} onClose={close} />}
      {open === 'return' && <ReturnForm order={order} store={store} onClose={close} />}
      {open === 'support' && <SupportForm order={order} store={store} onClose={close} />}
    </>
  );
}
