import { useRef, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { PageView } from '../../../protocol/views.ts';
import { createPage } from '../app/pages.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { Field } from './Field.tsx';
import { checkPage, normalizeUsername, type PageField, type Problem, pageProblem } from './form.ts';

type FieldElement = HTMLInputElement & HTMLTextAreaElement;

/**
 * Create a business page: name, username, description, each with its limit. Enter in a field creates it
 * (Ctrl+Enter in the description); what the server refuses is shown under the field it concerns.
 * `onCancel` is the Cancel button's, `onClose` Escape's and the close button's.
 */
export function NewPageDialog({
  onCancel,
  onClose,
  onCreated,
}: {
  onCancel: () => void;
  onClose: () => void;
  onCreated: (page: PageView) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const refs: Record<PageField, React.RefObject<FieldElement | null>> = {
    name: useRef<FieldElement>(null),
    username: useRef<FieldElement>(null),
    description: useRef<FieldElement>(null),
  };

  const show = (p: Problem) => {
    setProblem(p);
    if (p.field) refs[p.field].current?.focus();
  };

  const submit = async () => {
    if (busy) return;
    const found = checkPage({ name, username, description }, i18n);
    if (found) {
      show(found);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const page = await createPage({
        name: name.trim(),
        username: normalizeUsername(username),
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      onCreated(page);
    } catch (e) {
      setBusy(false);
      show(pageProblem(e, i18n));
    }
  };

  const edit = (field: PageField, set: (v: string) => void) => (value: string) => {
    set(value);
    if (problem?.field === field) setProblem(null);
  };
  const errorOf = (field: PageField) => (problem?.field === field ? problem.text : null);

  return (
    <Dialog
      title={t('pages.new.title')}
      onClose={onClose}
      testId="new-page-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            form="new-page-form"
            className="button button-primary"
            data-testid="page-create-submit"
            disabled={busy}
          >
            {busy ? t('auth.busy') : t('pages.new.submit')}
          </button>
        </>
      }
    >
      <form
        id="new-page-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="field-hint">{t('pages.new.intro')}</p>
        <Field
          label={t('pages.name')}
          value={name}
          onChange={edit('name', setName)}
          max={limits.pageName.max}
          error={errorOf('name')}
          testId="page-name-input"
          inputRef={refs.name}
          autoFocus
        />
        <Field
          label={t('pages.username')}
          value={username}
          onChange={edit('username', setUsername)}
          max={limits.username.max}
          hint={t('pages.username.hint', { min: limits.username.min, max: limits.username.max })}
          error={errorOf('username')}
          testId="page-username-input"
          inputRef={refs.username}
          prefix="@"
        />
        <Field
          label={t('pages.description')}
          value={description}
          onChange={edit('description', setDescription)}
          max={limits.pageDescription.max}
          hint={t('pages.description.hint')}
          error={errorOf('description')}
          testId="page-description-input"
          inputRef={refs.description}
          multiline
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        {problem && !problem.field && (
          <p className="form-error" role="alert" data-testid="new-page-error">
            {problem.text}
          </p>
        )}
      </form>
    </Dialog>
  );
}
