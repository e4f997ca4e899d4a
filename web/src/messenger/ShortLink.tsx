import { useEffect, useRef, useState } from 'react';
import { openShortLink } from '../app/pages.ts';
import { navigate } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { IconChat } from '../ui/Icons.tsx';

/**
 * A page's short link (`/m/<username>?ref=…`) being followed: the person's conversation with the page is
 * opened (made the first time) with the link's ref, and its URL takes the link's place. When that fails —
 * no page has that username, a ref the server refuses, the network — it says so, with a way back.
 */
export function ShortLink({ username, linkRef }: { username: string; linkRef: string | null }) {
  const { t, te } = useI18n();
  const [error, setError] = useState<string | null>(null);
  // Once per link shown (React may run an effect twice): each open tells the page's apps again.
  const opened = useRef<string | null>(null);
  useEffect(() => {
    const key = `${username}\u0000${linkRef ?? ''}`;
    if (opened.current === key) return;
    opened.current = key;
    setError(null);
    openShortLink(username, linkRef).catch((e: unknown) => {
      const id = errorIdOf(e);
      setError(id === 'page_not_found' ? t('link.notFound', { username }) : te(id));
    });
  }, [username, linkRef, t, te]);

  return (
    <div className="thread-empty-state" data-testid="short-link">
      <IconChat size={48} />
      {error ? (
        <>
          <p role="alert" data-testid="short-link-error">
            {error}
          </p>
          <button type="button" className="link-button" onClick={() => navigate(null, { replace: true })}>
            {t('link.back')}
          </button>
        </>
      ) : (
        <p role="status" aria-busy="true">
          {t('link.opening', { username })}
        </p>
      )}
    </div>
  );
}
