import { useCallback } from 'react';
import type { ConversationView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { conversationTitle } from '../state/selectors.ts';
import { useStore } from '../state/store.ts';
import { shownName } from '../ui/names.ts';

/** The title to show for a conversation, with the catalogue's fallbacks. */
export function useConversationTitle(): (conv: ConversationView) => string {
  const { t } = useI18n();
  const meId = useStore((s) => s.me?.id);
  return useCallback(
    (conv: ConversationView) =>
      conv.kind === 'group'
        ? (conversationTitle(conv, meId) ?? t('conversation.untitled'))
        : shownName(conversationTitle(conv, meId), t),
    [meId, t],
  );
}
