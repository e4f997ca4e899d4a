import { useSyncExternalStore } from 'react';

/**
 * Client-side URLs with the History API, one view each:
 * - the messenger: `/` (the list) and `/c/<conversationId>`;
 * - a page's inbox: `/inbox/<pageId>` and `/inbox/<pageId>/c/<conversationId>`;
 * - the developer console: `/console` and `/console/apps/<appId>`;
 * - a page's short link: `/m/<username>` and `/m/<username>?ref=<ref>` (Messenger's m.me links), which
 *   opens the person's conversation with the page and gives way to its URL;
 * - the opt-in link flow: `/optin?page_id=…&user_ref=…&ref=…&return_to=…` (the checkbox plugin's link, where
 *   the merchant's frame has no session): a confirmation screen, then back to the merchant.
 */
export type Route =
  | { view: 'messenger'; conversationId: string | null }
  | { view: 'inbox'; pageId: string; conversationId: string | null }
  | { view: 'console'; appId: string | null }
  | { view: 'link'; username: string; ref: string | null }
  | { view: 'optin'; pageId: string; userRef: string; ref: string | null; returnTo: string };

const home: Route = { view: 'messenger', conversationId: null };

function decode(segment: string): string | null {
  try {
    const s = decodeURIComponent(segment);
    return s === '' ? null : s;
  } catch {
    return null;
  }
}

/**
 * A short link's `ref` from a query string: the first `ref`, percent-decoded — a `+` stays a `+` (refs are
 * often base64, where it is one of the characters), not a space as in a form; empty or undecodable: none.
 */
export function refOf(search: string): string | null {
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    if (key !== 'ref') continue;
    return at < 0 ? null : decode(pair.slice(at + 1));
  }
  return null;
}

/** The opt-in link flow's parameters (`URLSearchParams`: as the checkbox plugin encodes them). */
function optinOf(search: string): Route {
  const q = new URLSearchParams(search);
  const pageId = q.get('page_id');
  const userRef = q.get('user_ref');
  const returnTo = q.get('return_to');
  if (!pageId || !userRef || !returnTo) return home;
  return { view: 'optin', pageId, userRef, ref: q.get('ref') || null, returnTo };
}

/** The route of a path (and, for a short link, its query); anything unknown is the messenger's list. */
export function parsePath(pathname: string, search = ''): Route {
  const parts = pathname.replace(/\/$/, '').split('/').slice(1);
  const [first, second, third, fourth, ...rest] = parts;
  if (rest.length > 0) return home;
  if (first === 'optin' && second === undefined) return optinOf(search);
  if (first === 'm' && second !== undefined && third === undefined) {
    const username = decode(second);
    return username ? { view: 'link', username, ref: refOf(search) } : home;
  }
  if (first === 'c' && second !== undefined && third === undefined) {
    const conversationId = decode(second);
    return conversationId ? { view: 'messenger', conversationId } : home;
  }
  if (first === 'inbox' && second !== undefined) {
    const pageId = decode(second);
    if (!pageId) return home;
    if (third === undefined) return { view: 'inbox', pageId, conversationId: null };
    const conversationId = third === 'c' && fourth !== undefined ? decode(fourth) : null;
    return conversationId ? { view: 'inbox', pageId, conversationId } : home;
  }
  if (first === 'console' && fourth === undefined) {
    if (second === undefined) return { view: 'console', appId: null };
    const appId = second === 'apps' && third !== undefined ? decode(third) : null;
    return appId ? { view: 'console', appId } : home;
  }
  return home;
}

const enc = encodeURIComponent;

export function pathFor(route: Route): string {
  switch (route.view) {
    case 'messenger':
      return route.conversationId ? `/c/${enc(route.conversationId)}` : '/';
    case 'inbox':
      return `/inbox/${enc(route.pageId)}${route.conversationId ? `/c/${enc(route.conversationId)}` : ''}`;
    case 'console':
      return route.appId ? `/console/apps/${enc(route.appId)}` : '/console';
    case 'link':
      return `/m/${enc(route.username)}${route.ref === null ? '' : `?ref=${enc(route.ref)}`}`;
    case 'optin': {
      const q = new URLSearchParams({ page_id: route.pageId, user_ref: route.userRef });
      if (route.ref !== null) q.set('ref', route.ref);
      q.set('return_to', route.returnTo);
      return `/optin?${q}`;
    }
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return pathFor(a) === pathFor(b);
}

const listeners = new Set<() => void>();
let current: Route = typeof location === 'undefined' ? home : parsePath(location.pathname, location.search);

function emit(): void {
  for (const l of listeners) l();
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    current = parsePath(location.pathname, location.search);
    emit();
  });
}

export function getRoute(): Route {
  return current;
}

/** Goes to a route (a new history entry, or in place of the current one with `replace`). */
export function go(route: Route, opts: { replace?: boolean } = {}): void {
  if (sameRoute(route, current)) return;
  current = route;
  const path = pathFor(current);
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  emit();
}

/** Opens a conversation of the messenger (or its list, with null). */
export function navigate(conversationId: string | null, opts: { replace?: boolean } = {}): void {
  go({ view: 'messenger', conversationId }, opts);
}

export function subscribeRoute(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribeRoute, getRoute, getRoute);
}
