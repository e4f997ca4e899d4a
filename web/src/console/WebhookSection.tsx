import { useId, useRef, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { WebhookView } from '../../../protocol/views.ts';
import { webhookFields } from '../../../protocol/webhooks.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { removeWebhook, setWebhook } from './actions.ts';
import {
  checkDraft,
  draftFrom,
  toggleField,
  type WebhookDraft,
  type WebhookFieldName,
  type WebhookProblem,
  webhookProblem,
} from './webhook.ts';

/**
 * The app's webhook: its state (verified, or disabled and why), its URL and fields, and the form that sets
 * it — the server runs the subscribe handshake before storing anything, and a failed handshake is said
 * plainly under the form.
 */
export function WebhookSection({ appId }: { appId: string }) {
  const { t } = useI18n();
  const detail = useStore((s) => s.apps?.[appId]?.detail);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [removing, setRemoving] = useState(false);
  const changeRef = useRef<HTMLButtonElement>(null);
  if (!detail) return null;
  const webhook = detail.webhook;
  const showForm = editing || webhook === null;

  return (
    <section className="console-section" aria-labelledby="console-webhook-title" data-testid="console-webhook">
      <h3 id="console-webhook-title" className="section-title">
        {t('console.webhook.title')}
      </h3>
      {saved && (
        <p className="console-success" role="status" data-testid="console-webhook-saved">
          {t('console.webhook.saved')}
        </p>
      )}
      {webhook ? (
        <WebhookState webhook={webhook} />
      ) : (
        <p className="console-none" data-testid="console-webhook-none">
          {t('console.webhook.none')}
        </p>
      )}
      {webhook && !editing && (
        <div className="console-actions">
          <button
            ref={changeRef}
            type="button"
            className="button"
            data-testid="console-webhook-edit"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {t('console.webhook.edit')}
          </button>
          <button
            type="button"
            className="button button-danger-outline"
            data-testid="console-webhook-remove"
            aria-haspopup="dialog"
            onClick={() => setRemoving(true)}
          >
            {t('console.webhook.remove')}
          </button>
        </div>
      )}
      {showForm && (
        <WebhookForm
          key={webhook ? `edit-${webhook.url}` : 'new'}
          appId={appId}
          webhook={webhook}
          onCancel={
            webhook
              ? () => {
                  setEditing(false);
                  requestAnimationFrame(() => changeRef.current?.focus());
                }
              : null
          }
          onSaved={() => {
            setEditing(false);
            setSaved(true);
            requestAnimationFrame(() => changeRef.current?.focus());
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={t('console.webhook.remove.title')}
          body={t('console.webhook.remove.body')}
          confirmLabel={t('console.webhook.remove.confirm')}
          confirmTestId="console-webhook-remove-confirm"
          onConfirm={async () => {
            await removeWebhook(appId);
            setSaved(false);
            setEditing(false);
          }}
          onClose={() => setRemoving(false)}
        />
      )}
    </section>
  );
}

/** Verified (when), or disabled (when, why): what the dispatcher last decided about it. */
function WebhookState({ webhook }: { webhook: WebhookView }) {
  const { t, dateTime } = useI18n();
  const state = webhook.disabled ? 'disabled' : webhook.verified ? 'verified' : 'unverified';
  return (
    <div className="console-webhook-state" data-testid="console-webhook-state" data-state={state}>
      <p className="console-webhook-url" data-testid="console-webhook-url">
        {webhook.url}
      </p>
      <p>
        <span className={`console-badge console-badge-${state}`} data-testid="console-webhook-badge">
          {webhook.disabled
            ? t('console.webhook.state.disabled', { date: dateTime(webhook.disabled.at) })
            : webhook.verified && webhook.verifiedAt
              ? t('console.webhook.state.verified', { date: dateTime(webhook.verifiedAt) })
              : t('console.webhook.state.unverified')}
        </span>
      </p>
      {webhook.disabled && (
        <div className="console-warning" role="note" data-testid="console-webhook-disabled">
          {webhook.disabled.reason && (
            <p data-testid="console-webhook-disabled-reason">
              {t('console.webhook.state.disabledReason', { reason: webhook.disabled.reason })}
            </p>
          )}
          <p>{t('console.webhook.state.disabledHint')}</p>
        </div>
      )}
      <p className="field-label">{t('console.webhook.fields')}</p>
      <ul className="console-chips" data-testid="console-webhook-fields">
        {webhook.fields.map((f) => (
          <li key={f} className="chip">
            <code>{f}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function WebhookForm({
  appId,
  webhook,
  onCancel,
  onSaved,
}: {
  appId: string;
  webhook: WebhookView | null;
  onCancel: (() => void) | null;
  onSaved: () => void;
}) {
  const { t, te } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState<WebhookDraft>(() => draftFrom(webhook));
  const [problems, setProblems] = useState<WebhookProblem[]>([]);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const problemOf = (field: WebhookFieldName) => problems.find((p) => p.field === field);
  const say = (p: WebhookProblem | undefined) => (p ? t(p.key, p.params) : null);
  const change = (next: Partial<WebhookDraft>, field: WebhookFieldName) => {
    setDraft((d) => ({ ...d, ...next }));
    setProblems((ps) => ps.filter((p) => p.field !== field && p.field !== 'general'));
    setGeneral(null);
  };
  /** Focus goes to the first field with a problem (or stays, for the handshake's). */
  const focusFirst = (ps: WebhookProblem[]) =>
    requestAnimationFrame(() => {
      const first = ps.find((p) => p.field !== 'general');
      if (!first) return;
      formRef.current?.querySelector<HTMLElement>(`[data-field="${first.field}"]`)?.focus();
    });

  const submit = async () => {
    if (busy) return;
    const found = checkDraft(draft);
    setGeneral(null);
    if (found.length > 0) {
      setProblems(found);
      focusFirst(found);
      return;
    }
    setBusy(true);
    setProblems([]);
    try {
      await setWebhook(appId, draft);
      onSaved();
    } catch (e) {
      const p = webhookProblem(e);
      if (p && p.field !== 'general') {
        setProblems([p]);
        focusFirst([p]);
      } else setGeneral(p ? t(p.key, p.params) : te(errorIdOf(e)));
    } finally {
      setBusy(false);
    }
  };

  /** A text field's ids and state: its hint, and its problem when it has one. */
  const field = (name: 'url' | 'verifyToken') => {
    const problem = say(problemOf(name));
    const fid = `${id}-${name}`;
    return {
      id: fid,
      problem,
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': `${fid}-hint${problem ? ` ${fid}-error` : ''}`,
    };
  };
  const url = field('url');
  const token = field('verifyToken');
  const fieldsProblem = say(problemOf('fields'));

  return (
    <form
      ref={formRef}
      className="console-webhook-form"
      data-testid="console-webhook-form"
      noValidate
      aria-busy={busy}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="field-label" htmlFor={url.id}>
        {t('console.webhook.url')}
      </label>
      <input
        id={url.id}
        data-field="url"
        className="input"
        data-testid="console-webhook-url-input"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="https://…"
        maxLength={limits.webhookUrl.max + 100}
        value={draft.url}
        onChange={(e) => change({ url: e.target.value }, 'url')}
        aria-invalid={url['aria-invalid']}
        aria-describedby={url['aria-describedby']}
      />
      <p id={`${url.id}-hint`} className="field-hint">
        {t('console.webhook.url.hint')}
      </p>
      {url.problem && (
        <p id={`${url.id}-error`} className="form-error" role="alert" data-testid="console-webhook-url-error">
          {url.problem}
        </p>
      )}
      <label className="field-label" htmlFor={token.id}>
        {t('console.webhook.verifyToken')}
      </label>
      <input
        id={token.id}
        data-field="verifyToken"
        className="input"
        data-testid="console-webhook-token-input"
        autoComplete="off"
        spellCheck={false}
        maxLength={limits.verifyToken.max}
        value={draft.verifyToken}
        onChange={(e) => change({ verifyToken: e.target.value }, 'verifyToken')}
        aria-invalid={token['aria-invalid']}
        aria-describedby={token['aria-describedby']}
      />
      <p id={`${token.id}-hint`} className="field-hint">
        {t('console.webhook.verifyToken.hint')}
      </p>
      {token.problem && (
        <p id={`${token.id}-error`} className="form-error" role="alert" data-testid="console-webhook-token-error">
          {token.problem}
        </p>
      )}
      <fieldset
        className="console-fields"
        data-testid="console-webhook-fields-input"
        aria-describedby={fieldsProblem ? `${id}-fields-error` : undefined}
      >
        <legend className="field-label">{t('console.webhook.fields')}</legend>
        {webhookFields.map((f, i) => (
          <label key={f} className="checkbox-row console-field">
            <input
              type="checkbox"
              data-field={i === 0 ? 'fields' : undefined}
              data-testid={`console-webhook-field-${f}`}
              checked={draft.fields.includes(f)}
              onChange={(e) => change({ fields: toggleField(draft.fields, f, e.target.checked) }, 'fields')}
            />
            <code>{f}</code>
          </label>
        ))}
      </fieldset>
      {fieldsProblem && (
        <p id={`${id}-fields-error`} className="form-error" role="alert" data-testid="console-webhook-fields-error">
          {fieldsProblem}
        </p>
      )}
      {general && (
        <p className="form-error console-handshake-error" role="alert" data-testid="console-webhook-error">
          {general}
        </p>
      )}
      {busy && (
        <p className="field-hint" role="status">
          {t('console.webhook.verifying')}
        </p>
      )}
      <div className="console-actions">
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="button button-primary" data-testid="console-webhook-save" disabled={busy}>
          {t('console.webhook.save')}
        </button>
      </div>
    </form>
  );
}
