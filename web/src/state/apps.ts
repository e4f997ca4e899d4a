import type { AppResponse } from '../../../protocol/api.ts';
import type { AppView, WebhookView } from '../../../protocol/views.ts';
import { forgetDeliveries } from './deliveries.ts';
import type { MyApp, State } from './types.ts';

/**
 * My developer apps, as the server last answered (apps are read over HTTP, not from events), for the
 * console. Pure; each returns the same state when nothing changes and keeps the objects of unchanged
 * entries, so that a component reading one app does not re-render for another. No secret or token is
 * ever kept here: the console shows each once, from the answer that carries it.
 */

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function withApp(state: State, item: MyApp): State {
  const old = state.apps?.[item.app.id];
  if (old && same(old, item)) return state;
  return { ...state, apps: { ...state.apps, [item.app.id]: item } };
}

/** `GET /api/apps` replaces the list; what was read of an app still there (its detail) is kept. */
export function setApps(state: State, list: readonly AppView[]): State {
  const before = state.apps;
  const apps: Record<string, MyApp> = {};
  for (const app of list) {
    const old = before?.[app.id];
    apps[app.id] = old && same(old.app, app) ? old : { app, detail: old?.detail ?? null };
  }
  const unchanged =
    before !== null &&
    Object.keys(before).length === list.length &&
    Object.entries(apps).every(([id, item]) => before[id] === item);
  return unchanged ? state : { ...state, apps };
}

/**
 * An app as an answer showed it (made, or its secret replaced). Before the list is first loaded nothing is
 * kept: the list, when it loads, will have it.
 */
export function upsertApp(state: State, app: AppView): State {
  if (state.apps === null) return state;
  const old = state.apps[app.id];
  return withApp(state, { app, detail: old?.detail ?? null });
}

/** `GET /api/apps/:id`: the app, its webhook and the pages it is connected to. */
export function setAppDetail(state: State, r: AppResponse): State {
  if (state.apps === null) return state;
  return withApp(state, { app: r.app, detail: { webhook: r.webhook, pages: r.pages } });
}

/** The webhook just set (`PUT …/webhook`), or removed (null). */
export function setAppWebhook(state: State, appId: string, webhook: WebhookView | null): State {
  const item = state.apps?.[appId];
  if (!item?.detail) return state;
  return withApp(state, { ...item, detail: { ...item.detail, webhook } });
}

/** The app's token for the page was revoked: it is no longer connected to it. */
export function removeAppPage(state: State, appId: string, pageId: string): State {
  const item = state.apps?.[appId];
  if (!item?.detail?.pages.some((p) => p.pageId === pageId)) return state;
  return withApp(state, {
    ...item,
    detail: { ...item.detail, pages: item.detail.pages.filter((p) => p.pageId !== pageId) },
  });
}

/** An app the server no longer shows me (`app_not_found`): gone with its delivery log. */
export function forgetApp(state: State, appId: string): State {
  const next = forgetDeliveries(state, appId);
  if (!next.apps || !(appId in next.apps)) return next;
  const { [appId]: _, ...apps } = next.apps;
  return { ...next, apps };
}

/** Ids of my apps, oldest first (as the server lists them); null until loaded. Read with shallowEqual. */
export function appIds(state: State): string[] | null {
  if (!state.apps) return null;
  return Object.values(state.apps)
    .sort((a, b) => a.app.createdAt.localeCompare(b.app.createdAt) || a.app.id.localeCompare(b.app.id))
    .map((x) => x.app.id);
}
