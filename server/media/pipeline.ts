import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { mediaLimits } from '../../protocol/media.ts';
import { type Probed, probe } from './av.ts';
import { imageFormats, measure, reencode, thumbnail } from './images.ts';
import { nameFor } from './names.ts';
import { LARGEST, type Received, receive, removeAll, tempPath, tooLarge } from './receive.ts';
import { audioOnly, type Sniffed, sniffFile } from './sniff.ts';
import type { Ingest, Ingested } from './types.ts';

/**
 * The media pipeline (docs/MEDIA.md, "Pipeline"): an upload streamed to a temporary file within the size
 * limits (receive.ts), its type sniffed from the whole file (sniff.ts), a container's tracks read to tell
 * video from audio only (av.ts), its name checked against its bytes (names.ts), an image re-encoded and
 * thumbnailed (images.ts). What it returns waits in temporary files for the blob store; on any failure the
 * files written so far are removed before the error is thrown.
 */
export const ingest: Ingest = async (body, options) => {
  const { tmpDir, signal } = options;
  // Refused before a byte is read; the body is left to the caller, who answers the request.
  if (options.declaredLength != null && options.declaredLength > LARGEST) throw tooLarge();
  signal?.throwIfAborted();
  const received = await receive(body, { tmpDir, signal });
  const written = [received.path];
  try {
    let sniffed = await sniffFile(received.path);
    let probed: Probed | null = null;
    if (sniffed.kind === 'video' || sniffed.kind === 'audio') {
      signal?.throwIfAborted();
      probed = await probe(received.path);
      if (sniffed.container && probed.hasVideo === false) sniffed = audioOnly(sniffed.container);
    }
    if (received.size > mediaLimits.bytes[sniffed.kind]) throw tooLarge(sniffed.kind);
    const name = nameFor(options.name, sniffed);
    if (sniffed.kind === 'image') return await image(received, sniffed, name, tmpDir, written, signal);
    const video = sniffed.kind === 'video';
    return {
      kind: sniffed.kind,
      mime: sniffed.mime,
      name,
      size: received.size,
      sha256: received.sha256,
      width: video ? (probed?.width ?? null) : null,
      height: video ? (probed?.height ?? null) : null,
      durationMs: probed?.durationMs ?? null,
      path: received.path,
      thumbnail: null,
      dispose: () => removeAll(written),
    };
  } catch (e) {
    await removeAll(written);
    throw e;
  }
};

/** An image re-encoded (the original removed at once) and thumbnailed; `written` lists the files made. */
async function image(
  received: Received,
  sniffed: Sniffed,
  name: string,
  tmpDir: string,
  written: string[],
  signal: AbortSignal | undefined,
): Promise<Ingested> {
  const format = imageFormats[sniffed.mime];
  if (!format) throw new Error(`no image format for ${sniffed.mime}`);
  const measured = await measure(received.path);
  signal?.throwIfAborted();
  const file = await tempPath(tmpDir, `.${sniffed.ext}`);
  written.push(file);
  const encoded = await reencode(received.path, file, format, measured);
  await removeAll([received.path]);
  signal?.throwIfAborted();
  const thumbFile = await tempPath(tmpDir, '.webp');
  written.push(thumbFile);
  const thumb = await thumbnail(file, thumbFile);
  const sha256 = await hashFile(file, signal);
  const files = [file, thumbFile];
  return {
    kind: 'image',
    mime: sniffed.mime,
    name,
    size: encoded.size,
    sha256,
    width: encoded.width,
    height: encoded.height,
    durationMs: null,
    path: file,
    thumbnail: { path: thumbFile, ...thumb },
    dispose: () => removeAll(files),
  };
}

async function hashFile(file: string, signal: AbortSignal | undefined): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash, { signal });
  return hash.digest('hex');
}
