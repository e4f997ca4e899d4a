import { useEffect, useState } from 'react';
import type { MessageView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStoreOf } from '../state/store.ts';
import { composeApps, ensureComposeApps, openComposeApp, setComposeAppEnabled } from './composeApps.ts';
import './appdrawer.css';

/**
 * Under media a content app put in the thread: "via GIF Box" (as the app was named then) and, for the
 * others in the conversation, "Reply with GIF Box" — opening the composer's drawer on it, answering this
 * message — when they enabled the app, else "Enable GIF Box". An app that is gone is only named.
 */
export function ViaLine({
  message,
  via,
  own,
  tabbable,
}: {
  message: MessageView;
  via: NonNullable<MessageView['via']>;
  own: boolean;
  tabbable: boolean;
}) {
  const { t, te } = useI18n();
  const app = useStoreOf(composeApps, (s) => s.apps?.find((a) => a.appId === via.appId));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => ensureComposeApps(), []);
  const tab = tabbable ? 0 : -1;

  return (
    <div className="msg-via" data-testid="message-via">
      <span className="msg-via-name">{t('compose.via', { name: via.name })}</span>
      {!own && app?.enabled && (
        <button
          type="button"
          className="link-button msg-via-action"
          data-testid="via-reply"
          tabIndex={tab}
          onClick={() => openComposeApp(message.conversationId, app.appId, message)}
        >
          {t('compose.replyWith', { name: app.name })}
        </button>
      )}
      {!own && app && !app.enabled && (
        <button
          type="button"
          className="link-button msg-via-action"
          data-testid="via-enable"
          tabIndex={tab}
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await setComposeAppEnabled(app.appId, true);
            } catch (e) {
              setError(te(errorIdOf(e)));
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('compose.enable', { name: app.name })}
        </button>
      )}
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
