import { usePresence } from '../app/presence.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { presenceLine } from '../state/presence.ts';

/** Whether a person is online, as a thread header says it: "Online", "Last seen today at 14:05"…; null: unknown or hidden. */
export function usePresenceText(userId: string | null): string | null {
  const view = usePresence((m) => (userId ? m[userId] : undefined));
  const { t, time, dateTime } = useI18n();
  const line = presenceLine(view);
  if (!line) return null;
  switch (line.kind) {
    case 'online':
      return t('presence.online');
    case 'today':
      return t('presence.lastSeenToday', { time: time(line.at) });
    case 'yesterday':
      return t('presence.lastSeenYesterday', { time: time(line.at) });
    case 'date':
      return t('presence.lastSeenOn', { date: dateTime(line.at) });
  }
}

/** Whether a person shows online (the green dot on their avatar). */
export function useOnline(userId: string | null): boolean {
  return usePresence((m) => (userId ? m[userId]?.state === 'online' : false));
}
