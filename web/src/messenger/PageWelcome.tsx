import type { PageProfileView } from '../../../protocol/profile.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { forLanguage } from '../state/selectors.ts';

/**
 * Messenger's placeholders in a page's greeting, filled with the person's name (`{{user_full_name}}`,
 * first and last: the display name's first word, and the rest).
 */
export function fillGreeting(text: string, displayName: string): string {
  const [first = '', ...rest] = displayName.trim().split(/\s+/);
  const names: Record<string, string> = {
    user_first_name: first,
    user_last_name: rest.join(' '),
    user_full_name: displayName.trim(),
  };
  return text.replace(/\{\{(user_(?:first|last|full)_name)\}\}/g, (_, key: string) => names[key] ?? '');
}

/**
 * What an empty conversation with a page shows: the page's greeting (in the app's language when the page
 * has one, else its default) and its Get Started button, which sends the page's get_started postback.
 */
export function PageWelcome({
  profile,
  displayName,
  onGetStarted,
}: {
  profile: PageProfileView | undefined;
  displayName: string;
  onGetStarted: (title: string, payload: string) => void;
}) {
  const { t, locale } = useI18n();
  const greeting = forLanguage(profile?.greeting ?? null, locale);
  const start = profile?.getStarted ?? null;
  if (!greeting && !start) return <p className="thread-empty">{t('thread.empty')}</p>;
  return (
    <div className="page-welcome" data-testid="page-welcome">
      {greeting && (
        <p className="page-welcome-greeting" data-testid="page-greeting">
          {fillGreeting(greeting.text, displayName)}
        </p>
      )}
      {start && (
        <button
          type="button"
          className="button page-welcome-start"
          data-testid="get-started"
          onClick={() => onGetStarted(t('thread.getStarted'), start.payload)}
        >
          {t('thread.getStarted')}
        </button>
      )}
    </div>
  );
}
