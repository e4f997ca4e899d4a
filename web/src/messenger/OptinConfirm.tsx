import { useEffect, useRef, useState } from 'react';
import type { PageView } from '../../../protocol/views.ts';
import { api } from '../api/http.ts';
import { navigate } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { IconStore } from '../ui/Icons.tsx';
import './optins.css';

/**
 * The opt-in link flow (`/optin?page_id=…&user_ref=…&ref=…&return_to=…`): where the merchant's checkout
 * cannot show the checkbox to a signed-in person (third-party cookies blocked), its link brings them here —
 * signed in first if need be — to a screen naming the page; confirming records the opt-in and goes back to
 * the merchant (`return_to`, one of the page's whitelisted domains, checked by the server) with the reference.
 */
export function OptinConfirm({
  pageId,
  userRef,
  optinRef,
  returnTo,
}: {
  pageId: string;
  userRef: string;
  optinRef: string | null;
  returnTo: string;
}) {
  const { t, te } = useI18n();
  const [page, setPage] = useState<PageView | null>(null);
  const [already, setAlready] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    api
      .optinCheck({ pageId, userRef, ref: optinRef, returnTo })
      .then((r) => {
        if (!live) return;
        setPage(r.page);
        setAlready(r.alreadyOptedIn);
      })
      .catch((e: unknown) => live && setError(te(errorIdOf(e))));
    return () => {
      live = false;
    };
  }, [pageId, userRef, optinRef, returnTo, te]);

  useEffect(() => {
    if (page) confirmRef.current?.focus();
  }, [page]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.optIn({
        pageId,
        userRef,
        ...(optinRef === null ? {} : { ref: optinRef }),
        returnTo,
        how: 'link',
      });
      window.location.assign(r.returnTo ?? returnTo);
    } catch (e) {
      setError(te(errorIdOf(e)));
      setBusy(false);
    }
  };

  return (
    <main className="optin-screen">
      <section className="optin-card" aria-labelledby="optin-title" data-testid="optin-confirm">
        <span className="optin-icon" aria-hidden="true">
          <IconStore size={28} />
        </span>
        {page ? (
          <>
            <h1 id="optin-title">{t('optin.title', { page: page.name })}</h1>
            <p>{t('optin.body', { page: page.name })}</p>
            <p className="field-hint">{t('optin.control')}</p>
            {error && (
              <p role="alert" className="optin-error" data-testid="optin-error">
                {error}
              </p>
            )}
            <div className="optin-actions">
              {already ? (
                <a className="button button-primary" href={returnTo} data-testid="optin-back">
                  {t('optin.back')}
                </a>
              ) : (
                <button
                  ref={confirmRef}
                  type="button"
                  className="button button-primary"
                  data-testid="optin-confirm-button"
                  disabled={busy}
                  onClick={confirm}
                >
                  {t('optin.confirm')}
                </button>
              )}
              {!already && (
                <a className="button" href={returnTo} data-testid="optin-cancel">
                  {t('optin.cancel')}
                </a>
              )}
            </div>
            {already && <p role="status">{t('optin.already')}</p>}
          </>
        ) : error ? (
          <>
            <h1 id="optin-title">{t('optin.refused')}</h1>
            <p role="alert" className="optin-error" data-testid="optin-error">
              {error}
            </p>
            <button type="button" className="link-button" onClick={() => navigate(null, { replace: true })}>
              {t('link.back')}
            </button>
          </>
        ) : (
          <p id="optin-title" role="status" aria-busy="true">
            {t('optin.checking')}
          </p>
        )}
      </section>
    </main>
  );
}
