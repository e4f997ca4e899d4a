import { z } from 'zod';

/**
 * Media in conversations: what a person, a page or an app uploads (images, video, audio, voice clips, any
 * file), how it is presented, and its limits. The server decides the kind and type from the bytes, never
 * from the name or the declared type (docs/MEDIA.md). Shared by the server and the web app.
 */

export const mediaKinds = ['image', 'video', 'audio', 'file'] as const;
export type MediaKind = (typeof mediaKinds)[number];

const MB = 1024 * 1024;

export const mediaLimits = {
  /** Bytes of one upload, by kind (the kind is known from the first bytes; the largest cap applies until then). */
  bytes: { image: 25 * MB, video: 100 * MB, audio: 25 * MB, file: 100 * MB } satisfies Record<MediaKind, number>,
  /** Pixels of an image once decoded (width × height × frames): more is a decompression bomb. */
  imagePixels: 50_000_000,
  /** Largest width or height of an image. */
  imageSide: 16_384,
  /** Frames of an animated image (GIF, WebP). */
  imageFrames: 1000,
  /** The thumbnail's longest side (the thread shows it while the original loads). */
  thumbnailSide: 480,
  /** Attachments on one message. */
  perMessage: 10,
  /** Uploads one account may have in flight at once (a fifth is refused with rate_limited). */
  uploadsInFlight: 4,
  /** A file name as shown (characters). */
  name: 255,
  /** A voice clip: at most this long, and its waveform has at most this many bars, each 0–255. */
  voiceMs: 15 * 60 * 1000,
  waveformBars: 64,
  /** Uploads not sent in a message within this long are deleted. */
  unsentHours: 24,
} as const;

/** The query of `POST /api/media` (the body is the file's bytes, streamed; its Content-Type is only a hint). */
export const uploadMediaQuery = z.strictObject({
  /** The file's name as the sender's device knows it (shown on file cards; never used to decide the type). */
  name: z
    .string()
    .max(mediaLimits.name)
    .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters')
    .optional(),
  /** A voice clip recorded in the app: its duration and waveform, measured by the recording device. */
  voice: z.enum(['1']).optional(),
  durationMs: z.coerce.number().int().min(1).max(mediaLimits.voiceMs).optional(),
  /** Comma-separated bar heights 0–255. */
  waveform: z
    .string()
    .max(mediaLimits.waveformBars * 4)
    .regex(/^\d{1,3}(,\d{1,3})*$/, 'comma-separated numbers 0–255')
    .optional(),
});
export type UploadMediaQuery = z.infer<typeof uploadMediaQuery>;

/** An attachment as people see it (in MessageView.attachments, and as `POST /api/media` answers it). */
export interface AttachmentView {
  id: string;
  kind: MediaKind;
  /** The type sniffed from the bytes (an image's type after its re-encoding). */
  mime: string;
  /** The name it was uploaded with, cleaned; a generated one (`image.jpg`) when none was given. */
  name: string;
  /** Bytes of the stored file. */
  size: number;
  /** Images (and video when known): pixels, so the thread reserves the space before it loads. */
  width: number | null;
  height: number | null;
  /** Audio and video when known; always on a voice clip. */
  durationMs: number | null;
  /** A voice clip recorded in the app. */
  voice: boolean;
  /** Bar heights 0–255 of a voice clip. */
  waveform: number[] | null;
  /** Where the file is read (range requests supported). A same-origin path for people; signed and absolute for apps. */
  url: string;
  /** A smaller image (WebP) of an image, or null. */
  thumbnailUrl: string | null;
}

export interface UploadMediaResponse {
  attachment: AttachmentView;
}
