import { useRef } from 'react';
import { removeUpload, retryUpload } from '../app/attachments.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { progressOf, type TrayEntry } from '../state/tray.ts';
import { IconAttach, IconAudio, IconClose, IconFile, IconVideo } from '../ui/Icons.tsx';
import { hideBroken } from '../ui/images.ts';

/**
 * The files waiting for the next message, above the composer's input: a thumbnail (images) or an icon,
 * name and size, the upload's progress, the error in words with Retry when it failed, and × to remove
 * one. Each entry has a fixed height, so the thread above moves once when the tray appears, not per file.
 */
export function AttachmentTray({
  conversationId,
  entries,
  onEmptied,
}: {
  conversationId: string;
  entries: readonly TrayEntry[];
  /** Focus goes back to the composer when the last file is removed. */
  onEmptied: () => void;
}) {
  const { t, te, size } = useI18n();
  const listRef = useRef<HTMLUListElement>(null);
  if (entries.length === 0) return null;
  // Removing a file hands focus to the next one's × (or the one before), so the keyboard keeps its place.
  const remove = (index: number, key: string) => {
    removeUpload(conversationId, key);
    requestAnimationFrame(() => {
      const buttons = listRef.current?.querySelectorAll<HTMLElement>('[data-testid="tray-remove"]') ?? [];
      const next = buttons[Math.min(index, buttons.length - 1)];
      if (next) next.focus();
      else onEmptied();
    });
  };
  return (
    <ul ref={listRef} className="tray" data-testid="attachment-tray" aria-label={t('tray.label')}>
      {entries.map((e, index) => (
        <li
          key={e.key}
          className={`tray-item tray-item-${e.status}`}
          data-testid="tray-item"
          data-status={e.status}
          data-name={e.name}
        >
          <span className="tray-preview" aria-hidden="true">
            {e.previewUrl ? (
              <img src={e.previewUrl} alt="" onError={hideBroken} />
            ) : e.kind === 'video' ? (
              <IconVideo size={22} />
            ) : e.kind === 'audio' ? (
              <IconAudio size={22} />
            ) : (
              <IconFile size={22} />
            )}
          </span>
          <span className="tray-body">
            <span className="tray-name">{e.name}</span>
            {e.status === 'failed' ? (
              <span className="tray-error" role="alert" title={te(e.error ?? 'unknown')}>
                <span data-testid="tray-error">{te(e.error ?? 'unknown')}</span>
                {e.retryable && (
                  <>
                    {' '}
                    <button
                      type="button"
                      className="link-button"
                      data-testid="tray-retry"
                      aria-label={t('tray.retry', { name: e.name })}
                      onClick={() => retryUpload(conversationId, e.key)}
                    >
                      {t('common.retry')}
                    </button>
                  </>
                )}
              </span>
            ) : (
              <span className="tray-size">
                {size(e.size)}
                {e.status === 'done' && <span className="sr-only"> · {t('tray.uploaded')}</span>}
              </span>
            )}
            {e.status !== 'failed' && (
              <progress
                className="tray-progress"
                data-testid="tray-progress"
                max={1}
                value={progressOf(e)}
                aria-label={t('tray.progress', { name: e.name })}
              />
            )}
          </span>
          <button
            type="button"
            className="icon-button tray-remove"
            data-testid="tray-remove"
            aria-label={t('tray.remove', { name: e.name })}
            onClick={() => remove(index, e.key)}
          >
            <IconClose size={16} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The composer's paper clip: the device's file picker (several files at once), into the tray. */
export function AttachButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const { t } = useI18n();
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="icon-button composer-tool"
        data-testid="attach-button"
        aria-label={t('composer.attach')}
        title={t('composer.attach')}
        onClick={() => fileRef.current?.click()}
      >
        <IconAttach size={20} />
      </button>
      <input
        ref={fileRef}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        tabIndex={-1}
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
    </>
  );
}
