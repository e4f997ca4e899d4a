import type { DomainEvent } from '../../../protocol/events.ts';
import { isMuted } from '../../../protocol/limits.ts';
import type { MessageView } from '../../../protocol/views.ts';
import type { Translate } from '../i18n/translate.ts';
import { previewText } from '../lib/media.ts';
import { conversationList, conversationTitle, displayNameOf } from './selectors.ts';
import type { State } from './types.ts';

/**
 * When a new message deserves a desktop notification and a sound, and what the tab's title and icon
 * count: pure, tested without a browser (notify.test.ts). app/notifications.ts does the effects.
 */

/** What the tab knows besides the state when an event arrives. */
export interface NotifyContext {
  /** The tab is visible (document.visibilityState) and focused enough to be read. */
  tabVisible: boolean;
  /** The conversation open in this tab, if any. */
  openConversationId: string | null;
  /**
   * The event arrived live: after the socket's `ready`, not in a catch-up replay of what happened while
   * this tab was away (those were missed, and are counted as unread instead).
   */
  live: boolean;
  now: number;
}

/**
 * A desktop notification (and its sound) for this event? Only a new message from someone else (never my
 * own, sent from another device), live, in a conversation I am still in and have not muted, not deleted
 * — and not when I am looking at it (the tab visible with that conversation open).
 */
export function shouldNotify(state: State, event: DomainEvent, ctx: NotifyContext): boolean {
  if (event.type !== 'message.created' || !ctx.live) return false;
  const m = event.message;
  const me = state.me;
  if (!me || m.senderId === me.id || m.deletedAt) return false;
  const conv = state.conversations[event.conversationId];
  if (!conv || event.conversationId in state.removed) return false;
  if (isMuted(conv.mutedUntil, ctx.now)) return false;
  return !(ctx.tabVisible && ctx.openConversationId === event.conversationId);
}

/** Unread messages of the conversations in the list that are not muted: the tab title's and icon's count. */
export function badgeCount(state: State, now: number): number {
  return conversationList(state).reduce((n, c) => (isMuted(c.mutedUntil, now) ? n : n + c.unread), 0);
}

/**
 * When the first mute now running ends (epoch ms; null: none ends): the count changes then without any
 * event, so the tab's title and icon are drawn again at that moment (app/badge.ts).
 */
export function nextMuteEnd(state: State, now: number): number | null {
  let next: number | null = null;
  for (const c of conversationList(state)) {
    if (c.mutedUntil === null || c.unread === 0) continue;
    const end = Date.parse(c.mutedUntil);
    if (end > now && (next === null || end < next)) next = end;
  }
  return next;
}

/** "(3) Comptoir", or the name alone with nothing unread. */
export function titleWithCount(name: string, count: number): string {
  return count > 0 ? `(${count}) ${name}` : name;
}

/** The badge's text on the icon: the count, "99+" past 99, nothing at 0. */
export function badgeText(count: number): string {
  return count <= 0 ? '' : count > 99 ? '99+' : String(count);
}

/**
 * A notification's title and text: the sender (and the group's name), and the message's preview as the
 * conversation list writes it ("Photo", "Voice message (0:12)"…, the same function).
 */
export function notificationContent(
  state: State,
  conversationId: string,
  message: MessageView,
  t: Translate,
): { title: string; body: string } {
  const conv = state.conversations[conversationId];
  const sender = displayNameOf(state.users, conv, message.senderId) ?? t('notifications.someone');
  const body = previewText(message, t) ?? t('sidebar.preview.attachment');
  if (conv?.kind === 'group') {
    const group = conversationTitle(conv, state.me?.id) ?? t('conversation.untitled');
    return { title: t('notifications.inGroup', { name: sender, group }), body };
  }
  return { title: sender, body };
}
