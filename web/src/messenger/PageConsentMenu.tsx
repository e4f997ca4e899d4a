import { useEffect, useRef, useState } from 'react';
import type { PageConsentView } from '../../../protocol/optins.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { IconMore } from '../ui/Icons.tsx';
import { Menu, type MenuItem } from '../ui/Menu.tsx';
import { showToast } from '../ui/toasts.ts';
import './optins.css';

type Standing = Omit<PageConsentView, 'page'>;

/**
 * The person's control over a page, in their conversation with it (docs/PLATFORM.md, "The person's
 * control"): stop its updates (the opt-ins made at checkout are revoked; it may only answer what they write)
 * or get them again, block it (it can send them nothing at all) or unblock it. A notice under the header
 * says when the page is blocked or its updates stopped.
 */
export function PageConsentMenu({ pageId, pageName }: { pageId: string; pageName: string }) {
  const { t, te } = useI18n();
  const [standing, setStanding] = useState<Standing | null>(null);
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState<'block' | 'stop' | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    api
      .pageConsent(pageId)
      .then((r) => live && setStanding(r.consent))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [pageId]);

  const decide = async (change: { updates?: 'stopped' | 'allowed'; blocked?: boolean }, done: string) => {
    const r = await api.setPageConsent(pageId, change);
    setStanding(r.consent);
    showToast(done);
  };
  const quietly = (change: { updates?: 'stopped' | 'allowed'; blocked?: boolean }, done: string) => {
    decide(change, done).catch((e: unknown) => showToast(te(errorIdOf(e))));
  };

  const items: MenuItem[] = [];
  if (standing && !standing.blocked) {
    items.push(
      standing.updatesStopped
        ? {
            key: 'resume',
            label: t('consent.resume'),
            testId: 'consent-resume',
            onSelect: () => quietly({ updates: 'allowed' }, t('consent.resumed', { page: pageName })),
          }
        : {
            key: 'stop',
            label: t('consent.stop'),
            testId: 'consent-stop',
            onSelect: () => setConfirm('stop'),
          },
    );
  }
  if (standing)
    items.push(
      standing.blocked
        ? {
            key: 'unblock',
            label: t('consent.unblock'),
            testId: 'consent-unblock',
            onSelect: () => quietly({ blocked: false }, t('consent.unblocked', { page: pageName })),
          }
        : {
            key: 'block',
            label: t('consent.block'),
            testId: 'consent-block',
            danger: true,
            onSelect: () => setConfirm('block'),
          },
    );

  return (
    <>
      <span className="sidebar-menu">
        <button
          ref={buttonRef}
          type="button"
          className="icon-button"
          data-testid="page-consent-button"
          onClick={() => setOpen((o) => !o)}
          aria-label={t('consent.menu', { page: pageName })}
          title={t('consent.menu', { page: pageName })}
          aria-haspopup="menu"
          aria-expanded={open}
          disabled={standing === null}
        >
          <IconMore />
        </button>
        {open && (
          <Menu
            label={t('consent.menu', { page: pageName })}
            anchorRef={buttonRef}
            onClose={() => setOpen(false)}
            items={items}
            testId="page-consent-menu"
          />
        )}
      </span>
      {confirm === 'stop' && (
        <ConfirmDialog
          title={t('consent.stop.title', { page: pageName })}
          body={t('consent.stop.body', { page: pageName })}
          confirmLabel={t('consent.stop')}
          confirmTestId="consent-stop-confirm"
          onConfirm={() => decide({ updates: 'stopped' }, t('consent.stopped', { page: pageName }))}
          onClose={() => setConfirm(null)}
        />
      )}
      {confirm === 'block' && (
        <ConfirmDialog
          title={t('consent.block.title', { page: pageName })}
          body={t('consent.block.body', { page: pageName })}
          confirmLabel={t('consent.block')}
          confirmTestId="consent-block-confirm"
          onConfirm={() => decide({ blocked: true }, t('consent.blocked', { page: pageName }))}
          onClose={() => setConfirm(null)}
        />
      )}
      {standing?.blocked ? (
        <p className="thread-notice" role="status" data-testid="consent-notice">
          {t('consent.notice.blocked', { page: pageName })}
        </p>
      ) : standing?.updatesStopped ? (
        <p className="thread-notice" role="status" data-testid="consent-notice">
          {t('consent.notice.stopped', { page: pageName })}
        </p>
      ) : null}
    </>
  );
}
