import { useId, useState } from 'react';
import type { OrderView } from '../../../protocol/commerce.ts';
import type { AnswerRequestBody, OrderRequestView } from '../../../protocol/order-requests.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { RequestPhotos } from '../ui/OrderPhotos.tsx';

/** The page's answers to a request, as the panel offers them. */
const decisions = [
  { decision: 'accept', testId: 'accept', label: 'orders.panel.request.accept' },
  { decision: 'reject', testId: 'reject', label: 'orders.panel.request.reject' },
  { decision: 'needs_info', testId: 'ask', label: 'orders.panel.request.askInfo' },
] as const satisfies readonly { decision: AnswerRequestBody['decision']; testId: string; label: string }[];

/**
 * A customer's request: its kind, state and what was asked; a requested one is answered here (accept,
 * reject, or ask for information — which needs a message, said in place when missing).
 */
export function PanelRequest({
  order,
  request,
  busy,
  onAnswer,
}: {
  order: OrderView;
  request: OrderRequestView;
  busy: boolean;
  onAnswer: (body: AnswerRequestBody) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const id = useId();
  const asked: string[] = [];
  for (const c of request.change?.items ?? [])
    asked.push(
      t('orders.panel.request.asked.items', {
        item: order.items[c.item]?.title ?? String(c.item + 1),
        quantity: String(c.quantity),
      }),
    );
  const a = request.change?.shippingAddress;
  if (a)
    asked.push(
      t('orders.panel.request.asked.address', {
        address: [a.name, a.street1, a.street2, `${a.postalCode} ${a.city}`, a.state, a.country]
          .filter(Boolean)
          .join(', '),
      }),
    );
  if (request.reason)
    asked.push(t('orders.panel.request.asked.reason', { reason: t(`orders.panel.request.reason.${request.reason}`) }));
  if (request.note) asked.push(t('orders.panel.request.note', { note: request.note }));
  const answer = async (decision: AnswerRequestBody['decision']) => {
    const text = message.trim();
    if (decision === 'needs_info' && text === '') {
      setInvalid(t('orders.panel.request.messageNeeded'));
      return;
    }
    setInvalid(null);
    if (await onAnswer(text ? { decision, message: text } : { decision })) setMessage('');
  };
  return (
    <li data-testid="panel-request" data-request-id={request.id} data-state={request.state}>
      <div className="order-panel-order-head">
        <span>{t(`orders.panel.request.${request.kind}`)}</span>
        <span className="order-badge">{t(`orders.panel.request.state.${request.state}`)}</span>
      </div>
      {asked.map((line) => (
        <p key={line} className="order-panel-note">
          {line}
        </p>
      ))}
      <RequestPhotos photos={request.photos} testId="panel-request-photos" />
      {request.state === 'requested' && (
        <div className="order-panel-form">
          <label htmlFor={`${id}-message`}>{t('orders.panel.request.message')}</label>
          <textarea
            id={`${id}-message`}
            rows={2}
            maxLength={1000}
            value={message}
            aria-invalid={invalid !== null}
            data-testid="panel-request-message"
            onChange={(e) => setMessage(e.target.value)}
          />
          {invalid && (
            <p className="form-error" role="alert">
              {invalid}
            </p>
          )}
          <div className="order-panel-actions">
            {decisions.map(({ decision, testId, label }) => (
              <button
                key={decision}
                type="button"
                className={`button button-small${decision === 'accept' ? ' button-primary' : ''}`}
                disabled={busy}
                data-testid={`panel-request-${testId}`}
                onClick={() => void answer(decision)}
              >
                {t(label)}
              </button>
            ))}
          </div>
        </div>
      )}
    </li>
  );
}
