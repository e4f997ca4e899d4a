import type { RefObject } from 'react';
import { MUTED_FOREVER } from '../../../protocol/limits.ts';
import type { ConversationView } from '../../../protocol/views.ts';
import { changeSettings } from '../app/chat.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { IconArchive, IconMuted, IconPin } from '../ui/Icons.tsx';
import { Menu, type MenuItem } from '../ui/Menu.tsx';
import { showToast } from '../ui/toasts.ts';
import './chat.css';

const HOUR = 3_600_000;

/** A conversation's own menu (right-click, Shift+F10, or its "…" button): mute, pin, archive — mine only. */
export function ConversationMenu({
  conv,
  muted,
  anchorRef,
  onClose,
}: {
  conv: ConversationView;
  muted: boolean;
  anchorRef: RefObject<HTMLElement | null>;
  onClose: () => void;
}) {
  const { t, te } = useI18n();
  const change = (c: Parameters<typeof changeSettings>[1]) => {
    changeSettings(conv.id, c).catch((e: unknown) => showToast(te(errorIdOf(e))));
  };
  const muteFor = (ms: number) => () => change({ mutedUntil: new Date(Date.now() + ms).toISOString() });
  const items: MenuItem[] = muted
    ? [
        {
          key: 'unmute',
          label: t('chat.unmute'),
          icon: <IconMuted size={16} />,
          testId: 'chat-unmute',
          onSelect: () => change({ mutedUntil: null }),
        },
      ]
    : [
        {
          key: 'mute-8h',
          label: t('chat.mute8h'),
          icon: <IconMuted size={16} />,
          testId: 'chat-mute-8h',
          onSelect: muteFor(8 * HOUR),
        },
        {
          key: 'mute-1w',
          label: t('chat.mute1w'),
          icon: <IconMuted size={16} />,
          testId: 'chat-mute-1w',
          onSelect: muteFor(7 * 24 * HOUR),
        },
        {
          key: 'mute-always',
          label: t('chat.muteAlways'),
          icon: <IconMuted size={16} />,
          testId: 'chat-mute-always',
          onSelect: () => change({ mutedUntil: MUTED_FOREVER }),
        },
      ];
  items.push(
    conv.pinnedAt
      ? {
          key: 'unpin',
          label: t('chat.unpin'),
          icon: <IconPin size={16} />,
          testId: 'chat-unpin',
          onSelect: () => change({ pinned: false }),
        }
      : {
          key: 'pin',
          label: t('chat.pin'),
          icon: <IconPin size={16} />,
          testId: 'chat-pin',
          onSelect: () => change({ pinned: true }),
        },
    conv.archived
      ? {
          key: 'unarchive',
          label: t('chat.unarchive'),
          icon: <IconArchive size={16} />,
          testId: 'chat-unarchive',
          onSelect: () => change({ archived: false }),
        }
      : {
          key: 'archive',
          label: t('chat.archive'),
          icon: <IconArchive size={16} />,
          testId: 'chat-archive',
          onSelect: () => change({ archived: true }),
        },
  );
  return (
    <Menu items={items} label={t('chat.menu')} anchorRef={anchorRef} onClose={onClose} testId="conversation-menu" />
  );
}
