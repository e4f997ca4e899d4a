import type { AppView } from '../../../protocol/views.ts';
import { ApiError, api } from '../api/http.ts';
import { forgetApp, removeAppPage, setAppDetail, setApps, setAppWebhook, upsertApp } from '../state/apps.ts';
import { addOlderDeliveries, setDeliveries, setDelivery } from '../state/deliveries.ts';
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

/** The newest deliveries of the app's log, read again (what was loaded further back stays when reached). */
export async function loadDeliveries(appId: string): Promise<void> {
  try {
    const r = await api.deliveries(appId);
    store.update((s) => setDeliveries(s, appId, r));
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

/** The page of the log before what is loaded; false when there is none left to read. */
export async function loadOlderDeliveries(appId: string): Promise<boolean> {
  const next = store.getSnapshot().deliveries[appId]?.next;
  if (next == null) return false;
  try {
    const r = await api.deliveries(appId, next);
    store.update((s) => addOlderDeliveries(s, appId, r));
    return true;
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

/** One delivery read again: its attempts may have moved on since the log was read. */
export async function loadDelivery(appId: string, deliveryId: string): Promise<void> {
  try {
    const { delivery } = await api.delivery(appId, deliveryId);
    store.update((s) => setDelivery(s, appId, delivery));
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

/** Sends a delivery's event again, as a new delivery: it shows in the log within moments. */
export async function replayDelivery(appId: string, deliveryId: string): Promise<void> {
  try {
    await api.replayDelivery(appId, deliveryId);
  } catch (e) {
    forgetIfGone(appId, e);
  }
}

/** A sample `messages` event to the webhook, as from a person writing to the page (default: the first connected). */
export async function sendTestEvent(appId: string, pageId?: string): Promise<void> {
  try {
    await api.testWebhook(appId, pageId);
  } catch (e) {
    forgetIfGone(appId, e);
  }
}
