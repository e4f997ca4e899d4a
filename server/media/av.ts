import { parseFile, TrackType } from 'music-metadata';

/**
 * Audio and video, measured from their container with music-metadata (which reads headers and tags, and
 * decodes nothing): duration, a video's width and height, whether it has a video track. Best effort — a
 * container it cannot read, or one that does not say, gives nulls, never an error: the bytes were already
 * judged to be that type.
 */

export interface Probed {
  durationMs: number | null;
  width: number | null;
  height: number | null;
  /** Whether the container has a video track: true, false (audio tracks only), or null (no track found). */
  hasVideo: boolean | null;
}

const UNKNOWN: Probed = { durationMs: null, width: null, height: null, hasVideo: null };

const positive = (n: number | undefined): number | null =>
  n !== undefined && Number.isFinite(n) && n > 0 ? Math.round(n) : null;

export async function probe(file: string): Promise<Probed> {
  let meta: Awaited<ReturnType<typeof parseFile>>;
  try {
    // `duration: true` reads on when the header does not say (an MP3 without a Xing header, a recorded WebM).
    meta = await parseFile(file, { duration: true, skipCovers: true });
  } catch (e) {
    if (typeof (e as { code?: unknown }).code === 'string' && (e as { syscall?: unknown }).syscall) throw e;
    return UNKNOWN;
  }
  const { format } = meta;
  const video = format.trackInfo.find((t) => t.video?.pixelWidth && t.video.pixelHeight)?.video;
  // From the tracks found, not format.hasVideo (false by default even when the tracks could not be read).
  const tracks = format.trackInfo;
  const hasVideo = tracks.some((t) => t.type === TrackType.video || t.video !== undefined)
    ? true
    : tracks.some((t) => t.type === TrackType.audio || t.audio !== undefined)
      ? false
      : null;
  return {
    durationMs: positive(format.duration === undefined ? undefined : format.duration * 1000),
    // Pixels (a Matroska display size may be in other units, an aspect ratio).
    width: positive(video?.pixelWidth),
    height: positive(video?.pixelHeight),
    hasVideo,
  };
}
