import fs from 'node:fs';
import type { MediaRef } from '../../protocol/content.ts';
import { mediaLimits } from '../../protocol/media.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage, Tx } from '../storage/types.ts';
import { canRead } from './access.ts';
import type { MediaLinks } from './links.ts';
import type { Fetched } from './remote.ts';
import type { MediaRecord } from './store.ts';
import type { BlobStore, Ingest, Ingested, MediaReader, MediaService, MediaVariant } from './types.ts';
import { attachmentView, mediaRef } from './views.ts';

/** The last segment of a URL's path, as the file's name (the pipeline cleans it and checks it against the bytes). */
function nameInUrl(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    const name = decodeURIComponent(last).trim();
    return name === '' ? null : name.slice(0, 255);
  } catch {
    return null;
  }
}

/** Uploads of one account running at once; more are refused (`rate_limited`) until one ends. */
export const UPLOADS_IN_FLIGHT = mediaLimits.uploadsInFlight;
const HOUR = 3_600_000;

/** Fetches a URL server-side (media/remote.ts, with the server's deadline, size and address rules). */
export type FetchRemote = (url: string) => Promise<Fetched>;

export interface MediaOptions {
  /** Where the pipeline writes uploads while it checks them. */
  tmpDir: string;
  uploadsPerMinute: number;
  /** The upload's own clock (tests move it). */
  now?: () => number;
}

type UploadInput = Parameters<MediaService['upload']>[0];

/** What a route reads: the record, and the key and size of the variant asked for. */
export interface MediaFile {
  record: MediaRecord;
  key: string;
  size: number;
}

/**
 * Media (docs/MEDIA.md): uploads through the pipeline into the blob store, then a row; claims by a send's
 * job; who reads what, by session or signed link. The pipeline (`ingest`, media/pipeline.ts) and the
 * server-side fetch (`fetchRemote`, media/remote.ts) are given, so that this file holds the rules only.
 */
export class Media implements MediaService {
  private readonly perMinute: RateLimiter;
  private readonly inFlight = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    readonly blobs: BlobStore,
    readonly links: MediaLinks,
    private readonly ingest: Ingest,
    private readonly fetchRemote: FetchRemote,
    private readonly log: Logger,
    private readonly options: MediaOptions,
  ) {
    this.perMinute = new RateLimiter(options.uploadsPerMinute, 60_000);
    this.now = options.now ?? Date.now;
    fs.mkdirSync(options.tmpDir, { recursive: true, mode: 0o700 });
  }

  async upload(input: UploadInput): Promise<MediaRecord> {
    const release = this.admit(input.ownerId);
    try {
      const ingested = await this.ingest(input.body, {
        tmpDir: this.options.tmpDir,
        name: input.name ?? null,
        declaredLength: input.declaredLength ?? null,
        audioExpected: Boolean(input.voice),
      });
      try {
        return await this.store(input, ingested);
      } finally {
        await ingested.dispose();
      }
    } finally {
      release();
    }
  }

  async uploadFromUrl(input: Parameters<MediaService['uploadFromUrl']>[0]): Promise<MediaRecord> {
    // Admitted like an upload before anything is fetched, and again by upload() for the bytes themselves.
    this.check(input.ownerId);
    const fetched = await this.fetchRemote(input.url);
    return this.upload({
      ownerId: input.ownerId,
      appId: input.appId ?? null,
      body: fetched.body,
      declaredLength: fetched.contentLength,
      name: nameInUrl(input.url),
      reusable: input.reusable ?? false,
    });
  }

  /** A temporary file of the pipeline into the blob store: taken as it is where the store can (local disk), else streamed. */
  private putFile(key: string, file: string, meta: { contentType: string; size: number }): Promise<void> {
    return this.blobs.adopt ? this.blobs.adopt(key, file, meta) : this.blobs.put(key, fs.createReadStream(file), meta);
  }

  /** The checked upload's file and thumbnail into the blob store, then its row; on any failure, nothing kept. */
  private async store(input: UploadInput, f: Ingested): Promise<MediaRecord> {
    if (input.voice && f.kind !== 'audio') {
      throw new AppError('media_type_mismatch', 'A voice clip must be audio');
    }
    const record: MediaRecord = {
      id: newId(this.now()),
      ownerId: input.ownerId,
      appId: input.appId ?? null,
      conversationId: null,
      reusable: input.reusable ?? false,
      kind: f.kind,
      mime: f.mime,
      name: f.name,
      size: f.size,
      width: f.width,
      height: f.height,
      durationMs: input.voice ? (f.durationMs ?? input.voice.durationMs) : f.durationMs,
      voice: Boolean(input.voice),
      waveform: input.voice?.waveform ?? null,
      key: newId(),
      thumbnailKey: f.thumbnail ? newId() : null,
      sha256: f.sha256,
      createdAt: this.now(),
    };
    const put: string[] = [];
    try {
      put.push(record.key);
      await this.putFile(record.key, f.path, { contentType: f.mime, size: f.size });
      if (f.thumbnail && record.thumbnailKey) {
        put.push(record.thumbnailKey);
        await this.putFile(record.thumbnailKey, f.thumbnail.path, {
          contentType: f.thumbnail.mime,
          size: f.thumbnail.size,
        });
      }
      await this.committer.run(({ tx }) => tx.media.insertMedia(record));
      return record;
    } catch (e) {
      await this.deleteBlobs(put);
      throw e;
    }
  }

  /** Takes one of the account's uploads per minute and one of its places in flight; answers how to give the place back. */
  private admit(ownerId: string): () => void {
    this.check(ownerId);
    const wait = this.perMinute.take(ownerId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    this.inFlight.set(ownerId, (this.inFlight.get(ownerId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inFlight.get(ownerId) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(ownerId);
      else this.inFlight.set(ownerId, n);
    };
  }

  /** Refuses at once an account with as many uploads in flight as it may have, or none left this minute. */
  private check(ownerId: string) {
    if ((this.inFlight.get(ownerId) ?? 0) >= UPLOADS_IN_FLIGHT) {
      throw new AppError('rate_limited', `At most ${UPLOADS_IN_FLIGHT} uploads at once`, { retryAfter: 1 });
    }
    const wait = this.perMinute.check(ownerId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
  }

  /**
   * In a send's job: each id must be the sender's — or, for a page's message written by one of its people,
   * that person's (`actorId`) — and either unsent and younger than the sweeper's age, or already in this
   * conversation; anything else is `media_not_found` (another's upload is never revealed). Checks every id
   * before writing: unsent ones are bound to the conversation, a saved (reusable) one is copied.
   */
  async claim(
    tx: Tx,
    input: { ids: readonly string[]; ownerId: string; conversationId: string; actorId?: string | null },
  ): Promise<MediaRef[]> {
    const { ids, conversationId } = input;
    if (ids.length > mediaLimits.perMessage) {
      throw new AppError('too_many_attachments', undefined, { max: mediaLimits.perMessage });
    }
    if (new Set(ids).size !== ids.length) throw new AppError('bad_request', 'attachmentIds: each id once');
    const found = new Map((await tx.media.mediaByIds(ids)).map((m) => [m.id, m]));
    const now = this.now();
    const owners = new Set([input.ownerId, input.actorId ?? input.ownerId]);
    const records = ids.map((id) => {
      const m = found.get(id);
      if (!m || !owners.has(m.ownerId)) throw new AppError('media_not_found');
      // A profile photo is never a message's (it is deleted when replaced).
      if (m.avatar) throw new AppError('media_not_found');
      if (m.conversationId !== null && m.conversationId !== conversationId) throw new AppError('media_not_found');
      // Past this age the sweeper may be deleting it (it waits an hour more): never sent now.
      if (m.conversationId === null && !m.reusable && m.createdAt < now - mediaLimits.unsentHours * HOUR) {
        throw new AppError('media_not_found');
      }
      return m;
    });
    const toBind: string[] = [];
    const refs: MediaRef[] = [];
    for (const m of records) {
      if (m.reusable) {
        const copy: MediaRecord = { ...m, id: newId(now), reusable: false, conversationId, createdAt: now };
        await tx.media.insertMedia(copy);
        refs.push(mediaRef(copy));
        continue;
      }
      if (m.conversationId === null) toBind.push(m.id);
      refs.push(mediaRef(m));
    }
    await tx.media.bindMedia(toBind, conversationId);
    return refs;
  }

  /**
   * In a profile-photo change's job (flows/profile-photo.ts): the person's own upload becomes their
   * avatar — an image with a thumbnail, never sent, not saved for reuse, younger than the sweeper's age;
   * `media_not_found` for anything else that is not theirs or not there, `media_type_mismatch` for
   * anything but an image. Answers the record.
   */
  async claimAvatarIn(uow: UnitOfWork, input: { id: string; ownerId: string }): Promise<MediaRecord> {
    const m = await uow.tx.media.mediaById(input.id);
    if (!m || m.ownerId !== input.ownerId || m.reusable) throw new AppError('media_not_found');
    if (m.avatar) return m;
    if (m.conversationId !== null || m.createdAt < this.now() - mediaLimits.unsentHours * HOUR) {
      throw new AppError('media_not_found');
    }
    if (m.kind !== 'image' || m.thumbnailKey === null) {
      throw new AppError('media_type_mismatch', 'A profile photo must be an image');
    }
    if (!(await uow.tx.media.markAvatar(m.id))) throw new AppError('media_not_found');
    return { ...m, avatar: true };
  }

  /** The MessageMedia port of messaging: claim in a send's job. */
  claimIn(
    uow: UnitOfWork,
    input: { ids: readonly string[]; ownerId: string; conversationId: string; actorId: string | null },
  ): Promise<MediaRef[]> {
    return this.claim(uow.tx, input);
  }

  /**
   * The MessageMedia port of messaging, in a forward's job: a record of its own for each of a message's
   * media, in the target conversation and owned by the forwarder, naming the same stored bytes (as a saved
   * attachment's copies do). Deleting either message deletes its own records only; the bytes go once no
   * record names them (deleteBlobs). `media_not_found` when a source record is gone.
   */
  async copyIn(
    uow: UnitOfWork,
    input: { refs: readonly MediaRef[]; ownerId: string; conversationId: string },
  ): Promise<MediaRef[]> {
    const found = new Map((await uow.tx.media.mediaByIds(input.refs.map((r) => r.id))).map((m) => [m.id, m]));
    const copies: MediaRecord[] = [];
    for (const ref of input.refs) {
      const m = found.get(ref.id);
      if (!m) throw new AppError('media_not_found');
      copies.push({
        ...m,
        id: newId(uow.now),
        ownerId: input.ownerId,
        appId: null,
        reusable: false,
        conversationId: input.conversationId,
        createdAt: uow.now,
      });
    }
    for (const copy of copies) await uow.tx.media.insertMedia(copy);
    return copies.map(mediaRef);
  }

  /**
   * The MessageMedia port of messaging: a deleted message's uploads are deleted with it — their rows in its
   * job, their bytes once it committed (those no other row shares: a saved attachment keeps its own).
   */
  async releaseIn(uow: UnitOfWork, ids: readonly string[]): Promise<void> {
    const rows = await uow.tx.media.mediaByIds(ids);
    await uow.tx.media.deleteMedia(ids);
    const keys = rows.flatMap((r) => (r.thumbnailKey ? [r.key, r.thumbnailKey] : [r.key]));
    uow.afterCommit(() => {
      this.deleteBlobs(keys).catch((err: unknown) => this.log.error({ err }, 'a deleted message’s media stayed'));
    });
  }

  ref(record: MediaRecord): MediaRef {
    return mediaRef(record);
  }

  view(ref: MediaRef) {
    return attachmentView(ref);
  }

  signedUrl(id: string, variant: MediaVariant, origin: string): string {
    return this.links.url(id, variant, origin);
  }

  /**
   * The file a reader may read: by a signed link for this id and variant (`media_link_expired` otherwise),
   * or by an account that may read it (media/access.ts). `media_not_found` for anything else — absent,
   * not theirs, no thumbnail — alike.
   */
  async file(reader: MediaReader, id: string, variant: MediaVariant): Promise<MediaFile> {
    if ('signature' in reader) this.links.check(id, variant, reader.signature);
    const record = await this.storage.reader.media.mediaById(id);
    if (!record) throw new AppError('media_not_found');
    if ('accountId' in reader && !(await canRead(this.storage.reader, record, reader.accountId))) {
      throw new AppError('media_not_found');
    }
    if (variant === 'original') return { record, key: record.key, size: record.size };
    if (!record.thumbnailKey) throw new AppError('media_not_found');
    const stat = await this.blobs.stat(record.thumbnailKey);
    if (!stat) throw new AppError('media_not_found');
    return { record, key: record.thumbnailKey, size: stat.size };
  }

  /** Deletes blobs no row names any more (a failure is logged: the blob is then only space). */
  async deleteBlobs(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const inUse = new Set(await this.storage.reader.media.keysInUse(keys));
    for (const key of keys) {
      if (inUse.has(key)) continue;
      try {
        await this.blobs.delete(key);
      } catch (err) {
        this.log.error({ err, key }, 'a media blob could not be deleted');
      }
    }
  }

  /** Seconds a signed link lives (and browsers may cache a file). */
  get ttlSeconds(): number {
    return this.links.ttlSeconds;
  }
}
