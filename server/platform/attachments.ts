import { randomInt } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { AttachmentRecord } from './store.ts';

/** An attachment id: 15 decimal digits, the first not 0 — Messenger's look, and exact as a JSON number. */
const drawId = (): string => `${randomInt(1, 10)}${String(randomInt(0, 1e14)).padStart(14, '0')}`;

/**
 * Attachments an app saves for its page (`me/message_attachments`) and sends again by `attachment_id`
 * (the Send API): any app of the same page may, never another page's. Saved by URL: media storage, and with
 * it uploads, come later (docs/PLATFORM.md).
 */
export class SavedAttachments {
  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
  ) {}

  async save(pageId: string, appId: string, type: AttachmentRecord['type'], url: string): Promise<AttachmentRecord> {
    return this.committer.run(async ({ tx, now }) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const record: AttachmentRecord = { id: drawId(), pageId, appId, type, url, createdAt: now };
        if (await tx.platform.insertAttachment(record)) return record;
      }
      throw new AppError('internal', 'Could not draw an attachment id');
    });
  }

  /** The URLs of the page's saved attachments among these ids (others are not there). */
  async urls(pageId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.storage.reader.platform.attachmentsByIds(pageId, ids)).map((a) => [a.id, a.url]));
  }
}
