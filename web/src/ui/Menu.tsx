import { type ReactNode, type RefObject, useEffect, useLayoutEffect, useRef } from 'react';
import './menu.css';
import { clippingRoom, placeMenu } from './menu-position.ts';

export interface MenuItem {
  key: string;
  label: string;
  icon?: ReactNode;
  /** What choosing it does; for a link, after the link opens. */
  onSelect: () => void;
  testId?: string;
  danger?: boolean;
  /** A link that opens in a new tab (an http(s) URL: checked by the caller). */
  href?: string;
}

/**
 * A `role="menu"` popup, placed on screen next to its button (fixed, flipped above or shifted sideways so
 * that every item stays in view, following the button when the page scrolls): focus goes to the first item, ↑/↓/Home/End move, Enter/Space select, Escape or Tab
 * close and give focus back to the button that opened it.
 */
export function Menu({
  items,
  label,
  onClose,
  anchorRef,
  align = 'end',
  above = false,
  testId,
}: {
  items: MenuItem[];
  label: string;
  onClose: () => void;
  anchorRef: RefObject<HTMLElement | null>;
  align?: 'start' | 'end';
  /** Opens above its button when there is room (one at the bottom of the screen). */
  above?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  // Before paint (and before focus moves in): where all of it shows, then again on scroll and resize.
  useLayoutEffect(() => {
    const place = () => {
      const menu = ref.current;
      const anchor = anchorRef.current;
      if (!menu || !anchor) return;
      menu.style.position = 'fixed';
      menu.style.maxHeight = '';
      const viewport = { top: 0, left: 0, bottom: window.innerHeight, right: window.innerWidth };
      const at = placeMenu(
        anchor.getBoundingClientRect(),
        { width: menu.offsetWidth, height: menu.offsetHeight },
        clippingRoom(anchor, viewport),
        viewport,
        align,
        above,
      );
      Object.assign(menu.style, {
        top: `${at.top}px`,
        left: `${at.left}px`,
        right: 'auto',
        bottom: 'auto',
        maxHeight: at.maxHeight === null ? '' : `${at.maxHeight}px`,
      });
      menu.dataset.side = at.side;
    };
    // Not when the menu scrolls inside itself.
    const onScroll = (e: Event) => {
      if (e.target !== ref.current) place();
    };
    place();
    window.addEventListener('resize', place);
    window.addEventListener('scroll', onScroll, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', onScroll, true);
    };
  }, [anchorRef, align, above]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (ref.current?.contains(target) || anchorRef.current?.contains(target)) return;
      onCloseRef.current();
    };
    document.addEventListener('pointerdown', onPointer, true);
    return () => document.removeEventListener('pointerdown', onPointer, true);
  }, [anchorRef]);

  const close = (refocus: boolean) => {
    onCloseRef.current();
    if (refocus) anchorRef.current?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const nodes = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = nodes.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => nodes[(i + nodes.length) % nodes.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        move(at + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        move(at - 1);
        break;
      case 'Home':
        e.preventDefault();
        move(0);
        break;
      case 'End':
        e.preventDefault();
        move(nodes.length - 1);
        break;
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        close(true);
        break;
      case 'Tab':
        close(false);
        break;
    }
  };

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      className={`menu menu-${align}${above ? ' menu-above' : ''}`}
      data-testid={testId}
      onKeyDown={onKeyDown}
    >
      {items.map((item) =>
        item.href ? (
          <a
            key={item.key}
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            data-testid={item.testId}
            href={item.href}
            target="_blank"
            rel="noopener noreferrer"
            onClick={() => {
              close(true);
              item.onSelect();
            }}
          >
            {item.icon}
            <span>{item.label}</span>
          </a>
        ) : (
          <button
            key={item.key}
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={`menu-item${item.danger ? ' menu-item-danger' : ''}`}
            data-testid={item.testId}
            onClick={() => {
              close(true);
              item.onSelect();
            }}
          >
            {item.icon}
            <span>{item.label}</span>
          </button>
        ),
      )}
    </div>
  );
}
