import type { MessageContent } from '../../protocol/content.ts';
import { isRef } from '../../protocol/schemas.ts';
import { AppError } from '../errors.ts';
import type { ConsumerEvent } from '../events/store.ts';
import type { UnitOfWork } from '../storage/commit.ts';

/**
 * Short links (docs/PLATFORM.md, "Short links"): Messenger's m.me links. A person who opens a page's link
 * `/m/<username>?ref=<ref>` opens their thread with the page, and the page's apps learn the ref, as
 * Messenger tells them:
 * - the thread has messages already, or the page has no Get Started button: a `referral` event now
 *   (`messaging_referrals`);
 * - the thread is still empty and the page has a Get Started button: the ref waits with the thread
 *   (`page_scoped_ids.pending_ref`, one row per person and page, like the thread) for its first message.
 *   The person's tap on Get Started carries it (`postback.referral`); any other first message — text they
 *   typed, a menu item, the page writing first — takes it as a `referral` event recorded just before
 *   itself. A later link before that replaces it.
 * A `referral` event is recorded in the event log in the page's scope, in the same transaction, and is
 * planned like every other webhook event (the thread's owner gets it, the other apps under `standby`). It
 * opens the page's messaging window, as on Messenger (`referred_at`).
 */

/** Where a referral comes from: always a short link (no ads, QR codes or chat plugin in Comptoir). */
export const REFERRAL_SOURCE = 'SHORTLINK';

/** What the log records of a person coming to a thread through a short link (scope `page:<pageId>`). */
export interface ReferralEvent extends ConsumerEvent {
  type: 'platform.referral';
  pageId: string;
  /** The person (their account id: the planner turns it into their page-scoped id). */
  userId: string;
  /** Their conversation with the page. */
  conversationId: string;
  ref: string;
  source: typeof REFERRAL_SOURCE;
  /** Milliseconds. */
  at: number;
}

/** What a Get Started tap's message stores (protocol/content.ts), sent in its postback. */
export type StoredReferral = NonNullable<MessageContent['referral']>;

/** A short link's ref, checked before anything is stored. */
export function checkRef(ref: string): string {
  if (!isRef(ref)) throw new AppError('invalid_ref');
  return ref;
}

export class Referrals {
  /**
   * In the job that opened (or reopened) the person's thread with the page, whose last message has seq
   * `lastSeq` (0: none yet): the ref waits for the Get Started tap, or is a referral event now.
   */
  async openedIn(
    uow: UnitOfWork,
    pageId: string,
    userId: string,
    conversation: { id: string; lastSeq: number },
    ref: string,
  ): Promise<void> {
    const { tx } = uow;
    if (conversation.lastSeq === 0 && (await tx.pages.messengerProfile(pageId)).getStarted) {
      await tx.pages.setPendingRef(pageId, userId, ref);
      return;
    }
    await this.emitIn(uow, pageId, userId, conversation.id, ref);
  }

  /**
   * The first message of a one-to-one conversation (messaging's FirstMessages port), in its job, before its
   * event: the ref waiting with the thread, if any, is taken — answered for the message to store when it
   * is the person's Get Started tap, else recorded as a referral event (which comes before the message).
   */
  async firstMessageIn(
    uow: UnitOfWork,
    conversationId: string,
    memberIds: readonly string[],
    senderId: string,
    postbackPayload: string | null,
  ): Promise<StoredReferral | null> {
    const [a, b] = memberIds;
    if (memberIds.length !== 2 || a === undefined || b === undefined) return null;
    const { tx } = uow;
    const pending = await tx.pages.pendingRefBetween(a, b);
    if (!pending) return null;
    await tx.pages.setPendingRef(pending.pageId, pending.userId, null);
    if (senderId === pending.userId && postbackPayload !== null) {
      const getStarted = (await tx.pages.messengerProfile(pending.pageId)).getStarted;
      if (getStarted?.payload === postbackPayload) return { ref: pending.ref, source: REFERRAL_SOURCE };
    }
    await this.emitIn(uow, pending.pageId, pending.userId, conversationId, pending.ref);
    return null;
  }

  private async emitIn(uow: UnitOfWork, pageId: string, userId: string, conversationId: string, ref: string) {
    await uow.tx.pages.setReferredAt(pageId, userId, uow.now);
    const event: ReferralEvent = {
      type: 'platform.referral',
      pageId,
      userId,
      conversationId,
      ref,
      source: REFERRAL_SOURCE,
      at: uow.now,
    };
    // For the webhook planner only: no person is sent it (events/feed.ts keeps `platform.…` from them).
    await uow.emit({ event, scope: { scope: `page:${pageId}` }, audience: [] });
  }
}
