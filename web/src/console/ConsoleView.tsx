import { useCallback, useEffect, useRef, useState } from 'react';
import { navigate } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { IconBack } from '../ui/Icons.tsx';
import { AppDetail } from './AppDetail.tsx';
import { AppList } from './AppList.tsx';
import { loadApps } from './actions.ts';
import { type Once, OnceDialog } from './OnceDialog.tsx';
import './console.css';

/**
 * The developer console: my apps beside the one open (`/console/apps/<id>`), one at a time on a narrow
 * screen. A secret or token the server answers is shown once, in a dialog above whatever asked for it.
 */
export function ConsoleView({ appId }: { appId: string | null }) {
  const { t, te } = useI18n();
  const [once, setOnce] = useState<Once | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(() => {
    setError(null);
    loadApps().catch((e: unknown) => setError(te(errorIdOf(e))));
  }, [te]);
  useEffect(load, [load]);

  // Entering the console: its heading has the focus, so the keyboard starts from the top of it.
  useEffect(() => headingRef.current?.focus(), []);
  useEffect(() => {
    document.title = `${t('console.title')} · ${t('app.name')}`;
  }, [t]);

  return (
    <div className={`console ${appId ? 'console-app-open' : 'console-list-open'}`} data-testid="console">
      <header className="console-header">
        <button
          type="button"
          className="button console-back"
          data-testid="console-back"
          aria-label={t('console.back')}
          onClick={() => navigate(null)}
        >
          <IconBack size={18} />
          <span className="console-back-text">{t('console.back')}</span>
        </button>
        <h1 ref={headingRef} tabIndex={-1}>
          {t('console.title')}
        </h1>
      </header>
      <div className="console-body">
        <AppList activeId={appId} onShowOnce={setOnce} error={error} onRetry={load} />
        <main className="console-main">
          {appId ? (
            <AppDetail key={appId} appId={appId} onShowOnce={setOnce} />
          ) : (
            <div className="console-empty">
              <p>{t('console.intro')}</p>
              <p>{t('console.apps.choose')}</p>
            </div>
          )}
        </main>
      </div>
      {once && (
        <OnceDialog
          once={once}
          onClose={() => {
            setOnce(null);
            // What opened it may be gone or disabled (the form of a new app, emptied): the app's heading then.
            requestAnimationFrame(() => {
              const at = document.activeElement;
              if (!at || at === document.body) document.getElementById('console-app-title')?.focus();
            });
          }}
        />
      )}
    </div>
  );
}
