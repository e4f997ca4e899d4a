import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { type Db, hasNul, sqlText } from '../storage/sql.ts';

/**
 * What the Graph-compatible API stores of its own, written once for both backends (storage/sql.ts): the
 * handover protocol's primary receiver of each page and the owner of each of its threads, and the
 * attachments apps saved for reuse. Which apps a page has is the apps domain's (page_tokens: an app with an
 * active token is connected); this store reads it to answer a page's receivers. Times are milliseconds.
 */

/** An app connected to a page (an active page access token), since its first token for the page. */
export interface ReceiverApp {
  id: string;
  name: string;
  connectedAt: number;
}

/** A page's receivers: its connected apps, and the one that is primary. */
export interface PageReceivers {
  /**
   * The primary receiver: the app the page's admins chose while it stays connected (or the inbox, when they
   * chose it); otherwise the app connected first; with no app connected, the page inbox.
   */
  primaryAppId: string;
  /** Whether the admins chose the primary receiver (false: the default above). */
  chosen: boolean;
  /** The connected apps, in order of connection. The page inbox, always there, is not among them. */
  apps: ReceiverApp[];
}

/**
 * An attachment an app saved for its page (me/message_attachments, or a send with is_reusable): its
 * reusable media and the URL it came from (null: a file uploaded with the call) — or, saved before media
 * storage, only its URL (its media is fetched at its next use and kept: setAttachmentMedia).
 */
export interface AttachmentRecord {
  /** 15 digits: what apps send again as `attachment_id`. */
  id: string;
  pageId: string;
  appId: string;
  type: 'image' | 'audio' | 'video' | 'file';
  url: string | null;
  mediaId: string | null;
  createdAt: number;
}

export interface PlatformReads {
  /** The page's connected apps and its primary receiver. */
  receivers(pageId: string): Promise<PageReceivers>;
  /**
   * Who owns each of these threads of the page (the person's user id → an app id, or the page inbox's
   * PAGE_INBOX_APP_ID): the app the thread was last passed to or taken by while it stays connected,
   * otherwise the primary receiver. Every id asked is answered. One query whatever the number of ids: what
   * the webhook dispatcher calls for a batch of a page's events, and the Send API for each call.
   */
  threadOwners(pageId: string, userIds: readonly string[]): Promise<Map<string, string>>;
  /** The app the thread was last passed to or taken by (null: never), connected or not (see ownerAmong). */
  storedThreadOwner(pageId: string, userId: string): Promise<string | null>;
  /** The page's saved attachment with this id (never another page's). */
  attachmentsByIds(pageId: string, ids: readonly string[]): Promise<AttachmentRecord[]>;
}

export interface PlatformWrites extends PlatformReads {
  /** Chooses the page's primary receiver (an app id or PAGE_INBOX_APP_ID); null: back to the default. */
  setPrimaryReceiver(pageId: string, appId: string | null, by: string, at: number): Promise<void>;
  /** Records who owns the thread of the page with this person now. */
  setThreadOwner(pageId: string, userId: string, appId: string, at: number): Promise<void>;
  /** Saves an attachment; false when its id is taken (the caller draws another). */
  insertAttachment(attachment: AttachmentRecord): Promise<boolean>;
  /**
   * Keeps the media fetched for an attachment saved with its URL only; false when it has media already
   * (another call's first use kept its own first).
   */
  setAttachmentMedia(pageId: string, id: string, mediaId: string): Promise<boolean>;
}

/** The methods of PlatformWrites that write (the group committer counts them). */
export const platformWrites = [
  'setPrimaryReceiver',
  'setThreadOwner',
  'insertAttachment',
  'setAttachmentMedia',
] as const satisfies readonly Exclude<keyof PlatformWrites, keyof PlatformReads>[];

/** A row of the receivers query: the choice, a connected app, or (threadOwners) a thread's stored owner. */
interface ReceiverRow {
  kind: 'chosen' | 'app' | 'owner';
  app_id: string;
  /** The app's name; for an owner row, the person's user id. */
  name: string | null;
  connected_at: number | null;
}
interface AttachmentRow {
  id: string;
  page_id: string;
  app_id: string;
  type: string;
  url: string | null;
  media_id: string | null;
  created_at: number | string;
}
const toAttachment = (r: AttachmentRow): AttachmentRecord => ({
  id: r.id,
  pageId: r.page_id,
  appId: r.app_id,
  type: r.type as AttachmentRecord['type'],
  url: r.url,
  mediaId: r.media_id,
  createdAt: Number(r.created_at),
});

/** The receivers of a page from its rows: the choice first, then the apps. */
function receiversOf(rows: readonly ReceiverRow[]): PageReceivers {
  const apps: ReceiverApp[] = [];
  let choice: string | null = null;
  for (const r of rows) {
    if (r.kind === 'chosen') choice = r.app_id;
    else if (r.kind === 'app') apps.push({ id: r.app_id, name: r.name ?? '', connectedAt: Number(r.connected_at) });
  }
  apps.sort((a, b) => a.connectedAt - b.connectedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const connected = (id: string) => id === PAGE_INBOX_APP_ID || apps.some((a) => a.id === id);
  if (choice !== null && connected(choice)) return { primaryAppId: choice, chosen: true, apps };
  return { primaryAppId: apps[0]?.id ?? PAGE_INBOX_APP_ID, chosen: false, apps };
}

/**
 * Who owns a thread: the app it was last passed to or taken by (`stored`) while that app stays connected
 * (or it is the page inbox), otherwise the primary receiver.
 */
export function ownerAmong(receivers: PageReceivers, stored: string | null): string {
  return stored !== null && (stored === PAGE_INBOX_APP_ID || receivers.apps.some((a) => a.id === stored))
    ? stored
    : receivers.primaryAppId;
}

/** The platform store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class PlatformStore implements PlatformWrites {
  private readonly q;

  constructor(private readonly db: Db) {
    const t = sqlText(db.dialect);
    // The choice, and each connected app with the time of its first token for the page (sorted in receiversOf).
    const receivers = `SELECT 'chosen' AS kind, app_id, NULL AS name, NULL AS connected_at
                         FROM page_primary_receivers WHERE page_id = ?
                       UNION ALL
                       SELECT 'app' AS kind, t.app_id, a.name,
                              (SELECT min(f.created_at) FROM page_tokens f
                                WHERE f.page_id = t.page_id AND f.app_id = t.app_id) AS connected_at
                         FROM page_tokens t JOIN apps a ON a.id = t.app_id
                        WHERE t.page_id = ? AND t.revoked_at IS NULL`;
    this.q = {
      receivers,
      // The same, and the stored owners of the threads asked: one round trip (the Send API asks it every call).
      owners: `${receivers}
               UNION ALL
               SELECT 'owner' AS kind, app_id, user_id AS name, NULL AS connected_at
                 FROM thread_owners WHERE page_id = ? AND ${t.inText('user_id')}`,
      storedOwner: 'SELECT app_id FROM thread_owners WHERE page_id = ? AND user_id = ?',
      attachments: `SELECT id, page_id, app_id, type, url, media_id, created_at FROM page_attachments
                     WHERE page_id = ? AND ${t.inText('id')}`,
      setPrimary: `INSERT INTO page_primary_receivers (page_id, app_id, updated_by, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (page_id) DO UPDATE SET app_id = excluded.app_id, updated_by = excluded.updated_by,
                     updated_at = excluded.updated_at`,
      setOwner: `INSERT INTO thread_owners (page_id, user_id, app_id, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (page_id, user_id) DO UPDATE SET app_id = excluded.app_id, updated_at = excluded.updated_at`,
      insertAttachment: `INSERT INTO page_attachments (id, page_id, app_id, type, url, media_id, created_at)
                         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      setAttachmentMedia: `UPDATE page_attachments SET media_id = ?
                            WHERE page_id = ? AND id = ? AND media_id IS NULL`,
    };
  }

  async receivers(pageId: string): Promise<PageReceivers> {
    if (hasNul(pageId)) return receiversOf([]);
    return receiversOf(await this.db.all<ReceiverRow>(this.q.receivers, pageId, pageId));
  }

  async threadOwners(pageId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(userIds)].filter((id) => !hasNul(id));
    const owners = new Map<string, string>();
    if (userIds.length === 0) return owners;
    const rows = hasNul(pageId) ? [] : await this.db.all<ReceiverRow>(this.q.owners, pageId, pageId, pageId, ids);
    const receivers = receiversOf(rows);
    const stored = new Map(rows.flatMap((r) => (r.kind === 'owner' && r.name !== null ? [[r.name, r.app_id]] : [])));
    for (const id of userIds) owners.set(id, ownerAmong(receivers, stored.get(id) ?? null));
    return owners;
  }

  async storedThreadOwner(pageId: string, userId: string) {
    if (hasNul(pageId) || hasNul(userId)) return null;
    return (await this.db.one<{ app_id: string }>(this.q.storedOwner, pageId, userId))?.app_id ?? null;
  }

  async attachmentsByIds(pageId: string, ids: readonly string[]): Promise<AttachmentRecord[]> {
    const wanted = ids.filter((id) => !hasNul(id));
    if (hasNul(pageId) || wanted.length === 0) return [];
    return (await this.db.all<AttachmentRow>(this.q.attachments, pageId, wanted)).map(toAttachment);
  }

  async setPrimaryReceiver(pageId: string, appId: string | null, by: string, at: number) {
    if (appId === null) await this.db.run('DELETE FROM page_primary_receivers WHERE page_id = ?', pageId);
    else await this.db.run(this.q.setPrimary, pageId, appId, by, at);
  }
  async setThreadOwner(pageId: string, userId: string, appId: string, at: number) {
    await this.db.run(this.q.setOwner, pageId, userId, appId, at);
  }
  async insertAttachment(a: AttachmentRecord) {
    const q = this.q.insertAttachment;
    return (await this.db.run(q, a.id, a.pageId, a.appId, a.type, a.url, a.mediaId, a.createdAt)) === 1;
  }
  async setAttachmentMedia(pageId: string, id: string, mediaId: string) {
    return (await this.db.run(this.q.setAttachmentMedia, mediaId, pageId, id)) === 1;
  }
}
