/** Initials on a colour derived from the id: no images needed. */
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
}: {
  id: string;
  name: string;
  size?: number;
  group?: boolean;
  /** A business page: a rounded square with a small mark, told apart from people at a glance. */
  page?: boolean;
}) {
  return (
    <span
      className={`avatar${group ? ' avatar-group' : ''}${page ? ' avatar-page' : ''}`}
      style={{ width: size, height: size, fontSize: size * 0.38, ['--avatar-hue' as string]: String(hueOf(id)) }}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}
