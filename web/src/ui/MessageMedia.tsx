import { useState } from 'react';
import type { AttachmentView } from '../../../protocol/media.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { fitBox, mediaUrl } from '../lib/media.ts';
import { localPreview } from '../lib/previews.ts';
import type { VoiceUpload } from '../state/types.ts';
import { AudioPlayer } from './AudioPlayer.tsx';
import { IconDownload, IconFile } from './Icons.tsx';
import { MediaViewer } from './MediaViewer.tsx';
import './media.css';

/**
 * A message's uploaded files (protocol/media.ts), in the thread of the messenger and of the inbox: images
 * and GIFs (one at its shape, several in a grid; each box sized from its pixels before it loads, so the
 * thread never jumps), opened in a viewer; video with the browser's controls; audio and voice clips in a
 * player; any other file as a card with a download link. My own images, while their message is sending,
 * show the file from this device (lib/previews.ts).
 */
export function MessageMedia({
  attachments,
  tabbable,
}: {
  attachments: readonly AttachmentView[];
  /** In the tab order (the thread's focused message), or reached by arrow keys only. */
  tabbable: boolean;
}) {
  const [open, setOpen] = useState<number | null>(null);
  const images = attachments.filter((a) => a.kind === 'image');
  const others = attachments.filter((a) => a.kind !== 'image');
  return (
    <div className="media" data-testid="message-media">
      {images.length > 0 && (
        <div
          className={`media-images${images.length > 1 ? ` media-grid${images.length % 2 ? ' media-grid-odd' : ''}` : ''}`}
        >
          {images.map((a, i) => (
            <ImageTile
              key={a.id}
              image={a}
              single={images.length === 1}
              tabbable={tabbable}
              onOpen={() => setOpen(i)}
            />
          ))}
        </div>
      )}
      {others.map((a) =>
        a.kind === 'video' ? (
          <VideoBox key={a.id} video={a} tabbable={tabbable} />
        ) : a.kind === 'audio' ? (
          <AudioPlayer
            key={a.id}
            src={mediaUrl(a.url)}
            name={a.name}
            durationMs={a.durationMs}
            waveform={a.waveform}
            voice={a.voice}
            tabbable={tabbable}
          />
        ) : (
          <FileCard key={a.id} file={a} tabbable={tabbable} />
        ),
      )}
      {open !== null && <MediaViewer images={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />}
    </div>
  );
}

function ImageTile({
  image,
  single,
  tabbable,
  onOpen,
}: {
  image: AttachmentView;
  single: boolean;
  tabbable: boolean;
  onOpen: () => void;
}) {
  const { t } = useI18n();
  // A GIF plays in the thread (its thumbnail would be still); other images show their thumbnail first.
  const src =
    localPreview(image.id) ?? mediaUrl(image.mime === 'image/gif' ? image.url : (image.thumbnailUrl ?? image.url));
  const box = single ? fitBox(image.width, image.height) : null;
  return (
    <button
      type="button"
      className="media-tile"
      data-testid="media-image"
      data-width={image.width ?? ''}
      data-height={image.height ?? ''}
      aria-label={t('media.open', { name: image.name })}
      tabIndex={tabbable ? 0 : -1}
      onClick={onOpen}
      style={
        single
          ? box
            ? { width: `${box.width}px`, aspectRatio: `${box.width} / ${box.height}` }
            : { width: '240px', aspectRatio: '4 / 3' }
          : undefined
      }
    >
      {src && <img src={src} alt={image.name} loading="lazy" decoding="async" draggable={false} />}
    </button>
  );
}

function VideoBox({ video, tabbable }: { video: AttachmentView; tabbable: boolean }) {
  const box = fitBox(video.width, video.height);
  const src = mediaUrl(video.url);
  const poster = mediaUrl(video.thumbnailUrl);
  return src ? (
    // biome-ignore lint/a11y/useMediaCaption: a person's own video: no captions exist for it
    <video
      className="media-video"
      data-testid="media-video"
      controls
      preload="metadata"
      src={src}
      poster={poster ?? undefined}
      aria-label={video.name}
      tabIndex={tabbable ? 0 : -1}
      style={box ? { width: `${box.width}px`, aspectRatio: `${box.width} / ${box.height}` } : undefined}
    />
  ) : null;
}

function FileCard({ file, tabbable }: { file: AttachmentView; tabbable: boolean }) {
  const { t, size } = useI18n();
  const href = mediaUrl(file.url);
  const bytes = size(file.size);
  return (
    <div className="media-file" data-testid="media-file">
      <span className="media-file-icon" aria-hidden="true">
        <IconFile size={22} />
      </span>
      <span className="media-file-body">
        <span className="media-file-name" data-testid="media-file-name">
          {file.name}
        </span>
        <span className="media-file-size" data-testid="media-file-size">
          {bytes}
        </span>
      </span>
      {href && (
        <a
          className="icon-button media-file-download"
          data-testid="media-download"
          href={href}
          download={file.name}
          aria-label={t('media.downloadName', { name: file.name, size: bytes })}
          title={t('media.download')}
          tabIndex={tabbable ? 0 : -1}
        >
          <IconDownload size={18} />
        </a>
      )}
    </div>
  );
}

/** A voice clip of mine still uploading: its waveform and length, not playable yet, and the upload's progress. */
export function VoiceUploading({ upload }: { upload: VoiceUpload }) {
  const { t } = useI18n();
  const percent = upload.total > 0 ? Math.floor((upload.sent / upload.total) * 100) : 0;
  return (
    <div className="media" data-testid="voice-uploading">
      <AudioPlayer
        src={null}
        name=""
        durationMs={upload.durationMs}
        waveform={upload.waveform}
        voice
        tabbable={false}
      />
      <span className="media-uploading">{t('voice.uploading', { percent })}</span>
    </div>
  );
}
