import { useCallback, useEffect, useState } from 'react';
import type { OptinsResponse } from '../../../protocol/optins.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';

/** One page in the list: its name, whether it sends updates, stopped or blocked. */
interface Row {
  pageId: string;
  name: string;
  optedIn: boolean;
  updatesStopped: boolean;
  blocked: boolean;
}

/** The pages a person's opt-ins and decisions concern, one row per page (opt-ins first, newest first). */
function rowsOf(r: OptinsResponse): Row[] {
  const rows = new Map<string, Row>();
  for (const o of r.optins)
    if (!rows.has(o.page.id))
      rows.set(o.page.id, {
        pageId: o.page.id,
        name: o.page.name,
        optedIn: true,
        updatesStopped: false,
        blocked: false,
      });
  for (const c of r.pages)
    rows.set(c.page.id, {
      pageId: c.page.id,
      name: c.page.name,
      optedIn: c.optedIn,
      updatesStopped: c.updatesStopped,
      blocked: c.blocked,
    });
  return [...rows.values()];
}

/**
 * Settings: the pages that send the person order updates (their opt-ins at checkout) and those whose updates
 * they stopped or that they blocked, each with the way to stop or unblock (docs/PLATFORM.md, "The person's
 * control").
 */
export function PageUpdatesSection() {
  const { t, te } = useI18n();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api
      .optins()
      .then((r) => {
        setRows(rowsOf(r));
        setError(null);
      })
      .catch((e: unknown) => setError(te(errorIdOf(e))));
  }, [te]);
  useEffect(load, [load]);

  const decide = async (pageId: string, change: { updates?: 'stopped'; blocked?: false }) => {
    try {
      await api.setPageConsent(pageId, change);
      load();
    } catch (e) {
      setError(te(errorIdOf(e)));
    }
  };

  return (
    <section className="settings-section" aria-labelledby="settings-optins" data-testid="settings-optins">
      <h3 id="settings-optins" className="section-title">
        {t('settings.optins.title')}
      </h3>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!rows && !error && <p className="field-hint">{t('common.loading')}</p>}
      {rows && rows.length === 0 && <p className="field-hint">{t('settings.optins.none')}</p>}
      <ul className="session-list">
        {(rows ?? []).map((r) => (
          <li key={r.pageId} className="session-item" data-testid="settings-optin">
            <div className="session-info">
              <strong>{r.name}</strong>
              <span className="field-hint">
                {r.blocked
                  ? t('settings.optins.blocked')
                  : r.updatesStopped
                    ? t('settings.optins.stopped')
                    : t('settings.optins.active')}
              </span>
            </div>
            {r.blocked ? (
              <button
                type="button"
                className="button button-small"
                data-testid="settings-optin-unblock"
                onClick={() => void decide(r.pageId, { blocked: false })}
              >
                {t('settings.optins.unblock')}
              </button>
            ) : r.optedIn && !r.updatesStopped ? (
              <button
                type="button"
                className="button button-small button-danger-outline"
                data-testid="settings-optin-stop"
                onClick={() => void decide(r.pageId, { updates: 'stopped' })}
              >
                {t('settings.optins.stop')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
