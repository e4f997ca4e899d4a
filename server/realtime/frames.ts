import { z } from 'zod';
import { type ClientFrame, clientFrame, clientFrameTypes } from '../../protocol/frames.ts';
import { limits } from '../../protocol/limits.ts';
import { AppError } from '../errors.ts';

/** Parses one incoming frame, or throws the AppError that tells the client what was wrong. */
export function parseFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ClientFrame {
  const buf = toBuffer(data);
  if (buf.length > limits.frameBytes) {
    throw new AppError('frame_too_large', undefined, { max: limits.frameBytes });
  }
  if (isBinary) throw new AppError('invalid_frame', 'Frames are JSON text');
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8'));
  } catch {
    throw new AppError('invalid_frame', 'The frame is not JSON');
  }
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? (raw as { type: unknown }).type : undefined;
  if (typeof type !== 'string' || !(clientFrameTypes as readonly string[]).includes(type)) {
    throw new AppError('unknown_frame', undefined, { type: typeof type === 'string' ? type.slice(0, 64) : null });
  }
  const parsed = clientFrame.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('invalid_frame', z.prettifyError(parsed.error), {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** The `ref` of a frame that failed to parse, when it had a usable one, to echo in the error. */
export function refOf(data: Buffer | ArrayBuffer | Buffer[]): string | null {
  try {
    const buf = toBuffer(data);
    if (buf.length > limits.frameBytes) return null;
    const raw: unknown = JSON.parse(buf.toString('utf8'));
    const ref = typeof raw === 'object' && raw !== null && 'ref' in raw ? (raw as { ref: unknown }).ref : null;
    // Counted in code points, as the frame schema (zod) counts it: the same ref is echoed, or not, either way.
    return typeof ref === 'string' && [...ref].length <= 64 ? ref : null;
  } catch {
    return null;
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
