import { useEffect, useState } from 'react';
import type { PageAppView } from '../../../protocol/views.ts';
import { loadPageApps } from '../app/pages.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { failedFor } from './apps.ts';

/**
 * For the page's admins: the apps connected to the page, whoever made them, each with its webhook's state
 * — and for one the dispatcher disabled, since when, after failing how long, and why (only the app's owner
 * can set it again, in their console). Of the webhook's URL the server gives only its origin.
 */
export function PageApps({ pageId }: { pageId: string }) {
  const apps = useStore((s) => s.pageApps[pageId]);
  const { t, te } = useI18n();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadPageApps(pageId).catch((e: unknown) => setError(te(errorIdOf(e))));
  }, [pageId, te]);

  return (
    <section aria-labelledby="page-apps-title" data-testid="page-apps">
      <h3 id="page-apps-title" className="section-title">
        {t('pages.apps.title')}
      </h3>
      <p className="field-hint">{t('pages.apps.intro')}</p>
      {!apps && !error && <p className="field-hint">{t('common.loading')}</p>}
      {apps?.length === 0 && (
        <p className="field-hint" data-testid="page-apps-none">
          {t('pages.apps.none')}
        </p>
      )}
      {apps && apps.length > 0 && (
        <ul className="pages-apps">
          {apps.map((app) => (
            <PageAppItem key={app.id} app={app} />
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

const failedKey = {
  hours: 'pages.apps.disabledAfterHours',
  minutes: 'pages.apps.disabledAfterMinutes',
  moments: 'pages.apps.disabledAfterMoments',
} as const;

function PageAppItem({ app }: { app: PageAppView }) {
  const { t, dateTime } = useI18n();
  const w = app.webhook;
  const owner = app.owner?.username;
  const failed = w.disabledAt && w.failingSince ? failedFor(w.failingSince, w.disabledAt) : null;
  return (
    <li className="pages-app" data-testid="page-app" data-app-id={app.id} data-status={w.status}>
      <span className="pages-app-head">
        <strong className="pages-app-name">{app.name}</strong>
        <span className={`pages-app-badge pages-app-${w.status}`} data-testid="page-app-status">
          {t(`pages.apps.status.${w.status}`)}
        </span>
      </span>
      {owner && <span className="field-hint">{t('pages.apps.owner', { username: owner })}</span>}
      {w.origin && (
        <span className="field-hint">
          {t('pages.apps.origin')} <code data-testid="page-app-origin">{w.origin}</code>
        </span>
      )}
      {w.fields.length > 0 && (
        <span className="field-hint">{t('pages.apps.fields', { fields: w.fields.join(', ') })}</span>
      )}
      {w.status !== 'disabled' && w.failingSince && (
        <span className="field-hint" data-testid="page-app-failing">
          {t('pages.apps.failingSince', { date: dateTime(w.failingSince) })}
        </span>
      )}
      {w.status === 'disabled' && w.disabledAt && (
        <div className="pages-app-warning" role="note" data-testid="page-app-disabled">
          <p data-testid="page-app-disabled-since">
            {failed === null
              ? t('pages.apps.disabledSince', { date: dateTime(w.disabledAt) })
              : t(failedKey[failed.unit], { date: dateTime(w.disabledAt), count: failed.count })}
          </p>
          {w.disabledReason && (
            <p data-testid="page-app-disabled-reason">{t('pages.apps.reason', { reason: w.disabledReason })}</p>
          )}
          <p>{owner ? t('pages.apps.disabledHintOwner', { username: owner }) : t('pages.apps.disabledHint')}</p>
        </div>
      )}
    </li>
  );
}
