import type { Readable } from 'node:stream';
import type { MediaRef } from '../../protocol/content.ts';
import type { AttachmentView, MediaKind } from '../../protocol/media.ts';
import type { Tx } from '../storage/types.ts';
import type { MediaRecord } from './store.ts';

/**
 * The media domain's seams (docs/MEDIA.md): where bytes live (BlobStore: local disk or S3), what the
 * database keeps of each upload (MediaRecord), and what other domains ask of media (MediaService).
 */

/** A byte range, both ends included (HTTP's `bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media bytes live: a flat namespace of immutable objects. Written whole from a stream (never held
 * whole in memory), read whole or by range. Local disk (the default) and any S3-compatible store pass the
 * same contract suite (media/blobs.contract.ts).
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Stores `body` under `key` (replacing nothing: keys are never reused). Resolves once it is durable. */
  put(key: string, body: Readable, meta: { contentType: string; size: number }): Promise<void>;
  /**
   * Takes a finished file on this machine as the object `key` (the file is gone afterwards), when the store
   * can do better than reading it through `put`: local disk renames it into place when it lies on the same
   * file system (one write of the bytes instead of two). Stores without it are given the file through `put`.
   */
  adopt?(key: string, file: string, meta: { contentType: string; size: number }): Promise<void>;
  /**
   * The object's bytes (a range of them when given; the range is within the object) and the whole object's
   * size (not the range's); null when absent.
   */
  get(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null>;
  /** The object's size, or null when absent. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Deletes the object; absent is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * An upload that passed the pipeline (media/pipeline.ts), waiting in temporary files to be stored: its kind
 * and type from its bytes, within its kind's limits; an image decoded, re-encoded without its metadata
 * (EXIF, location) and measured, with a thumbnail; audio and video measured where their container says.
 */
export interface Ingested {
  kind: MediaKind;
  mime: string;
  /** The name to show: the given one cleaned (no path, no control characters), its extension the type's. */
  name: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  /** The file to store (a temporary file). */
  path: string;
  thumbnail: { path: string; mime: string; size: number; width: number; height: number } | null;
  /** Deletes the temporary files (always call it, stored or not). */
  dispose(): Promise<void>;
}

/**
 * Streams `body` to a temporary file under `tmpDir` and checks it (docs/MEDIA.md): refuses with
 * `media_too_large` as soon as the bytes pass the limit (of every kind until the first bytes tell the kind,
 * then of that kind), `media_type_mismatch` when the name's extension names another type than the bytes,
 * `media_corrupt` for a damaged or truncated image, `media_too_many_pixels` for a decompression bomb. On any
 * failure nothing is left behind.
 */
export type Ingest = (
  body: Readable,
  options: {
    tmpDir: string;
    name?: string | null;
    declaredLength?: number | null;
    signal?: AbortSignal;
    /**
     * The uploader says it is a voice clip: a WebM or MP4 whose tracks cannot be read back (recorded in
     * slices — MediaRecorder's timeslice — Chromium writes clusters without sizes) is taken as audio. A
     * container whose tracks show video stays a video (and the voice clip is refused).
     */
    audioExpected?: boolean;
  },
) => Promise<Ingested>;

/** One upload, as the database keeps it: defined beside its store (store.ts), whose module the storage composes. */
export type { MediaRecord } from './store.ts';

/** Who reads a media file: a signed-in account (by session or page token), or the bearer of a signed URL. */
export type MediaReader = { accountId: string } | { signature: { expires: number; sig: string } };

export type MediaVariant = 'original' | 'thumbnail';

/** What other domains (messaging, the Graph API, commerce, content apps) ask of media. */
export interface MediaService {
  /**
   * Streams an upload through the pipeline (type from the bytes, limits, images re-encoded without their
   * metadata, a thumbnail) into the blob store, then records it: nothing is stored when any step fails.
   */
  upload(input: {
    ownerId: string;
    appId?: string | null;
    body: Readable;
    /** From the request (Content-Length), when given: refused at once when over every limit. */
    declaredLength?: number | null;
    name?: string | null;
    voice?: { durationMs: number; waveform: number[] | null } | null;
    /** Saved for reuse (a page's saved attachment, MediaRecord.reusable): never bound, each send claims a copy. */
    reusable?: boolean;
  }): Promise<MediaRecord>;
  /**
   * Fetches a URL server-side (lib/outbound.ts: no private addresses, no redirects to them, time and size
   * limits) and uploads what it answers, as `upload` does; `media_fetch_failed` names why it failed.
   */
  uploadFromUrl(input: {
    ownerId: string;
    appId?: string | null;
    url: string;
    reusable?: boolean;
  }): Promise<MediaRecord>;
  /**
   * Inside a send's transaction: the media `ids` become the message's (in order). Each must be the
   * sender's (`ownerId`) and either not sent yet or already in this conversation; any other id answers
   * `media_not_found` (another person's upload is never revealed). Binds the unsent ones to the conversation;
   * a reusable one is copied (a new id bound to the conversation, the same stored bytes).
   */
  claim(
    tx: Tx,
    input: {
      ids: readonly string[];
      ownerId: string;
      conversationId: string;
      /**
       * A page's message written by one of its people (the business inbox): that person's own uploads may
       * be sent too (they upload with their session, then send as the page).
       */
      actorId?: string | null;
    },
  ): Promise<MediaRef[]>;
  /** What a message stores of a record. */
  ref(record: MediaRecord): MediaRef;
  /** The view people get (same-origin URLs; access by their session). */
  view(ref: MediaRef): AttachmentView;
  /** An absolute URL anyone holding it may read until it expires (webhooks, apps): `PUBLIC_ORIGIN` or the given origin. */
  signedUrl(id: string, variant: MediaVariant, origin: string): string;
}
