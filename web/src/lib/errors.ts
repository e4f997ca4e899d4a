import type { ErrorId } from '../../../protocol/errors.ts';
import { ApiError } from '../api/http.ts';

export type ErrorKey = ErrorId | 'network' | 'unknown';

/** The catalogue id of whatever a failed action threw. */
export function errorIdOf(e: unknown): ErrorKey {
  if (e instanceof ApiError) return e.id;
  if (e instanceof TypeError) return 'network';
  return 'unknown';
}
