import { useState } from 'react';
import { type InboxFilter, type InboxSettingsBody, inboxFilters, inboxLimits } from '../../../protocol/inbox.ts';
import { inboxApi } from '../api/inbox.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStoreOf } from '../state/store.ts';
import { csatAgentLine, type InboxWork } from './work.ts';

/** The list's filters, each with its count, and the search: buttons (Tab, Enter/Space) and a field. */
export function WorkFilters({ work }: { work: InboxWork }) {
  const { t } = useI18n();
  const filter = useStoreOf(work.store, (s) => s.filter);
  const counts = useStoreOf(work.store, (s) => s.counts);
  const search = useStoreOf(work.store, (s) => s.search);
  const label = useStoreOf(work.store, (s) => s.label);
  const labels = useStoreOf(work.store, (s) => s.settings?.labels ?? noLabels);
  return (
    <div className="work-filters">
      <fieldset className="work-filter-buttons">
        <legend className="sr-only">{t('work.filters')}</legend>
        {inboxFilters.map((f: InboxFilter) => (
          <button
            key={f}
            type="button"
            className={`work-filter${filter === f ? ' active' : ''}`}
            aria-pressed={filter === f}
            data-testid={`work-filter-${f}`}
            onClick={() => work.setFilter(f)}
          >
            {t(`work.filter.${f}`)}
            {counts && (
              <span className="work-count" data-testid={`work-count-${f}`}>
                {counts[f]}
              </span>
            )}
          </button>
        ))}
      </fieldset>
      <input
        type="search"
        className="work-search"
        data-testid="work-search"
        aria-label={t('work.search')}
        placeholder={t('work.search')}
        maxLength={inboxLimits.search.max}
        value={search}
        onChange={(e) => work.setSearch(e.target.value)}
      />
      {(labels.length > 0 || label !== null) && (
        <select
          className="work-label-filter"
          data-testid="work-label-filter"
          aria-label={t('work.labelFilter')}
          value={label ?? ''}
          onChange={(e) => work.setLabel(e.target.value || null)}
        >
          <option value="">{t('work.labelFilter.any')}</option>
          {labels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

const noLabels: readonly { id: string; name: string }[] = [];

/** The satisfaction report: count, average, distribution, per agent. */
export function CsatReport({ work }: { work: InboxWork }) {
  const { t } = useI18n();
  const report = useStoreOf(work.store, (s) => s.report);
  if (!report) return null;
  const max = Math.max(1, ...report.distribution);
  return (
    <section className="work-panel" aria-labelledby="work-csat-title" data-testid="csat-report">
      <h2 id="work-csat-title">{t('work.csat.title')}</h2>
      {report.count === 0 ? (
        <p>{t('work.csat.none')}</p>
      ) : (
        <>
          <p data-testid="csat-summary">
            {t('work.csat.summary', { count: report.count, average: report.average ?? 0 })}
          </p>
          <ul className="work-csat-bars">
            {report.distribution.map((n, i) => (
              <li key={String(i + 1)} data-testid={`csat-bar-${i + 1}`} data-count={n}>
                <span className="work-csat-label">{t('work.csat.rating', { rating: i + 1 })}</span>
                <span className="work-csat-bar" style={{ width: `${(n / max) * 100}%` }} />
                <span className="work-csat-n">{n}</span>
              </li>
            ))}
          </ul>
          <h3>{t('work.csat.perAgent')}</h3>
          <ul className="work-csat-agents">
            {report.perAgent.map((a) => (
              <li key={a.agent?.id ?? 'none'} data-testid="csat-agent">
                {csatAgentLine(t, a)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The page's admins: targets, the satisfaction question, labels and canned replies. */
export function WorkSettings({ work }: { work: InboxWork }) {
  const { t, te } = useI18n();
  const settings = useStoreOf(work.store, (s) => s.settings);
  const canned = useStoreOf(work.store, (s) => s.canned);
  const [error, setError] = useState<string | null>(null);
  const [label, setLabel] = useState('');
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  // The box shows the admin's choice at once; the server's answer (or the live event) settles it.
  const [csatChoice, setCsatChoice] = useState<boolean | null>(null);
  if (!settings) return null;
  const pageId = work.pageId;
  /** Runs an admin's change: its error shown, never thrown; resolves to whether it was saved. */
  const run = (p: Promise<unknown>): Promise<boolean> => {
    setError(null);
    return p.then(
      () => true,
      (e: unknown) => {
        setError(te(errorIdOf(e)));
        return false;
      },
    );
  };
  const save = (body: InboxSettingsBody) =>
    run(inboxApi.setSettings(pageId, body).then((r) => work.store.update((s) => ({ ...s, settings: r.settings }))));
  const minutes = (v: string) => (v.trim() === '' ? null : Number(v));
  return (
    <section className="work-panel" aria-labelledby="work-settings-title" data-testid="work-settings">
      <h2 id="work-settings-title">{t('work.settings.title')}</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <label className="work-field">
        {t('work.settings.firstResponse')}
        <input
          type="number"
          min={inboxLimits.targetMinutes.min}
          max={inboxLimits.targetMinutes.max}
          defaultValue={settings.firstResponseTargetMinutes ?? ''}
          data-testid="settings-first-response"
          onBlur={(e) => void save({ firstResponseTargetMinutes: minutes(e.target.value) })}
        />
      </label>
      <label className="work-field">
        {t('work.settings.resolution')}
        <input
          type="number"
          min={inboxLimits.targetMinutes.min}
          max={inboxLimits.targetMinutes.max}
          defaultValue={settings.resolutionTargetMinutes ?? ''}
          data-testid="settings-resolution"
          onBlur={(e) => void save({ resolutionTargetMinutes: minutes(e.target.value) })}
        />
      </label>
      <label className="work-check">
        <input
          type="checkbox"
          checked={csatChoice ?? settings.csatEnabled}
          data-testid="settings-csat"
          onChange={(e) => {
            const csatEnabled = e.target.checked;
            setCsatChoice(csatEnabled);
            void save({ csatEnabled }).finally(() => setCsatChoice(null));
          }}
        />
        {t('work.settings.csat')}
      </label>
      <h3>{t('work.settings.labels')}</h3>
      <ul className="work-chips">
        {settings.labels.map((l) => (
          <li key={l.id} className="work-chip">
            {l.name}
            <button
              type="button"
              className="link-button"
              aria-label={t('work.settings.deleteLabel', { name: l.name })}
              onClick={() => void run(inboxApi.deleteLabel(pageId, l.id))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="work-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (label.trim()) void run(inboxApi.createLabel(pageId, label.trim())).then((saved) => saved && setLabel(''));
        }}
      >
        <input
          aria-label={t('work.settings.newLabel')}
          placeholder={t('work.settings.newLabel')}
          maxLength={inboxLimits.labelName.max}
          value={label}
          data-testid="settings-label-name"
          onChange={(e) => setLabel(e.target.value)}
        />
        <button type="submit" className="button" data-testid="settings-label-add">
          {t('work.settings.addLabel')}
        </button>
      </form>
      <h3>{t('work.settings.canned')}</h3>
      <ul className="work-canned-list">
        {canned.map((c) => (
          <li key={c.id}>
            <code>/{c.shortcut}</code> {c.text}
            <button
              type="button"
              className="link-button"
              aria-label={t('work.settings.deleteCanned', { name: c.shortcut })}
              onClick={() => void run(inboxApi.deleteCanned(pageId, c.id))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="work-column"
        onSubmit={(e) => {
          e.preventDefault();
          if (!shortcut.trim() || !text.trim()) return;
          void run(inboxApi.createCanned(pageId, shortcut.trim(), text)).then((saved) => {
            if (!saved) return;
            setShortcut('');
            setText('');
          });
        }}
      >
        <input
          aria-label={t('work.settings.shortcut')}
          placeholder={t('work.settings.shortcut')}
          maxLength={inboxLimits.cannedShortcut.max}
          value={shortcut}
          data-testid="settings-canned-shortcut"
          onChange={(e) => setShortcut(e.target.value)}
        />
        <textarea
          aria-label={t('work.settings.cannedText')}
          placeholder={t('work.settings.cannedText')}
          maxLength={inboxLimits.cannedText.max}
          value={text}
          data-testid="settings-canned-text"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button" data-testid="settings-canned-add">
          {t('work.settings.addCanned')}
        </button>
      </form>
    </section>
  );
}
