import type { ComposeAppView, ComposeExtensionView } from '../../protocol/compose.ts';
import { iso } from '../accounts/presenter.ts';
import type { AvailableApp } from './extensions.ts';
import type { ComposeExtensionRecord } from './store.ts';

/** Where Comptoir serves an extension's icon: versioned, so a browser may keep it until the extension changes. */
export const iconPath = (e: ComposeExtensionRecord) =>
  `/api/compose-apps/${encodeURIComponent(e.appId)}/icon?v=${e.updatedAt}`;

export function presentExtension(e: ComposeExtensionRecord): ComposeExtensionView {
  return {
    name: e.name,
    iconUrl: e.iconUrl,
    icon: iconPath(e),
    kinds: e.kinds,
    queryUrl: e.queryUrl,
    updatedAt: iso(e.updatedAt),
  };
}

/** A content app as people see it: never its query URL, nor where its icon came from. */
export function presentComposeApp(a: AvailableApp): ComposeAppView {
  const e = a.extension;
  return { appId: e.appId, name: e.name, icon: iconPath(e), kinds: e.kinds, enabled: a.enabled };
}
