import { useEffect } from 'react';
import { markRead } from '../app/receipts.ts';

/**
 * Marks the conversation read while it is open, the page visible and focused, and the view at the bottom.
 * Re-checked when any of these change and when new messages arrive (`lastSeq`).
 */
export function useReadTracker(conversationId: string, atBottom: boolean, lastSeq: number, enabled: boolean): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: new messages (lastSeq) trigger a new check
  useEffect(() => {
    if (!enabled) return;
    const check = () => {
      if (atBottom && document.visibilityState === 'visible' && document.hasFocus()) markRead(conversationId);
    };
    check();
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [conversationId, atBottom, lastSeq, enabled]);
}
