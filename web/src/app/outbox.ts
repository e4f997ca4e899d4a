import { limits } from '../../../protocol/limits.ts';
import type { AttachmentView } from '../../../protocol/media.ts';
import type { MessageView, QuoteView } from '../../../protocol/views.ts';
import { type Upload, UploadAborted, uploadMedia } from '../api/media.ts';
import { newClientId } from '../lib/clientId.ts';
import { errorIdOf } from '../lib/errors.ts';
import { releasePreviews } from '../lib/previews.ts';
import { type VoiceClip, voiceFileName } from '../lib/recorder.ts';
import {
  addPending,
  discardPending,
  markFailed,
  markPendingAgain,
  uploadDone,
  uploadProgress,
} from '../state/local.ts';
import { store } from '../state/store.ts';
import type { OutboxItem, Tap } from '../state/types.ts';
import { socket } from './connection.ts';

/**
 * Optimistic sending. A message goes into the outbox (shown at once as pending) and is sent over the socket
 * with its clientId as `ref`. Until the server acknowledges it (ack, or a message.created carrying the same
 * clientId), it is re-sent with the same clientId after every reconnection; the server dedupes.
 * The outbox survives a reload of this tab (sessionStorage).
 *
 * A message with attachments carries the ids of files already uploaded (the composer sends once its tray's
 * uploads are done), re-sent with the same clientId and ids. A voice clip is the one upload that runs in
 * the outbox: its message waits, pending, until the clip is uploaded, and is sent then.
 */

function transmit(item: OutboxItem): void {
  if (item.status !== 'pending' || item.upload || !socket.isReady()) return;
  socket.send({
    type: 'send',
    ref: item.clientId,
    conversationId: item.conversationId,
    clientId: item.clientId,
    text: item.text,
    ...(item.replyToId ? { replyToId: item.replyToId } : {}),
    ...(item.tap ? { [item.tap.kind]: { payload: item.tap.payload } } : {}),
    ...(item.attachments?.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
  });
}

export function quoteOf(message: MessageView): QuoteView {
  return {
    id: message.id,
    senderId: message.senderId,
    text: message.text === null ? null : message.text.slice(0, 200),
    deleted: message.deletedAt !== null,
  };
}

/**
 * Queues a message; returns false (and queues nothing) for too long text, or empty text without
 * attachments. With attachments (uploaded), the text is their caption and may be empty.
 */
export function sendMessage(
  conversationId: string,
  text: string,
  replyTo: MessageView | null,
  attachments: readonly AttachmentView[] = [],
): boolean {
  const blank = text.trim() === '';
  if ((blank && attachments.length === 0) || text.length > limits.messageText.max) return false;
  const item: OutboxItem = {
    clientId: newClientId(),
    conversationId,
    text: blank ? '' : text,
    replyToId: replyTo?.id ?? null,
    replyTo: replyTo ? quoteOf(replyTo) : null,
    createdAt: new Date().toISOString(),
    status: 'pending',
    error: null,
    ...(attachments.length ? { attachments: [...attachments] } : {}),
  };
  store.update((s) => addPending(s, item));
  transmit(item);
  return true;
}

/** Voice clips of pending messages, by clientId, with their running upload. */
const clips = new Map<string, { clip: VoiceClip; upload: Upload | null }>();

function uploadClip(clientId: string): void {
  const held = clips.get(clientId);
  if (!held) return;
  const { clip } = held;
  const upload = uploadMedia(clip.blob, {
    name: voiceFileName(clip.mime),
    voice: { durationMs: clip.durationMs, waveform: clip.waveform },
    onProgress: (sent) => store.update((s) => uploadProgress(s, clientId, sent)),
  });
  held.upload = upload;
  upload.done.then(
    (attachment) => {
      clips.delete(clientId);
      store.update((s) => uploadDone(s, clientId, attachment));
      const item = store.getSnapshot().outbox.find((o) => o.clientId === clientId);
      if (item) transmit(item);
    },
    (e: unknown) => {
      held.upload = null;
      if (!(e instanceof UploadAborted)) store.update((s) => markFailed(s, clientId, errorIdOf(e)));
    },
  );
}

/**
 * A voice clip as a message: pending at once (its bubble shows the clip's waveform and the upload's
 * progress), uploaded with its duration and waveform, then sent like any message with attachments.
 */
export function sendVoice(conversationId: string, clip: VoiceClip, replyTo: MessageView | null): void {
  const item: OutboxItem = {
    clientId: newClientId(),
    conversationId,
    text: '',
    replyToId: replyTo?.id ?? null,
    replyTo: replyTo ? quoteOf(replyTo) : null,
    createdAt: new Date().toISOString(),
    status: 'pending',
    error: null,
    upload: { sent: 0, total: clip.blob.size, durationMs: clip.durationMs, waveform: clip.waveform },
  };
  clips.set(item.clientId, { clip, upload: null });
  store.update((s) => addPending(s, item));
  uploadClip(item.clientId);
}

/**
 * A tap on what a page offered (a quick reply, a postback button of its message or menu, Get Started): sent
 * like any message — pending at once, re-sent until acknowledged — with the title as its text.
 */
export function sendTap(conversationId: string, title: string, tap: Tap): void {
  const item: OutboxItem = {
    clientId: newClientId(),
    conversationId,
    text: title,
    replyToId: null,
    replyTo: null,
    createdAt: new Date().toISOString(),
    status: 'pending',
    error: null,
    tap: { kind: tap.kind, payload: tap.payload },
  };
  store.update((s) => addPending(s, item));
  transmit(item);
}

/** Sends every pending item again (after `ready` on a new connection). */
export function flushOutbox(): void {
  for (const item of store.getSnapshot().outbox) transmit(item);
}

export function retrySend(clientId: string): void {
  store.update((s) => markPendingAgain(s, clientId));
  const item = store.getSnapshot().outbox.find((o) => o.clientId === clientId);
  if (item?.upload) {
    if (!clips.get(clientId)?.upload) uploadClip(clientId);
  } else if (item) transmit(item);
}

export function discardSend(clientId: string): void {
  clips.get(clientId)?.upload?.abort();
  clips.delete(clientId);
  store.update((s) => discardPending(s, clientId));
}

export function isOutboxRef(ref: string | null): boolean {
  return ref !== null && store.getSnapshot().outbox.some((o) => o.clientId === ref);
}

// Persistence: one key per account, in this tab only (other tabs have their own outbox).
const storageKey = (userId: string) => `comptoir.outbox.${userId}`;
let persistedFor: string | null = null;
let lastSaved: OutboxItem[] | null = null;

export function restoreOutbox(userId: string): void {
  persistedFor = userId;
  try {
    const raw = sessionStorage.getItem(storageKey(userId));
    const items = raw ? (JSON.parse(raw) as OutboxItem[]) : [];
    for (const item of items) {
      if (
        typeof item?.clientId === 'string' &&
        typeof item.conversationId === 'string' &&
        typeof item.text === 'string' &&
        (item.tap === undefined ||
          ((item.tap.kind === 'quickReply' || item.tap.kind === 'postback') && typeof item.tap.payload === 'string')) &&
        (item.attachments === undefined ||
          (Array.isArray(item.attachments) && item.attachments.every((a) => typeof a?.id === 'string'))) &&
        // A voice clip's bytes did not survive the reload: its message cannot be sent.
        item.upload === undefined
      ) {
        store.update((s) => addPending(s, item));
      }
    }
  } catch {
    // unreadable: start empty
  }
}

export function forgetOutbox(): void {
  if (persistedFor) {
    try {
      sessionStorage.removeItem(storageKey(persistedFor));
    } catch {
      // ignore
    }
  }
  persistedFor = null;
  lastSaved = null;
}

let previewsFor: OutboxItem[] | null = null;
store.subscribe(() => {
  const { outbox } = store.getSnapshot();
  if (outbox !== previewsFor) {
    // A sent image's local preview is let go once its message is no longer pending (acknowledged, discarded).
    previewsFor = outbox;
    releasePreviews(new Set(outbox.flatMap((o) => o.attachments?.map((a) => a.id) ?? [])));
  }
  if (!persistedFor || outbox === lastSaved) return;
  lastSaved = outbox;
  try {
    if (outbox.length === 0) sessionStorage.removeItem(storageKey(persistedFor));
    else sessionStorage.setItem(storageKey(persistedFor), JSON.stringify(outbox));
  } catch {
    // storage full or disabled: the outbox still lives in memory
  }
});
