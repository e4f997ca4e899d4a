import type { AttachmentView } from '../../../protocol/media.ts';
import { formatDuration } from '../i18n/format.ts';
import type { Translate } from '../i18n/translate.ts';
import { safeUrl } from './urls.ts';

/**
 * What a message's attachments are, in words, where there is no room to show them: the conversation
 * list's last message and the inbox's, when the message has no caption. "Photo", "3 photos", "GIF",
 * "Video", "Voice message (0:12)", "Audio: song.mp3", "File: name.pdf", "4 attachments".
 */
export function attachmentsSummary(attachments: readonly AttachmentView[], t: Translate): string {
  const [first] = attachments;
  if (!first) return t('sidebar.preview.attachment');
  if (attachments.length > 1) {
    if (attachments.every((a) => a.kind === 'image')) return t('media.summary.photos', { count: attachments.length });
    if (attachments.every((a) => a.kind === 'video')) return t('media.summary.videos', { count: attachments.length });
    return t('media.summary.attachments', { count: attachments.length });
  }
  switch (first.kind) {
    case 'image':
      return first.mime === 'image/gif' ? t('media.summary.gif') : t('media.summary.photo');
    case 'video':
      return t('media.summary.video');
    case 'audio':
      return first.voice
        ? t('media.summary.voice', { duration: formatDuration(first.durationMs ?? 0, true) })
        : t('media.summary.audio', { name: first.name });
    case 'file':
      return t('media.summary.file', { name: first.name });
  }
}

/**
 * The text a list shows for a message: its caption, else what its attachments are; null when it has
 * neither (the caller words that case: deleted, a template…).
 */
export function previewText(
  message: { text: string | null; attachments?: readonly AttachmentView[] },
  t: Translate,
): string | null {
  if (message.text !== null && message.text.trim() !== '') return message.text;
  if (message.attachments && message.attachments.length > 0) return attachmentsSummary(message.attachments, t);
  return null;
}

/** An attachment's address as served: a path of this origin (`/…`, not `//…`), or http(s); anything else null. */
export function mediaUrl(url: string | null): string | null {
  if (!url) return null;
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  return safeUrl(url);
}

/**
 * The box an image or video takes in the thread before it loads, from its pixels: its shape, at most
 * `max` wide and high, never enlarged — except that each side is at least `min` (a sliver or an icon stays
 * tappable; the picture is then cropped to the box, object-fit: cover). null when the size is unknown
 * (the caller uses a default box).
 */
export function fitBox(
  width: number | null,
  height: number | null,
  max = 320,
  min = 48,
): { width: number; height: number } | null {
  if (!width || !height || width <= 0 || height <= 0) return null;
  const scale = Math.min(1, max / width, max / height);
  return { width: Math.max(min, Math.round(width * scale)), height: Math.max(min, Math.round(height * scale)) };
}
