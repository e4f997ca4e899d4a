import type { AttachmentView } from '../../../protocol/media.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { mediaUrl } from '../lib/media.ts';
import { Dialog } from './Dialog.tsx';
import { IconBack, IconNext } from './Icons.tsx';

/**
 * A message's images at full size, in a dialog: ← and → (or the buttons) go from one to the next, Escape
 * closes and gives focus back to the thumbnail that opened it. The alt text is the file's name.
 */
export function MediaViewer({
  images,
  index,
  onIndex,
  onClose,
}: {
  images: readonly AttachmentView[];
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const image = images[index];
  if (!image) return null;
  const count = images.length;
  const go = (to: number) => onIndex((to + count) % count);
  const src = mediaUrl(image.url);
  return (
    <Dialog
      title={image.name}
      onClose={onClose}
      size="large"
      testId="media-viewer"
      onKeyDown={(e) => {
        if (count < 2 || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
        e.preventDefault();
        go(index + (e.key === 'ArrowRight' ? 1 : -1));
      }}
    >
      <figure className="media-viewer" data-index={index}>
        {src && (
          <img
            key={image.id}
            className="media-viewer-image"
            data-testid="media-viewer-image"
            src={src}
            alt={image.name}
            width={image.width ?? undefined}
            height={image.height ?? undefined}
            style={image.width && image.height ? { aspectRatio: `${image.width} / ${image.height}` } : undefined}
          />
        )}
        <figcaption className="media-viewer-bar">
          {count > 1 && (
            <>
              <button
                type="button"
                className="icon-button"
                data-testid="media-viewer-previous"
                aria-label={t('media.viewer.previous')}
                onClick={() => go(index - 1)}
              >
                <IconBack />
              </button>
              <span className="media-viewer-position" data-testid="media-viewer-position" aria-live="polite">
                {t('media.viewer.position', { index: index + 1, count })}
              </span>
              <button
                type="button"
                className="icon-button"
                data-testid="media-viewer-next"
                aria-label={t('media.viewer.next')}
                onClick={() => go(index + 1)}
              >
                <IconNext />
              </button>
            </>
          )}
          {src && (
            <a className="media-viewer-original" href={src} target="_blank" rel="noopener noreferrer">
              {t('media.viewer.original')}
            </a>
          )}
        </figcaption>
      </figure>
    </Dialog>
  );
}
