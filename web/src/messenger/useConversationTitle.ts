import { useCallback } from 'react';
import type { ConversationView } from '../../../protocol/views.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { conversationTitle } from '../state/selectors.ts';
import { useStore } from '../state/store.ts';

/** The title to show for a conversation, with the catalogue's fallbacks. */
export function useConversationTitle(): (conv: ConversationView) => string {
  const { t } = useI18n();
  const meId = useStore((s) => s.me?.id);
  return useCallback(
    (conv: ConversationView) =>
      conversationTitle(conv, meId) ??
      (conv.kind === 'group' ? t('conversation.untitled') : t('conversation.unknownUser')),
    [meId, t],
  );
}
