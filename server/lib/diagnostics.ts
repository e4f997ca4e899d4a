import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { StatementTimes } from '../storage/statement-times.ts';
import type { Logger } from './logger.ts';

/** How many statements a diagnostics line names (the ones that took the most time). */
const STATEMENTS_NAMED = 8;

/**
 * `COMPTOIR_DIAGNOSTICS=<seconds>`: every interval, logs the event loop's delay (p50, p99, max), the
 * garbage collections and the committer's batches — and with `statements` (COMPTOIR_DIAGNOSTICS_STATEMENTS)
 * the database's statements: all of them counted, and the ones that took the most time, each with its
 * calls and time per call. For operators chasing latency, and for the benchmarks.
 */
export function startDiagnostics(
  log: Logger,
  everyS: number,
  committer: { stats: { batches: number; jobs: number; retries: number } },
  statements: StatementTimes | null = null,
) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gcs: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  let last = { ...committer.stats };
  const timer = setInterval(() => {
    const g = gcs.splice(0);
    const s = committer.stats;
    log.info(
      {
        loopMs: {
          p50: +(delay.percentile(50) / 1e6).toFixed(1),
          p99: +(delay.percentile(99) / 1e6).toFixed(1),
          max: +(delay.max / 1e6).toFixed(1),
        },
        gc: {
          count: g.length,
          maxMs: +Math.max(0, ...g).toFixed(1),
          totalMs: +g.reduce((a, b) => a + b, 0).toFixed(1),
        },
        batches: s.batches - last.batches,
        jobs: s.jobs - last.jobs,
        retries: s.retries - last.retries,
        ...(statements ? { statements: statements.take(STATEMENTS_NAMED) } : {}),
      },
      'diagnostics',
    );
    last = { ...s };
    delay.reset();
  }, everyS * 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    observer.disconnect();
    delay.disable();
  };
}
