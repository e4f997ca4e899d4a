import { useEffect } from 'react';
import { badgeCount, badgeText, nextMuteEnd, titleWithCount } from '../state/notify.ts';
import { useStore } from '../state/store.ts';
import { useRenderAt } from './render-at.ts';

/**
 * The tab's title "(3) Comptoir" and a red badge with the count on its icon: the unread messages of the
 * conversations not muted, cleared as they are read.
 */
export function useTabBadge(name: string): void {
  const count = useStore((s) => badgeCount(s, Date.now()));
  // A mute ending brings its conversation's unread messages back into the count.
  useRenderAt(useStore((s) => nextMuteEnd(s, Date.now())));
  useEffect(() => {
    document.title = titleWithCount(name, count);
    setIconBadge(badgeText(count));
  }, [name, count]);
}

let original: string | null = null;
let drawn: { text: string; href: string } | null = null;
let image: HTMLImageElement | null = null;

function iconLink(): HTMLLinkElement | null {
  return document.querySelector<HTMLLinkElement>('link[rel="icon"]');
}

/** Draws the page's icon with a red dot holding `text` (none: the icon as it was). */
function setIconBadge(text: string): void {
  const link = iconLink();
  if (!link) return;
  original ??= link.href;
  link.dataset.badge = text;
  if (text === '') {
    link.href = original;
    return;
  }
  if (drawn?.text === text) {
    link.href = drawn.href;
    return;
  }
  const draw = (img: HTMLImageElement) => {
    if (link.dataset.badge !== text) return; // a later count was asked meanwhile
    const size = 64;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(img, 0, 0, size, size);
    const r = text.length > 2 ? 20 : 17;
    const cx = size - r;
    const cy = r;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.fillStyle = '#e5484d';
    ctx.fill();
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.fillStyle = '#ffffff';
    ctx.font = `bold ${text.length > 2 ? 18 : 24}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, cx, cy + 1);
    const href = canvas.toDataURL('image/png');
    drawn = { text, href };
    link.href = href;
  };
  if (image?.complete && image.naturalWidth > 0) {
    draw(image);
    return;
  }
  const img = new Image();
  img.onload = () => {
    image = img;
    draw(img);
  };
  img.src = original;
}
