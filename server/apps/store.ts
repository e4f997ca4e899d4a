import { type Db, hasNul } from '../storage/sql.ts';

/**
 * What the apps domain stores — developer apps, the page access tokens they hold, their webhook settings —
 * written once for both backends (storage/sql.ts). Times are milliseconds since the epoch.
 */

export interface AppRecord {
  id: string;
  ownerId: string;
  name: string;
  /** The app secret, sealed under the server's key (lib/secrets.ts); never stored in clear. */
  sealedSecret: string;
  /** When the secret was last replaced; null while it is the one made with the app. */
  secretRotatedAt: number | null;
  createdAt: number;
}

/** A page access token: only its SHA-256 (hex) is kept. */
export interface PageTokenRecord {
  id: string;
  appId: string;
  pageId: string;
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface WebhookRecord {
  appId: string;
  url: string;
  verifyToken: string;
  /** The subscribed fields (protocol/schemas.ts webhookFields), in the order given. */
  fields: string[];
  /** When the callback answered the subscribe handshake. */
  verifiedAt: number | null;
  /** Set when deliveries were stopped (sustained failure), with why. */
  disabledAt: number | null;
  disabledReason: string | null;
  updatedAt: number;
}

export interface AppsReads {
  appById(id: string): Promise<AppRecord | null>;
  /** Oldest first. */
  appsOfOwner(ownerId: string): Promise<AppRecord[]>;
  /** The token with this hash, revoked or not. */
  pageTokenByHash(tokenHash: string): Promise<PageTokenRecord | null>;
  /** The one active (not revoked) token of an app for a page. */
  activePageToken(appId: string, pageId: string): Promise<PageTokenRecord | null>;
  /** The app's active tokens, one per page it is connected to, oldest first. */
  activePageTokensOf(appId: string): Promise<PageTokenRecord[]>;
  webhookOf(appId: string): Promise<WebhookRecord | null>;
}

export interface AppsWrites extends AppsReads {
  insertApp(app: AppRecord): Promise<void>;
  /** Replaces the sealed secret: the previous one is gone. */
  updateAppSecret(appId: string, sealedSecret: string, rotatedAt: number): Promise<void>;
  /** Fails if the app already has an active token for that page (revoke it first). */
  insertPageToken(token: PageTokenRecord): Promise<void>;
  /** Revokes the app's active token for the page, if any; answers how many it revoked (0 or 1). */
  revokePageTokens(appId: string, pageId: string, revokedAt: number): Promise<number>;
  /** Sets the app's webhook, replacing the one it had. */
  upsertWebhook(webhook: WebhookRecord): Promise<void>;
  /** Answers how many it removed (0 or 1). */
  deleteWebhook(appId: string): Promise<number>;
}

/** The methods of AppsWrites that write (the group committer counts them). */
export const appsWrites = [
  'insertApp',
  'updateAppSecret',
  'insertPageToken',
  'revokePageTokens',
  'upsertWebhook',
  'deleteWebhook',
] as const satisfies readonly Exclude<keyof AppsWrites, keyof AppsReads>[];

const APP = 'SELECT id, owner_id, name, secret, secret_rotated_at, created_at FROM apps';
interface AppRow {
  id: string;
  owner_id: string;
  name: string;
  secret: string;
  secret_rotated_at: number | null;
  created_at: number;
}
const toApp = (r: AppRow): AppRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  sealedSecret: r.secret,
  secretRotatedAt: r.secret_rotated_at,
  createdAt: r.created_at,
});

const PAGE_TOKEN = 'SELECT id, app_id, page_id, token_hash, created_at, revoked_at FROM page_tokens';
interface PageTokenRow {
  id: string;
  app_id: string;
  page_id: string;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}
const toPageToken = (r: PageTokenRow): PageTokenRecord => ({
  id: r.id,
  appId: r.app_id,
  pageId: r.page_id,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

const WEBHOOK =
  'SELECT app_id, url, verify_token, fields, verified_at, disabled_at, disabled_reason, updated_at FROM app_webhooks';
interface WebhookRow {
  app_id: string;
  url: string;
  verify_token: string;
  fields: string;
  verified_at: number | null;
  disabled_at: number | null;
  disabled_reason: string | null;
  updated_at: number;
}
const toWebhook = (r: WebhookRow): WebhookRecord => ({
  appId: r.app_id,
  url: r.url,
  verifyToken: r.verify_token,
  fields: r.fields === '' ? [] : r.fields.split(','),
  verifiedAt: r.verified_at,
  disabledAt: r.disabled_at,
  disabledReason: r.disabled_reason,
  updatedAt: r.updated_at,
});

/** The apps store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class AppsStore implements AppsWrites {
  constructor(private readonly db: Db) {}

  async appById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<AppRow>(`${APP} WHERE id = ?`, id);
    return r ? toApp(r) : null;
  }
  async appsOfOwner(ownerId: string) {
    if (hasNul(ownerId)) return [];
    return (await this.db.all<AppRow>(`${APP} WHERE owner_id = ? ORDER BY created_at, id`, ownerId)).map(toApp);
  }
  async pageTokenByHash(tokenHash: string) {
    if (hasNul(tokenHash)) return null;
    const r = await this.db.one<PageTokenRow>(`${PAGE_TOKEN} WHERE token_hash = ?`, tokenHash);
    return r ? toPageToken(r) : null;
  }
  async activePageToken(appId: string, pageId: string) {
    if (hasNul(appId) || hasNul(pageId)) return null;
    const r = await this.db.one<PageTokenRow>(
      `${PAGE_TOKEN} WHERE app_id = ? AND page_id = ? AND revoked_at IS NULL`,
      appId,
      pageId,
    );
    return r ? toPageToken(r) : null;
  }
  async activePageTokensOf(appId: string) {
    if (hasNul(appId)) return [];
    const rows = await this.db.all<PageTokenRow>(
      `${PAGE_TOKEN} WHERE app_id = ? AND revoked_at IS NULL ORDER BY created_at, id`,
      appId,
    );
    return rows.map(toPageToken);
  }
  async webhookOf(appId: string) {
    if (hasNul(appId)) return null;
    const r = await this.db.one<WebhookRow>(`${WEBHOOK} WHERE app_id = ?`, appId);
    return r ? toWebhook(r) : null;
  }

  async insertApp(a: AppRecord) {
    await this.db.run(
      'INSERT INTO apps (id, owner_id, name, secret, secret_rotated_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      a.id,
      a.ownerId,
      a.name,
      a.sealedSecret,
      a.secretRotatedAt,
      a.createdAt,
    );
  }
  async updateAppSecret(appId: string, sealedSecret: string, rotatedAt: number) {
    await this.db.run('UPDATE apps SET secret = ?, secret_rotated_at = ? WHERE id = ?', sealedSecret, rotatedAt, appId);
  }
  async insertPageToken(t: PageTokenRecord) {
    await this.db.run(
      'INSERT INTO page_tokens (id, app_id, page_id, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
      t.id,
      t.appId,
      t.pageId,
      t.tokenHash,
      t.createdAt,
      t.revokedAt,
    );
  }
  async revokePageTokens(appId: string, pageId: string, revokedAt: number) {
    // No page has such an id (a page's id is a user id): nothing to revoke, and PostgreSQL would refuse it.
    if (hasNul(pageId)) return 0;
    return this.db.run(
      'UPDATE page_tokens SET revoked_at = ? WHERE app_id = ? AND page_id = ? AND revoked_at IS NULL',
      revokedAt,
      appId,
      pageId,
    );
  }
  async upsertWebhook(w: WebhookRecord) {
    await this.db.run(
      `INSERT INTO app_webhooks (app_id, url, verify_token, fields, verified_at, disabled_at, disabled_reason, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, verify_token = excluded.verify_token,
         fields = excluded.fields, verified_at = excluded.verified_at, disabled_at = excluded.disabled_at,
         disabled_reason = excluded.disabled_reason, updated_at = excluded.updated_at, failing_since = NULL`,
      w.appId,
      w.url,
      w.verifyToken,
      w.fields.join(','),
      w.verifiedAt,
      w.disabledAt,
      w.disabledReason,
      w.updatedAt,
    );
  }
  deleteWebhook(appId: string) {
    return this.db.run('DELETE FROM app_webhooks WHERE app_id = ?', appId);
  }
}
