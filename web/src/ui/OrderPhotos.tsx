import { type Dispatch, useEffect, useId, useRef } from 'react';
import type { AttachmentView } from '../../../protocol/media.ts';
import { requestLimits } from '../../../protocol/order-requests.ts';
import { type Upload, UploadAborted, uploadMedia } from '../api/media.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { IconClose, IconPlus } from './Icons.tsx';
import { type Photo, type PhotoAction, roomFor } from './order-photos.ts';
import './order.css';

/**
 * "Add photos" on a return (the customer's form): a file input for images, each uploaded at once
 * (`POST /api/media`) with its progress, shown as a thumbnail, removable (a button, keyboard reachable);
 * one the server refused says why in the person's language. At most `requestLimits.photos`.
 */
export function PhotoField({ photos, dispatch }: { photos: readonly Photo[]; dispatch: Dispatch<PhotoAction> }) {
  const { t, te } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  // Uploads under way, to stop with their photo (removed, or the form closed); the previews to let go of.
  const uploads = useRef(new Map<string, Upload>());
  const previews = useRef(new Map<string, string>());
  useEffect(() => {
    const running = uploads.current;
    const shown = previews.current;
    return () => {
      for (const c of running.values()) c.abort();
      for (const url of shown.values()) URL.revokeObjectURL(url);
    };
  }, []);

  const add = (files: FileList | null) => {
    for (const file of Array.from(files ?? []).slice(0, roomFor(photos))) {
      const key = crypto.randomUUID();
      const preview = URL.createObjectURL(file);
      previews.current.set(key, preview);
      dispatch({ type: 'add', key, name: file.name, preview });
      const upload = uploadMedia(file, {
        name: file.name,
        onProgress: (sent) => dispatch({ type: 'progress', key, progress: file.size > 0 ? sent / file.size : 1 }),
      });
      uploads.current.set(key, upload);
      upload.done.then(
        (attachment) => dispatch({ type: 'done', key, attachment }),
        (e: unknown) => {
          if (!(e instanceof UploadAborted)) dispatch({ type: 'failed', key, error: errorIdOf(e) });
        },
      );
    }
    if (input.current) input.current.value = '';
  };

  const remove = (key: string) => {
    uploads.current.get(key)?.abort();
    uploads.current.delete(key);
    const preview = previews.current.get(key);
    if (preview) URL.revokeObjectURL(preview);
    previews.current.delete(key);
    dispatch({ type: 'remove', key });
  };

  const full = roomFor(photos) === 0;
  return (
    <fieldset className="order-form-group" data-testid="order-form-photos">
      <legend className="field-label">{t('orderRequest.form.photos')}</legend>
      {photos.length > 0 && (
        <ul className="order-photos">
          {photos.map((p) => (
            <li key={p.key} className="order-photo" data-testid="order-form-photo" data-status={p.state.status}>
              <PhotoThumb src={thumbOf(p)} name={p.name} />
              {p.state.status === 'uploading' && (
                <progress
                  className="order-photo-progress"
                  max={100}
                  value={Math.round(p.state.progress * 100)}
                  aria-label={t('orderRequest.form.photoUploading', { name: p.name })}
                />
              )}
              {p.state.status === 'failed' && (
                <span className="order-photo-error" role="alert">
                  {te(p.state.error)}
                </span>
              )}
              <button
                type="button"
                className="order-photo-remove"
                aria-label={t('orderRequest.form.removePhoto', { name: p.name })}
                onClick={() => remove(p.key)}
                data-testid="order-form-photo-remove"
              >
                <IconClose size={14} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button button-small order-photo-add"
        disabled={full}
        aria-describedby={`${id}-hint`}
        onClick={() => input.current?.click()}
        data-testid="order-form-photo-add"
      >
        <IconPlus size={16} />
        {t('orderRequest.form.addPhotos')}
      </button>
      {/* The picker the button opens: out of the tab order, the button stands for it. */}
      <input
        ref={input}
        type="file"
        accept="image/jpeg,image/png,image/webp,image/gif"
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => add(e.target.files)}
        data-testid="order-form-photo-input"
      />
      <p id={`${id}-hint`} className="field-hint">
        {t('orderRequest.form.photosHint', { max: String(requestLimits.photos) })}
      </p>
    </fieldset>
  );
}

/** The server's thumbnail once uploaded, the local preview until then. */
function thumbOf(p: Photo): string | null {
  if (p.state.status === 'done') return p.state.attachment.thumbnailUrl ?? p.state.attachment.url;
  return p.preview;
}

function PhotoThumb({ src, name }: { src: string | null; name: string }) {
  return src ? <img className="order-photo-img" src={src} alt={name} /> : <span className="order-photo-img" />;
}

/**
 * A request's photos as the customer's card and the page's order panel show them: thumbnails, each a link
 * opening the photo full size in a new tab.
 */
export function RequestPhotos({
  photos,
  testId,
  tabbable = true,
}: {
  photos: readonly AttachmentView[];
  testId: string;
  /** false: out of the tab order (a card in a thread, which its own keys move through). */
  tabbable?: boolean;
}) {
  const { t } = useI18n();
  if (photos.length === 0) return null;
  return (
    <ul className="order-photos" aria-label={t('orderRequest.photos')} data-testid={testId}>
      {photos.map((p) => (
        <li key={p.id} className="order-photo">
          <a
            href={p.url}
            target="_blank"
            rel="noopener noreferrer"
            tabIndex={tabbable ? 0 : -1}
            aria-label={t('orderRequest.openPhoto', { name: p.name })}
            data-testid={`${testId}-link`}
          >
            <img
              className="order-photo-img"
              src={p.thumbnailUrl ?? p.url}
              alt={p.name}
              width={p.width ?? undefined}
              height={p.height ?? undefined}
            />
          </a>
        </li>
      ))}
    </ul>
  );
}
