import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { ComposeAppView } from '../../../protocol/compose.ts';
import type { MessageView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStoreOf } from '../state/store.ts';
import { IconBack, IconClose } from '../ui/Icons.tsx';
import { AppSearch } from './AppSearch.tsx';
import { composeApps, ensureComposeApps, loadComposeApps, openTaken, setComposeAppEnabled } from './composeApps.ts';
import { handleOf, mentionOf } from './mention.ts';
import './appdrawer.css';

export interface AppDrawerHandle {
  /** A key pressed in the composer: true when the inline search took it (the composer does nothing more). */
  composerKey(e: React.KeyboardEvent<HTMLTextAreaElement>): boolean;
}

type View =
  | { kind: 'list' }
  | { kind: 'manage' }
  | { kind: 'search'; appId: string; replyTo: MessageView | null }
  | null;

/**
 * The composer's content apps (docs/PLATFORM.md, "Content apps"): a button opening the drawer — the apps I
 * enabled, each opening its search; "Manage apps" to turn the server's content apps on or off — and the
 * same search inline while the composer's text is `@app query`. A message's "Reply with …" opens the drawer
 * on its app, answering that message (composeApps.ts carries the request).
 */
export const AppDrawer = forwardRef<
  AppDrawerHandle,
  {
    conversationId: string;
    text: string;
    nameOf: (userId: string) => string;
    /** The inline search sent a result: the composer's `@app query` goes. */
    onInlineSent: () => void;
    focusComposer: () => void;
  }
>(function AppDrawer({ conversationId, text, nameOf, onInlineSent, focusComposer }, ref) {
  const { t } = useI18n();
  const apps = useStoreOf(composeApps, (s) => s.apps);
  const open = useStoreOf(composeApps, (s) => s.open);
  const [view, setView] = useState<View>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const inlineGrid = useRef<HTMLDivElement>(null);

  useEffect(() => ensureComposeApps(), []);

  // "Reply with …" on a message of this conversation.
  useEffect(() => {
    if (!open || open.conversationId !== conversationId) return;
    setView({ kind: 'search', appId: open.appId, replyTo: open.replyTo });
    openTaken();
  }, [open, conversationId]);

  // A conversation of its own: the drawer closes when another one opens.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the conversation changes
  useEffect(() => setView(null), [conversationId]);

  const mention = view === null ? mentionOf(text, apps) : null;
  const inline = mention && dismissed !== text.slice(0, text.indexOf(' ')) ? mention : null;
  // A new handle typed after Escape: the inline search may open again.
  useEffect(() => {
    if (!mention) setDismissed(null);
  }, [mention]);

  useImperativeHandle(
    ref,
    () => ({
      composerKey: (e) => {
        if (!inline || e.nativeEvent.isComposing) return false;
        if (e.key === 'Escape') {
          e.preventDefault();
          setDismissed(text.slice(0, text.indexOf(' ')));
          return true;
        }
        if (e.key === 'ArrowUp' || (e.key === 'Enter' && !e.shiftKey)) {
          // The text is a search, not a message: Enter (or ↑) goes to the results.
          e.preventDefault();
          inlineGrid.current?.querySelector<HTMLButtonElement>('[data-result]')?.focus();
          return true;
        }
        return false;
      },
    }),
    [inline, text],
  );

  const close = () => {
    setView(null);
    requestAnimationFrame(() => buttonRef.current?.focus());
  };
  const app = view?.kind === 'search' ? apps?.find((a) => a.appId === view.appId) : undefined;

  return (
    <div className="app-drawer-anchor">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button app-drawer-button"
        data-testid="app-drawer-button"
        aria-label={t('compose.apps')}
        aria-expanded={view !== null}
        aria-haspopup="dialog"
        onClick={() => {
          if (view) return close();
          setView({ kind: 'list' });
          void loadComposeApps();
        }}
      >
        <IconApps />
      </button>
      {view && (
        <div
          className="app-drawer"
          role="dialog"
          aria-label={t('compose.apps')}
          data-testid="app-drawer"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        >
          {view.kind === 'list' && (
            <AppList
              apps={apps}
              onOpen={(a) => setView({ kind: 'search', appId: a.appId, replyTo: null })}
              onManage={() => setView({ kind: 'manage' })}
              onClose={close}
            />
          )}
          {view.kind === 'manage' && (
            <ManageApps apps={apps} onBack={() => setView({ kind: 'list' })} onClose={close} />
          )}
          {view.kind === 'search' && app && (
            <AppSearch
              key={`${app.appId}:${view.replyTo?.id ?? ''}`}
              app={app}
              conversationId={conversationId}
              replyTo={view.replyTo ? { message: view.replyTo, name: nameOf(view.replyTo.senderId) } : null}
              inlineQuery={null}
              onBack={() => setView({ kind: 'list' })}
              onClose={close}
              onSent={() => {
                setView(null);
                focusComposer();
              }}
            />
          )}
          {view.kind === 'search' && !app && <p className="field-hint">{t('common.loading')}</p>}
        </div>
      )}
      {inline && (
        <div className="app-drawer app-drawer-inline" data-testid="app-drawer-inline">
          <AppSearch
            key={inline.app.appId}
            app={inline.app}
            conversationId={conversationId}
            replyTo={null}
            inlineQuery={inline.query}
            onBack={null}
            onClose={() => {
              setDismissed(text.slice(0, text.indexOf(' ')));
              focusComposer();
            }}
            onSent={() => {
              onInlineSent();
              focusComposer();
            }}
            onLeaveTop={focusComposer}
            gridRef={inlineGrid}
          />
        </div>
      )}
    </div>
  );
});

/** The apps I enabled, each opening its search; the way to the others. */
function AppList(p: {
  apps: ComposeAppView[] | null;
  onOpen: (a: ComposeAppView) => void;
  onManage: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const error = useStoreOf(composeApps, (s) => s.error);
  const first = useRef<HTMLButtonElement>(null);
  const enabled = p.apps?.filter((a) => a.enabled) ?? [];
  useEffect(() => first.current?.focus(), []);
  return (
    <section className="app-list" aria-labelledby="app-list-title">
      <header className="app-drawer-header">
        <h2 id="app-list-title" className="app-drawer-title">
          {t('compose.apps')}
        </h2>
        <button type="button" className="icon-button" onClick={p.onClose} aria-label={t('compose.close')}>
          <IconClose size={18} />
        </button>
      </header>
      {p.apps === null && !error && <p className="field-hint">{t('common.loading')}</p>}
      {error && p.apps === null && <p className="form-error">{t('compose.apps.failed')}</p>}
      {p.apps !== null && enabled.length === 0 && (
        <p className="field-hint" data-testid="app-list-empty">
          {t('compose.apps.none')}
        </p>
      )}
      <ul className="app-list-items">
        {enabled.map((a, i) => (
          <li key={a.appId}>
            <button
              ref={i === 0 ? first : undefined}
              type="button"
              className="app-list-item"
              data-testid="app-list-item"
              data-app-id={a.appId}
              onClick={() => p.onOpen(a)}
            >
              <img className="app-icon" src={a.icon} alt="" width={28} height={28} />
              <span className="app-list-name">{a.name}</span>
              <span className="app-list-handle">@{handleOf(a.name)}</span>
            </button>
          </li>
        ))}
      </ul>
      <button
        ref={enabled.length === 0 ? first : undefined}
        type="button"
        className="link-button"
        data-testid="app-manage"
        onClick={p.onManage}
      >
        {t('compose.apps.manage')}
      </button>
    </section>
  );
}

/** Every content app of the server, each turned on or off for me. */
function ManageApps(p: { apps: ComposeAppView[] | null; onBack: () => void; onClose: () => void }) {
  const { t, te } = useI18n();
  /** The switches being saved, shown in their new position meanwhile (back if the server refuses). */
  const [saving, setSaving] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => back.current?.focus(), []);
  const toggle = async (a: ComposeAppView, on: boolean) => {
    setSaving((s) => ({ ...s, [a.appId]: on }));
    setError(null);
    try {
      await setComposeAppEnabled(a.appId, on);
    } catch (e) {
      setError(te(errorIdOf(e)));
    } finally {
      setSaving(({ [a.appId]: _, ...rest }) => rest);
    }
  };
  return (
    <section className="app-manage" aria-labelledby="app-manage-title" data-testid="app-manage-list">
      <header className="app-drawer-header">
        <button ref={back} type="button" className="icon-button" onClick={p.onBack} aria-label={t('compose.back')}>
          <IconBack size={18} />
        </button>
        <h2 id="app-manage-title" className="app-drawer-title">
          {t('compose.apps.manage')}
        </h2>
        <button type="button" className="icon-button" onClick={p.onClose} aria-label={t('compose.close')}>
          <IconClose size={18} />
        </button>
      </header>
      <p className="field-hint">{t('compose.apps.manageHint')}</p>
      {p.apps?.length === 0 && <p className="field-hint">{t('compose.apps.noneOnServer')}</p>}
      <ul className="app-list-items">
        {(p.apps ?? []).map((a) => (
          <li key={a.appId}>
            <label className="app-manage-item checkbox-row">
              <input
                type="checkbox"
                data-testid="app-manage-toggle"
                data-app-id={a.appId}
                checked={saving[a.appId] ?? a.enabled}
                disabled={a.appId in saving}
                onChange={(e) => void toggle(a, e.target.checked)}
              />
              <img className="app-icon" src={a.icon} alt="" width={28} height={28} />
              <span className="app-list-name">{a.name}</span>
              <span className="app-list-kinds">{a.kinds.map((k) => t(`compose.kind.${k}`)).join(', ')}</span>
            </label>
          </li>
        ))}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Four tiles: the apps. */
function IconApps() {
  return (
    <svg
      width={20}
      height={20}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <rect x="3" y="3" width="7" height="7" rx="1.5" />
      <rect x="14" y="3" width="7" height="7" rx="1.5" />
      <rect x="3" y="14" width="7" height="7" rx="1.5" />
      <rect x="14" y="14" width="7" height="7" rx="1.5" />
    </svg>
  );
}
