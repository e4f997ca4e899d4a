import sharp from 'sharp';
import { composeLimits } from '../../protocol/compose.ts';
import { AppError } from '../errors.ts';
import { type AppCaller, failureDetails, OutboundError } from './caller.ts';

/**
 * A content app's icon, fetched once when its extension is set (AppCaller: no private address, a
 * deadline, at most 1 MiB), decoded as a still image (JPEG, PNG, WebP or GIF — an SVG, which may draw
 * from elsewhere, is refused), and re-encoded to a WebP of at most 128 px a side with no metadata. Comptoir
 * serves that: people's browsers never load the app's URL, and its owner cannot change the icon under
 * people's feet without setting the extension again.
 */

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif']);
/** A larger image, once decoded, is refused (a decompression bomb). */
const MAX_PIXELS = 25_000_000;

export async function fetchIcon(
  caller: AppCaller,
  url: URL,
  timeoutMs: number,
): Promise<{ bytes: Buffer; mime: 'image/webp' }> {
  const refuse = (why: string, details: Record<string, unknown>) =>
    new AppError('app_icon_failed', `iconUrl: the icon could not be fetched as an image: ${why}`, details);
  let answer: Awaited<ReturnType<AppCaller['call']>>;
  try {
    answer = await caller.call(url, { method: 'GET', timeoutMs, maxBytes: composeLimits.iconBytes });
  } catch (e) {
    if (!(e instanceof OutboundError)) throw e;
    const { words, ...details } = failureDetails(e.failure);
    throw refuse(words, details);
  }
  if (answer.status !== 200) throw refuse(`it answered ${answer.status}`, { reason: 'status', status: answer.status });
  if (answer.truncated)
    throw refuse(`it is larger than ${composeLimits.iconBytes / 1024} KiB`, {
      reason: 'too_large',
      maxBytes: composeLimits.iconBytes,
    });
  try {
    const image = sharp(answer.body, { limitInputPixels: MAX_PIXELS, animated: false, failOn: 'error' });
    const { format } = await image.metadata();
    if (!format || !ACCEPTED.has(format))
      throw new Error(`not a JPEG, PNG, WebP or GIF image (${format ?? 'unknown'})`);
    const bytes = await image
      .rotate()
      .resize(composeLimits.iconSide, composeLimits.iconSide, { fit: 'cover' })
      .webp({ quality: 90 })
      .toBuffer();
    return { bytes, mime: 'image/webp' };
  } catch (e) {
    throw refuse(`it is not an image this server reads (${(e as Error).message})`, { reason: 'not_image' });
  }
}
