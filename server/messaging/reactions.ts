import { limits } from '../../protocol/limits.ts';
import { toReactionEmoji } from '../../protocol/reactions.ts';
import type { MessageView, ReactionView } from '../../protocol/views.ts';
import type { Origin } from '../bus/types.ts';
import { AppError } from '../errors.ts';
import type { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer } from '../storage/commit.ts';
import type { Reads } from '../storage/types.ts';
import { requireMember } from './policy.ts';
import { type ConversationStates, membersWhoSee, readsFrom } from './state.ts';
import type { ReactionRecord } from './store.ts';
import { messageView } from './views.ts';

/** A reaction put or taken back: the message as it now is (with its reactions), and the event's pos (null: nothing changed). */
export interface ReactResult {
  message: MessageView;
  pos: number | null;
}

/** A message's reactions as clients see them: each emoji once, the one reacted with first coming first. */
export function presentReactions(records: readonly ReactionRecord[]): ReactionView[] {
  const byEmoji = new Map<string, ReactionView>();
  for (const r of [...records].sort((a, b) => a.pos - b.pos)) {
    const view = byEmoji.get(r.emoji);
    if (view) {
      view.userIds.push(r.userId);
      view.count++;
    } else byEmoji.set(r.emoji, { emoji: r.emoji, count: 1, userIds: [r.userId] });
  }
  return [...byEmoji.values()];
}

/** The views with their reactions, read in one query (history pages, the conversation list's last messages). */
export async function withReactions(reads: Reads, views: MessageView[]): Promise<MessageView[]> {
  const ids = views.filter((v) => v.deletedAt === null).map((v) => v.id);
  if (ids.length === 0) return views;
  const byMessage = new Map<string, ReactionRecord[]>();
  for (const r of await reads.messaging.reactionsOf(ids)) {
    const list = byMessage.get(r.messageId);
    if (list) list.push(r);
    else byMessage.set(r.messageId, [r]);
  }
  if (byMessage.size === 0) return views;
  return views.map((v) => {
    const records = byMessage.get(v.id);
    return records ? { ...v, reactions: presentReactions(records) } : v;
  });
}

/** The emoji as stored (protocol/reactions.ts), else `bad_request` naming `emoji`. */
function checkEmoji(input: string): string {
  const emoji = toReactionEmoji(input);
  if (emoji === null) {
    const reason = `must be one emoji of at most ${limits.reactions.emojiBytes} bytes`;
    throw new AppError('bad_request', `Invalid request: emoji: ${reason}`, { fields: { emoji: reason } });
  }
  return emoji;
}

/**
 * Emoji reactions: a person puts an emoji on a message they may read (several different ones if they
 * like, up to the limits), or takes it back. Each change is a `reaction.updated` event to the members who
 * may read the message, stored with the row in one job; putting one that is there, or taking back one
 * that is not, changes nothing and makes no event.
 */
export class ReactionsService {
  constructor(
    private readonly committer: Committer,
    private readonly states: ConversationStates,
    private readonly rate: RateLimiter,
  ) {}

  /**
   * `conversationId`, when given (the HTTP route names it), must be the message's: otherwise the message
   * is not found there.
   */
  async react(
    userId: string,
    input: { messageId: string; emoji: string; on: boolean; conversationId?: string },
    origin: Origin | null = null,
  ): Promise<ReactResult> {
    const emoji = checkEmoji(input.emoji);
    const wait = this.rate.take(userId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    return this.committer.run(async (uow) => {
      const { tx } = uow;
      const m = await tx.messaging.messageById(input.messageId);
      if (!m || (input.conversationId !== undefined && m.conversationId !== input.conversationId))
        throw new AppError('message_not_found');
      const state = await this.states.load(tx, m.conversationId);
      try {
        requireMember(state, userId);
      } catch (e) {
        // Someone who never was in the conversation learns nothing about the message.
        if (e instanceof AppError && e.id === 'conversation_not_found') throw new AppError('message_not_found');
        throw e;
      }
      if (!state) throw new AppError('message_not_found');
      // A newcomer (history 'joined') cannot read, so cannot react to, what came before them.
      if (m.seq <= readsFrom(state, userId)) throw new AppError('message_not_found');
      if (m.deletedAt !== null) throw new AppError('message_deleted');
      const records = await tx.messaging.reactionsOf([m.id]);
      const has = records.some((r) => r.userId === userId && r.emoji === emoji);
      const present = async (list: readonly ReactionRecord[]) => {
        const view = await messageView(tx, m);
        return list.length > 0 ? { ...view, reactions: presentReactions(list) } : view;
      };
      if (has === input.on) return { message: await present(records), pos: null };
      if (input.on) {
        const mine = records.filter((r) => r.userId === userId).length;
        if (mine >= limits.reactions.perPerson) {
          throw new AppError('reaction_limit', undefined, { max: limits.reactions.perPerson, per: 'person' });
        }
        const emojis = new Set(records.map((r) => r.emoji));
        if (!emojis.has(emoji) && emojis.size >= limits.reactions.perMessage) {
          throw new AppError('reaction_limit', undefined, { max: limits.reactions.perMessage, per: 'message' });
        }
      }
      const pos = await uow.emit({
        event: {
          type: 'reaction.updated',
          conversationId: m.conversationId,
          messageId: m.id,
          seq: m.seq,
          userId,
          emoji,
          on: input.on,
        },
        scope: { conversationId: m.conversationId },
        // Not to newcomers who may not read the message (history 'joined'): replays skip it likewise.
        audience: membersWhoSee(state, m.seq),
        origin,
        messageSeq: m.seq,
      });
      let after: ReactionRecord[];
      if (input.on) {
        const record = { messageId: m.id, userId, emoji, pos, createdAt: uow.now };
        await tx.messaging.insertReaction(record);
        after = [...records, record];
      } else {
        await tx.messaging.deleteReaction(m.id, userId, emoji);
        after = records.filter((r) => !(r.userId === userId && r.emoji === emoji));
      }
      return { message: await present(after), pos };
    });
  }
}
