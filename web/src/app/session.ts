import type { ServerFrame } from '../../../protocol/frames.ts';
import { TYPING_TTL_MS } from '../../../protocol/limits.ts';
import type { SelfView } from '../../../protocol/views.ts';
import { ApiError, api, setUnauthenticatedHandler } from '../api/http.ts';
import { getLocale } from '../i18n/locale.ts';
import { translate } from '../i18n/translate.ts';
import { backoffDelay } from '../lib/backoff.ts';
import {
  advanceCursor,
  applyBlocks,
  applyEventFrame,
  applyMessage,
  applyMessageChange,
  applySnapshot,
} from '../state/apply.ts';
import { applySignal, markFailed, nextTypingExpiry, pruneTyping, setMe, signedOut } from '../state/local.ts';
import { conversationTitle } from '../state/selectors.ts';
import { store } from '../state/store.ts';
import { showToast } from '../ui/toasts.ts';
import { clearTrays } from './attachments.ts';
import { refreshLastMessage } from './chat.ts';
import { setSocketHooks, socket } from './connection.ts';
import { onMessageEvent, startNotifications } from './notifications.ts';
import { flushOutbox, forgetOutbox, isOutboxRef, restoreOutbox } from './outbox.ts';
import { clearPresence, onPresenceSignal, presenceOfNewPeers, refreshPresence } from './presence.ts';
import { noteDelivered, resetReceipts, syncReceipts } from './receipts.ts';
import { navigate } from './router.ts';
import { stopTyping } from './typing.ts';

/** Signing in and out, the first load, and what each socket frame does to the state. */

let authNotice: 'sessionEnded' | null = null;
/** Why the sign-in screen is shown (cleared on the next sign-in). */
export function getAuthNotice(): 'sessionEnded' | null {
  return authNotice;
}

/** Load /api/me; signed in → load conversations and go live, else show the sign-in screen. */
export async function boot(attempt = 0): Promise<void> {
  try {
    const me = await api.me();
    await enter(me.user, me.sessionId);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.id === 'unauthenticated' || e.id === 'session_expired')) {
      store.update((s) => ({ ...s, phase: 'signedOut' }));
      return;
    }
    // Server unreachable or failing: keep trying, showing the connection as offline meanwhile.
    store.update((s) => ({ ...s, connection: 'offline' }));
    setTimeout(() => void boot(attempt + 1), backoffDelay(attempt, { baseMs: 1000 }));
  }
}

async function enter(user: SelfView, sessionId: string): Promise<void> {
  authNotice = null;
  store.update((s) => setMe(s, user, sessionId));
  const [snapshot, blocks] = await Promise.all([api.conversations(), api.blocks().catch(() => null)]);
  store.update((s) => {
    const next = { ...applySnapshot(s, snapshot), phase: 'ready' as const };
    return blocks ? applyBlocks(next, blocks.blocks) : next;
  });
  restoreOutbox(user.id);
  startNotifications();
  socket.start();
}

async function afterAuth(): Promise<void> {
  const me = await api.me();
  await enter(me.user, me.sessionId);
}

export async function signIn(username: string, password: string): Promise<void> {
  await api.signIn({ username, password });
  await afterAuth();
}

export async function signUp(username: string, password: string, displayName: string): Promise<void> {
  await api.signUp({ username, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
  await afterAuth();
}

export async function signOut(): Promise<void> {
  stopTyping();
  try {
    await api.signOut();
  } catch {
    // Signed out locally whatever the server says.
  }
  endSession(false);
}

/** Back to the sign-in screen; `expired` when the server ended the session. */
export function endSession(expired: boolean): void {
  if (store.getSnapshot().phase === 'signedOut') return;
  socket.stop();
  resetReceipts();
  forgetOutbox();
  clearTrays();
  clearPresence();
  if (expired) authNotice = 'sessionEnded';
  store.update(signedOut);
  if (typeof history !== 'undefined') navigate(null, { replace: true });
}

setUnauthenticatedHandler(() => {
  if (store.getSnapshot().phase === 'ready') endSession(true);
});

let resyncing = false;
/** `reset`: the cursor cannot be served. Reload the list, replace the state, reconnect with the new cursor. */
async function resync(attempt = 0): Promise<void> {
  if (resyncing && attempt === 0) return;
  resyncing = true;
  try {
    const [snapshot, blocks] = await Promise.all([api.conversations(), api.blocks().catch(() => null)]);
    store.update((s) => (blocks ? applyBlocks(applySnapshot(s, snapshot), blocks.blocks) : applySnapshot(s, snapshot)));
    resyncing = false;
    socket.rehello();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      resyncing = false;
      return;
    }
    setTimeout(() => void resync(attempt + 1), backoffDelay(attempt, { baseMs: 1000 }));
  }
}

let typingTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleTypingPrune(): void {
  if (typingTimer) clearTimeout(typingTimer);
  const next = nextTypingExpiry(store.getSnapshot());
  if (next === null) return;
  typingTimer = setTimeout(
    () => {
      store.update((s) => pruneTyping(s, Date.now()));
      scheduleTypingPrune();
    },
    Math.max(50, next - Date.now() + 20),
  );
}

function onFrame(frame: ServerFrame): void {
  switch (frame.type) {
    case 'event': {
      // Before it is applied: the conversation's state (open, muted, removed) as the message found it.
      onMessageEvent(frame.event, socket.isReady());
      const before = store.getSnapshot();
      store.update((s) => applyEventFrame(s, frame.pos, frame.event));
      const ev = frame.event;
      const meId = before.me?.id;
      if (ev.type === 'message.created' && ev.message.senderId !== meId)
        noteDelivered(ev.conversationId, ev.message.seq);
      if (ev.type === 'session.revoked' && ev.sessionId === before.sessionId) endSession(true);
      if (ev.type === 'member.removed' && ev.userId === meId && ev.by !== meId && !before.removed[ev.conversationId]) {
        const conv = before.conversations[ev.conversationId];
        const locale = getLocale();
        const title = (conv && conversationTitle(conv, meId)) ?? translate(locale, 'conversation.untitled');
        showToast(translate(locale, 'group.removedToast', { title }));
      }
      if (ev.type === 'message.created') scheduleTypingPrune();
      if (ev.type === 'message.hidden') refreshLastMessage(ev.conversationId);
      if (ev.type === 'conversation.joined' || (ev.type === 'message.created' && ev.message.seq === 1))
        presenceOfNewPeers();
      return;
    }
    case 'ready':
      store.update((s) => advanceCursor(s, frame.cursor));
      flushOutbox();
      syncReceipts();
      // Presence is never replayed: read it again whenever the socket is (back) live.
      void refreshPresence();
      return;
    case 'ack': {
      const m = frame.message;
      if (m) {
        store.update((s) => {
          const next = m.deletedAt || m.editedAt ? applyMessageChange(applyMessage(s, m), m) : applyMessage(s, m);
          return advanceCursor(next, frame.pos);
        });
      } else if (frame.pos !== undefined) {
        store.update((s) => advanceCursor(s, frame.pos));
      }
      return;
    }
    case 'error':
      if (isOutboxRef(frame.ref)) {
        const ref = frame.ref as string;
        store.update((s) => markFailed(s, ref, frame.error.id));
      }
      return;
    case 'signal':
      if (frame.signal.type === 'typing') {
        const signal = frame.signal;
        store.update((s) => applySignal(s, signal, Date.now(), TYPING_TTL_MS));
        scheduleTypingPrune();
      } else if (frame.signal.type === 'presence') onPresenceSignal(frame.signal);
      return;
    case 'reset':
      void resync();
      return;
    case 'pong':
      return;
  }
}

setSocketHooks({ onFrame, onSessionEnded: () => endSession(true) });
