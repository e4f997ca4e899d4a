import { newId } from '../lib/ids.ts';
import type { Media } from '../media/service.ts';
import type { MediaRecord } from '../media/types.ts';
import type { GraphMediaPort } from '../platform/graph-media.ts';
import type { Committer } from '../storage/commit.ts';

/**
 * The media a page's apps send and save through the Graph API (platform/graph-media.ts's port), on media's
 * service: an upload or a URL's file, stored as the page's; saved for reuse when asked (a page's saved
 * attachment: never bound itself, each send claims a copy); deleted when the call that stored it sends
 * nothing.
 *
 * Media's `upload` makes unsent uploads only: a saved one is made here from it, in one job — the same
 * stored file under a reusable record, in place of the unsent one (media.claim copies such a record into
 * each conversation; the sweeper leaves it alone).
 */
export class PageMedia implements GraphMediaPort {
  constructor(
    private readonly media: Media,
    private readonly committer: Committer,
  ) {}

  async upload(input: Parameters<GraphMediaPort['upload']>[0]): Promise<MediaRecord> {
    const { reusable, ...upload } = input;
    const record = await this.media.upload(upload);
    return reusable ? this.saved(record) : record;
  }

  async uploadFromUrl(input: Parameters<GraphMediaPort['uploadFromUrl']>[0]): Promise<MediaRecord> {
    const { reusable, ...upload } = input;
    const record = await this.media.uploadFromUrl(upload);
    return reusable ? this.saved(record) : record;
  }

  /** Deletes what a call stored and did not send: the record (unless a conversation has it), then its bytes. */
  async discard(record: MediaRecord): Promise<void> {
    await this.committer.run(async (uow) => {
      const now = await uow.tx.media.mediaById(record.id);
      if (now && now.conversationId === null) await this.media.releaseIn(uow, [record.id]);
    });
  }

  /** The upload as the page's saved media: a reusable record of the same stored file, in its place. */
  private async saved(record: MediaRecord): Promise<MediaRecord> {
    const saved: MediaRecord = { ...record, id: newId(), reusable: true };
    try {
      await this.committer.run(async ({ tx }) => {
        await tx.media.insertMedia(saved);
        await tx.media.deleteMedia([record.id]);
      });
    } catch (e) {
      await this.discard(record);
      throw e;
    }
    return saved;
  }
}
