import type { ErrorId } from '../../../protocol/errors.ts';
import { ApiError } from '../api/http.ts';

export type ErrorKey = ErrorId | 'network' | 'unknown';

/** The catalogue id of whatever a failed action threw. */
export function errorIdOf(e: unknown): ErrorKey {
  if (e instanceof ApiError) return e.id;
  if (e instanceof TypeError) return 'network';
  return 'unknown';
}

/** The fields a `bad_request` named (`details.fields` of the answer), in the order given; [] otherwise. */
export function badFields(e: unknown): string[] {
  if (!(e instanceof ApiError) || e.id !== 'bad_request') return [];
  const fields = e.details?.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return [];
  return Object.keys(fields);
}

/** Seconds to wait that a `rate_limited` answer gave (`details.retryAfter`), or null. */
export function retryAfterSeconds(e: unknown): number | null {
  if (!(e instanceof ApiError) || e.id !== 'rate_limited') return null;
  const s = e.details?.retryAfter;
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? Math.ceil(s) : null;
}
