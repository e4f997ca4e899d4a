import sharp, { type Sharp } from 'sharp';
import { mediaLimits } from '../../protocol/media.ts';
import { AppError } from '../errors.ts';

/**
 * Images through sharp (libvips): measured from their header before anything is decoded (a decompression
 * bomb is refused there), decoded with a pixel limit all the same, re-encoded in their own format without
 * their metadata (EXIF, location, XMP, comments: sharp writes none unless asked), turned upright by their
 * EXIF orientation first, and given a WebP thumbnail. sharp works on libuv's threads: the event loop is free
 * meanwhile. Nothing here sets sharp's global state (its concurrency is set once at start, in app wiring).
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export const imageFormats: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

export interface Measured {
  width: number;
  /** One frame's height. */
  height: number;
  frames: number;
}

export interface Reencoded {
  width: number;
  /** One frame's height (an animation's frames are stacked by libvips). */
  height: number;
  size: number;
}

export interface Thumbnail {
  mime: 'image/webp';
  width: number;
  height: number;
  size: number;
}

const corrupt = (cause: unknown) =>
  new AppError('media_corrupt', 'The image is damaged or truncated and cannot be read', undefined, { cause });

const tooManyPixels = (detail: string) => new AppError('media_too_many_pixels', `The image is too large: ${detail}`);

/** libvips' refusal of an input over `limitInputPixels`. */
const PIXEL_LIMIT = /exceeds pixel limit/i;

/** sharp's failure as the pipeline's error: over the pixel limit, or unreadable. */
function asImageError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return PIXEL_LIMIT.test(message) ? tooManyPixels('too many pixels once decoded') : corrupt(e);
}

/**
 * The image's size from its header alone, checked against the limits: each side at most
 * `mediaLimits.imageSide`, at most `imageFrames` frames, at most `imagePixels` pixels in all frames.
 * Throws `media_too_many_pixels`, or `media_corrupt` when the header cannot be read.
 */
export async function measure(file: string): Promise<Measured> {
  const meta = await sharp(file, { limitInputPixels: false })
    .metadata()
    .catch((e: unknown) => {
      throw corrupt(e);
    });
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  const frames = meta.pages ?? 1;
  if (!width || !height) throw corrupt(new Error('no dimensions in the header'));
  const side = mediaLimits.imageSide;
  if (width > side || height > side) throw tooManyPixels(`${width}×${height}, more than ${side} pixels on a side`);
  if (frames > mediaLimits.imageFrames) throw tooManyPixels(`${frames} frames, more than ${mediaLimits.imageFrames}`);
  if (width * height * frames > mediaLimits.imagePixels) {
    throw tooManyPixels(`${width}×${height}×${frames} pixels, more than ${mediaLimits.imagePixels}`);
  }
  return { width, height, frames };
}

/** What sharp reads an upload with: every frame of an animation, the pixel limit, truncation an error. */
function input(file: string, animated: boolean): Sharp {
  return sharp(file, { animated, limitInputPixels: mediaLimits.imagePixels, failOn: 'truncated' });
}

/**
 * Decodes `src` and writes it to `dest` in `format`, upright, without metadata; an animation stays animated
 * (its frame delays and loop count kept). Throws `media_corrupt` or `media_too_many_pixels`.
 */
export async function reencode(src: string, dest: string, format: ImageFormat, measured: Measured): Promise<Reencoded> {
  const animated = measured.frames > 1;
  // EXIF orientation is a still image's (libvips does not rotate a stack of frames).
  let image = animated ? input(src, true) : input(src, false).autoOrient();
  switch (format) {
    case 'jpeg':
      image = image.jpeg({ quality: 85, mozjpeg: false });
      break;
    case 'png':
      image = image.png();
      break;
    case 'webp':
      image = image.webp({ quality: 85 });
      break;
    case 'gif':
      image = image.gif();
      break;
  }
  try {
    const info = await image.toFile(dest);
    return { width: info.width, height: info.pageHeight ?? info.height, size: info.size };
  } catch (e) {
    throw asImageError(e);
  }
}

/** A WebP of the first frame of `src`, its longest side at most `mediaLimits.thumbnailSide` (never enlarged). */
export async function thumbnail(src: string, dest: string): Promise<Thumbnail> {
  const side = mediaLimits.thumbnailSide;
  try {
    const info = await input(src, false)
      .resize(side, side, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(dest);
    return { mime: 'image/webp', width: info.width, height: info.height, size: info.size };
  } catch (e) {
    throw asImageError(e);
  }
}
