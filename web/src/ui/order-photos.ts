import type { AttachmentView } from '../../../protocol/media.ts';
import { requestLimits } from '../../../protocol/order-requests.ts';
import type { ErrorKey } from '../lib/errors.ts';

/**
 * The photos of a return as its form holds them (pure, tested without a browser): each uploaded as soon
 * as it is chosen, with its progress, then the server's attachment — or the error that refused it. Sent
 * are the uploaded ones, in the order chosen; the form waits while one is still uploading.
 */

export type PhotoState =
  | { status: 'uploading'; progress: number }
  | { status: 'done'; attachment: AttachmentView }
  | { status: 'failed'; error: ErrorKey };

export interface Photo {
  /** The form's own key for it (never sent). */
  key: string;
  name: string;
  /** A local preview (object URL) until the server's thumbnail is there. */
  preview: string | null;
  state: PhotoState;
}

export type PhotoAction =
  | { type: 'add'; key: string; name: string; preview: string | null }
  | { type: 'progress'; key: string; progress: number }
  | { type: 'done'; key: string; attachment: AttachmentView }
  | { type: 'failed'; key: string; error: ErrorKey }
  | { type: 'remove'; key: string };

/** How many more may be chosen now. */
export const roomFor = (photos: readonly Photo[]): number => Math.max(0, requestLimits.photos - photos.length);

export function photosReducer(photos: readonly Photo[], action: PhotoAction): Photo[] {
  switch (action.type) {
    case 'add':
      if (roomFor(photos) === 0 || photos.some((p) => p.key === action.key)) return [...photos];
      return [
        ...photos,
        { key: action.key, name: action.name, preview: action.preview, state: { status: 'uploading', progress: 0 } },
      ];
    case 'remove':
      return photos.filter((p) => p.key !== action.key);
    default:
      return photos.map((p) => {
        if (p.key !== action.key) return p;
        if (action.type === 'progress')
          return p.state.status === 'uploading'
            ? { ...p, state: { status: 'uploading', progress: Math.min(1, Math.max(0, action.progress)) } }
            : p;
        if (action.type === 'done') return { ...p, state: { status: 'done', attachment: action.attachment } };
        return { ...p, state: { status: 'failed', error: action.error } };
      });
  }
}

/** What the form sends: the uploaded photos' ids, or why it cannot yet. */
export function photoIdsOf(
  photos: readonly Photo[],
): { photoIds: string[] } | { problem: 'photos_uploading' | 'photo_failed' } {
  if (photos.some((p) => p.state.status === 'uploading')) return { problem: 'photos_uploading' };
  if (photos.some((p) => p.state.status === 'failed')) return { problem: 'photo_failed' };
  return { photoIds: photos.flatMap((p) => (p.state.status === 'done' ? [p.state.attachment.id] : [])) };
}
