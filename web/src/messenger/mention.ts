import type { ComposeAppView } from '../../../protocol/compose.ts';

/**
 * `@appname query` in the composer (docs/PLATFORM.md, "Content apps"): an enabled content app is named by
 * its handle — its name in lowercase, letters and digits only ("GIF Box" → `@gifbox`) — at the very start
 * of the text, followed by a space; what follows is the query. Pure.
 */

export const handleOf = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

export interface Mention {
  app: ComposeAppView;
  query: string;
}

/** The enabled app the text starts by naming, and the query after it; null otherwise. */
export function mentionOf(text: string, apps: readonly ComposeAppView[] | null): Mention | null {
  const m = /^@(\S{1,40})\s([\s\S]*)$/.exec(text);
  if (!m || !apps) return null;
  const handle = (m[1] ?? '').toLowerCase();
  const app = apps.find((a) => a.enabled && handleOf(a.name) === handle);
  return app ? { app, query: (m[2] ?? '').trimStart() } : null;
}

/** The enabled apps whose handle starts as the text does (`@gi` → GIF Box), to suggest while it is typed. */
export function handlesMatching(text: string, apps: readonly ComposeAppView[] | null): ComposeAppView[] {
  const m = /^@(\S{0,40})$/.exec(text);
  if (!m || !apps) return [];
  const start = (m[1] ?? '').toLowerCase();
  return apps.filter((a) => a.enabled && handleOf(a.name).startsWith(start));
}
