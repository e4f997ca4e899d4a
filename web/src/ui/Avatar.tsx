import { useState } from 'react';
import type { UserView } from '../../../protocol/views.ts';

/** Initials on a colour derived from the id; a profile photo over them once it loads (initials on error). */
const hues = [210, 250, 280, 330, 10, 30, 150, 180];

function hueOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return hues[h % hues.length] ?? 210;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The first character as a person sees it (an emoji with its modifiers, a letter with its accents). */
function firstGrapheme(word: string): string {
  for (const { segment } of graphemes.segment(word)) return segment;
  return '';
}

/** The first letters of the first and last words, each a whole grapheme: "Ana 🎉" → "A🎉", never half an emoji. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0] ? firstGrapheme(parts[0]) : '?';
  const second = parts.length > 1 ? firstGrapheme(parts[parts.length - 1] ?? '') : '';
  return (first + second).toUpperCase();
}

export function Avatar({
  id,
  name,
  size = 40,
  group = false,
  page = false,
  user = null,
}: {
  id: string;
  name: string;
  size?: number;
  group?: boolean;
  /** A business page: a rounded square with a small mark, told apart from people at a glance. */
  page?: boolean;
  /** The person shown, when one is: their photo (over the initials), or a neutral avatar once deleted. */
  user?: UserView | null;
}) {
  const deleted = user?.deleted === true;
  const photo = deleted ? null : (user?.avatar?.thumbnailUrl ?? null);
  return (
    <span
      className={`avatar${group ? ' avatar-group' : ''}${page ? ' avatar-page' : ''}${deleted ? ' avatar-deleted' : ''}`}
      style={{ width: size, height: size, fontSize: size * 0.38, ['--avatar-hue' as string]: String(hueOf(id)) }}
      aria-hidden="true"
      data-photo={photo ? 'true' : undefined}
    >
      {deleted ? <DeletedMark /> : initials(name)}
      {photo && <Photo key={photo} src={photo} />}
    </span>
  );
}

/** The photo, shown once loaded: the initials stay under it while it loads, and instead of it if it fails. */
function Photo({ src }: { src: string }) {
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  if (state === 'failed') return null;
  return (
    <img
      className={`avatar-photo${state === 'loaded' ? ' loaded' : ''}`}
      src={src}
      alt=""
      draggable={false}
      onLoad={() => setState('loaded')}
      onError={() => setState('failed')}
    />
  );
}

/** A neutral silhouette: a deleted account has no name to take initials from. */
function DeletedMark() {
  return (
    <svg viewBox="0 0 24 24" width="60%" height="60%" fill="currentColor" aria-hidden="true">
      <circle cx="12" cy="8" r="4" />
      <path d="M4 20c0-4 3.6-6 8-6s8 2 8 6z" />
    </svg>
  );
}
