import { useEffect, useState } from 'react';
import { presenceApi } from '../api/presence.ts';
import { clearPresence, refreshPresence } from '../app/presence.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';

/**
 * Settings, "Privacy": whether others see when I am online and when I was last seen. Off, the server shows
 * nobody mine and shows me nobody's (as the well-known messengers do); this tab forgets what it knew.
 */
export function PrivacySection() {
  const { t, te } = useI18n();
  const [show, setShow] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    presenceApi
      .settings()
      .then((r) => alive && setShow(r.settings.showPresence))
      .catch((e: unknown) => alive && setError(te(errorIdOf(e))));
    return () => {
      alive = false;
    };
  }, [te]);

  return (
    <section className="settings-section" aria-labelledby="settings-privacy" data-testid="settings-privacy">
      <h3 id="settings-privacy" className="section-title">
        {t('privacy.title')}
      </h3>
      <label className="checkbox-row" htmlFor="privacy-presence">
        <input
          id="privacy-presence"
          type="checkbox"
          data-testid="privacy-presence"
          checked={show ?? true}
          disabled={show === null || busy}
          aria-describedby="privacy-presence-hint"
          onChange={async (e) => {
            const next = e.target.checked;
            setBusy(true);
            setError(null);
            try {
              const r = await presenceApi.updateSettings(next);
              setShow(r.settings.showPresence);
              if (r.settings.showPresence) void refreshPresence();
              else clearPresence();
            } catch (err) {
              setError(te(errorIdOf(err)));
            } finally {
              setBusy(false);
            }
          }}
        />
        <span>
          {t('privacy.showPresence')}
          <span className="field-hint" id="privacy-presence-hint">
            {t('privacy.showPresence.hint')}
          </span>
        </span>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
