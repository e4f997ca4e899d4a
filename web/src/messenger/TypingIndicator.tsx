import type { UserView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { typingUsers } from '../state/selectors.ts';
import { shallowEqual, useStore } from '../state/store.ts';

/** "Ana is typing…", "Ana and Ben are typing…", "Ana and 2 others are typing…". */
export function typingText(t: ReturnType<typeof useI18n>['t'], users: UserView[]): string {
  const [a, b] = users;
  if (!a) return '';
  if (!b) return t('typing.one', { name: a.displayName });
  if (users.length === 2) return t('typing.two', { a: a.displayName, b: b.displayName });
  return t('typing.many', { name: a.displayName, count: users.length - 1 });
}

/** Who is typing in one conversation; re-renders only when that set changes. */
export function TypingIndicator({ conversationId }: { conversationId: string }) {
  // Expired signals are pruned from the store on time, so reading the clock here is enough.
  const users = useStore((s) => typingUsers(s, conversationId, Date.now()), shallowEqual);
  const { t } = useI18n();
  const text = typingText(t, users);
  return (
    <div
      className="typing-indicator"
      data-testid="typing-indicator"
      aria-live="polite"
      data-active={text ? 'true' : 'false'}
    >
      {text && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          <span>{text}</span>
        </>
      )}
    </div>
  );
}
