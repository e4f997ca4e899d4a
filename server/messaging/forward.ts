import type { MessageContent } from '../../protocol/content.ts';
import type { MessageView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import type { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer } from '../storage/commit.ts';
import type { MessageMedia, MessagesService } from './messages.ts';
import { requireMember } from './policy.ts';
import { type ConversationStates, readsFrom } from './state.ts';

/**
 * Forward: a message one may read becomes a new message of theirs in each conversation they name (at most
 * `limits.forwardTargets`), marked `forwarded` — its text, and its media, each a record of its own naming
 * the same stored bytes (media's copyIn), so that deleting one copy never breaks another. Every copy goes
 * through messaging's send path (sendIn): the sender must be an active member of each target and every rule
 * of a send applies (a page's window, a blocked page…). One job: all the copies or none.
 *
 * Idempotent like a send: the request's `clientId` names the forward, and each copy carries
 * `<clientId>~<conversationId>` (a client id a send can never take: `~` is not among its characters), so a
 * retry answers the copies already made and makes only the missing ones.
 *
 * What a page's bot made for the person — templates, quick replies, orders, requests, the satisfaction
 * question — and the taps that answered them are not forwardable (`not_forwardable`).
 */
export class ForwardService {
  constructor(
    private readonly committer: Committer,
    private readonly states: ConversationStates,
    private readonly messages: Pick<MessagesService, 'sendIn'>,
    private readonly media: Pick<MessageMedia, 'copyIn'> | null,
    private readonly rate: RateLimiter,
  ) {}

  async forward(
    userId: string,
    messageId: string,
    conversationIds: readonly string[],
    clientId: string,
  ): Promise<{ messages: MessageView[]; created: boolean }> {
    const targets = [...new Set(conversationIds)];
    const wait = this.rate.take(userId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    return this.committer.run(async (uow) => {
      const { tx } = uow;
      const m = await tx.messaging.messageById(messageId);
      if (!m) throw new AppError('message_not_found');
      const source = await this.states.load(tx, m.conversationId);
      try {
        requireMember(source, userId);
      } catch (e) {
        // Someone who never was in the conversation learns nothing about the message.
        if (e instanceof AppError && e.id === 'conversation_not_found') throw new AppError('message_not_found');
        throw e;
      }
      if (!source || m.seq <= readsFrom(source, userId)) throw new AppError('message_not_found');
      if (m.deletedAt !== null) throw new AppError('message_deleted');
      if (!forwardable(m.content)) throw new AppError('not_forwardable');
      // Every target checked before anything is written.
      for (const id of targets) requireMember(await this.states.load(tx, id), userId);
      const media = m.content?.media ?? [];
      const views: MessageView[] = [];
      let created = false;
      for (const conversationId of targets) {
        const copyId = `${clientId}~${conversationId}`;
        const content: MessageContent = { forwarded: true };
        // Copies of the media only for a copy not made yet (a retry must not leave records behind).
        if (media.length > 0 && !(await tx.messaging.messageByClientId(userId, copyId))) {
          if (!this.media) throw new AppError('media_not_found');
          content.media = await this.media.copyIn(uow, { refs: media, ownerId: userId, conversationId });
        }
        const r = await this.messages.sendIn(uow, userId, {
          conversationId,
          clientId: copyId,
          text: m.text ?? '',
          content,
        });
        views.push(r.message);
        created ||= r.created;
      }
      return { messages: views, created };
    });
  }
}

/** Text and people's media are; what a page's bot made for the person, and taps on it, are not. */
export function forwardable(c: MessageContent | null): boolean {
  if (!c) return true;
  return !(c.attachment || c.quickReplies || c.quickReply || c.postback || c.order || c.orderRequest || c.csat);
}
