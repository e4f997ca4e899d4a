import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { PersistentMenu } from '../../../protocol/profile.ts';
import type { MessageView } from '../../../protocol/views.ts';
import { editMessage } from '../app/actions.ts';
import { addFiles, takeAttachments, trays } from '../app/attachments.ts';
import { sendMessage, sendVoice } from '../app/outbox.ts';
import { composerChanged, stopTyping } from '../app/typing.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { previewText } from '../lib/media.ts';
import { canRecord, type RecordFailure } from '../lib/recorder.ts';
import { useStoreOf } from '../state/store.ts';
import { canSend, type TrayEntry } from '../state/tray.ts';
import { IconClose, IconEdit, IconMenu, IconMic, IconReply, IconSend } from '../ui/Icons.tsx';
import { Menu, type MenuItem } from '../ui/Menu.tsx';
import type { OnTap } from '../ui/MessageAttachment.tsx';
import { AppDrawer, type AppDrawerHandle } from './AppDrawer.tsx';
import { AttachButton, AttachmentTray } from './AttachmentTray.tsx';
import { VoiceRecorder } from './VoiceRecorder.tsx';
import './composer.css';

export type ComposerMode = { kind: 'reply'; message: MessageView } | { kind: 'edit'; message: MessageView } | null;

export interface ComposerHandle {
  focus(): void;
  /** Files dropped on the thread: into the tray, uploading at once. */
  addFiles(files: readonly File[]): void;
}

/** Drafts survive switching conversations (not reloads); so do trays (app/attachments.ts). */
const drafts = new Map<string, string>();
const COUNTER_FROM = limits.messageText.max - 500;
const noEntries: readonly TrayEntry[] = [];
const recordFailures: Record<RecordFailure, 'voice.denied' | 'voice.noDevice' | 'voice.failed'> = {
  denied: 'voice.denied',
  no_device: 'voice.noDevice',
  failed: 'voice.failed',
};

export const Composer = forwardRef<
  ComposerHandle,
  {
    conversationId: string;
    mode: ComposerMode;
    setMode: (mode: ComposerMode) => void;
    lastOwnMessage: MessageView | undefined;
    nameOf: (userId: string) => string;
    /** A page's persistent menu (in the app's language), opened from a button beside the input. */
    menu?: PersistentMenu | null;
    onTap?: OnTap | undefined;
  }
>(function Composer({ conversationId, mode, setMode, lastOwnMessage, nameOf, menu, onTap }, ref) {
  const { t, te } = useI18n();
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const draftBeforeEdit = useRef('');
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const [recording, setRecording] = useState(false);
  const tray = useStoreOf(trays, (all) => all[conversationId] ?? noEntries);
  // The page may take its answers from its menu only (composer_input_disabled): no text input then.
  const inputDisabled = menu?.composerInputDisabled === true && mode?.kind !== 'edit';
  const editing = mode?.kind === 'edit';

  const attach = (files: readonly File[]) => {
    if (files.length === 0 || inputDisabled || editing) return;
    setError(addFiles(conversationId, files) ? null : te('too_many_attachments'));
  };

  const attachRef = useRef(attach);
  attachRef.current = attach;
  useImperativeHandle(ref, () => ({
    focus: () => (areaRef.current ?? menuButtonRef.current)?.focus(),
    addFiles: (files) => attachRef.current(files),
  }));

  const menuItems: MenuItem[] = (menu?.callToActions ?? []).flatMap((item, i): MenuItem[] => {
    if (item.type === 'postback') {
      return [
        {
          key: `m${i}`,
          label: item.title,
          testId: 'persistent-menu-item',
          onSelect: () => onTap?.(item.title, { kind: 'postback', payload: item.payload }),
        },
      ];
    }
    const safe = /^https?:\/\//i.test(item.url);
    return safe
      ? [{ key: `m${i}`, label: item.title, testId: 'persistent-menu-link', href: item.url, onSelect: () => {} }]
      : [];
  });

  // Entering edit mode puts the message's text in the composer; leaving it restores the draft.
  const editingId = mode?.kind === 'edit' ? mode.message.id : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs only when the edited message changes
  useEffect(() => {
    if (mode?.kind !== 'edit') return;
    draftBeforeEdit.current = text;
    setText(mode.message.text ?? '');
    setError(null);
    requestAnimationFrame(() => {
      const el = areaRef.current;
      if (el) {
        el.focus();
        el.setSelectionRange(el.value.length, el.value.length);
      }
    });
  }, [editingId]);

  useEffect(() => () => stopTyping(), []);

  // Grow with the text, up to a limit (CSS max-height). While measuring, the box around the field keeps its
  // height: collapsing it for a moment would let the thread above grow and clamp its scroll position, and
  // the latest messages would slip under the grown composer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
  useLayoutEffect(() => {
    const el = areaRef.current;
    const box = el?.parentElement;
    if (!el || !box) return;
    box.style.minHeight = `${box.offsetHeight}px`;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
    box.style.minHeight = '';
  }, [text]);

  const change = (value: string) => {
    setText(value);
    setError(null);
    if (mode?.kind !== 'edit') {
      drafts.set(conversationId, value);
      composerChanged(conversationId, value);
    }
  };

  const cancelMode = () => {
    if (mode?.kind === 'edit') {
      setText(draftBeforeEdit.current);
    }
    setMode(null);
    setError(null);
    areaRef.current?.focus();
  };

  const tooLong = text.length > limits.messageText.max;
  const empty = text.trim() === '';
  const sendable = editing ? !empty : canSend(tray, text);

  const submit = async () => {
    if (busy) return;
    if (!editing && tray.some((e) => e.status === 'uploading')) {
      setError(t('composer.waitUploads'));
      return;
    }
    if (!editing && tray.some((e) => e.status === 'failed')) {
      setError(t('composer.fixUploads'));
      return;
    }
    if (empty && (editing || tray.length === 0)) {
      setError(te('message_empty'));
      return;
    }
    if (tooLong) return;
    if (mode?.kind === 'edit') {
      const original = mode.message;
      if (text === original.text) {
        cancelMode();
        return;
      }
      setBusy(true);
      try {
        await editMessage(original.id, text);
        setText(draftBeforeEdit.current);
        setMode(null);
      } catch (e) {
        setError(te(errorIdOf(e)));
      } finally {
        setBusy(false);
        areaRef.current?.focus();
      }
      return;
    }
    sendMessage(conversationId, text, mode?.kind === 'reply' ? mode.message : null, takeAttachments(conversationId));
    stopTyping();
    drafts.delete(conversationId);
    setText('');
    setMode(null);
    areaRef.current?.focus();
  };

  // Pasted files (a screenshot, files copied in a file manager) go to the tray; pasted text stays text.
  const onPaste = (e: React.ClipboardEvent<HTMLTextAreaElement>) => {
    if (editing) return;
    const files = [...e.clipboardData.files];
    if (files.length === 0) return;
    e.preventDefault();
    attach(files);
  };

  const sendClip = (clip: Parameters<typeof sendVoice>[1]) => {
    setRecording(false);
    sendVoice(conversationId, clip, mode?.kind === 'reply' ? mode.message : null);
    if (mode?.kind === 'reply') setMode(null);
    requestAnimationFrame(() => areaRef.current?.focus());
  };

  const drawerRef = useRef<AppDrawerHandle>(null);
  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    // `@app query`: the content app's inline search takes Enter, ↑ and Escape.
    if (drawerRef.current?.composerKey(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && mode) {
      e.preventDefault();
      cancelMode();
    } else if (e.key === 'ArrowUp' && text === '' && !mode && lastOwnMessage) {
      e.preventDefault();
      setMode({ kind: 'edit', message: lastOwnMessage });
    }
  };

  const counterVisible = text.length >= COUNTER_FROM;
  const bannerName = mode ? (mode.message.senderId ? nameOf(mode.message.senderId) : '') : '';

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {mode?.kind === 'reply' && (
        <div className="composer-banner" data-testid="reply-banner">
          <IconReply size={16} />
          <div className="composer-banner-body">
            <strong>{t('composer.replyingTo', { name: bannerName })}</strong>
            <span className="composer-banner-text">
              {previewText(mode.message, t) ?? t('sidebar.preview.attachment')}
            </span>
          </div>
          <button type="button" className="icon-button" onClick={cancelMode} aria-label={t('composer.cancelReply')}>
            <IconClose size={16} />
          </button>
        </div>
      )}
      {mode?.kind === 'edit' && (
        <div className="composer-banner composer-banner-edit" data-testid="edit-banner">
          <IconEdit size={16} />
          <div className="composer-banner-body">
            <strong>{t('composer.editing')}</strong>
            <span className="composer-banner-text">{mode.message.text}</span>
          </div>
          <button type="button" className="icon-button" onClick={cancelMode} aria-label={t('composer.cancelEdit')}>
            <IconClose size={16} />
          </button>
        </div>
      )}
      {!editing && !inputDisabled && (
        <AttachmentTray conversationId={conversationId} entries={tray} onEmptied={() => areaRef.current?.focus()} />
      )}
      {recording ? (
        <VoiceRecorder
          onSend={sendClip}
          onCancel={() => {
            setRecording(false);
            requestAnimationFrame(() => areaRef.current?.focus());
          }}
          onFailure={(reason) => {
            setRecording(false);
            setError(t(recordFailures[reason]));
            requestAnimationFrame(() => areaRef.current?.focus());
          }}
        />
      ) : (
        <div className={`composer-row${inputDisabled ? ' composer-row-menu-only' : ''}`}>
          {menuItems.length > 0 && (
            <div className="composer-menu">
              <button
                ref={menuButtonRef}
                type="button"
                className="icon-button composer-menu-button"
                data-testid="persistent-menu-button"
                aria-label={t('composer.menu')}
                aria-haspopup="menu"
                aria-expanded={menuOpen}
                onClick={() => setMenuOpen((o) => !o)}
              >
                <IconMenu size={20} />
                {inputDisabled && <span className="composer-menu-label">{t('composer.menu')}</span>}
              </button>
              {menuOpen && (
                <Menu
                  items={menuItems}
                  label={t('composer.menu')}
                  onClose={() => setMenuOpen(false)}
                  anchorRef={menuButtonRef}
                  align="start"
                  above
                  testId="persistent-menu"
                />
              )}
            </div>
          )}
          {inputDisabled ? (
            <p className="composer-menu-only" data-testid="composer-input-disabled">
              {t('composer.inputDisabled')}
            </p>
          ) : (
            <>
              {!editing && <AttachButton onFiles={attach} />}
              {!editing && (
                <AppDrawer
                  ref={drawerRef}
                  conversationId={conversationId}
                  text={text}
                  nameOf={nameOf}
                  onInlineSent={() => change('')}
                  focusComposer={() => areaRef.current?.focus()}
                />
              )}
              <label htmlFor={`composer-${conversationId}`} className="sr-only">
                {t('composer.label')}
              </label>
              <textarea
                id={`composer-${conversationId}`}
                ref={areaRef}
                data-testid="composer"
                className="composer-input"
                rows={1}
                value={text}
                placeholder={!editing && tray.length > 0 ? t('composer.placeholderCaption') : t('composer.placeholder')}
                onChange={(e) => change(e.target.value)}
                onKeyDown={onKeyDown}
                onPaste={onPaste}
                aria-describedby={`composer-hint-${conversationId}`}
                aria-invalid={tooLong || undefined}
              />
              {!editing && canRecord() && (
                <button
                  type="button"
                  className="icon-button composer-tool"
                  data-testid="record-button"
                  aria-label={t('composer.record')}
                  title={t('composer.record')}
                  onClick={() => {
                    setError(null);
                    setRecording(true);
                  }}
                >
                  <IconMic size={20} />
                </button>
              )}
              <button
                type="submit"
                className="send-button"
                data-testid="send-button"
                disabled={!sendable || tooLong || busy}
                aria-label={mode?.kind === 'edit' ? t('composer.save') : t('composer.send')}
              >
                <IconSend size={20} />
              </button>
            </>
          )}
        </div>
      )}
      <div className="composer-footer">
        <span id={`composer-hint-${conversationId}`} className="composer-hint">
          {error ? (
            <span className="form-error" role="alert">
              {error}
            </span>
          ) : (
            t('composer.hint')
          )}
        </span>
        {counterVisible && (
          <span className={`composer-counter${tooLong ? ' composer-counter-over' : ''}`} aria-live="polite">
            {tooLong
              ? t('composer.tooLong', { count: text.length - limits.messageText.max })
              : t('composer.counter', { count: text.length, max: limits.messageText.max })}
          </span>
        )}
      </div>
    </form>
  );
});
