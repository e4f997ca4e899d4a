import { AppError } from '../errors.ts';
import { RateLimiter, takeAll } from '../lib/ratelimit.ts';
import type { FrameHandlers } from '../realtime/registry.ts';
import type { HiddenMessages } from './hidden.ts';
import type { MessagesService } from './messages.ts';
import type { ReactionsService } from './reactions.ts';
import { tapOf } from './taps.ts';

/** What the socket frames of messaging call. */
export type MessagingCalls = Pick<MessagesService, 'send' | 'edit' | 'delete' | 'receipt' | 'audienceOf'>;

/**
 * Messaging's socket frames — send, edit, delete, receipt, typing — each one service call, registered
 * with the gateway's handlers (as routes.ts registers HTTP routes). A send, edit or delete answers the
 * message and the position of the event it caused (null when nothing changed), which the gateway turns
 * into the ack (realtime/acks.ts); a receipt and a typing signal answer nothing.
 */
/** What typing signals ask of people's blocks (server/blocks/): who blocks the typist or is blocked by them. */
export interface TypingBlocks {
  relatedTo(userId: string): Promise<ReadonlySet<string>>;
}

export function messagingFrames(
  frames: FrameHandlers,
  messages: MessagingCalls,
  limits: { typingPer10s: number },
  chat: { hidden: Pick<HiddenMessages, 'hide'> },
  blocks: TypingBlocks | null = null,
) {
  // Typing fans out to every member: limited per member and per conversation, not only per socket. A
  // signal refused by one bucket takes nothing from the other (one member cannot spend everyone's).
  const typingPerMember = new RateLimiter(limits.typingPer10s, 10_000);
  const typingPerConversation = new RateLimiter(limits.typingPer10s * 6, 10_000);

  frames
    .register('send', (ctx, f) =>
      messages.send(
        ctx.userId,
        {
          conversationId: f.conversationId,
          clientId: f.clientId,
          text: f.text,
          replyToId: f.replyToId,
          mediaIds: f.attachmentIds,
          tap: tapOf(f),
          // On a page's socket, the member answering as the page (the business inbox's first response).
          ...(ctx.actorId !== ctx.userId ? { actorId: ctx.actorId } : {}),
        },
        ctx.origin,
      ),
    )
    .register('edit', (ctx, f) => messages.edit(ctx.userId, f.messageId, f.text, ctx.origin))
    .register('delete', (ctx, f) => messages.delete(ctx.userId, f.messageId, ctx.origin))
    .register('receipt', async (ctx, f) => {
      await messages.receipt(ctx.userId, f.conversationId, f.deliveredSeq, f.readSeq);
    })
    .register('typing', async (ctx, f) => {
      const audience = await messages.audienceOf(ctx.userId, f.conversationId);
      const wait = takeAll([
        [typingPerMember, `${ctx.userId}\u0000${f.conversationId}`],
        [typingPerConversation, f.conversationId],
      ]);
      if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
      // To the other members: not to the typist's own devices either, nor between people when one blocks
      // the other.
      const related = blocks ? await blocks.relatedTo(ctx.userId) : null;
      ctx.signal(
        audience.filter((u) => u !== ctx.userId && !related?.has(u)),
        { type: 'typing', conversationId: f.conversationId, userId: ctx.userId, typing: f.typing },
      );
    })
    // Delete for me (hidden.ts): acknowledged in place of its `message.hidden` event on this socket.
    .register('hide', (ctx, f) => chat.hidden.hide(ctx.userId, f.messageId, ctx.origin));
}

/**
 * The `react` frame: puts or takes back an emoji reaction. Acked in place of its `reaction.updated` event
 * (`{ref, pos}`), or at once (`{ref}`) when nothing changed.
 */
export function reactionFrames(frames: FrameHandlers, reactions: Pick<ReactionsService, 'react'>) {
  frames.register('react', async (ctx, f) => {
    const r = await reactions.react(ctx.userId, { messageId: f.messageId, emoji: f.emoji, on: f.on }, ctx.origin);
    return { pos: r.pos };
  });
}
