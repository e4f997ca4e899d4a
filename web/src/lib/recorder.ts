import { mediaLimits } from '../../../protocol/media.ts';
import { downsampleWaveform, levelOfFrame, levelsOfSamples } from './waveform.ts';

/**
 * A voice clip recorded in the browser: the microphone (getUserMedia) into a MediaRecorder, Opus in WebM
 * where the browser can (else what it offers), with its loudness read from an AnalyserNode every
 * LEVEL_MS — live, for the recording bar, and kept for the clip's waveform. Its duration is measured
 * here, as the server cannot read it from a recorder's WebM.
 */

export interface VoiceClip {
  blob: Blob;
  /** The recorder's type (`audio/webm;codecs=opus`…), sent as the upload's Content-Type (a hint). */
  mime: string;
  durationMs: number;
  /** At most mediaLimits.waveformBars bars, 0–255. */
  waveform: number[];
}

/** Why recording could not start: permission refused, no microphone, anything else. */
export type RecordFailure = 'denied' | 'no_device' | 'failed';

export class RecordError extends Error {
  constructor(readonly reason: RecordFailure) {
    super(`recording failed: ${reason}`);
    this.name = 'RecordError';
  }
}

const LEVEL_MS = 50;
const PREFERRED = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];

/** Whether this browser can record (MediaRecorder and getUserMedia exist). */
export function canRecord(): boolean {
  return (
    typeof MediaRecorder !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function'
  );
}

/** The first of the preferred types the browser records, or undefined (its own default). */
export function recordingType(isSupported: (type: string) => boolean): string | undefined {
  return PREFERRED.find((type) => isSupported(type));
}

/** The reason a getUserMedia or MediaRecorder failure stands for. */
export function failureOf(e: unknown): RecordFailure {
  const name = e instanceof Error || (typeof e === 'object' && e !== null) ? (e as { name?: unknown }).name : null;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no_device';
  return 'failed';
}

/** A short file name for a clip of this type (the server shows it on nothing but keeps it). */
export function voiceFileName(mime: string): string {
  const base = mime.split(';')[0] ?? '';
  return base === 'audio/ogg' ? 'voice.ogg' : base === 'audio/mp4' ? 'voice.m4a' : 'voice.webm';
}

export class VoiceRecording {
  private readonly chunks: Blob[] = [];
  private readonly levels: number[] = [];
  private startedAt = performance.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  private constructor(
    private readonly stream: MediaStream,
    private readonly recorder: MediaRecorder,
    private readonly audio: AudioContext | null,
    private readonly analyser: AnalyserNode | null,
    private readonly onLevel: (level: number) => void,
  ) {}

  /** Asks for the microphone and starts recording; `onLevel` gets the loudness (0–1) every LEVEL_MS. */
  static async start(onLevel: (level: number) => void): Promise<VoiceRecording> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      throw new RecordError(failureOf(e));
    }
    let recorder: MediaRecorder;
    try {
      const mimeType = recordingType((t) => MediaRecorder.isTypeSupported(t));
      recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    } catch (e) {
      for (const track of stream.getTracks()) track.stop();
      throw new RecordError(failureOf(e));
    }
    // The live level and the waveform: without Web Audio the clip is decoded once stopped instead.
    let audio: AudioContext | null = null;
    let analyser: AnalyserNode | null = null;
    try {
      audio = new AudioContext();
      analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      audio.createMediaStreamSource(stream).connect(analyser);
    } catch {
      void audio?.close().catch(() => {});
      audio = null;
      analyser = null;
    }
    const recording = new VoiceRecording(stream, recorder, audio, analyser, onLevel);
    recording.begin();
    return recording;
  }

  private begin(): void {
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    };
    // One piece at the end, no timeslice: Chromium writes a sliced recording's clusters without their sizes,
    // which the server's container reader cannot measure (its tracks unknown, it would not pass as audio).
    this.recorder.start();
    this.startedAt = performance.now();
    const frame = this.analyser ? new Uint8Array(this.analyser.fftSize) : null;
    // Without an analyser the level is 0, still every LEVEL_MS (it also ticks the recording bar's timer).
    this.timer = setInterval(() => {
      if (!this.analyser || !frame) {
        this.onLevel(0);
        return;
      }
      this.analyser.getByteTimeDomainData(frame);
      const level = levelOfFrame(frame);
      this.levels.push(level);
      this.onLevel(level);
    }, LEVEL_MS);
  }

  /** Time recorded so far (ms). */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** Stops and gives the clip: its bytes, duration and waveform. */
  async stop(): Promise<VoiceClip> {
    const durationMs = Math.min(mediaLimits.voiceMs, Math.max(1, Math.round(this.elapsedMs())));
    const stopped = new Promise<void>((resolve) => {
      this.recorder.addEventListener('stop', () => resolve(), { once: true });
    });
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    await stopped;
    this.close();
    const mime = this.recorder.mimeType || this.chunks[0]?.type || 'audio/webm';
    const blob = new Blob(this.chunks, { type: mime });
    const waveform =
      this.levels.length > 0 ? downsampleWaveform(this.levels) : await decodedWaveform(blob).catch(() => []);
    return { blob, mime, durationMs, waveform };
  }

  /** Stops and throws the recording away. */
  cancel(): void {
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const track of this.stream.getTracks()) track.stop();
    void this.audio?.close().catch(() => {});
  }
}

/** The waveform of a recorded clip, by decoding it (when no AnalyserNode could listen while recording). */
async function decodedWaveform(blob: Blob): Promise<number[]> {
  const context = new AudioContext();
  try {
    const buffer = await context.decodeAudioData(await blob.arrayBuffer());
    return downsampleWaveform(levelsOfSamples(buffer.getChannelData(0), mediaLimits.waveformBars * 8));
  } finally {
    void context.close().catch(() => {});
  }
}
