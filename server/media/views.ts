import type { MediaRef } from '../../protocol/content.ts';
import type { AttachmentView } from '../../protocol/media.ts';
import type { MediaRecord } from './store.ts';
import type { MediaVariant } from './types.ts';

/**
 * What people are shown of media, pure (no service, no storage): the messaging presenter uses it for a
 * message's attachments, the routes for an upload's answer.
 */

/** The same-origin path a variant is read at (by the reader's session). */
export function mediaPath(id: string, variant: MediaVariant = 'original'): string {
  const base = `/api/media/${encodeURIComponent(id)}`;
  return variant === 'thumbnail' ? `${base}/thumbnail` : base;
}

/** What a message keeps of a record (media never change: the message shows what it keeps). */
export function mediaRef(r: MediaRecord): MediaRef {
  return {
    id: r.id,
    kind: r.kind,
    mime: r.mime,
    name: r.name,
    size: r.size,
    width: r.width,
    height: r.height,
    durationMs: r.durationMs,
    voice: r.voice,
    waveform: r.waveform,
    thumbnail: r.thumbnailKey !== null,
  };
}

/** An attachment as people see it: what the message keeps, and where to read it (same-origin paths). */
export function attachmentView(ref: MediaRef): AttachmentView {
  return {
    id: ref.id,
    kind: ref.kind,
    mime: ref.mime,
    name: ref.name,
    size: ref.size,
    width: ref.width,
    height: ref.height,
    durationMs: ref.durationMs,
    voice: ref.voice,
    waveform: ref.waveform,
    url: mediaPath(ref.id),
    thumbnailUrl: ref.thumbnail ? mediaPath(ref.id, 'thumbnail') : null,
  };
}
