import { memo, useId, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import { go, pathFor } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { appIds } from '../state/apps.ts';
import { shallowEqual, useStore } from '../state/store.ts';
import { IconPlus } from '../ui/Icons.tsx';
import { createApp } from './actions.ts';
import type { Once } from './OnceDialog.tsx';

/** My apps, oldest first, each a link to its page; the form that makes a new one (its secret shown once). */
export function AppList({
  activeId,
  onShowOnce,
  error,
  onRetry,
}: {
  activeId: string | null;
  onShowOnce: (once: Once) => void;
  error: string | null;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  const ids = useStore(appIds, shallowEqual);
  return (
    <nav className="console-apps" aria-labelledby="console-apps-title">
      <h2 id="console-apps-title" className="section-title">
        {t('console.apps')}
      </h2>
      {error && (
        <p className="form-error" role="alert">
          {error}{' '}
          <button type="button" className="link-button" onClick={onRetry}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {ids === null && !error && <p className="field-hint">{t('common.loading')}</p>}
      {ids?.length === 0 && <p className="field-hint">{t('console.apps.empty')}</p>}
      {ids && ids.length > 0 && (
        <ul className="console-app-list">
          {ids.map((id) => (
            <AppItem key={id} id={id} active={id === activeId} />
          ))}
        </ul>
      )}
      <NewAppForm onShowOnce={onShowOnce} />
    </nav>
  );
}

/** One app of mine: reads its own entry only. */
const AppItem = memo(function AppItem({ id, active }: { id: string; active: boolean }) {
  const app = useStore((s) => s.apps?.[id]?.app);
  const { t, day } = useI18n();
  if (!app) return null;
  const route = { view: 'console', appId: id } as const;
  return (
    <li>
      <a
        href={pathFor(route)}
        className={`console-app-item${active ? ' active' : ''}`}
        data-testid="console-app-item"
        data-app-id={id}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          go(route);
        }}
      >
        <span className="console-app-name">{app.name}</span>
        <span className="field-hint">{t('console.apps.created', { date: day(app.createdAt) })}</span>
      </a>
    </li>
  );
});

function NewAppForm({ onShowOnce }: { onShowOnce: (once: Once) => void }) {
  const { t, te } = useI18n();
  const id = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (busy || name.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      const r = await createApp(name.trim());
      setName('');
      go({ view: 'console', appId: r.app.id });
      onShowOnce({
        title: t('console.once.secretTitle', { name: r.app.name }),
        label: t('console.credentials.secret'),
        value: r.secret,
        extra: { label: t('console.credentials.id'), value: r.app.id },
      });
    } catch (e) {
      setError(te(errorIdOf(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="console-new-app"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="field-label" htmlFor={id}>
        {t('console.apps.name')}
      </label>
      <div className="inline-row">
        <input
          id={id}
          className="input"
          data-testid="new-app-name"
          value={name}
          maxLength={limits.appName.max}
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <button
          type="submit"
          className="button button-primary"
          data-testid="new-app-submit"
          disabled={busy || name.trim() === ''}
        >
          <IconPlus size={16} />
          {t('console.apps.create')}
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="form-error" role="alert" data-testid="new-app-error">
          {error}
        </p>
      )}
    </form>
  );
}
