import type { ComposeKind } from '../../protocol/compose.ts';
import { type Db, hasNul, type SqlText, sqlText } from '../storage/sql.ts';

/**
 * What the content apps store keeps (migration 0023), written once for both backends (storage/sql.ts): each
 * app's compose extension (its icon as Comptoir re-encoded it), and the content apps each person enabled.
 * Times are milliseconds since the epoch.
 */

export interface ComposeExtensionRecord {
  appId: string;
  name: string;
  /** Where the icon was fetched from, as the developer gave it. */
  iconUrl: string;
  kinds: ComposeKind[];
  queryUrl: string;
  createdAt: number;
  updatedAt: number;
}

/** The icon as stored: re-encoded by Comptoir, served by Comptoir. */
export interface ComposeIcon {
  bytes: Buffer;
  mime: string;
  updatedAt: number;
}

export interface ComposeReads {
  extensionOf(appId: string): Promise<ComposeExtensionRecord | null>;
  iconOf(appId: string): Promise<ComposeIcon | null>;
  /** The extensions of the server, by name (at most `limit`). */
  extensions(limit: number): Promise<ComposeExtensionRecord[]>;
  /** The apps the person enabled (their ids), oldest enabled first. */
  enabledAppIds(userId: string): Promise<string[]>;
  isEnabled(userId: string, appId: string): Promise<boolean>;
}

export interface ComposeWrites extends ComposeReads {
  /** Sets the app's extension with its icon, replacing the one it had. */
  upsertExtension(extension: ComposeExtensionRecord, icon: { bytes: Buffer; mime: string }): Promise<void>;
  /** Removes the app's extension, and every person's choice to enable it; answers whether there was one. */
  deleteExtension(appId: string): Promise<boolean>;
  /** Enables the app for the person (already enabled: nothing changes); answers whether it was not. */
  enable(userId: string, appId: string, at: number): Promise<boolean>;
  /** Answers whether it was enabled. */
  disable(userId: string, appId: string): Promise<boolean>;
}

/** The methods of ComposeWrites that write (the group committer counts them). */
export const composeWrites = [
  'upsertExtension',
  'deleteExtension',
  'enable',
  'disable',
] as const satisfies readonly Exclude<keyof ComposeWrites, keyof ComposeReads>[];

interface ExtensionRow {
  app_id: string;
  name: string;
  icon_url: string;
  kinds: string;
  query_url: string;
  created_at: number | string;
  updated_at: number | string;
}
const EXTENSION = 'SELECT app_id, name, icon_url, kinds, query_url, created_at, updated_at FROM compose_extensions';
const toExtension = (r: ExtensionRow): ComposeExtensionRecord => ({
  appId: r.app_id,
  name: r.name,
  iconUrl: r.icon_url,
  kinds: r.kinds.split(',') as ComposeKind[],
  queryUrl: r.query_url,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class ComposeStore implements ComposeWrites {
  private readonly t: SqlText;
  constructor(private readonly db: Db) {
    this.t = sqlText(db.dialect);
  }

  async extensionOf(appId: string) {
    if (hasNul(appId)) return null;
    const r = await this.db.one<ExtensionRow>(`${EXTENSION} WHERE app_id = ?`, appId);
    return r ? toExtension(r) : null;
  }
  async iconOf(appId: string) {
    if (hasNul(appId)) return null;
    const r = await this.db.one<{ icon: string; icon_mime: string; updated_at: number | string }>(
      'SELECT icon, icon_mime, updated_at FROM compose_extensions WHERE app_id = ?',
      appId,
    );
    return r ? { bytes: Buffer.from(r.icon, 'base64'), mime: r.icon_mime, updatedAt: Number(r.updated_at) } : null;
  }
  async extensions(limit: number) {
    const rows = await this.db.all<ExtensionRow>(`${EXTENSION} ORDER BY name${this.t.bytes}, app_id LIMIT ?`, limit);
    return rows.map(toExtension);
  }
  async enabledAppIds(userId: string) {
    if (hasNul(userId)) return [];
    const rows = await this.db.all<{ app_id: string }>(
      'SELECT app_id FROM compose_enabled WHERE user_id = ? ORDER BY enabled_at, app_id',
      userId,
    );
    return rows.map((r) => r.app_id);
  }
  async isEnabled(userId: string, appId: string) {
    if (hasNul(userId) || hasNul(appId)) return false;
    return (
      (await this.db.one<{ x: number }>(
        'SELECT 1 AS x FROM compose_enabled WHERE user_id = ? AND app_id = ?',
        userId,
        appId,
      )) !== undefined
    );
  }

  async upsertExtension(e: ComposeExtensionRecord, icon: { bytes: Buffer; mime: string }) {
    await this.db.run(
      `INSERT INTO compose_extensions (app_id, name, icon_url, icon, icon_mime, kinds, query_url, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (app_id) DO UPDATE SET name = excluded.name, icon_url = excluded.icon_url, icon = excluded.icon,
         icon_mime = excluded.icon_mime, kinds = excluded.kinds, query_url = excluded.query_url,
         updated_at = excluded.updated_at`,
      e.appId,
      e.name,
      e.iconUrl,
      icon.bytes.toString('base64'),
      icon.mime,
      e.kinds.join(','),
      e.queryUrl,
      e.createdAt,
      e.updatedAt,
    );
  }
  async deleteExtension(appId: string) {
    if (hasNul(appId)) return false;
    await this.db.run('DELETE FROM compose_enabled WHERE app_id = ?', appId);
    return (await this.db.run('DELETE FROM compose_extensions WHERE app_id = ?', appId)) > 0;
  }
  async enable(userId: string, appId: string, at: number) {
    return (
      (await this.db.run(
        'INSERT INTO compose_enabled (user_id, app_id, enabled_at) VALUES (?, ?, ?) ON CONFLICT (user_id, app_id) DO NOTHING',
        userId,
        appId,
        at,
      )) > 0
    );
  }
  async disable(userId: string, appId: string) {
    if (hasNul(userId) || hasNul(appId)) return false;
    return (await this.db.run('DELETE FROM compose_enabled WHERE user_id = ? AND app_id = ?', userId, appId)) > 0;
  }
}
