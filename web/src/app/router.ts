import { useSyncExternalStore } from 'react';

/** Client-side URLs with the History API: `/` (the list) and `/c/<conversationId>`. */
export interface Route {
  conversationId: string | null;
}

export function parsePath(pathname: string): Route {
  const m = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (!m?.[1]) return { conversationId: null };
  try {
    return { conversationId: decodeURIComponent(m[1]) };
  } catch {
    return { conversationId: null };
  }
}

export function pathFor(route: Route): string {
  return route.conversationId ? `/c/${encodeURIComponent(route.conversationId)}` : '/';
}

const listeners = new Set<() => void>();
let current: Route = typeof location === 'undefined' ? { conversationId: null } : parsePath(location.pathname);

function emit(): void {
  for (const l of listeners) l();
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    current = parsePath(location.pathname);
    emit();
  });
}

export function getRoute(): Route {
  return current;
}

export function navigate(conversationId: string | null, opts: { replace?: boolean } = {}): void {
  if (conversationId === current.conversationId) return;
  current = { conversationId };
  const path = pathFor(current);
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  emit();
}

export function subscribeRoute(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribeRoute, getRoute, getRoute);
}
