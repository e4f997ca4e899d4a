import { useEffect, useId, useRef, useState } from 'react';
import { type ComposeExtensionView, composeKinds, composeLimits } from '../../../protocol/compose.ts';
import { composeApi } from '../api/compose.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import {
  checkExtension,
  type ExtensionDraft,
  type ExtensionField,
  type ExtensionProblem,
  extensionDraftFrom,
  extensionProblem,
  toggleKind,
} from './extension.ts';

/**
 * The app's compose extension (docs/PLATFORM.md, "Content apps"): its name, the icon Comptoir stored, the
 * kinds it returns and its query URL; the form that sets it (the server fetches the icon before it stores
 * anything, and a refusal is said under its field); removing it, asked first. Read when the app is opened.
 */
export function ExtensionSection({ appId }: { appId: string }) {
  const { t, te, dateTime } = useI18n();
  const appName = useStore((s) => s.apps?.[appId]?.app.name ?? '');
  const [extension, setExtension] = useState<ComposeExtensionView | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [removing, setRemoving] = useState(false);
  const changeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let gone = false;
    composeApi
      .extension(appId)
      .then((r) => !gone && setExtension(r.extension))
      .catch((e: unknown) => !gone && setLoadError(te(errorIdOf(e))));
    return () => {
      gone = true;
    };
  }, [appId, te]);

  const focusChange = () => requestAnimationFrame(() => changeRef.current?.focus());

  return (
    <section className="console-section" aria-labelledby="console-extension-title" data-testid="console-extension">
      <h3 id="console-extension-title" className="section-title">
        {t('console.extension.title')}
      </h3>
      <p className="field-hint">{t('console.extension.intro')}</p>
      {loadError && (
        <p className="form-error" role="alert">
          {loadError}
        </p>
      )}
      {extension === undefined && !loadError && <p className="field-hint">{t('common.loading')}</p>}
      {saved && (
        <p className="console-success" role="status" data-testid="console-extension-saved">
          {t('console.extension.saved')}
        </p>
      )}
      {extension && (
        <div className="console-extension-state" data-testid="console-extension-state">
          <img src={extension.icon} alt="" width={48} height={48} className="console-extension-icon" />
          <div>
            <p>
              <strong data-testid="console-extension-name">{extension.name}</strong>
            </p>
            <p className="field-hint">
              {extension.kinds.map((k) => t(`compose.kind.${k}`)).join(', ')} ·{' '}
              {t('console.extension.updated', { date: dateTime(extension.updatedAt) })}
            </p>
            <p className="console-webhook-url" data-testid="console-extension-query-url">
              {extension.queryUrl}
            </p>
          </div>
        </div>
      )}
      {extension === null && !editing && (
        <p className="console-none" data-testid="console-extension-none">
          {t('console.extension.none')}
        </p>
      )}
      {extension !== undefined && !editing && (
        <div className="console-actions">
          <button
            ref={changeRef}
            type="button"
            className="button"
            data-testid="console-extension-edit"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {extension ? t('console.extension.edit') : t('console.extension.add')}
          </button>
          {extension && (
            <button
              type="button"
              className="button button-danger-outline"
              data-testid="console-extension-remove"
              aria-haspopup="dialog"
              onClick={() => setRemoving(true)}
            >
              {t('console.extension.remove')}
            </button>
          )}
        </div>
      )}
      {editing && extension !== undefined && (
        <ExtensionForm
          appId={appId}
          start={extensionDraftFrom(extension, appName)}
          onCancel={() => {
            setEditing(false);
            focusChange();
          }}
          onSaved={(e) => {
            setExtension(e);
            setEditing(false);
            setSaved(true);
            focusChange();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={t('console.extension.remove.title')}
          body={t('console.extension.remove.body')}
          confirmLabel={t('console.extension.remove.confirm')}
          confirmTestId="console-extension-remove-confirm"
          onConfirm={async () => {
            await composeApi.removeExtension(appId);
            setExtension(null);
            setSaved(false);
            focusChange();
          }}
          onClose={() => setRemoving(false)}
        />
      )}
    </section>
  );
}

function ExtensionForm(p: {
  appId: string;
  start: ExtensionDraft;
  onCancel: () => void;
  onSaved: (e: ComposeExtensionView) => void;
}) {
  const { t, te } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState(p.start);
  const [problems, setProblems] = useState<ExtensionProblem[]>([]);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[data-field="name"]')?.focus();
  }, []);

  const change = (next: Partial<ExtensionDraft>, field: ExtensionField) => {
    setDraft((d) => ({ ...d, ...next }));
    setProblems((ps) => ps.filter((x) => x.field !== field));
    setGeneral(null);
  };
  const focusFirst = (ps: ExtensionProblem[]) =>
    requestAnimationFrame(() => {
      const first = ps[0];
      if (first) formRef.current?.querySelector<HTMLElement>(`[data-field="${first.field}"]`)?.focus();
    });

  const submit = async () => {
    if (busy) return;
    const checked = checkExtension(draft);
    setGeneral(null);
    if ('problems' in checked) {
      setProblems(checked.problems);
      focusFirst(checked.problems);
      return;
    }
    setBusy(true);
    setProblems([]);
    try {
      const r = await composeApi.setExtension(p.appId, checked.body);
      if (r.extension) p.onSaved(r.extension);
    } catch (e) {
      const problem = extensionProblem(e);
      if (problem) {
        setProblems([problem]);
        focusFirst([problem]);
      } else setGeneral(te(errorIdOf(e)));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: Exclude<ExtensionField, 'general' | 'kinds'>) => {
    const found = problems.find((x) => x.field === name);
    const fid = `${id}-${name}`;
    return {
      fid,
      problem: found ? t(found.key, found.params) : null,
      input: {
        id: fid,
        'data-field': name,
        'data-testid': `console-extension-${name}`,
        'aria-invalid': found ? true : undefined,
        'aria-describedby': `${fid}-hint${found ? ` ${fid}-error` : ''}`,
      },
    };
  };
  const kindsProblem = problems.find((x) => x.field === 'kinds');
  const urlInput = {
    type: 'url',
    inputMode: 'url',
    autoComplete: 'off',
    spellCheck: false,
    placeholder: 'https://…',
  } as const;

  const text = (name: 'name' | 'iconUrl' | 'queryUrl', label: string, hint: string, extra: object, max: number) => {
    const f = field(name);
    return (
      <>
        <label className="field-label" htmlFor={f.fid}>
          {label}
        </label>
        <input
          {...f.input}
          {...extra}
          className="input"
          maxLength={max}
          value={draft[name]}
          onChange={(e) => change({ [name]: e.target.value }, name)}
        />
        <p id={`${f.fid}-hint`} className="field-hint">
          {hint}
        </p>
        {f.problem && (
          <p id={`${f.fid}-error`} className="form-error" role="alert" data-testid={`console-extension-${name}-error`}>
            {f.problem}
          </p>
        )}
      </>
    );
  };

  return (
    <form
      ref={formRef}
      className="console-webhook-form"
      data-testid="console-extension-form"
      noValidate
      aria-busy={busy}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {text(
        'name',
        t('console.extension.name'),
        t('console.extension.name.hint', { max: composeLimits.name }),
        { autoComplete: 'off' },
        composeLimits.name + 10,
      )}
      {text(
        'iconUrl',
        t('console.extension.iconUrl'),
        t('console.extension.iconUrl.hint'),
        urlInput,
        composeLimits.url,
      )}
      <fieldset className="console-fields" data-testid="console-extension-kinds">
        <legend className="field-label">{t('console.extension.kinds')}</legend>
        {composeKinds.map((k, i) => (
          <label key={k} className="checkbox-row console-field">
            <input
              type="checkbox"
              data-field={i === 0 ? 'kinds' : undefined}
              data-testid={`console-extension-kind-${k}`}
              checked={draft.kinds.includes(k)}
              onChange={(e) => change({ kinds: toggleKind(draft.kinds, k, e.target.checked) }, 'kinds')}
            />
            {t(`compose.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      {kindsProblem && (
        <p className="form-error" role="alert">
          {t(kindsProblem.key, kindsProblem.params)}
        </p>
      )}
      {text(
        'queryUrl',
        t('console.extension.queryUrl'),
        t('console.extension.queryUrl.hint'),
        urlInput,
        composeLimits.url,
      )}
      {general && (
        <p className="form-error" role="alert" data-testid="console-extension-error">
          {general}
        </p>
      )}
      {busy && (
        <p className="field-hint" role="status">
          {t('console.extension.saving')}
        </p>
      )}
      <div className="console-actions">
        <button type="button" className="button" onClick={p.onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" data-testid="console-extension-save" disabled={busy}>
          {t('console.extension.save')}
        </button>
      </div>
    </form>
  );
}
