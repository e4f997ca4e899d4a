import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { IconPause, IconPlay } from './Icons.tsx';

/** The one clip playing in this tab: starting another pauses it. */
let current: HTMLAudioElement | null = null;

/**
 * An audio file or a voice clip: play/pause, a seek bar (a slider: ←/→ by a step, Home/End, or a click or
 * drag) drawn as the clip's waveform for a voice clip, and the elapsed and total time. The total comes
 * from the attachment (always known for a voice clip), else from the file's metadata once read. `src`
 * null: not playable yet (a voice clip still uploading) — its waveform and length are shown.
 */
export function AudioPlayer({
  src,
  name,
  durationMs,
  waveform,
  voice,
  tabbable,
}: {
  src: string | null;
  name: string;
  durationMs: number | null;
  waveform: readonly number[] | null;
  voice: boolean;
  tabbable: boolean;
}) {
  const { t } = useI18n();
  const audioRef = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [metaMs, setMetaMs] = useState<number | null>(null);
  const total = durationMs ?? metaMs ?? 0;
  const fraction = total > 0 ? Math.min(1, position / total) : 0;
  const tabIndex = tabbable ? 0 : -1;

  // Follow the playhead smoothly while playing (timeupdate fires only a few times a second).
  useEffect(() => {
    const audio = audioRef.current;
    if (!playing || !audio) return;
    let frame = requestAnimationFrame(function tick() {
      setPosition(audio.currentTime * 1000);
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  useEffect(
    () => () => {
      if (current === audioRef.current) current = null;
    },
    [],
  );

  const toggle = () => {
    const audio = audioRef.current;
    if (!audio || !src) return;
    if (audio.paused) {
      if (current && current !== audio) current.pause();
      current = audio;
      audio.play().catch(() => setPlaying(false));
    } else {
      audio.pause();
    }
  };

  const seek = (ms: number) => {
    const audio = audioRef.current;
    if (!audio || !src || total <= 0) return;
    const to = Math.max(0, Math.min(total, ms));
    audio.currentTime = to / 1000;
    setPosition(to);
  };

  const step = Math.max(1000, Math.min(5000, total / 10));
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const to =
      e.key === 'ArrowRight' || e.key === 'ArrowUp'
        ? position + step
        : e.key === 'ArrowLeft' || e.key === 'ArrowDown'
          ? position - step
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? total
              : null;
    if (to === null) return;
    e.preventDefault();
    e.stopPropagation();
    seek(to);
  };

  const seekAt = (e: React.PointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    if (box.width > 0) seek(((e.clientX - box.left) / box.width) * total);
  };

  const elapsed = formatDuration(position);
  const length = formatDuration(total, true);
  return (
    <div className={`audio-player${voice ? ' audio-player-voice' : ''}`} data-testid="audio-player">
      {src && (
        // biome-ignore lint/a11y/useMediaCaption: a person's recording or audio file: no captions exist for it
        <audio
          ref={audioRef}
          src={src}
          preload="metadata"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPosition(0);
          }}
          onLoadedMetadata={(e) => {
            const d = e.currentTarget.duration;
            if (Number.isFinite(d) && d > 0) setMetaMs(d * 1000);
          }}
        />
      )}
      <button
        type="button"
        className="audio-toggle"
        data-testid="audio-play"
        data-playing={playing}
        aria-label={playing ? t('media.pause') : t('media.play')}
        disabled={!src}
        tabIndex={tabIndex}
        onClick={toggle}
      >
        {playing ? <IconPause size={16} /> : <IconPlay size={16} />}
      </button>
      <div className="audio-body">
        {!voice && <span className="audio-name">{name}</span>}
        <div
          className="audio-seek"
          role="slider"
          data-testid="audio-seek"
          tabIndex={src ? tabIndex : -1}
          aria-label={voice ? t('media.voice') : t('media.seek', { name })}
          aria-valuemin={0}
          aria-valuemax={Math.round(total / 1000)}
          aria-valuenow={Math.round(position / 1000)}
          aria-valuetext={t('media.time', { elapsed, total: length })}
          aria-disabled={!src || undefined}
          onKeyDown={onKeyDown}
          onPointerDown={(e) => {
            if (!src) return;
            e.currentTarget.setPointerCapture(e.pointerId);
            seekAt(e);
          }}
          onPointerMove={(e) => {
            if (e.currentTarget.hasPointerCapture(e.pointerId)) seekAt(e);
          }}
        >
          {voice && waveform && waveform.length > 0 ? (
            <span className="audio-wave" aria-hidden="true">
              {waveform.map((h, i) => (
                <span
                  // biome-ignore lint/suspicious/noArrayIndexKey: a clip's bars never change
                  key={i}
                  className={(i + 0.5) / waveform.length <= fraction ? 'audio-bar audio-bar-played' : 'audio-bar'}
                  style={{ height: `${Math.max(10, Math.round((h / 255) * 100))}%` }}
                />
              ))}
            </span>
          ) : (
            <span className="audio-track" aria-hidden="true">
              <span className="audio-fill" style={{ width: `${fraction * 100}%` }} />
            </span>
          )}
        </div>
      </div>
      <span className="audio-time" data-testid="audio-time">
        {elapsed} / {length}
      </span>
    </div>
  );
}
