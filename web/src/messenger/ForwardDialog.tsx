import { useMemo, useState } from 'react';
import { limits } from '../../../protocol/limits.ts';
import type { MessageView } from '../../../protocol/views.ts';
import { forwardMessage } from '../app/chat.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { avatarIdOf, conversationList } from '../state/selectors.ts';
import { store, useStore } from '../state/store.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { showToast } from '../ui/toasts.ts';
import { useConversationTitle } from './useConversationTitle.ts';
import './chat.css';

/**
 * Forward: pick up to `limits.forwardTargets` of my conversations (a search filters them by title), then
 * send. Checkboxes in a list: Tab reaches each, Space picks it; Enter in the search picks the only match,
 * else forwards to those picked.
 */
export function ForwardDialog({ message, onClose }: { message: MessageView; onClose: () => void }) {
  const { t, te } = useI18n();
  const titleOf = useConversationTitle();
  const meId = useStore((s) => s.me?.id);
  // The list as it was when the dialog opened (it does not reorder under the cursor).
  const conversations = useMemo(() => conversationList(store.getSnapshot()), []);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const max = limits.forwardTargets.max;
  const q = query.trim().toLocaleLowerCase();
  const shown = conversations.filter((c) => !q || titleOf(c).toLocaleLowerCase().includes(q));
  const toggle = (id: string) => {
    setError(null);
    setPicked((list) => (list.includes(id) ? list.filter((x) => x !== id) : list.length < max ? [...list, id] : list));
  };

  const submit = async () => {
    if (picked.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const n = await forwardMessage(message.id, picked);
      showToast(t('forward.done', { count: n }));
      onClose();
    } catch (e) {
      setError(te(errorIdOf(e)));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('forward.title')}
      onClose={onClose}
      testId="forward-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            form="forward-form"
            className="button button-primary"
            data-testid="forward-submit"
            disabled={picked.length === 0 || busy}
          >
            {t('forward.send')}
          </button>
        </>
      }
    >
      <form
        id="forward-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="forward-search" className="sr-only">
          {t('forward.search')}
        </label>
        <input
          id="forward-search"
          className="input"
          type="search"
          data-testid="forward-search"
          placeholder={t('forward.search')}
          value={query}
          maxLength={100}
          autoComplete="off"
          data-autofocus
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            const only = shown.length === 1 ? shown[0] : undefined;
            if (only && !picked.includes(only.id)) toggle(only.id);
            else if (!only) void submit();
          }}
        />
        <p className="field-hint" aria-live="polite" data-testid="forward-count">
          {picked.length >= max ? t('forward.limit') : t('forward.selected', { count: picked.length })}
        </p>
        {shown.length === 0 ? (
          <p className="field-hint">{t('forward.none')}</p>
        ) : (
          <ul className="forward-list">
            {shown.map((c) => {
              const title = titleOf(c);
              const checked = picked.includes(c.id);
              return (
                <li key={c.id}>
                  <label className="forward-option" data-testid="forward-option" data-conversation-id={c.id}>
                    <input
                      type="checkbox"
                      checked={checked}
                      disabled={!checked && picked.length >= max}
                      onChange={() => toggle(c.id)}
                    />
                    <Avatar id={avatarIdOf(c, meId)} name={title} size={32} group={c.kind === 'group'} />
                    <span className="forward-title">{title}</span>
                  </label>
                </li>
              );
            })}
          </ul>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
