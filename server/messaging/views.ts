import type { HistoryVisibility, MessageView } from '../../protocol/views.ts';
import type { Reads } from '../storage/types.ts';
import { presentMessage } from './presenter.ts';
import type { ActivityRecord, ConversationRecord, MemberRecord, MessageRecord } from './store.ts';

/** A message as clients see it, with the message it quotes looked up (in a job's tx or the reader). */
export async function messageView(reads: Reads, m: MessageRecord): Promise<MessageView> {
  return presentMessage(m, m.replyToId ? await reads.messaging.messageById(m.replyToId) : null);
}

/** The latest message of a conversation, as clients see it; null before the first one. */
export async function lastMessageView(reads: Reads, c: ConversationRecord): Promise<MessageView | null> {
  if (c.lastSeq === 0) return null;
  const [last] = await reads.messaging.messagesBefore(c.id, c.lastSeq + 1, 1);
  return last ? messageView(reads, last) : null;
}

/**
 * The latest message of a conversation one person sees: not before `from` (what they may read), not one
 * they deleted for themselves; null when there is none.
 */
export async function lastVisibleMessageView(
  reads: Reads,
  conversationId: string,
  userId: string,
  from: number,
): Promise<MessageView | null> {
  const [last] = await reads.messaging.visibleMessagesBefore(conversationId, userId, from, null, 1);
  return last ? messageView(reads, last) : null;
}

/**
 * The seq after which a member may read a conversation's messages: from their (last) joining on when its
 * history is `joined`, everything when it is `full`.
 */
export function visibleFrom(c: Pick<ConversationRecord, 'history'>, member: Pick<MemberRecord, 'visibleFromSeq'>) {
  return c.history === 'joined' ? member.visibleFromSeq : 0;
}

/** The most activity lines one history page carries (a group's changes between two of its messages). */
export const ACTIVITY_PER_PAGE = 500;

/**
 * A group's activity lines between two seqs (`from <= afterSeq <= to`) as a member may read them: what
 * follows their joining when its history is `joined` — at their joining's seq, only what happened from
 * their joining on (being added, not what came before it without a message between) —, all when `full`.
 */
export async function readableActivity(
  reads: Reads,
  member: MemberRecord,
  history: HistoryVisibility,
  from: number,
  to: number,
): Promise<ActivityRecord[]> {
  const start = visibleFrom({ history }, member);
  if (to < Math.max(from, start)) return [];
  const rows = await reads.messaging.activityBetween(
    member.conversationId,
    Math.max(from, start),
    to,
    ACTIVITY_PER_PAGE,
  );
  return history === 'full' ? rows : rows.filter((a) => a.afterSeq > start || a.at >= member.joinedAt);
}
