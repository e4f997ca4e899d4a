/** Moving between the reaction picker's emoji with the arrow keys (pure: positions in, index out). */

/**
 * The button to move to from `current` with an arrow key: ←/→ the previous or next one; ↑/↓ the nearest
 * one on the row above or below (by where they are drawn), so that the quick row and the grid read as one.
 */
export function nextButton(
  buttons: readonly { top: number; left: number }[],
  current: number,
  key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End',
): number {
  if (buttons.length === 0) return -1;
  if (key === 'Home') return 0;
  if (key === 'End') return buttons.length - 1;
  if (key === 'ArrowLeft') return Math.max(0, current - 1);
  if (key === 'ArrowRight') return Math.min(buttons.length - 1, current + 1);
  const here = buttons[current];
  if (!here) return 0;
  const down = key === 'ArrowDown';
  // The nearest row in that direction, then the button on it closest to the same column.
  let rowTop: number | null = null;
  for (const b of buttons) {
    if (down ? b.top > here.top + 1 : b.top < here.top - 1) {
      if (rowTop === null || (down ? b.top < rowTop : b.top > rowTop)) rowTop = b.top;
    }
  }
  if (rowTop === null) return current;
  let best = current;
  let bestDistance = Number.POSITIVE_INFINITY;
  buttons.forEach((b, i) => {
    if (Math.abs(b.top - (rowTop as number)) > 1) return;
    const d = Math.abs(b.left - here.left);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  });
  return best;
}
