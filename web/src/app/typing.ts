import { TYPING_RESEND_MS } from '../../../protocol/limits.ts';
import { socket } from './connection.ts';

/**
 * My typing signal: `typing:true` at most every TYPING_RESEND_MS while the text changes, `typing:false`
 * when the message is sent, the composer cleared, the conversation left, or after a pause.
 */
const IDLE_MS = 5000;

let activeIn: string | null = null;
let lastSentAt = 0;
let idleTimer: ReturnType<typeof setTimeout> | null = null;

export function composerChanged(conversationId: string, text: string): void {
  if (text.trim() === '') {
    stopTyping();
    return;
  }
  if (activeIn !== null && activeIn !== conversationId) stopTyping();
  const now = Date.now();
  if (activeIn !== conversationId || now - lastSentAt >= TYPING_RESEND_MS) {
    if (socket.send({ type: 'typing', conversationId, typing: true })) {
      activeIn = conversationId;
      lastSentAt = now;
    }
  }
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(stopTyping, IDLE_MS);
}

export function stopTyping(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (activeIn === null) return;
  socket.send({ type: 'typing', conversationId: activeIn, typing: false });
  activeIn = null;
  lastSentAt = 0;
}
