import type { SetInboxStatusBody } from '../../protocol/inbox.ts';
import { csatPayload } from '../../protocol/inbox.ts';
import type { AccountKinds } from '../accounts/kinds.ts';
import type { EventBus } from '../bus/types.ts';
import type { InboxService } from '../inbox/service.ts';
import type { Logger } from '../lib/logger.ts';
import type { MessagesService, ThreadActivity } from '../messaging/messages.ts';
import type { HandoverEvent } from '../platform/handover.ts';
import type { UnitOfWork } from '../storage/commit.ts';

/** The satisfaction question the page sends on resolve, and its five quick replies. */
export const CSAT_QUESTION = 'How would you rate the help you received? (1 = poor, 5 = excellent)';

/**
 * The business inbox across domains, each part read top to bottom:
 * - a message of a page's thread, in its job (messaging's ThreadActivity port): the customer's reopens
 *   the thread (or answers the satisfaction question); a page member's first answer stops the timer;
 * - resolving, when the page asks for satisfaction: in the resolve's job, the page sends the customer the
 *   question, a message with 1–5 quick replies, and the inbox records it — neither to a customer who
 *   blocked the page or deleted their account (the thread resolves all the same);
 * - a change of thread owner (the handover protocol, `platform.handover`): the page's open inboxes see it;
 * - snoozed threads wake when their time comes.
 */
export class BusinessInbox implements ThreadActivity {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(
    private readonly inbox: InboxService,
    private readonly messages: MessagesService,
    private readonly bus: EventBus,
    private readonly log: Logger,
    /** Which accounts are pages (accounts/kinds.ts). */
    private readonly kinds: AccountKinds,
  ) {}

  async directMessageIn(
    uow: UnitOfWork,
    m: {
      conversationId: string;
      memberIds: readonly string[];
      senderId: string;
      actorId: string | null;
      quickReplyPayload: string | null;
    },
  ): Promise<void> {
    const otherId = m.memberIds.find((id) => id !== m.senderId);
    if (!otherId || m.memberIds.length !== 2) return;
    if (m.actorId !== null) {
      // Sent by a member of the page through its inbox, as the page.
      await this.inbox.memberReplyIn(uow, m.senderId, otherId, m.conversationId);
      return;
    }
    // A page's message without a member behind it (its bot): nothing, and nothing read in the job.
    // Between two people (most messages) the cache answers without a call that waits.
    if (this.kinds.known(m.senderId) === false && this.kinds.known(otherId) === false) return;
    if (await this.kinds.isPage(m.senderId)) return;
    if (await this.kinds.isPage(otherId)) {
      await this.inbox.customerMessageIn(uow, otherId, m.senderId, m.conversationId, m.quickReplyPayload);
    }
  }

  /**
   * Changes the status; a resolve the page asks satisfaction for sends the question to the customer, in
   * the resolve's own job — so the thread is never resolved with a question that was not sent. A customer
   * who blocked the page (or deleted their account) gets no message from it: not asked, and the thread
   * resolves all the same.
   */
  setStatus(userId: string, pageId: string, conversationId: string, body: SetInboxStatusBody) {
    return this.inbox.setStatus(userId, pageId, conversationId, body, (uow, q) => this.askCsatIn(uow, q));
  }

  private async askCsatIn(
    uow: UnitOfWork,
    q: { csatId: string; pageId: string; customerId: string; conversationId: string },
  ): Promise<boolean> {
    // Whom messaging's checks would refuse the send to (platform/optins.ts and accounts' checkReachable): a
    // customer who blocked the page, or deleted their account (the conversation stays, read-only).
    if ((await uow.tx.optins.consent(q.pageId, q.customerId))?.blockedAt != null) return false;
    if ((await uow.tx.accounts.userById(q.customerId))?.deletedAt != null) return false;
    await this.messages.sendIn(uow, q.pageId, {
      conversationId: q.conversationId,
      clientId: `csat-${q.csatId}`,
      text: CSAT_QUESTION,
      content: {
        csat: { questionId: q.csatId },
        quickReplies: [1, 2, 3, 4, 5].map((n) => ({
          contentType: 'text' as const,
          title: String(n),
          payload: csatPayload(q.csatId, n),
        })),
      },
    });
    return true;
  }

  /** Follows the handover events and the snoozes. */
  start(): void {
    this.stopped = false;
    this.bus.subscribe({
      name: 'business-inbox',
      onEvents: (events) => {
        for (const e of events) {
          if (e.event.type !== 'platform.handover') continue;
          const h = e.event as HandoverEvent;
          if (h.action === 'request') continue;
          this.inbox.ownerChanged(h.pageId, h.userId).catch((err) => this.log.warn({ err }, 'inbox: owner change'));
        }
      },
    });
    void this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A snooze was set: the waker looks again at when the next one ends. */
  snoozed(): void {
    if (!this.stopped) void this.wake();
  }

  private async wake(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let next: number | null = null;
    try {
      next = await this.inbox.nextSnoozeEnd();
      // Only when one is due: no empty transaction every minute.
      while (next !== null && next <= Date.now()) {
        await this.inbox.wakeDue();
        next = await this.inbox.nextSnoozeEnd();
      }
    } catch (err) {
      this.log.warn({ err }, 'inbox: waking snoozed threads');
    }
    if (this.stopped) return;
    // At most a minute apart: another process (the CLI, a second node) may have snoozed a thread.
    const delay = Math.max(10, Math.min((next ?? Number.POSITIVE_INFINITY) - Date.now(), 60_000));
    this.timer = setTimeout(() => void this.wake(), delay);
    this.timer.unref();
  }
}
