import type { AppView } from '../../../protocol/views.ts';
import { ApiError, api } from '../api/http.ts';
import { forgetApp, removeAppPage, setAppDetail, setApps, setAppWebhook, upsertApp } from '../state/apps.ts';
import { store } from '../state/store.ts';
import type { WebhookDraft } from './webhook.ts';

/**
 * The console over HTTP: each action applies the server's answer to the store. A secret or a token is
 * handed back to the caller, which shows it once; it is never put in the store.
 */

/** Throws what it caught, having first forgotten an app the server no longer shows me. */
function forgetIfGone(appId: string, e: unknown): never {
  if (e instanceof ApiError && e.id === 'app_not_found') store.update((s) => forgetApp(s, appId));
  throw e;
}

let listing: Promise<void> | null = null;
/** Reads my apps (one request at a time: the list and an app's page may both ask at once). */
export function loadApps(): Promise<void> {
  listing ??= api
    .apps()
    .then(({ apps }) => store.update((s) => setApps(s, apps)))
    .finally(() => {
      listing = null;
    });
  return listing;
}

/** A new app: its secret is answered here only. */
export async function createApp(name: string): Promise<{ app: AppView; secret: string }> {
  const r = await api.createApp(name);
  store.update((s) => upsertApp(s, r.app));
  return r;
}

/** The app, its webhook and its pages, read again (after the list, which keeps what is read of each app). */
export async function loadApp(appId: string): Promise<void> {
  try {
    if (store.getSnapshot().apps === null) await loadApps();
    const r = await api.app(appId);
    store.update((s) => setAppDetail(upsertApp(s, r.app), r));
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

/** A new secret, answered once; the old one stops working at once. */
export async function rotateSecret(appId: string): Promise<string> {
  try {
    const r = await api.rotateAppSecret(appId);
    store.update((s) => upsertApp(s, r.app));
    return r.secret;
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

/** Connects the app to a page (or gives it a new token for it): the token, answered once. */
export async function connectPage(appId: string, pageId: string): Promise<string> {
  try {
    const { pageAccessToken } = await api.connectApp(appId, pageId);
    // The list of connected pages, with when, as the server has it now.
    await loadApp(appId).catch(() => {});
    return pageAccessToken;
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

export async function revokePage(appId: string, pageId: string): Promise<void> {
  try {
    await api.revokeAppPage(appId, pageId);
    store.update((s) => removeAppPage(s, appId, pageId));
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

/** Sets the webhook: the server runs the handshake first, and stores it only if it passed. */
export async function setWebhook(appId: string, draft: WebhookDraft): Promise<void> {
  try {
    const { webhook } = await api.setWebhook(appId, { ...draft, url: draft.url.trim() });
    store.update((s) => setAppWebhook(s, appId, webhook));
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

export async function removeWebhook(appId: string): Promise<void> {
  try {
    await api.deleteWebhook(appId);
    store.update((s) => setAppWebhook(s, appId, null));
  } catch (e) {
    forgetIfGone(appId, e);
  }
}
