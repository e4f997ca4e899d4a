import type { AttachmentView } from '../../../protocol/media.ts';
import { type Upload, UploadAborted, uploadMedia } from '../api/media.ts';
import { errorIdOf } from '../lib/errors.ts';
import { keepPreview } from '../lib/previews.ts';
import { createStore } from '../state/store.ts';
import { newEntry, roomLeft, type TrayAction, type TrayEntry, trayReducer, uploaded } from '../state/tray.ts';

/**
 * The composer's trays, one per conversation (they outlive the open thread, like drafts): a file added is
 * uploaded at once, its progress and outcome kept in the tray (state/tray.ts), and what is uploaded is
 * taken by the composer when it sends. The files and their uploads are held here, out of the state.
 */

export type Trays = Record<string, readonly TrayEntry[]>;
export const trays = createStore<Trays>({});

const files = new Map<string, File>();
const running = new Map<string, Upload>();
let counter = 0;

function dispatch(conversationId: string, action: TrayAction): void {
  trays.update((all) => {
    const tray = all[conversationId] ?? [];
    const next = trayReducer(tray, action);
    return next === tray ? all : { ...all, [conversationId]: next };
  });
}

function entryOf(conversationId: string, key: string): TrayEntry | undefined {
  return trays.getSnapshot()[conversationId]?.find((e) => e.key === key);
}

function start(conversationId: string, key: string): void {
  const file = files.get(key);
  if (!file) return;
  const upload = uploadMedia(file, {
    name: file.name,
    onProgress: (sent) => dispatch(conversationId, { type: 'progress', key, sent }),
  });
  running.set(key, upload);
  upload.done.then(
    (attachment) => {
      running.delete(key);
      dispatch(conversationId, { type: 'done', key, attachment });
    },
    (e: unknown) => {
      running.delete(key);
      if (!(e instanceof UploadAborted)) dispatch(conversationId, { type: 'failed', key, error: errorIdOf(e) });
    },
  );
}

/**
 * Adds files to a conversation's tray and starts their uploads. Returns false when some did not fit (a
 * message carries at most mediaLimits.perMessage): those are left out.
 */
export function addFiles(conversationId: string, list: readonly File[]): boolean {
  const room = roomLeft(trays.getSnapshot()[conversationId] ?? []);
  const taken = list.slice(0, room);
  const entries = taken.map((file) => {
    const key = `u${++counter}`;
    files.set(key, file);
    const image = file.type.startsWith('image/') && typeof URL.createObjectURL === 'function';
    return newEntry(key, file, image ? URL.createObjectURL(file) : null);
  });
  dispatch(conversationId, { type: 'add', entries });
  for (const entry of entries) if (entry.status === 'uploading') start(conversationId, entry.key);
  return taken.length === list.length;
}

export function retryUpload(conversationId: string, key: string): void {
  const entry = entryOf(conversationId, key);
  if (entry?.status !== 'failed' || !entry.retryable) return;
  dispatch(conversationId, { type: 'retry', key });
  start(conversationId, key);
}

function forget(entry: TrayEntry, keepUrl: boolean): void {
  running.get(entry.key)?.abort();
  running.delete(entry.key);
  files.delete(entry.key);
  if (entry.previewUrl && !keepUrl) URL.revokeObjectURL(entry.previewUrl);
}

/** Removes a file from the tray, stopping its upload (an uploaded one is left to the server's sweeper). */
export function removeUpload(conversationId: string, key: string): void {
  const entry = entryOf(conversationId, key);
  if (!entry) return;
  forget(entry, false);
  dispatch(conversationId, { type: 'remove', key });
}

/**
 * The uploaded attachments, for the message being sent, and an empty tray. Their images' previews are kept
 * for the pending bubble (lib/previews.ts). Call only when every upload is done (state/tray.ts canSend).
 */
export function takeAttachments(conversationId: string): AttachmentView[] {
  const tray = trays.getSnapshot()[conversationId] ?? [];
  const attachments = uploaded(tray);
  for (const entry of tray) {
    const keep = entry.status === 'done' && entry.attachment !== null && entry.previewUrl !== null;
    if (keep && entry.attachment && entry.previewUrl) keepPreview(entry.attachment.id, entry.previewUrl);
    forget(entry, keep);
  }
  dispatch(conversationId, { type: 'clear' });
  return attachments;
}

/** Empties every tray (signing out). */
export function clearTrays(): void {
  for (const [conversationId, tray] of Object.entries(trays.getSnapshot())) {
    for (const entry of tray) forget(entry, false);
    dispatch(conversationId, { type: 'clear' });
  }
}
