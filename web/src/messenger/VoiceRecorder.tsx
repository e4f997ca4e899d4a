import { useEffect, useRef, useState } from 'react';
import { mediaLimits } from '../../../protocol/media.ts';
import { formatDuration } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { RecordError, type RecordFailure, type VoiceClip, VoiceRecording } from '../lib/recorder.ts';
import { IconClose, IconSend } from '../ui/Icons.tsx';

/** Bars of the live level shown while recording (the newest on the right). */
const LIVE_BARS = 40;
/** Fixed slots, the newest level on the right. */
const slots = Array.from({ length: LIVE_BARS }, (_, i) => i);

/**
 * The composer while a voice clip records: Cancel (or Escape), a live timer and level, Send. It asks for
 * the microphone when it opens; a refusal closes it with the reason. At the longest a clip may be, it
 * sends by itself.
 */
export function VoiceRecorder({
  onSend,
  onCancel,
  onFailure,
}: {
  onSend: (clip: VoiceClip) => void;
  onCancel: () => void;
  onFailure: (reason: RecordFailure) => void;
}) {
  const { t } = useI18n();
  const recording = useRef<VoiceRecording | null>(null);
  const finished = useRef(false);
  const sendRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [levels, setLevels] = useState<number[]>([]);
  const [elapsed, setElapsed] = useState(0);
  const [started, setStarted] = useState(false);
  const [stopping, setStopping] = useState(false);
  const handlers = useRef({ onSend, onCancel, onFailure });
  handlers.current = { onSend, onCancel, onFailure };

  const send = async () => {
    const r = recording.current;
    if (!r || finished.current) return;
    finished.current = true;
    setStopping(true);
    try {
      handlers.current.onSend(await r.stop());
    } catch {
      handlers.current.onFailure('failed');
    }
  };
  const sendLater = useRef(send);
  sendLater.current = send;

  useEffect(() => {
    // The microphone button that opened it is gone: focus stays in the bar (Escape cancels from here).
    cancelRef.current?.focus();
    let live = true;
    VoiceRecording.start((level) => {
      const r = recording.current;
      if (!live || !r) return;
      setLevels((l) => [...l.slice(-(LIVE_BARS - 1)), level]);
      const ms = r.elapsedMs();
      setElapsed(ms);
      if (ms >= mediaLimits.voiceMs) void sendLater.current();
    }).then(
      (r) => {
        if (!live) {
          r.cancel();
          return;
        }
        recording.current = r;
        setStarted(true);
      },
      (e: unknown) => {
        if (live) handlers.current.onFailure(e instanceof RecordError ? e.reason : 'failed');
      },
    );
    return () => {
      live = false;
      // Closed without Send (Cancel, Escape, another conversation): the clip is thrown away.
      if (!finished.current) recording.current?.cancel();
    };
  }, []);

  // Focus on Send once it can be pressed: Enter sends, Escape cancels.
  useEffect(() => {
    if (started) sendRef.current?.focus();
  }, [started]);

  const cancel = () => {
    finished.current = true;
    recording.current?.cancel();
    handlers.current.onCancel();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the bar cancels, as in the composer
    <div
      className="composer-row voice-recorder"
      data-testid="voice-recorder"
      data-state={stopping ? 'stopping' : started ? 'recording' : 'starting'}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          cancel();
        }
      }}
    >
      <button
        ref={cancelRef}
        type="button"
        className="icon-button"
        data-testid="voice-cancel"
        aria-label={t('voice.cancel')}
        onClick={cancel}
      >
        <IconClose size={18} />
      </button>
      <span className="voice-dot" aria-hidden="true" />
      <span className="voice-time" data-testid="voice-time" role="timer" aria-label={t('voice.recording')}>
        {formatDuration(elapsed)}
      </span>
      <span className="voice-live" aria-hidden="true">
        {slots.map((slot) => {
          const level = levels[levels.length - LIVE_BARS + slot] ?? 0;
          return (
            <span key={slot} className="voice-bar" style={{ height: `${Math.max(8, Math.min(100, level * 250))}%` }} />
          );
        })}
      </span>
      <button
        ref={sendRef}
        type="button"
        className="send-button"
        data-testid="voice-send"
        aria-label={t('voice.send')}
        disabled={!started || stopping}
        onClick={() => void send()}
      >
        <IconSend size={20} />
      </button>
    </div>
  );
}
