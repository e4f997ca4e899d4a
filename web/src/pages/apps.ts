/**
 * How long an app's webhook had been failing when the dispatcher disabled it (`failingSince` to
 * `disabledAt`): in whole hours from an hour on, in minutes from a minute on, else "moments"; null when
 * the times do not read as such, or the failure came after.
 */
export function failedFor(
  failingSince: string,
  disabledAt: string,
): { unit: 'hours' | 'minutes' | 'moments'; count: number } | null {
  const ms = Date.parse(disabledAt) - Date.parse(failingSince);
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms >= 3_600_000) return { unit: 'hours', count: Math.round(ms / 3_600_000) };
  if (ms >= 60_000) return { unit: 'minutes', count: Math.round(ms / 60_000) };
  return { unit: 'moments', count: 0 };
}
