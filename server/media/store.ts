import type { MediaKind } from '../../protocol/media.ts';
import { type Db, hasNul, sqlText } from '../storage/sql.ts';

/**
 * What the media store keeps (migration 0020), written once for both backends (storage/sql.ts): one row
 * per upload (MediaRecord); the bytes are the blob store's. Times are milliseconds.
 */

/** One upload, as the database keeps it (table `media`, migration 0020). */
export interface MediaRecord {
  /** Random, unguessable (newId()); access is checked on every read regardless. */
  id: string;
  /** The account that uploaded it: a person, or a page (its apps upload as the page). */
  ownerId: string;
  /** The app that uploaded it for its page, if any. */
  appId: string | null;
  /** The conversation it was first sent in; null until then (then only its owner may read or send it). */
  conversationId: string | null;
  /**
   * A page's saved attachment (the Graph API's `me/message_attachments`, or `is_reusable`): it is never
   * bound itself; each send binds a copy (a new record, same stored bytes), and the sweeper of unsent
   * uploads leaves it alone.
   */
  reusable: boolean;
  kind: MediaKind;
  mime: string;
  name: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  voice: boolean;
  waveform: number[] | null;
  /** BlobStore keys of the file and of its thumbnail (images). */
  key: string;
  thumbnailKey: string | null;
  /** The sha-256 of the stored file, hex. */
  sha256: string;
  createdAt: number;
  /**
   * Claimed as its owner's profile photo (migration 0026): never sent in a message, never swept as unsent,
   * readable by any signed-in account (access.ts). Absent: false.
   */
  avatar?: boolean;
}

export interface MediaReads {
  mediaById(id: string): Promise<MediaRecord | null>;
  /** The records of those ids that exist, in no particular order. */
  mediaByIds(ids: readonly string[]): Promise<MediaRecord[]>;
  /** Uploads never sent and not saved for reuse, made before `cutoff`, oldest first (the sweeper's). */
  unsentBefore(cutoff: number, limit: number): Promise<MediaRecord[]>;
  /** Of these blob keys, those some row still names (as its file or its thumbnail), rows `exceptIds` aside. */
  keysInUse(keys: readonly string[], exceptIds?: readonly string[]): Promise<string[]>;
}

export interface MediaWrites extends MediaReads {
  insertMedia(record: MediaRecord): Promise<void>;
  /**
   * Binds unsent, non-reusable uploads to the conversation they are sent in; answers how many it bound
   * (one already bound, or reusable, is left as it is).
   */
  bindMedia(ids: readonly string[], conversationId: string): Promise<number>;
  /** Deletes the rows (their blobs are the caller's to delete, once no row names them); answers how many. */
  deleteMedia(ids: readonly string[]): Promise<number>;
  /**
   * Claims an unsent, non-reusable upload as its owner's profile photo (`avatar`); answers whether it did
   * (false: already sent, saved for reuse, or gone).
   */
  markAvatar(id: string): Promise<boolean>;
}

/** The methods of MediaWrites that write (the group committer counts them). */
export const mediaWrites = [
  'insertMedia',
  'bindMedia',
  'deleteMedia',
  'markAvatar',
] as const satisfies readonly Exclude<keyof MediaWrites, keyof MediaReads>[];

interface MediaRow {
  id: string;
  owner_id: string;
  app_id: string | null;
  conversation_id: string | null;
  reusable: boolean | number;
  kind: string;
  mime: string;
  name: string;
  size: number | string;
  width: number | null;
  height: number | null;
  duration_ms: number | string | null;
  voice: boolean | number;
  waveform: string | null;
  blob_key: string;
  thumbnail_key: string | null;
  sha256: string;
  created_at: number | string;
  avatar: boolean | number;
}

const COLUMNS =
  'id, owner_id, app_id, conversation_id, reusable, kind, mime, name, size, width, height, duration_ms, voice, ' +
  'waveform, blob_key, thumbnail_key, sha256, created_at, avatar';

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
const toRecord = (r: MediaRow): MediaRecord => {
  const record = baseRecord(r);
  if (r.avatar) record.avatar = true;
  return record;
};
const baseRecord = (r: MediaRow): MediaRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  appId: r.app_id,
  conversationId: r.conversation_id,
  reusable: Boolean(r.reusable),
  kind: r.kind as MediaKind,
  mime: r.mime,
  name: r.name,
  size: Number(r.size),
  width: num(r.width),
  height: num(r.height),
  durationMs: num(r.duration_ms),
  voice: Boolean(r.voice),
  waveform: r.waveform === null ? null : (JSON.parse(r.waveform) as number[]),
  key: r.blob_key,
  thumbnailKey: r.thumbnail_key,
  sha256: r.sha256,
  createdAt: Number(r.created_at),
});

/** The media store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class MediaStore implements MediaWrites {
  private readonly q;

  constructor(private readonly db: Db) {
    const t = sqlText(db.dialect);
    this.q = {
      byId: `SELECT ${COLUMNS} FROM media WHERE id = ?`,
      byIds: `SELECT ${COLUMNS} FROM media WHERE ${t.inText('id')}`,
      unsent: `SELECT ${COLUMNS} FROM media WHERE conversation_id IS NULL AND reusable = ${t.false} AND avatar = ${t.false}
                AND created_at < ?
                ORDER BY created_at, id LIMIT ?`,
      keysInUse: `SELECT blob_key AS k FROM media WHERE ${t.inText('blob_key')} AND NOT ${t.inText('id')}
                  UNION SELECT thumbnail_key AS k FROM media WHERE ${t.inText('thumbnail_key')} AND NOT ${t.inText('id')}`,
      insert: `INSERT INTO media (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      bind: `UPDATE media SET conversation_id = ?
              WHERE ${t.inText('id')} AND conversation_id IS NULL AND reusable = ${t.false} AND avatar = ${t.false}`,
      markAvatar: `UPDATE media SET avatar = ${t.true}
              WHERE id = ? AND conversation_id IS NULL AND reusable = ${t.false} AND avatar = ${t.false}`,
      delete: `DELETE FROM media WHERE ${t.inText('id')}`,
    };
  }

  async mediaById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<MediaRow>(this.q.byId, id);
    return r ? toRecord(r) : null;
  }
  async mediaByIds(ids: readonly string[]) {
    const clean = ids.filter((id) => !hasNul(id));
    if (clean.length === 0) return [];
    return (await this.db.all<MediaRow>(this.q.byIds, clean)).map(toRecord);
  }
  async unsentBefore(cutoff: number, limit: number) {
    return (await this.db.all<MediaRow>(this.q.unsent, cutoff, limit)).map(toRecord);
  }
  async keysInUse(keys: readonly string[], exceptIds: readonly string[] = []) {
    if (keys.length === 0) return [];
    const except = exceptIds.filter((id) => !hasNul(id));
    return (await this.db.all<{ k: string }>(this.q.keysInUse, keys, except, keys, except)).map((r) => r.k);
  }

  async insertMedia(m: MediaRecord) {
    await this.db.run(
      this.q.insert,
      m.id,
      m.ownerId,
      m.appId,
      m.conversationId,
      m.reusable,
      m.kind,
      m.mime,
      m.name,
      m.size,
      m.width,
      m.height,
      m.durationMs,
      m.voice,
      m.waveform === null ? null : JSON.stringify(m.waveform),
      m.key,
      m.thumbnailKey,
      m.sha256,
      m.createdAt,
      m.avatar ?? false,
    );
  }
  async bindMedia(ids: readonly string[], conversationId: string) {
    if (ids.length === 0) return 0;
    return this.db.run(this.q.bind, conversationId, ids);
  }
  async deleteMedia(ids: readonly string[]) {
    if (ids.length === 0) return 0;
    return this.db.run(this.q.delete, ids);
  }
  async markAvatar(id: string) {
    if (hasNul(id)) return false;
    return (await this.db.run(this.q.markAvatar, id)) > 0;
  }
}
