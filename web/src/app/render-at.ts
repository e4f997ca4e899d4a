import { useEffect, useState } from 'react';

/** setTimeout's longest wait (about 24.8 days): a later time is waited for in several steps. */
const LONGEST_WAIT_MS = 2_147_483_647;

/**
 * Draws the component again when `at` (epoch ms) passes: what holds "until" a time (a mute) changes then,
 * without any event. Nothing when `at` is null or past.
 */
export function useRenderAt(at: number | null): void {
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each tick short of a far `at` sets the next step
  useEffect(() => {
    if (at === null) return;
    const wait = at - Date.now();
    if (wait < 0) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.min(wait + 1, LONGEST_WAIT_MS));
    return () => clearTimeout(timer);
  }, [at, tick]);
}
