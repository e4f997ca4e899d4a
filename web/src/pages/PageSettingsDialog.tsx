import { useEffect, useRef, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { PageView } from '../../../protocol/views.ts';
import { loadPage, removePageMember, updatePage } from '../app/pages.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import type { MyPage } from '../state/types.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { CopyField } from '../ui/CopyField.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { IconBack } from '../ui/Icons.tsx';
import { PageBadge } from '../ui/PageBadge.tsx';
import { Field } from './Field.tsx';
import { checkPage, type PageField, type Problem, pageProblem } from './form.ts';
import { PageApps } from './PageApps.tsx';
import { PageMembers } from './PageMembers.tsx';

/** The page's short link on this server (Messenger's m.me link): `/m/<username>`, a `?ref=` optional. */
export const shortLinkOf = (username: string) =>
  `${typeof location === 'undefined' ? '' : location.origin}/m/${encodeURIComponent(username)}`;

/**
 * One page's settings: its short link (to copy), its name and description (admins edit them), who runs it
 * (PageMembers), the apps connected to it and their webhooks' state (PageApps, admins only), and leaving
 * it. The page, its members and its apps are read again when this opens.
 */
export function PageSettingsDialog({
  pageId,
  onBack,
  onClose,
  onLeft,
}: {
  pageId: string;
  onBack: () => void;
  onClose: () => void;
  onLeft: (name: string) => void;
}) {
  const item = useStore((s) => s.myPages?.[pageId]);
  const meId = useStore((s) => s.me?.id);
  const { t, te, dateTime } = useI18n();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  // While leaving, the page is forgotten before the list comes back: keep showing it until then.
  const last = useRef<MyPage | undefined>(item);
  const leaving = useRef(false);
  if (item) last.current = item;
  const shown = item ?? (leaving.current ? last.current : undefined);

  useEffect(() => {
    loadPage(pageId).catch((e: unknown) => setLoadError(te(errorIdOf(e))));
  }, [pageId, te]);

  const back = (
    <button type="button" className="link-button pages-back" data-testid="page-settings-back" onClick={onBack}>
      <IconBack size={16} />
      {t('pages.settings.back')}
    </button>
  );

  if (!shown) {
    return (
      <Dialog title={t('pages.mine.title')} onClose={onClose} testId="page-settings-dialog">
        {back}
        <p className="form-error" role="alert">
          {loadError ?? t('pages.settings.gone')}
        </p>
      </Dialog>
    );
  }
  const { page, role } = shown;
  const admin = role === 'admin';

  return (
    <Dialog title={page.name} onClose={onClose} testId="page-settings-dialog">
      {back}
      <div className="pages-meta">
        <Avatar id={page.id} name={page.name} size={40} page />
        <span className="pages-meta-text">
          <span className="pages-meta-line">
            <span className="member-username">@{page.username}</span>
            <PageBadge />
          </span>
          <span className="field-hint">{t('pages.settings.created', { date: dateTime(page.createdAt) })}</span>
        </span>
        <span className={`role-badge role-${role}`} data-testid="page-settings-role">
          {admin ? t('pages.role.admin') : t('pages.role.agent')}
        </span>
      </div>
      {loadError && (
        <p className="form-error" role="alert">
          {loadError}
        </p>
      )}

      <section>
        <CopyField
          label={t('pages.settings.shortLink')}
          value={shortLinkOf(page.username)}
          testId="page-short-link"
          hint={t('pages.settings.shortLink.hint')}
        />
      </section>

      <section aria-labelledby="page-about-title">
        <h3 id="page-about-title" className="section-title">
          {t('pages.settings.about')}
        </h3>
        {admin ? (
          <PageDetailsForm page={page} />
        ) : (
          <>
            <p className="pages-readonly-name" data-testid="page-settings-name">
              {page.name}
            </p>
            <p className="pages-readonly-description">{page.description || t('pages.settings.noDescription')}</p>
            <p className="field-hint">{t('pages.settings.adminsOnly')}</p>
          </>
        )}
      </section>

      <PageMembers pageId={page.id} admin={admin} meId={meId} />

      {admin && <PageApps pageId={page.id} />}

      <div className="dialog-danger-zone">
        <button
          type="button"
          className="button button-danger-outline"
          data-testid="page-leave"
          onClick={() => setConfirmLeave(true)}
        >
          {t('pages.leave')}
        </button>
      </div>
      {confirmLeave && meId && (
        <ConfirmDialog
          title={t('pages.leave.title')}
          body={t('pages.leave.body', { name: page.name })}
          confirmLabel={t('pages.leave.confirm')}
          confirmTestId="page-leave-confirm"
          onConfirm={async () => {
            leaving.current = true;
            try {
              await removePageMember(page.id, meId);
            } catch (e) {
              leaving.current = false;
              throw e;
            }
            onLeft(page.name);
          }}
          onClose={() => setConfirmLeave(false)}
        />
      )}
    </Dialog>
  );
}

/** Admins: the page's name and description, saved together. */
function PageDetailsForm({ page }: { page: PageView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [name, setName] = useState(page.name);
  const [description, setDescription] = useState(page.description);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const nameRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const descriptionRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  const change = {
    ...(name.trim() !== page.name ? { name: name.trim() } : {}),
    ...(description.trim() !== page.description ? { description: description.trim() } : {}),
  };
  const changed = Object.keys(change).length > 0;

  const show = (p: Problem) => {
    setProblem(p);
    if (p.field === 'name') nameRef.current?.focus();
    if (p.field === 'description') descriptionRef.current?.focus();
  };
  const submit = async () => {
    if (busy || !changed) return;
    const found = checkPage(change, i18n);
    if (found) {
      show(found);
      return;
    }
    setBusy(true);
    setProblem(null);
    setSaved(false);
    try {
      await updatePage(page.id, change);
      setSaved(true);
    } catch (e) {
      show(pageProblem(e, i18n));
    } finally {
      setBusy(false);
    }
  };
  const edit = (field: PageField, set: (v: string) => void) => (value: string) => {
    set(value);
    setSaved(false);
    if (problem?.field === field) setProblem(null);
  };
  const errorOf = (field: PageField) => (problem?.field === field ? problem.text : null);

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Field
        label={t('pages.name')}
        value={name}
        onChange={edit('name', setName)}
        max={limits.pageName.max}
        error={errorOf('name')}
        testId="page-settings-name-input"
        inputRef={nameRef}
      />
      <Field
        label={t('pages.description')}
        value={description}
        onChange={edit('description', setDescription)}
        max={limits.pageDescription.max}
        error={errorOf('description')}
        testId="page-settings-description-input"
        inputRef={descriptionRef}
        multiline
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <div className="pages-form-actions">
        <button
          type="submit"
          className="button button-primary"
          data-testid="page-settings-save"
          disabled={busy || !changed}
        >
          {t('common.save')}
        </button>
        {saved && (
          <span role="status" className="field-hint">
            {t('common.saved')}
          </span>
        )}
        {problem && !problem.field && (
          <span className="form-error" role="alert">
            {problem.text}
          </span>
        )}
      </div>
    </form>
  );
}
