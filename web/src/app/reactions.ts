import { api } from '../api/http.ts';
import { getLocale } from '../i18n/locale.ts';
import { translateError } from '../i18n/translate.ts';
import { errorIdOf } from '../lib/errors.ts';
import { applyReaction } from '../state/apply.ts';
import { store } from '../state/store.ts';
import { showToast } from '../ui/toasts.ts';

/**
 * Puts (`on`) or takes back my emoji reaction on a message. Shown at once; the server's answer confirms it
 * (its `reaction.updated` event, which reaches this tab too, then changes nothing). Refused, it is undone
 * and the reason shown.
 */
export async function react(conversationId: string, messageId: string, emoji: string, on: boolean): Promise<void> {
  const meId = store.getSnapshot().me?.id;
  if (!meId) return;
  const change = { conversationId, messageId, userId: meId, emoji, on };
  const before = store.getSnapshot();
  store.update((s) => applyReaction(s, change));
  const changed = store.getSnapshot() !== before;
  try {
    await api.react(conversationId, messageId, emoji, on);
  } catch (e) {
    if (changed) store.update((s) => applyReaction(s, { ...change, on: !on }));
    showToast(translateError(getLocale(), errorIdOf(e)));
  }
}
