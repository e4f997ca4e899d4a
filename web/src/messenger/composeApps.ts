import type { ComposeAppView } from '../../../protocol/compose.ts';
import type { MessageView } from '../../../protocol/views.ts';
import { composeApi } from '../api/compose.ts';
import { type ErrorKey, errorIdOf } from '../lib/errors.ts';
import { createStore } from '../state/store.ts';

/**
 * The content apps the messenger knows (docs/PLATFORM.md, "Content apps"): the server's list with whether I
 * enabled each (read when first needed, and again when the drawer's list opens), and a request to open the
 * drawer on an app — from a message's "Reply with …", for the composer of that conversation.
 */
export interface ComposeAppsState {
  /** null until read. */
  apps: ComposeAppView[] | null;
  error: ErrorKey | null;
  /** The drawer to open: in a conversation, on an app, answering a message; `seq` tells one request from the next. */
  open: { conversationId: string; appId: string; replyTo: MessageView | null; seq: number } | null;
}

export const composeApps = createStore<ComposeAppsState>({ apps: null, error: null, open: null });

let reading: Promise<void> | null = null;
/** Reads the list (one request at a time). */
export function loadComposeApps(): Promise<void> {
  reading ??= composeApi
    .apps()
    .then(({ apps }) => composeApps.update((s) => ({ ...s, apps, error: null })))
    .catch((e: unknown) => composeApps.update((s) => ({ ...s, error: errorIdOf(e) })))
    .finally(() => {
      reading = null;
    });
  return reading;
}

/** The list once, when something first needs it. */
export function ensureComposeApps(): void {
  if (composeApps.getSnapshot().apps === null && !reading) void loadComposeApps();
}

/** Puts one app's view in the list (after enabling or disabling it), in its place. */
export function withApp(apps: ComposeAppView[] | null, app: ComposeAppView): ComposeAppView[] {
  if (!apps) return [app];
  return apps.some((a) => a.appId === app.appId) ? apps.map((a) => (a.appId === app.appId ? app : a)) : [...apps, app];
}

/** Enables or disables an app for me; throws what the server answered. */
export async function setComposeAppEnabled(appId: string, enabled: boolean): Promise<ComposeAppView> {
  const { app } = enabled ? await composeApi.enable(appId) : await composeApi.disable(appId);
  composeApps.update((s) => ({ ...s, apps: withApp(s.apps, app) }));
  return app;
}

let seq = 0;
/** Asks the composer of `conversationId` to open the drawer on `appId`, answering `replyTo`. */
export function openComposeApp(conversationId: string, appId: string, replyTo: MessageView | null): void {
  composeApps.update((s) => ({ ...s, open: { conversationId, appId, replyTo, seq: ++seq } }));
}

/** The request was taken. */
export function openTaken(): void {
  composeApps.update((s) => (s.open ? { ...s, open: null } : s));
}
