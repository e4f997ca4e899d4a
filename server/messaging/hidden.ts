import type { Origin } from '../bus/types.ts';
import { AppError } from '../errors.ts';
import type { Committer } from '../storage/commit.ts';
import { requireMember } from './policy.ts';
import { type ConversationStates, readsFrom } from './state.ts';

/**
 * "Delete for me": a person hides one message for themselves — any message they may read, someone
 * else's or a deleted one too. Stored per person (hidden_messages); their history pages, last message and
 * unread count skip it, its later edits and deletion are not sent to them (messages.ts, the event feed),
 * and `message.hidden` tells their own devices, live and in catch-up. Nobody else learns anything.
 */
export class HiddenMessages {
  constructor(
    private readonly committer: Committer,
    private readonly states: ConversationStates,
  ) {}

  /** Answers the position of `message.hidden`, or null when it was hidden already (nothing new). */
  async hide(userId: string, messageId: string, origin: Origin | null = null): Promise<{ pos: number | null }> {
    return this.committer.run(async (uow) => {
      const { tx } = uow;
      const m = await tx.messaging.messageById(messageId);
      if (!m) throw new AppError('message_not_found');
      const state = await this.states.load(tx, m.conversationId);
      try {
        requireMember(state, userId);
      } catch (e) {
        // Someone who never was in the conversation learns nothing about the message.
        if (e instanceof AppError && e.id === 'conversation_not_found') throw new AppError('message_not_found');
        throw e;
      }
      // A newcomer under history 'joined' cannot read what came before them: no such message, for them.
      if (!state || m.seq <= readsFrom(state, userId)) throw new AppError('message_not_found');
      if (await tx.messaging.isHidden(userId, m.id)) return { pos: null };
      await tx.messaging.hideMessage({
        userId,
        messageId: m.id,
        conversationId: m.conversationId,
        seq: m.seq,
        hiddenAt: uow.now,
      });
      const me = await tx.messaging.member(m.conversationId, userId);
      const unread = await tx.messaging.unreadCount(
        m.conversationId,
        userId,
        Math.max(me?.readSeq ?? 0, readsFrom(state, userId)),
      );
      const pos = await uow.emit({
        event: { type: 'message.hidden', conversationId: m.conversationId, messageId: m.id, seq: m.seq, unread },
        scope: { userId },
        audience: [userId],
        origin,
      });
      return { pos };
    });
  }
}
