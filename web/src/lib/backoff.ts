/** Reconnection delays: exponential growth, capped, with "equal jitter" so that clients do not stampede. */
export interface BackoffOptions {
  /** Delay of the first retry before jitter, in ms. */
  baseMs?: number;
  /** Upper bound of any delay, in ms. */
  maxMs?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Delay before reconnection attempt number `attempt` (0 for the first retry).
 * The ceiling doubles with each attempt up to `maxMs`; the delay is drawn in [ceiling / 2, ceiling].
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const n = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(max, base * 2 ** Math.min(n, 30));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
