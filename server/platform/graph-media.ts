import type { Readable } from 'node:stream';
import type { MediaKind } from '../../protocol/media.ts';
import { AppError } from '../errors.ts';
import type { MediaRecord } from '../media/types.ts';
import type { UnitOfWork } from '../storage/commit.ts';
import type { SavedAttachments } from './attachments.ts';
import { mediaError } from './graph-errors.ts';
import { FILE_FIELD, type MediaSource } from './send-body.ts';

/**
 * The Graph API's media (docs/PLATFORM.md, "Attachments"): what an app sends or saves — by URL, fetched
 * server-side; by the call's file (multipart `filedata`), streamed; by `attachment_id`, the page's saved
 * media — stored through media's pipeline as the page's (its owner: the page; its app: the caller), then
 * claimed by the message (media.claim, in the send's job: a reusable one is copied). What media refuses
 * is answered as Messenger's clients expect it: a Graph error naming the field.
 */

/** What the Graph API asks of media (app.ts: media's service). */
export interface GraphMediaPort {
  upload(input: {
    ownerId: string;
    appId: string;
    body: Readable;
    name: string | null;
    reusable: boolean;
  }): Promise<MediaRecord>;
  uploadFromUrl(input: { ownerId: string; appId: string; url: string; reusable: boolean }): Promise<MediaRecord>;
  /** Deletes an upload this call made and no message took (reusable or not); one bound to a conversation stays. */
  discard(record: MediaRecord): Promise<void>;
}

/** A message's media, stored: the record the message claims, and what the send's job writes beside it. */
export interface StoredMedia {
  mediaId: string;
  /** What this call fetched from a URL: deleted (discard) if the message is not sent. */
  fetched: MediaRecord | null;
  /**
   * Written in the send's job, before the message: the page's saved attachment when the call asked
   * `is_reusable` (its id is answered), or the media of an attachment saved by URL only, kept — `unkept`
   * when another call's first use kept its own first (this one's copy is the message's; its original,
   * then used by nothing, is discarded after).
   */
  saveIn: (uow: UnitOfWork) => Promise<{ attachmentId: string | null; unkept: boolean }>;
}

const PAYLOAD = 'message[attachment][payload]';

/** The calling app and the page it acts for (graph-call.ts's Grant). */
type Grant = { appId: string; pageId: string };

export class GraphMedia {
  constructor(
    private readonly media: GraphMediaPort,
    private readonly saved: SavedAttachments,
  ) {}

  /** Streams the call's file into media's pipeline, as the page's (reusable: saved for later sends). */
  async upload(grant: Grant, file: { filename: string; stream: Readable }, reusable: boolean): Promise<MediaRecord> {
    try {
      return await this.media.upload({
        ownerId: grant.pageId,
        appId: grant.appId,
        body: file.stream,
        name: file.filename === '' ? null : file.filename,
        reusable,
      });
    } catch (e) {
      throw mediaError(e, FILE_FIELD);
    }
  }

  /** Fetches a URL's media (SSRF-safe, time and size limited: media's `uploadFromUrl`), as the page's. */
  async fetch(grant: Grant, url: string, reusable: boolean, field = `${PAYLOAD}[url]`): Promise<MediaRecord> {
    try {
      return await this.media.uploadFromUrl({ ownerId: grant.pageId, appId: grant.appId, url, reusable });
    } catch (e) {
      throw mediaError(e, field);
    }
  }

  /**
   * A Send API message's media from where it comes: fetched now from its URL, the call's file (`uploaded`,
   * stored while its form was read), or a saved attachment — whose media, when it was saved by URL only,
   * is fetched now and kept for its next uses.
   */
  async forMessage(
    grant: Grant,
    media: { type: MediaKind; source: MediaSource },
    uploaded: MediaRecord | null,
  ): Promise<StoredMedia> {
    const { source, type } = media;
    const save = (record: MediaRecord, url: string | null) => async (uow: UnitOfWork) => {
      const o = { pageId: grant.pageId, appId: grant.appId, type, mediaId: record.id, url };
      return { attachmentId: await this.saved.saveIn(uow, o), unkept: false };
    };
    const none = async () => ({ attachmentId: null, unkept: false });
    switch (source.from) {
      case 'url': {
        const record = await this.fetch(grant, source.url, source.reusable);
        return { mediaId: record.id, fetched: record, saveIn: source.reusable ? save(record, source.url) : none };
      }
      case 'upload': {
        if (!uploaded) throw new AppError('internal', 'the call’s file was not stored');
        return { mediaId: uploaded.id, fetched: null, saveIn: source.reusable ? save(uploaded, null) : none };
      }
      case 'saved': {
        if (source.saved.mediaId !== null) return { mediaId: source.saved.mediaId, fetched: null, saveIn: none };
        // Saved before Comptoir stored media: fetched at this first use, and kept for the next ones.
        const url = source.saved.url ?? '';
        const record = await this.fetch(grant, url, true, `${PAYLOAD}[attachment_id]`);
        return {
          mediaId: record.id,
          fetched: record,
          saveIn: async (uow) => ({
            attachmentId: null,
            unkept: !(await this.saved.keepMediaIn(uow, grant.pageId, source.attachmentId, record.id)),
          }),
        };
      }
    }
  }

  /** Deletes what a call stored that no message took (a failure is logged by media: only space is lost). */
  discard(record: MediaRecord | null): Promise<void> {
    return record === null ? Promise.resolve() : this.media.discard(record);
  }
}
