import type { Media } from '../media/service.ts';
import type { MediaRecord } from '../media/types.ts';
import type { GraphMediaPort } from '../platform/graph-media.ts';
import type { Committer } from '../storage/commit.ts';

/**
 * The media a page's apps send and save through the Graph API (platform/graph-media.ts's port), on media's
 * service: an upload or a URL's file, stored as the page's; saved for reuse when asked (a page's saved
 * attachment: never bound itself, each send claims a copy); deleted when the call that stored it sends
 * nothing.
 */
export class PageMedia implements GraphMediaPort {
  constructor(
    private readonly media: Media,
    private readonly committer: Committer,
  ) {}

  upload(input: Parameters<GraphMediaPort['upload']>[0]): Promise<MediaRecord> {
    return this.media.upload(input);
  }

  uploadFromUrl(input: Parameters<GraphMediaPort['uploadFromUrl']>[0]): Promise<MediaRecord> {
    return this.media.uploadFromUrl(input);
  }

  /** Deletes what a call stored and did not send: the record (unless a conversation has it), then its bytes. */
  async discard(record: MediaRecord): Promise<void> {
    await this.committer.run(async (uow) => {
      const now = await uow.tx.media.mediaById(record.id);
      if (now && now.conversationId === null) await this.media.releaseIn(uow, [record.id]);
    });
  }
}
