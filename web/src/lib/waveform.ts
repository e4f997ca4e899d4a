import { mediaLimits } from '../../../protocol/media.ts';

/**
 * A voice clip's waveform: the loudness of the recording over time, as at most `mediaLimits.waveformBars`
 * bar heights 0–255 (what `POST /api/media?voice=1&waveform=…` takes and the player draws). Pure: the
 * recorder feeds it levels read from an AnalyserNode, or the samples of a decoded clip.
 */

/** The loudness (root mean square, 0–1) of one AnalyserNode time-domain frame (bytes centred on 128). */
export function levelOfFrame(frame: ArrayLike<number>): number {
  if (frame.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < frame.length; i++) {
    const v = ((frame[i] ?? 128) - 128) / 128;
    sum += v * v;
  }
  return Math.min(1, Math.sqrt(sum / frame.length));
}

/** The loudness (root mean square, 0–1) of each of `parts` equal runs of PCM samples (-1…1), e.g. a decoded clip. */
export function levelsOfSamples(samples: ArrayLike<number>, parts: number): number[] {
  const n = Math.max(0, Math.min(Math.floor(parts), samples.length));
  const levels: number[] = [];
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * samples.length) / n);
    const to = Math.floor(((b + 1) * samples.length) / n);
    let sum = 0;
    for (let i = from; i < to; i++) {
      const v = samples[i] ?? 0;
      sum += v * v;
    }
    levels.push(to > from ? Math.min(1, Math.sqrt(sum / (to - from))) : 0);
  }
  return levels;
}

/**
 * Levels (0–1, any number of them, in time order) → at most `bars` bar heights 0–255: each bar the loudest
 * level of its equal share of the clip, scaled so the loudest bar is 255 (a quiet clip still draws a
 * shape; silence stays flat at 0). Fewer levels than bars give one bar each. Non-finite levels count as 0.
 */
export function downsampleWaveform(levels: readonly number[], bars: number = mediaLimits.waveformBars): number[] {
  const count = Math.max(0, Math.min(Math.floor(bars), levels.length));
  const peaks: number[] = [];
  for (let b = 0; b < count; b++) {
    const from = Math.floor((b * levels.length) / count);
    const to = Math.floor(((b + 1) * levels.length) / count);
    let peak = 0;
    for (let i = from; i < to; i++) {
      const v = levels[i] ?? 0;
      if (Number.isFinite(v) && v > peak) peak = v;
    }
    peaks.push(Math.min(1, peak));
  }
  const loudest = Math.max(0, ...peaks);
  return peaks.map((p) => (loudest > 0 ? Math.round((p / loudest) * 255) : 0));
}

/** The `waveform` query parameter: comma-separated bar heights, each clamped to 0–255. */
export function waveformParam(bars: readonly number[]): string {
  return bars.map((b) => Math.max(0, Math.min(255, Math.round(Number.isFinite(b) ? b : 0)))).join(',');
}
