import { useState } from 'react';
import type { ConversationView } from '../../../protocol/views.ts';
import { myMember } from '../state/conversation.ts';

/** The seq of the first message I had not read when the conversation opened; null when none was unread. */
function firstUnreadOf(conv: ConversationView, meId: string): number | null {
  if (conv.unread <= 0) return null;
  return (myMember(conv, meId)?.readSeq ?? 0) + 1;
}

/**
 * Where the "New messages" divider goes: taken once when a conversation opens (reading it afterwards
 * does not move it), and again when another conversation opens.
 */
export function useFirstUnread(conversationId: string, conv: ConversationView, meId: string): number | null {
  const [at, setAt] = useState(() => ({ conversationId, seq: firstUnreadOf(conv, meId) }));
  if (at.conversationId === conversationId) return at.seq;
  const next = { conversationId, seq: firstUnreadOf(conv, meId) };
  setAt(next);
  return next.seq;
}
