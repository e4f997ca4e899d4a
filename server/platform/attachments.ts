import { randomInt } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { SavedAttachment } from './send-body.ts';
import type { AttachmentRecord } from './store.ts';

/** An attachment id: 15 decimal digits, the first not 0 — Messenger's look, and exact as a JSON number. */
const drawId = (): string => `${randomInt(1, 10)}${String(randomInt(0, 1e14)).padStart(14, '0')}`;

/**
 * Attachments an app saves for its page (`me/message_attachments`, or a send with `is_reusable`) and sends
 * again by `attachment_id` (the Send API): any app of the same page may, never another page's. Each is
 * the page's reusable media (a send claims a copy of it), under the 15-digit id apps know; one saved before
 * Comptoir stored media has only its URL, and its media is fetched at its next use and kept
 * (docs/PLATFORM.md, "Reusable attachments").
 */
export class SavedAttachments {
  constructor(private readonly storage: Storage) {}

  /** Saves the page's media as an attachment, in the job of the call that stored it: its id. */
  async saveIn(
    uow: UnitOfWork,
    o: { pageId: string; appId: string; type: AttachmentRecord['type']; mediaId: string; url: string | null },
  ): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record: AttachmentRecord = { id: drawId(), ...o, createdAt: uow.now };
      if (await uow.tx.platform.insertAttachment(record)) return record.id;
    }
    throw new AppError('internal', 'Could not draw an attachment id');
  }

  /** The page's saved attachments among these ids (others are not there). */
  async find(pageId: string, ids: readonly string[]): Promise<Map<string, SavedAttachment>> {
    if (ids.length === 0) return new Map();
    const found = await this.storage.reader.platform.attachmentsByIds(pageId, ids);
    return new Map(found.map((a) => [a.id, { url: a.url, mediaId: a.mediaId }]));
  }

  /**
   * Keeps the media fetched for an attachment saved with its URL only, in the job of the send that used
   * it: false when another call's first use kept its own first.
   */
  keepMediaIn(uow: UnitOfWork, pageId: string, id: string, mediaId: string): Promise<boolean> {
    return uow.tx.platform.setAttachmentMedia(pageId, id, mediaId);
  }
}
