import { type RefObject, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/useI18n.ts';
import { clippingRoom, placeMenu } from '../../ui/menu-position.ts';
import { EMOJI_CATEGORIES, type EmojiEntry, QUICK_REACTIONS, searchEmoji } from './emoji.ts';
import { nextButton } from './keys.ts';
import './reactions.css';

/** The emoji buttons of the picker, in DOM order. */
const buttonsOf = (root: HTMLElement | null) =>
  root ? [...root.querySelectorAll<HTMLButtonElement>('button[data-emoji], button[data-more]')] : [];

/**
 * The reaction picker: a dialog next to its button with the six quick reactions, and "More emoji" for the
 * whole grid by category with a search by name (English or French). Keyboard: arrows move between the
 * emoji (and from the search field down into them), Enter or Space picks, Escape closes and gives focus
 * back to the button that opened it; focus leaving it closes it. `mine`: the emoji I already put on the
 * message (shown pressed; picking one takes it back).
 */
export function ReactionPicker({
  anchorRef,
  mine,
  onPick,
  onClose,
  align,
}: {
  anchorRef: RefObject<HTMLElement | null>;
  mine: ReadonlySet<string>;
  onPick: (emoji: string) => void;
  onClose: () => void;
  align: 'start' | 'end';
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [full, setFull] = useState(false);
  const [query, setQuery] = useState('');
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    const place = () => {
      const el = ref.current;
      const anchor = anchorRef.current;
      if (!el || !anchor) return;
      el.style.position = 'fixed';
      el.style.maxHeight = '';
      const viewport = { top: 0, left: 0, bottom: window.innerHeight, right: window.innerWidth };
      const at = placeMenu(
        anchor.getBoundingClientRect(),
        { width: el.offsetWidth, height: el.offsetHeight },
        clippingRoom(anchor, viewport),
        viewport,
        align,
        true,
      );
      Object.assign(el.style, {
        top: `${at.top}px`,
        left: `${at.left}px`,
        maxHeight: at.maxHeight === null ? '' : `${at.maxHeight}px`,
      });
    };
    place();
    const onScroll = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) place();
    };
    window.addEventListener('resize', place);
    window.addEventListener('scroll', onScroll, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', onScroll, true);
    };
    // Placed again when the grid opens or the search narrows it.
  });

  // Focus: the first quick reaction when it opens; the search field when the grid opens.
  useEffect(() => {
    buttonsOf(ref.current)[0]?.focus();
  }, []);
  useEffect(() => {
    if (full) searchRef.current?.focus();
  }, [full]);

  // A press outside closes it (focus stays where the person put it).
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (ref.current?.contains(target) || anchorRef.current?.contains(target)) return;
      onCloseRef.current();
    };
    document.addEventListener('pointerdown', onDown, true);
    return () => document.removeEventListener('pointerdown', onDown, true);
  }, [anchorRef]);

  const close = () => {
    onClose();
    anchorRef.current?.focus();
  };
  const pick = (emoji: string) => {
    onPick(emoji);
    close();
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    const keys = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'] as const;
    const key = keys.find((k) => k === e.key);
    if (!key) return;
    const buttons = buttonsOf(ref.current);
    const inSearch = e.target === searchRef.current;
    if (inSearch) {
      // From the search field, down goes into the results; the other keys edit the text.
      if (key !== 'ArrowDown') return;
      e.preventDefault();
      const first = buttons.findIndex((b) => b.closest('.reaction-grid'));
      buttons[Math.max(first, 0)]?.focus();
      return;
    }
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (current < 0) return;
    e.preventDefault();
    const rects = buttons.map((b) => {
      const r = b.getBoundingClientRect();
      return { top: r.top, left: r.left };
    });
    // Up from the grid's first row goes back to the search field.
    const next = nextButton(rects, current, key);
    if (key === 'ArrowUp' && next === current && full) searchRef.current?.focus();
    else buttons[next]?.focus();
  };

  const results = useMemo(() => (query.trim() ? searchEmoji(query) : null), [query]);

  const emojiButton = (e: EmojiEntry | string, where: 'quick' | 'grid') => {
    const emoji = typeof e === 'string' ? e : e.emoji;
    const pressed = mine.has(emoji);
    return (
      <button
        key={`${where}-${emoji}`}
        type="button"
        className={`reaction-option${pressed ? ' reaction-option-mine' : ''}`}
        data-emoji={emoji}
        data-testid={where === 'quick' ? 'reaction-quick' : 'reaction-option'}
        aria-pressed={pressed}
        title={typeof e === 'string' ? undefined : e.en}
        tabIndex={-1}
        onClick={() => pick(emoji)}
      >
        {emoji}
      </button>
    );
  };

  return (
    <div
      ref={ref}
      className="reaction-picker"
      role="dialog"
      aria-labelledby={titleId}
      data-testid="reaction-picker"
      onKeyDown={onKeyDown}
      // Focus leaving it (Tab past its last control, a click elsewhere) closes it.
      onBlur={(e) => {
        const to = e.relatedTarget as Node | null;
        if (to && !ref.current?.contains(to) && !anchorRef.current?.contains(to)) onClose();
      }}
    >
      <h2 id={titleId} className="sr-only">
        {t('reactions.picker')}
      </h2>
      <div className="reaction-quick" role="toolbar" aria-label={t('reactions.quick')}>
        {QUICK_REACTIONS.map((e) => emojiButton(e, 'quick'))}
        <button
          type="button"
          className="reaction-option reaction-more"
          data-more="true"
          data-testid="reaction-more"
          aria-expanded={full}
          aria-label={t('reactions.moreEmoji')}
          title={t('reactions.moreEmoji')}
          tabIndex={-1}
          onClick={() => setFull((f) => !f)}
        >
          +
        </button>
      </div>
      {full && (
        <div className="reaction-full">
          <input
            ref={searchRef}
            type="search"
            className="reaction-search"
            data-testid="reaction-search"
            aria-label={t('reactions.search')}
            placeholder={t('reactions.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <div className="reaction-scroll">
            {results ? (
              results.length > 0 ? (
                <div className="reaction-grid">{results.map((e) => emojiButton(e, 'grid'))}</div>
              ) : (
                <p className="reaction-empty" role="status">
                  {t('reactions.noResults')}
                </p>
              )
            ) : (
              EMOJI_CATEGORIES.map((c) => (
                <section key={c.id} className="reaction-category" aria-label={t(c.label)}>
                  <h3 className="reaction-category-title">{t(c.label)}</h3>
                  <div className="reaction-grid">{c.emojis.map((e) => emojiButton(e, 'grid'))}</div>
                </section>
              ))
            )}
          </div>
        </div>
      )}
    </div>
  );
}
