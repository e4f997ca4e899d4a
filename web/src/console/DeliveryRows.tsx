import { Fragment, useId } from 'react';
import type { DeliveryView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { deliveryStatus, isTestEvent, payloadText } from './deliveries.ts';

/** One delivery: its row, and below it, when opened, its detail. */
export function DeliveryRows({
  delivery: d,
  index,
  pageName,
  open,
  replaying,
  onToggle,
  onReplay,
}: {
  delivery: DeliveryView;
  index: number;
  pageName: string;
  open: boolean;
  replaying: boolean;
  onToggle: () => void;
  onReplay: () => void;
}) {
  const { t, dateTime } = useI18n();
  const detailId = useId();
  const status = deliveryStatus(d);
  const time = dateTime(d.createdAt);
  const test = isTestEvent(d);
  return (
    <Fragment>
      <tr
        className={`console-delivery${open ? ' open' : ''}`}
        data-testid="console-delivery"
        data-delivery-id={d.id}
        data-status={status}
        data-index={index}
      >
        <td>
          <button
            type="button"
            className="console-delivery-toggle"
            data-testid="console-delivery-toggle"
            aria-expanded={open}
            aria-controls={open ? detailId : undefined}
            aria-label={t('console.deliveries.detailsOf', { event: d.field, time })}
            onClick={onToggle}
          >
            <span className="console-chevron" aria-hidden="true" />
            <code data-testid="console-delivery-field">{d.field}</code>
          </button>
          {d.standby && <span className="console-tag">{t('console.deliveries.standby')}</span>}
          {test && (
            <span className="console-tag" data-testid="console-delivery-test-tag">
              {t('console.deliveries.testTag')}
            </span>
          )}
        </td>
        <td data-testid="console-delivery-page">{pageName}</td>
        <td>
          <span className={`console-badge console-badge-${status}`} data-testid="console-delivery-status">
            {t(`console.deliveries.status.${status}`)}
          </span>
          {d.status !== null && <span className="console-http">{d.status}</span>}
        </td>
        <td className="console-num" data-testid="console-delivery-attempts">
          {d.attempts}
        </td>
        <td className="console-num">
          {d.latencyMs === null ? '—' : t('console.deliveries.latencyMs', { ms: Math.round(d.latencyMs) })}
        </td>
        <td>
          <time dateTime={d.createdAt}>{time}</time>
        </td>
        <td>
          <button
            type="button"
            className="button button-small"
            data-testid="console-delivery-replay"
            aria-label={t('console.deliveries.replayOf', { event: d.field, time })}
            aria-disabled={replaying || undefined}
            onClick={onReplay}
          >
            {t('console.deliveries.replay')}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="console-delivery-detail" id={detailId} data-testid="console-delivery-detail">
          <td colSpan={7}>
            <DeliveryDetail delivery={d} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** A delivery's last attempt (what the webhook answered, or why it failed) and the event it carries. */
function DeliveryDetail({ delivery: d }: { delivery: DeliveryView }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="console-delivery-body">
      <dl className="console-facts">
        <dt>{t('console.deliveries.detail.id')}</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>{t('console.deliveries.detail.status')}</dt>
        <dd data-testid="console-delivery-http">
          {d.status !== null
            ? d.status
            : d.attempts > 0
              ? t('console.deliveries.detail.noAnswer')
              : t('console.deliveries.detail.notTried')}
        </dd>
        {d.lastAttemptAt && (
          <>
            <dt>{t('console.deliveries.detail.lastAttempt')}</dt>
            <dd>{dateTime(d.lastAttemptAt)}</dd>
          </>
        )}
        {d.nextAttemptAt && (
          <>
            <dt>{t('console.deliveries.detail.nextAttempt')}</dt>
            <dd>{dateTime(d.nextAttemptAt)}</dd>
          </>
        )}
        {d.deliveredAt && (
          <>
            <dt>{t('console.deliveries.detail.deliveredAt')}</dt>
            <dd>{dateTime(d.deliveredAt)}</dd>
          </>
        )}
        {d.error && (
          <>
            <dt>{t('console.deliveries.detail.error')}</dt>
            <dd data-testid="console-delivery-error">{d.error}</dd>
          </>
        )}
      </dl>
      {d.standby && <p className="field-hint">{t('console.deliveries.detail.standby')}</p>}
      {d.attempts > 0 && d.status !== null && (
        <>
          <p className="field-label">{t('console.deliveries.detail.snippet')}</p>
          {d.responseSnippet ? (
            <pre className="console-pre" data-testid="console-delivery-snippet">
              {d.responseSnippet}
            </pre>
          ) : (
            <p className="console-none" data-testid="console-delivery-snippet-empty">
              {t('console.deliveries.detail.emptySnippet')}
            </p>
          )}
        </>
      )}
      <p className="field-label">{t('console.deliveries.detail.payload')}</p>
      <pre className="console-pre" data-testid="console-delivery-payload">
        {payloadText(d)}
      </pre>
    </div>
  );
}
