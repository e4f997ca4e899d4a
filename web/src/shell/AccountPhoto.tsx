import { useEffect, useId, useRef, useState } from 'react';
import { type Upload, UploadAborted, uploadMedia } from '../api/media.ts';
import { updateAvatar } from '../app/actions.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { FormMessage, type FormOutcome } from './AccountFields.tsx';

/** The profile photo: pick (through the media pipeline), preview, progress, remove. */
export function PhotoForm() {
  const me = useStore((s) => s.me);
  const { t, te } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<FormOutcome>(null);
  const upload = useRef<Upload | null>(null);
  const hintId = useId();

  // Closing the settings stops an upload under way; a preview's object URL is let go once replaced.
  useEffect(() => () => upload.current?.abort(), []);
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  const pick = async (file: File) => {
    setMsg(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    setBusy(true);
    setPercent(0);
    try {
      const up = uploadMedia(file, {
        name: file.name,
        onProgress: (sent) => setPercent(file.size > 0 ? Math.min(100, Math.round((sent / file.size) * 100)) : 100),
      });
      upload.current = up;
      const attachment = await up.done;
      await updateAvatar(attachment.id);
      setMsg({ ok: true, text: t('account.photo.saved') });
    } catch (e) {
      if (e instanceof UploadAborted) return;
      setMsg({ ok: false, text: te(errorIdOf(e)) });
    } finally {
      upload.current = null;
      setBusy(false);
      setPercent(null);
      setPreview(null);
      if (input.current) input.current.value = '';
    }
  };

  if (!me) return null;
  return (
    <div className="account-photo" data-testid="account-photo">
      <span className="field-label">{t('account.photo')}</span>
      <div className="account-photo-row">
        {preview ? (
          <img className="account-photo-preview" src={preview} alt="" data-testid="account-photo-preview" />
        ) : (
          <Avatar id={me.id} name={me.displayName} size={72} user={me} />
        )}
        <div className="account-photo-actions">
          <input
            ref={input}
            type="file"
            accept="image/*"
            className="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            data-testid="account-photo-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void pick(file);
            }}
          />
          <button
            type="button"
            className="button"
            data-testid="account-photo-choose"
            aria-describedby={hintId}
            disabled={busy}
            onClick={() => input.current?.click()}
          >
            {me.avatar ? t('account.photo.change') : t('account.photo.choose')}
          </button>
          {me.avatar && (
            <button
              type="button"
              className="button button-danger-outline"
              data-testid="account-photo-remove"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setMsg(null);
                try {
                  await updateAvatar(null);
                  setMsg({ ok: true, text: t('account.photo.removed') });
                } catch (e) {
                  setMsg({ ok: false, text: te(errorIdOf(e)) });
                } finally {
                  setBusy(false);
                }
              }}
            >
              {t('account.photo.remove')}
            </button>
          )}
        </div>
      </div>
      <p id={hintId} className="field-hint">
        {t('account.photo.hint')}
      </p>
      {percent !== null && (
        <div className="account-photo-progress">
          <progress
            max={100}
            value={percent}
            aria-label={t('account.photo.uploading', { percent })}
            data-testid="account-photo-progress"
          />
          <span className="field-hint">{t('account.photo.uploading', { percent })}</span>
        </div>
      )}
      <FormMessage message={msg} />
    </div>
  );
}
