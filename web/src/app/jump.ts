import { useSyncExternalStore } from 'react';
import { loadAround } from './history.ts';
import { navigate } from './router.ts';

/**
 * Opening a conversation at a message (a search result): the thread loads a window around it, then the
 * message list scrolls to it, highlights it briefly, and clears the target.
 */
export interface JumpTarget {
  conversationId: string;
  messageId: string;
  seq: number;
}

let target: JumpTarget | null = null;
const listeners = new Set<() => void>();
const set = (next: JumpTarget | null) => {
  target = next;
  for (const l of listeners) l();
};

/** Opens the conversation at the message: navigates, loads the window around it, marks it as the target. */
export async function openAtMessage(conversationId: string, messageId: string, seq: number): Promise<void> {
  set({ conversationId, messageId, seq });
  navigate(conversationId);
  try {
    await loadAround(conversationId, seq);
  } catch (e) {
    // The thread opens as usual (its latest page) rather than waiting for a window that will not come.
    clearJump(messageId);
    throw e;
  }
}

/** The list reached the message (or gave up): nothing to jump to any more. */
export function clearJump(messageId: string): void {
  if (target?.messageId === messageId) set(null);
}

/** The message a conversation's list should bring into view, if any. */
export function useJumpTarget(conversationId: string): JumpTarget | null {
  const t = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => target,
    () => null,
  );
  return t?.conversationId === conversationId ? t : null;
}
