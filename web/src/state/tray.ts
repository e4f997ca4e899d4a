import { type AttachmentView, type MediaKind, mediaLimits } from '../../../protocol/media.ts';
import type { FailReason } from './types.ts';

/**
 * The composer's tray: the files picked, dropped or pasted for the next message, each uploading at once
 * (`POST /api/media`), uploaded, or failed with the server's error id. Pure: app/attachments.ts runs the
 * uploads and keeps one tray per conversation; the composer shows it and sends what is uploaded.
 */

export type TrayStatus = 'uploading' | 'done' | 'failed';

export interface TrayEntry {
  /** Local id (the upload's, not the attachment's). */
  key: string;
  name: string;
  size: number;
  /** From the type the device declared: only to choose the preview (the server decides the kind from the bytes). */
  kind: MediaKind;
  /** An object URL of the file, for an image's thumbnail; null otherwise. */
  previewUrl: string | null;
  status: TrayStatus;
  /** Bytes sent so far. */
  sent: number;
  /** What the server made of it, once uploaded. */
  attachment: AttachmentView | null;
  error: FailReason | null;
  /** A failed upload may be tried again (not one refused before it started, e.g. too large). */
  retryable: boolean;
}

export type TrayAction =
  | { type: 'add'; entries: readonly TrayEntry[] }
  | { type: 'progress'; key: string; sent: number }
  | { type: 'done'; key: string; attachment: AttachmentView }
  | { type: 'failed'; key: string; error: FailReason }
  | { type: 'retry'; key: string }
  | { type: 'remove'; key: string }
  | { type: 'clear' };

/** The largest upload any kind allows: a file over it is refused before it is sent (the server decides the rest). */
export const largestUpload = Math.max(...Object.values(mediaLimits.bytes));

/** Errors about the file itself: trying it again would fail the same way (others — network, rate limit — may pass). */
const permanent: ReadonlySet<FailReason> = new Set<FailReason>([
  'media_too_large',
  'media_type_mismatch',
  'media_corrupt',
  'media_too_many_pixels',
  'payload_too_large',
  'bad_request',
]);

/** The kind a declared type suggests (`image/png` → image), for the preview only. */
export function guessKind(type: string): MediaKind {
  const top = type.split('/')[0]?.toLowerCase();
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'file';
}

/**
 * A new entry for a file: uploading, or already failed when it is obviously refused (over the largest
 * limit: the server decides everything else). `previewUrl` is the caller's (it made the object URL).
 */
export function newEntry(
  key: string,
  file: { name: string; size: number; type: string },
  previewUrl: string | null,
): TrayEntry {
  const refused: FailReason | null = file.size > largestUpload ? 'media_too_large' : null;
  return {
    key,
    name: file.name,
    size: file.size,
    kind: guessKind(file.type),
    previewUrl,
    status: refused ? 'failed' : 'uploading',
    sent: 0,
    attachment: null,
    error: refused,
    retryable: refused === null,
  };
}

/** How many more files the tray takes (a message carries at most `mediaLimits.perMessage`). */
export function roomLeft(tray: readonly TrayEntry[]): number {
  return Math.max(0, mediaLimits.perMessage - tray.length);
}

function update(tray: readonly TrayEntry[], key: string, fn: (e: TrayEntry) => TrayEntry): TrayEntry[] {
  let changed = false;
  const next = tray.map((e) => {
    if (e.key !== key) return e;
    const n = fn(e);
    if (n !== e) changed = true;
    return n;
  });
  return changed ? next : (tray as TrayEntry[]);
}

export function trayReducer(tray: readonly TrayEntry[], action: TrayAction): TrayEntry[] {
  switch (action.type) {
    case 'add': {
      const fresh = action.entries.filter((e) => !tray.some((t) => t.key === e.key)).slice(0, roomLeft(tray));
      return fresh.length ? [...tray, ...fresh] : (tray as TrayEntry[]);
    }
    case 'progress':
      return update(tray, action.key, (e) =>
        e.status === 'uploading' && action.sent !== e.sent
          ? { ...e, sent: Math.max(0, Math.min(e.size, action.sent)) }
          : e,
      );
    case 'done':
      return update(tray, action.key, (e) =>
        e.status === 'uploading' ? { ...e, status: 'done', sent: e.size, attachment: action.attachment } : e,
      );
    case 'failed':
      return update(tray, action.key, (e) =>
        e.status === 'uploading'
          ? { ...e, status: 'failed', error: action.error, retryable: !permanent.has(action.error) }
          : e,
      );
    case 'retry':
      return update(tray, action.key, (e) =>
        e.status === 'failed' && e.retryable ? { ...e, status: 'uploading', sent: 0, error: null } : e,
      );
    case 'remove':
      return tray.some((e) => e.key === action.key) ? tray.filter((e) => e.key !== action.key) : (tray as TrayEntry[]);
    case 'clear':
      return tray.length ? [] : (tray as TrayEntry[]);
  }
}

/** Whether the composer may send: no upload under way or failed, and a caption or at least one uploaded file. */
export function canSend(tray: readonly TrayEntry[], text: string): boolean {
  if (tray.some((e) => e.status !== 'done')) return false;
  return tray.length > 0 || text.trim() !== '';
}

/** The uploaded attachments, in the tray's order. */
export function uploaded(tray: readonly TrayEntry[]): AttachmentView[] {
  return tray.flatMap((e) => (e.status === 'done' && e.attachment ? [e.attachment] : []));
}

/** Share of the file sent, 0–1. */
export function progressOf(entry: TrayEntry): number {
  if (entry.status === 'done') return 1;
  return entry.size > 0 ? Math.min(1, entry.sent / entry.size) : 0;
}
