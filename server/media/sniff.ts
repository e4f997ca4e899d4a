import fs from 'node:fs';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import type { MediaKind } from '../../protocol/media.ts';

/**
 * What a file is, from its bytes (the `file-type` package's magic numbers), never from its name or a
 * declared type — and what the pipeline accepts as each kind (docs/MEDIA.md): images JPEG, PNG, WebP,
 * GIF; video MP4 (QuickTime and M4V too) and WebM; audio MP3, Ogg (Vorbis, Opus), WAV, M4A/AAC, FLAC, and
 * WebM or MP4 holding audio only. Everything else is a `file`.
 */

/** Bytes enough for file-type to name most types (its own "reasonable detection size"). */
export const HEAD_BYTES = 4100;

/** A container whose tracks decide whether it is a video or audio only (media/av.ts tells). */
export type Container = 'mp4' | 'mov' | 'webm';

export interface Sniffed {
  kind: MediaKind;
  /** The type to record and serve. */
  mime: string;
  /** The type's canonical extension; for a `file`, file-type's extension when it knows the type, else null. */
  ext: string | null;
  container: Container | null;
}

interface Accepted {
  kind: Exclude<MediaKind, 'file'>;
  mime: string;
  ext: string;
  container?: Container;
}

const image = (mime: string, ext: string): Accepted => ({ kind: 'image', mime, ext });
const audio = (mime: string, ext: string): Accepted => ({ kind: 'audio', mime, ext });
const mp4: Accepted = { kind: 'video', mime: 'video/mp4', ext: 'mp4', container: 'mp4' };
const m4a = audio('audio/mp4', 'm4a');
const ogg = audio('audio/ogg', 'ogg');

/**
 * The media types accepted, by file-type's extension. An animated PNG (APNG) is accepted as a PNG: it keeps
 * its first frame (sharp does not write APNG). MPEG-1 and -2 layer I/II audio, Ogg video, Matroska, AVI,
 * HEIC, AVIF, TIFF, BMP and the like are files: browsers do not all play or show them.
 */
const ACCEPTED: Record<string, Accepted> = {
  jpg: image('image/jpeg', 'jpg'),
  png: image('image/png', 'png'),
  apng: image('image/png', 'png'),
  webp: image('image/webp', 'webp'),
  gif: image('image/gif', 'gif'),
  mp4,
  m4v: mp4,
  m4p: mp4,
  f4v: mp4,
  f4p: mp4,
  mov: { kind: 'video', mime: 'video/quicktime', ext: 'mov', container: 'mov' },
  webm: { kind: 'video', mime: 'video/webm', ext: 'webm', container: 'webm' },
  m4a,
  m4b: m4a,
  f4a: m4a,
  f4b: m4a,
  mp3: audio('audio/mpeg', 'mp3'),
  opus: audio('audio/ogg', 'opus'),
  ogg,
  oga: ogg,
  spx: ogg,
  wav: audio('audio/wav', 'wav'),
  aac: audio('audio/aac', 'aac'),
  flac: audio('audio/flac', 'flac'),
};

/** What a container holding audio only is recorded as (what MediaRecorder's `audio/webm` and Safari's `audio/mp4` make). */
export function audioOnly(container: Container): Sniffed {
  return container === 'webm'
    ? { kind: 'audio', mime: 'audio/webm', ext: 'webm', container }
    : { kind: 'audio', mime: 'audio/mp4', ext: 'm4a', container };
}

/** Types a browser could render as a document (scripts included): a file of such a type is recorded as bytes. */
const DOCUMENT_LIKE = /^text\/|xml|html|javascript|ecmascript/i;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The type file-type names, as the pipeline takes it. Bytes that start with PNG's signature but that
 * file-type does not take for a PNG (its chunks are damaged) are a PNG all the same — a damaged one, which
 * the image step refuses as `media_corrupt` — rather than a file that claims to be an image.
 */
export function fromFileType(found: { ext: string; mime: string } | undefined, head?: Uint8Array): Sniffed {
  if (!found && head && PNG_SIGNATURE.equals(head.subarray(0, PNG_SIGNATURE.length))) {
    found = { ext: 'png', mime: 'image/png' };
  }
  const accepted = found ? ACCEPTED[found.ext] : undefined;
  if (accepted) return { ...accepted, container: accepted.container ?? null };
  if (!found) return { kind: 'file', mime: 'application/octet-stream', ext: null, container: null };
  const mime = DOCUMENT_LIKE.test(found.mime) ? 'application/octet-stream' : found.mime;
  return { kind: 'file', mime, ext: found.ext, container: null };
}

/**
 * A parser giving up on malformed bytes (file-type throws for some) means "no known type"; a system error
 * (reading the file) is not about the bytes and is thrown.
 */
function unknownUnlessSystem(e: unknown): undefined {
  if (typeof (e as { code?: unknown }).code === 'string' && (e as { syscall?: unknown }).syscall) throw e;
  return undefined;
}

/** The kind the first bytes tell (for the size limit while the upload streams). */
export async function sniffHead(head: Uint8Array): Promise<Sniffed> {
  return fromFileType(await fileTypeFromBuffer(head).catch(unknownUnlessSystem), head);
}

/** What the whole file is (file-type may read past the first bytes, e.g. after a long ID3 tag). */
export async function sniffFile(path: string): Promise<Sniffed> {
  const found = await fileTypeFromFile(path).catch(unknownUnlessSystem);
  if (found) return fromFileType(found);
  const file = await fs.promises.open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(PNG_SIGNATURE.length), 0, PNG_SIGNATURE.length, 0);
    return fromFileType(undefined, buffer.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
