import { supportedExtensions } from 'file-type';
import { type MediaKind, mediaLimits } from '../../protocol/media.ts';
import { AppError } from '../errors.ts';
import type { Sniffed } from './sniff.ts';

/**
 * The name an upload is shown with (docs/MEDIA.md, "Names"): the given one cleaned, its extension made the
 * type's; and the rule that refuses a file whose bytes contradict its name.
 */

/**
 * Extensions of the media types, with the kinds their bytes may be. A container (MP4, QuickTime, WebM) holds
 * video or audio only: `clip.mp4` may be either; `photo.jpg` must be an image.
 */
const MEDIA_EXTENSIONS: Record<string, readonly MediaKind[]> = {};
const add = (kinds: readonly MediaKind[], ...exts: string[]) => {
  for (const ext of exts) MEDIA_EXTENSIONS[ext] = kinds;
};
add(['image'], 'jpg', 'jpeg', 'jpe', 'jfif', 'pjpeg', 'png', 'apng', 'gif', 'webp');
add(['video', 'audio'], 'mp4', 'm4v', 'mov', 'qt', 'webm');
add(['audio'], 'mp3', 'ogg', 'oga', 'opus', 'spx', 'wav', 'wave', 'm4a', 'm4b', 'aac', 'flac', 'weba');

/**
 * Extensions that name a type that is not media here: a document, an archive, a program, an image or video
 * format the pipeline keeps as a file (HEIC, SVG, AVI…). Bytes of a media type under such a name are refused.
 */
const FILE_EXTENSIONS = new Set<string>([
  ...[...supportedExtensions].filter((ext) => !(ext in MEDIA_EXTENSIONS)),
  ...['txt', 'text', 'csv', 'tsv', 'md', 'json', 'html', 'htm', 'xhtml', 'svg', 'svgz', 'js', 'mjs', 'css'],
  ...['doc', 'xls', 'ppt', 'odt', 'ods', 'odp', 'rtf', 'exe', 'dll', 'bat', 'cmd', 'sh', 'ps1', 'heif', 'tiff'],
]);

/** Which kinds of bytes a name's extension allows: null when the extension names no type we know. */
function kindsNamed(ext: string): readonly MediaKind[] | null {
  return MEDIA_EXTENSIONS[ext] ?? (FILE_EXTENSIONS.has(ext) ? ['file'] : null);
}

/** Control characters, and the invisible ones that reorder or hide text (`invoice\u202Efdp.exe`). */
const UNWANTED = /[\p{Cc}\u200B\u200E\u200F\u202A-\u202E\u2028\u2029\u2066-\u2069\uFEFF]/gu;

/**
 * The given name without a directory part, control or bidirectional-override characters, surrounding
 * spaces, at most `mediaLimits.name` characters (its extension kept when it is cut); '' when nothing is left.
 */
export function cleanName(given: string | null | undefined): string {
  if (!given) return '';
  const base = given.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const name = base.replace(UNWANTED, '').trim();
  if (name === '.' || name === '..') return '';
  const { stem, ext } = split(name);
  return ext !== null && ext.length <= 16 ? join(stem, ext) : cut(name, mediaLimits.name);
}

/** `photo.JPG` → stem `photo`, ext `jpg`; a leading dot (`.bashrc`) or a trailing one is no extension. */
function split(name: string): { stem: string; ext: string | null } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { stem: name, ext: null };
  return { stem: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

/** `stem.ext` within the length limit, the stem cut when needed. */
function join(stem: string, ext: string): string {
  return `${cut(stem, mediaLimits.name - ext.length - 1).trimEnd()}.${ext}`;
}

/** At most `max` UTF-16 units (what the protocol's limit counts), never half of a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const high = text.charCodeAt(max - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
}

const GENERATED: Record<MediaKind, string> = { image: 'image', video: 'video', audio: 'audio', file: 'file' };

/**
 * The name to show for bytes sniffed as `sniffed`. Throws `media_type_mismatch` when the name's extension
 * names a type of another kind than the bytes (`photo.jpg` holding a PDF or a video, `song.mp3` holding a
 * PNG, `report.pdf` holding a JPEG); within a kind the extension is corrected (`photo.jpg` holding a PNG is
 * `photo.png`). A media file's name always ends with its type's extension (appended when the name had none
 * or one naming no known type); a file's name is kept as given. No name: `image.jpg`, `audio.webm`, `file`…
 */
export function nameFor(given: string | null | undefined, sniffed: Pick<Sniffed, 'kind' | 'ext'>): string {
  const name = cleanName(given);
  const { stem, ext } = split(name);
  const allowed = ext === null ? null : kindsNamed(ext);
  if (allowed && !allowed.includes(sniffed.kind)) {
    throw new AppError(
      'media_type_mismatch',
      `The file’s content (${sniffed.kind === 'file' ? 'not an image, video or audio' : sniffed.kind}) does not match its name (.${ext})`,
    );
  }
  if (sniffed.kind === 'file' || sniffed.ext === null) return name || GENERATED.file;
  if (!name) return `${GENERATED[sniffed.kind]}.${sniffed.ext}`;
  return join(allowed ? stem : name, sniffed.ext);
}
