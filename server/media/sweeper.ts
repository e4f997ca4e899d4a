import { mediaLimits } from '../../protocol/media.ts';
import { HourlyJob } from '../lib/hourly.ts';
import type { Logger } from '../lib/logger.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { BlobStore } from './types.ts';

const HOUR = 3_600_000;
/** Uploads handled per round: a transaction stays short, other writes go on between rounds. */
const PER_ROUND = 100;

/**
 * Uploads never sent in a message are deleted (docs/MEDIA.md, "Sweeper"): once an hour (and a minute after
 * start), those made more than `mediaLimits.unsentHours` + 1 hour ago — their blobs (those no other row
 * shares), then their rows. A
 * send refuses an upload older than `unsentHours` (Media.claim), so the hour between the two means an
 * upload being swept can no longer be sent: blobs are never deleted under a message. A saved (reusable)
 * attachment is never swept.
 */
export class MediaSweeper {
  private readonly job: HourlyJob;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly blobs: BlobStore,
    private readonly log: Logger,
  ) {
    this.job = new HourlyJob(
      (now) => this.sweep(now - (mediaLimits.unsentHours + 1) * HOUR),
      log,
      'the sweep of unsent media failed',
    );
  }

  start(firstAfterMs?: number, everyMs?: number) {
    this.job.start(firstAfterMs, everyMs);
  }

  /** Deletes every unsent upload past its age; answers how many. One run at a time. */
  run(now = Date.now()): Promise<number> {
    return this.job.run(now);
  }

  stop() {
    this.job.stop();
  }

  private async sweep(cutoff: number): Promise<number> {
    let total = 0;
    while (!this.job.stopped) {
      const batch = await this.storage.reader.media.unsentBefore(cutoff, PER_ROUND);
      if (batch.length === 0) break;
      const ids = batch.map((m) => m.id);
      // Bytes another row shares (a saved attachment made from this upload, its copies) are kept.
      const keys = batch.flatMap((m) => (m.thumbnailKey ? [m.key, m.thumbnailKey] : [m.key]));
      const shared = new Set(await this.storage.reader.media.keysInUse(keys, ids));
      for (const key of keys) if (!shared.has(key)) await this.blobs.delete(key);
      total += await this.committer.run(async ({ tx }) => {
        const still = (await tx.media.mediaByIds(ids)).filter((m) => m.conversationId === null && !m.reusable);
        return tx.media.deleteMedia(still.map((m) => m.id));
      });
      if (batch.length < PER_ROUND) break;
    }
    if (total > 0) this.log.info({ deleted: total }, 'unsent media swept');
    return total;
  }
}
