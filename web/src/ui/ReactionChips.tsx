import type { ReactionView } from '../../../protocol/views.ts';
import type { Translate } from '../i18n/translate.ts';
import { useI18n } from '../i18n/useI18n.ts';
import './reaction-chips.css';

/** "Ana, Ben reacted ❤️" / "You and Ana reacted ❤️" — who reacted with one emoji, me first as "You". */
export function reactedLabel(
  r: ReactionView,
  meId: string,
  nameOf: (userId: string) => string,
  t: Translate,
  locale: string,
): string {
  const mine = r.userIds.includes(meId);
  const others = r.userIds.filter((id) => id !== meId).map(nameOf);
  const names = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(
    mine ? [t('reactions.you'), ...others] : others,
  );
  return mine
    ? t('reactions.whoAndYou', { names, emoji: r.emoji })
    : t('reactions.who', { names, emoji: r.emoji, count: others.length });
}

/**
 * A message's reactions under its bubble: one chip per emoji with its count, pressed when it holds mine;
 * pressing one puts mine or takes it back. Its label and tooltip say who reacted. Without `onToggle` (the
 * business inbox, where the page's people read them) the chips are shown, not pressed.
 */
export function ReactionChips({
  reactions,
  meId,
  nameOf,
  tabbable,
  onToggle,
}: {
  reactions: ReactionView[];
  meId: string;
  nameOf: (userId: string) => string;
  tabbable: boolean;
  onToggle?: (emoji: string, on: boolean) => void;
}) {
  const { t, locale } = useI18n();
  if (!onToggle) {
    return (
      <ul className="msg-reactions msg-reactions-static" aria-label={t('reactions.list')} data-testid="reactions">
        {reactions.map((r) => {
          const label = reactedLabel(r, meId, nameOf, t, locale);
          return (
            <li
              key={r.emoji}
              className="reaction-chip"
              data-testid="reaction-chip"
              data-emoji={r.emoji}
              data-count={r.count}
              title={label}
            >
              <span className="sr-only">{label}</span>
              <span className="reaction-chip-emoji" aria-hidden="true">
                {r.emoji}
              </span>
              <span className="reaction-chip-count" aria-hidden="true">
                {r.count}
              </span>
            </li>
          );
        })}
      </ul>
    );
  }
  return (
    <ul className="msg-reactions" aria-label={t('reactions.list')} data-testid="reactions">
      {reactions.map((r) => {
        const mine = r.userIds.includes(meId);
        const label = reactedLabel(r, meId, nameOf, t, locale);
        return (
          <li key={r.emoji}>
            <button
              type="button"
              className={`reaction-chip${mine ? ' reaction-chip-mine' : ''}`}
              data-testid="reaction-chip"
              data-emoji={r.emoji}
              data-count={r.count}
              aria-pressed={mine}
              aria-label={label}
              title={label}
              tabIndex={tabbable ? 0 : -1}
              onClick={() => onToggle(r.emoji, !mine)}
            >
              <span className="reaction-chip-emoji" aria-hidden="true">
                {r.emoji}
              </span>
              <span className="reaction-chip-count" aria-hidden="true">
                {r.count}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
