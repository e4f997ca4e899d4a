import { useEffect, useState } from 'react';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useUnblock } from '../messenger/BlockControls.tsx';
import { applyBlocks } from '../state/apply.ts';
import { store, useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';

/**
 * Settings: the people I block, latest first, each with Unblock (docs/PROTOCOL.md, "Blocking"). Read again
 * when opened; live afterwards from `block.updated` (another device's block shows here at once).
 */
export function BlockedSection() {
  const { t, te } = useI18n();
  const blocks = useStore((s) => s.blocks);
  const [error, setError] = useState<string | null>(null);
  const unblock = useUnblock();

  useEffect(() => {
    let live = true;
    api
      .blocks()
      .then((r) => {
        if (!live) return;
        store.update((s) => applyBlocks(s, r.blocks));
        setError(null);
      })
      .catch((e: unknown) => live && setError(te(errorIdOf(e))));
    return () => {
      live = false;
    };
  }, [te]);

  const rows = blocks ? Object.values(blocks).sort((a, b) => Date.parse(b.at) - Date.parse(a.at)) : null;
  return (
    <section className="settings-section" aria-labelledby="settings-blocked" data-testid="settings-blocked">
      <h3 id="settings-blocked" className="section-title">
        {t('settings.blocked.title')}
      </h3>
      <p className="field-hint">{t('settings.blocked.hint')}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!rows && !error && <p className="field-hint">{t('common.loading')}</p>}
      {rows && rows.length === 0 && <p className="field-hint">{t('settings.blocked.none')}</p>}
      <ul className="session-list">
        {(rows ?? []).map((b) => (
          <li key={b.user.id} className="session-item" data-testid="settings-blocked-person" data-user-id={b.user.id}>
            <Avatar id={b.user.id} name={b.user.displayName} size={32} />
            <div className="session-info">
              <strong>{b.user.displayName}</strong>
              <span className="field-hint">@{b.user.username}</span>
            </div>
            <button
              type="button"
              className="button button-small"
              data-testid="settings-unblock"
              onClick={() => unblock(b.user)}
              aria-label={t('block.unblock', { name: b.user.displayName })}
            >
              {t('block.unblockShort')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
