import type { DomainEvent } from '../../../protocol/events.ts';
import { getLocale } from '../i18n/locale.ts';
import { makeTranslate } from '../i18n/translate.ts';
import { notificationContent, shouldNotify } from '../state/notify.ts';
import { createStore, store, useStoreOf } from '../state/store.ts';
import { getRoute, navigate, subscribeRoute } from './router.ts';

/**
 * Desktop notifications and their sound for new messages (the decision is state/notify.ts's, pure).
 *
 * - Asked politely: never on load; the person turns them on (the banner, or Settings), which asks the
 *   browser's permission then. On/off and the sound are kept per device (localStorage).
 * - One tab notifies: with several tabs open, the one holding the `comptoir-notifier` Web Lock (the
 *   first; the next when it closes). Tabs tell each other (BroadcastChannel) which conversation each shows
 *   while visible, so that no tab notifies what another one is showing.
 * - A notification's click brings its tab forward and opens the conversation.
 */

export interface NotificationPrefs {
  /** Desktop notifications wanted on this device (they also need the browser's permission). */
  enabled: boolean;
  sound: boolean;
  /** The "Turn on desktop notifications" banner was dismissed. */
  bannerDismissed: boolean;
}

const PREFS_KEY = 'comptoir.notifications';
const DEFAULT_PREFS: NotificationPrefs = { enabled: true, sound: true, bannerDismissed: false };

function loadPrefs(): NotificationPrefs {
  try {
    const raw = globalThis.localStorage?.getItem(PREFS_KEY);
    if (!raw) return DEFAULT_PREFS;
    const v = JSON.parse(raw) as Partial<NotificationPrefs>;
    return {
      enabled: typeof v.enabled === 'boolean' ? v.enabled : DEFAULT_PREFS.enabled,
      sound: typeof v.sound === 'boolean' ? v.sound : DEFAULT_PREFS.sound,
      bannerDismissed: v.bannerDismissed === true,
    };
  } catch {
    return DEFAULT_PREFS;
  }
}

export type PermissionState = NotificationPermission | 'unsupported';
const supported = () => typeof Notification !== 'undefined';
const permissionNow = (): PermissionState => (supported() ? Notification.permission : 'unsupported');

/** The device's preferences and the browser's permission, as components show them. */
export const notificationStore = createStore({ prefs: loadPrefs(), permission: permissionNow() });
export const useNotifications = <T>(select: (s: ReturnType<typeof notificationStore.getSnapshot>) => T): T =>
  useStoreOf(notificationStore, select);

export function setNotificationPrefs(change: Partial<NotificationPrefs>): void {
  notificationStore.update((s) => {
    const prefs = { ...s.prefs, ...change };
    try {
      globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify(prefs));
    } catch {
      // private mode: kept for this tab only
    }
    return { ...s, prefs };
  });
}

/** Asks the browser's permission (from a click: browsers refuse a prompt that no gesture started). */
export async function turnOnNotifications(): Promise<PermissionState> {
  setNotificationPrefs({ enabled: true });
  if (!supported()) return 'unsupported';
  let permission: PermissionState = Notification.permission;
  if (permission === 'default') {
    try {
      permission = await Notification.requestPermission();
    } catch {
      permission = Notification.permission;
    }
  }
  notificationStore.update((s) => ({ ...s, permission }));
  unlockSound();
  return permission;
}

// ——— Which tab notifies ———

const tabId = Math.random().toString(36).slice(2);
let leader = false;
/** What the other tabs show while visible: tab id → conversation id. */
const shownElsewhere = new Map<string, string | null>();
let channel: BroadcastChannel | null = null;

function shownHere(): string | null {
  const route = getRoute();
  return route.view === 'messenger' && document.visibilityState === 'visible' ? route.conversationId : null;
}

function announce() {
  channel?.postMessage({ tabId, shows: shownHere() });
}

let started = false;
/** Starts the tab's part (once): the leader lock, the channel, and the sound's unlocking gesture. */
export function startNotifications(): void {
  if (started || typeof window === 'undefined') return;
  started = true;
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks) {
    void locks
      .request('comptoir-notifier', () => {
        leader = true;
        return new Promise<void>(() => {}); // held while this tab lives
      })
      .catch(() => {
        leader = true;
      });
  } else leader = true;
  if (typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel('comptoir-notifications');
    channel.onmessage = (
      e: MessageEvent<{ tabId: string; shows?: string | null; gone?: boolean; hello?: boolean }>,
    ) => {
      const m = e.data;
      if (m.gone) shownElsewhere.delete(m.tabId);
      else shownElsewhere.set(m.tabId, m.shows ?? null);
      if (m.hello) announce();
    };
    channel.postMessage({ tabId, shows: shownHere(), hello: true });
    subscribeRoute(announce);
    document.addEventListener('visibilitychange', announce);
    window.addEventListener('pagehide', () => channel?.postMessage({ tabId, gone: true }));
  }
  // Browsers start audio only after a gesture: the first one unlocks the sound for later.
  const unlock = () => unlockSound();
  window.addEventListener('pointerdown', unlock, { once: true });
  window.addEventListener('keydown', unlock, { once: true });
  // The permission may change in the browser's settings.
  window.addEventListener('focus', () => notificationStore.update((s) => ({ ...s, permission: permissionNow() })));
}

// ——— The sound: a short two-note chime made with WebAudio (no file) ———

let audio: AudioContext | null = null;
function unlockSound() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null;
  }
}

/** Plays the chime (about a quarter of a second, quiet); a failing audio device is no reason to stop. */
export function playChime(): void {
  try {
    chime();
  } catch (err) {
    console.warn('chime', err);
  }
}

function chime(): void {
  if (!audio) unlockSound();
  const ctx = audio;
  if (!ctx) return;
  // Still suspended: no gesture has unlocked audio in this tab yet.
  if (ctx.state !== 'running') return;
  const t0 = ctx.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = t0 + i * 0.12;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + 0.16);
  }
}

// ——— A new event ———

/** Called for every event frame, before it is applied; `live`: the socket's catch-up is over. Never throws. */
export function onMessageEvent(event: DomainEvent, live: boolean): void {
  try {
    notifyOf(event, live);
  } catch (err) {
    console.warn('notification', err);
  }
}

function notifyOf(event: DomainEvent, live: boolean): void {
  if (event.type !== 'message.created' || !leader) return;
  const state = store.getSnapshot();
  const open = shownHere();
  const ctx = { tabVisible: open !== null, openConversationId: open, live, now: Date.now() };
  if (!shouldNotify(state, event, ctx)) return;
  // Another tab of this browser shows that conversation: the person is reading it there.
  if ([...shownElsewhere.values()].includes(event.conversationId)) return;
  const { prefs, permission } = notificationStore.getSnapshot();
  if (!prefs.enabled) return;
  if (prefs.sound) playChime();
  if (permission !== 'granted' || !supported()) return;
  const { title, body } = notificationContent(state, event.conversationId, event.message, makeTranslate(getLocale()));
  try {
    const n = new Notification(title, { body, tag: event.message.id, lang: getLocale() });
    const conversationId = event.conversationId;
    n.onclick = () => {
      window.focus();
      navigate(conversationId);
      n.close();
    };
  } catch (err) {
    // Some browsers allow notifications only from a service worker: the sound and the title count remain.
    console.warn('notification', err);
  }
}
