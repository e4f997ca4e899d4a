import { useEffect, useState } from 'react';
import { go } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { IconBack } from '../ui/Icons.tsx';
import { loadApp } from './actions.ts';
import { CredentialsSection } from './CredentialsSection.tsx';
import { DeliveriesSection } from './DeliveriesSection.tsx';
import { ExtensionSection } from './ExtensionSection.tsx';
import type { Once } from './OnceDialog.tsx';
import { PagesSection } from './PagesSection.tsx';
import { WebhookSection } from './WebhookSection.tsx';

/**
 * One app, read again when opened, as a column of sections that each stand alone: its id and secret, the
 * pages it is connected to, its webhook, its webhook's delivery log, its compose extension (a content app). (A section is a component reading its
 * own slice of the state.)
 */
export function AppDetail({ appId, onShowOnce }: { appId: string; onShowOnce: (once: Once) => void }) {
  const { t, te, day } = useI18n();
  const app = useStore((s) => s.apps?.[appId]?.app);
  const [error, setError] = useState<{ id: string; text: string } | null>(null);

  useEffect(() => {
    loadApp(appId).catch((e: unknown) => {
      const id = errorIdOf(e);
      setError({ id, text: id === 'app_not_found' ? t('console.app.notFound') : te(id) });
    });
  }, [appId, t, te]);

  const back = (
    <button
      type="button"
      className="icon-button console-app-back"
      data-testid="console-app-back"
      onClick={() => go({ view: 'console', appId: null })}
      aria-label={t('console.app.back')}
    >
      <IconBack />
    </button>
  );

  if (!app) {
    return (
      <section className="console-app" aria-label={t('console.title')}>
        <header className="console-app-header">{back}</header>
        {error ? (
          <p className="form-error" role="alert" data-testid="console-app-error">
            {error.text}
          </p>
        ) : (
          <p className="field-hint">{t('common.loading')}</p>
        )}
      </section>
    );
  }

  return (
    <section className="console-app" aria-labelledby="console-app-title" data-testid="console-app" data-app-id={appId}>
      <header className="console-app-header">
        {back}
        <div>
          <h2 id="console-app-title" tabIndex={-1}>
            {app.name}
          </h2>
          <p className="field-hint">{t('console.apps.created', { date: day(app.createdAt) })}</p>
        </div>
      </header>
      {error && error.id !== 'app_not_found' && (
        <p className="form-error" role="alert">
          {error.text}
        </p>
      )}
      <CredentialsSection appId={appId} onShowOnce={onShowOnce} />
      <PagesSection appId={appId} onShowOnce={onShowOnce} />
      <WebhookSection appId={appId} />
      <DeliveriesSection appId={appId} />
      <ExtensionSection appId={appId} />
    </section>
  );
}
