import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mediaLimits, uploadMediaQuery } from '../../../protocol/media.ts';
import { downsampleWaveform, levelOfFrame, levelsOfSamples, waveformParam } from './waveform.ts';

test('a long recording is downsampled to at most 64 bars, each the loudest of its share, the loudest at 255', () => {
  // 3 s of levels every 50 ms: a quiet start, a loud middle, silence at the end.
  const levels = Array.from({ length: 600 }, (_, i) => (i < 200 ? 0.05 : i < 400 ? 0.4 : 0));
  const bars = downsampleWaveform(levels);
  assert.equal(bars.length, mediaLimits.waveformBars);
  assert.equal(Math.max(...bars), 255);
  assert.ok(bars.every((b) => Number.isInteger(b) && b >= 0 && b <= 255));
  assert.equal(bars[0], Math.round((0.05 / 0.4) * 255), 'quiet part scaled with the loudest');
  assert.equal(bars[30], 255);
  assert.equal(bars[63], 0, 'silence stays flat');
});

test('a peak in a bucket is kept, not averaged away', () => {
  const levels = new Array(640).fill(0.01);
  levels[321] = 0.9;
  const bars = downsampleWaveform(levels);
  assert.equal(bars.indexOf(255), 32);
  assert.equal(bars.filter((b) => b === 255).length, 1);
});

test('fewer levels than bars give one bar each; none give none; silence gives zeros', () => {
  assert.deepEqual(downsampleWaveform([0.1, 0.2, 0.4]), [64, 128, 255]);
  assert.deepEqual(downsampleWaveform([]), []);
  assert.deepEqual(downsampleWaveform([0, 0, 0]), [0, 0, 0]);
  assert.deepEqual(downsampleWaveform([0.5, Number.NaN, Number.POSITIVE_INFINITY, -1]), [255, 0, 0, 0]);
  assert.equal(downsampleWaveform(new Array(100).fill(0.3), 10).length, 10);
});

test('the level of an analyser frame is its RMS around 128; of PCM samples, per equal run', () => {
  assert.equal(levelOfFrame(new Uint8Array(256).fill(128)), 0);
  assert.equal(levelOfFrame([]), 0);
  // A full-scale square wave: RMS 1 (clamped).
  const square = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 0 : 255));
  assert.ok(levelOfFrame(square) > 0.99);
  const half = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 64 : 192));
  assert.equal(levelOfFrame(half), 0.5);

  const samples = Float32Array.from({ length: 1000 }, (_, i) => (i < 500 ? 0 : i % 2 ? 0.5 : -0.5));
  assert.deepEqual(levelsOfSamples(samples, 4), [0, 0, 0.5, 0.5]);
  assert.deepEqual(levelsOfSamples(new Float32Array(3), 10), [0, 0, 0], 'no more parts than samples');
});

test('the waveform parameter passes the protocol’s upload query', () => {
  const bars = downsampleWaveform(Array.from({ length: 500 }, (_, i) => Math.abs(Math.sin(i / 20))));
  const param = waveformParam(bars);
  assert.match(param, /^\d{1,3}(,\d{1,3})*$/);
  assert.ok(uploadMediaQuery.safeParse({ voice: '1', durationMs: '3000', waveform: param }).success);
  assert.equal(waveformParam([-3, 300, 12.6, Number.NaN]), '0,255,13,0');
});
