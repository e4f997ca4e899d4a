/**
 * Where a popup menu goes so that all of it stays on screen: under its button, or above when the room under
 * it is short (or above first when asked, and under when that is short), shifted sideways to stay inside,
 * and scrolling inside itself only when the screen is shorter than the menu. Pure: rectangles in, position out.
 */

export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface MenuPlacement {
  top: number;
  left: number;
  /** Set when the menu is taller than the room it has: it scrolls inside itself. */
  maxHeight: number | null;
  side: 'below' | 'above';
}

/** Space kept between the menu and its button, and between the menu and the edge of the room. */
export const MENU_GAP = 4;

/**
 * `anchor`: the button; `size`: the menu's; `room`: where it must stay (the visible part of the scrolling
 * area that holds the button, within the viewport); `viewport`: the fallback when the room cannot hold it.
 */
export function placeMenu(
  anchor: Rect,
  size: { width: number; height: number },
  room: Rect,
  viewport: Rect,
  align: 'start' | 'end',
  above: boolean,
): MenuPlacement {
  const below = anchor.bottom + MENU_GAP;
  const over = anchor.top - MENU_GAP - size.height;
  const fits = (top: number, r: Rect) => top >= r.top + MENU_GAP && top + size.height <= r.bottom - MENU_GAP;
  const order: ['below' | 'above', number][] = above
    ? [
        ['above', over],
        ['below', below],
      ]
    : [
        ['below', below],
        ['above', over],
      ];
  let top: number | null = null;
  let side: 'below' | 'above' = above ? 'above' : 'below';
  let maxHeight: number | null = null;
  for (const r of [room, viewport]) {
    const found = order.find(([, t]) => fits(t, r));
    if (found) {
      [side, top] = found;
      break;
    }
  }
  if (top === null) {
    // Neither side holds it: the side with more room, clamped into the viewport, scrolling if need be.
    const roomBelow = viewport.bottom - below;
    const roomAbove = anchor.top - MENU_GAP - viewport.top;
    side = roomBelow >= roomAbove ? 'below' : 'above';
    const available = viewport.bottom - viewport.top - 2 * MENU_GAP;
    const height = Math.min(size.height, available);
    if (size.height > available) maxHeight = available;
    const wanted = side === 'below' ? below : anchor.top - MENU_GAP - height;
    top = Math.min(Math.max(wanted, viewport.top + MENU_GAP), viewport.bottom - MENU_GAP - height);
  }
  const wantedLeft = align === 'end' ? anchor.right - size.width : anchor.left;
  const maxLeft = viewport.right - MENU_GAP - size.width;
  const left = Math.max(viewport.left + MENU_GAP, Math.min(wantedLeft, maxLeft));
  return { top, left, maxHeight, side };
}

/** The visible part of the nearest scrolling box around `el` (a thread, a list), within the viewport. */
export function clippingRoom(el: HTMLElement, viewport: Rect): Rect {
  let room = { ...viewport };
  for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (!/(auto|scroll)/.test(`${style.overflowY} ${style.overflowX}`)) continue;
    const r = node.getBoundingClientRect();
    room = {
      top: Math.max(room.top, r.top),
      left: Math.max(room.left, r.left),
      bottom: Math.min(room.bottom, r.bottom),
      right: Math.min(room.right, r.right),
    };
    break;
  }
  return room;
}
