import type { ActivityView } from '../../../protocol/views.ts';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/useI18n.ts';

/**
 * One of a group's activity lines in its thread ("Ana added Ben", "You renamed the group «Trip»"): said
 * with "you" where the reader did it or had it done to them, since French conjugates and places "vous".
 */
export function activityKey(a: ActivityView, meId: string): { key: MessageKey; actor: boolean; target: boolean } {
  const byMe = a.actorId === meId;
  const toMe = a.targetId === meId;
  switch (a.kind) {
    case 'created':
      return byMe
        ? { key: 'activity.createdByYou', actor: false, target: false }
        : { key: 'activity.created', actor: true, target: false };
    case 'renamed':
      return byMe
        ? { key: 'activity.renamedByYou', actor: false, target: false }
        : { key: 'activity.renamed', actor: true, target: false };
    case 'history': {
      const full = a.history === 'full';
      if (byMe)
        return { key: full ? 'activity.historyFullByYou' : 'activity.historyJoinedByYou', actor: false, target: false };
      return { key: full ? 'activity.historyFull' : 'activity.historyJoined', actor: true, target: false };
    }
    case 'added':
      if (byMe) return { key: 'activity.addedByYou', actor: false, target: true };
      return toMe
        ? { key: 'activity.addedYou', actor: true, target: false }
        : { key: 'activity.added', actor: true, target: true };
    case 'removed':
      if (byMe) return { key: 'activity.removedByYou', actor: false, target: true };
      return toMe
        ? { key: 'activity.removedYou', actor: true, target: false }
        : { key: 'activity.removed', actor: true, target: true };
    case 'left':
      return toMe
        ? { key: 'activity.leftYou', actor: false, target: false }
        : { key: 'activity.left', actor: false, target: true };
    case 'admin':
      return toMe
        ? { key: 'activity.adminYou', actor: false, target: false }
        : { key: 'activity.admin', actor: false, target: true };
  }
}

export function ActivityLine({
  activity,
  meId,
  nameOf,
}: {
  activity: ActivityView;
  meId: string;
  nameOf: (userId: string) => string;
}) {
  const { t, dateTime } = useI18n();
  const { key, actor, target } = activityKey(activity, meId);
  const text = t(key, {
    ...(actor ? { actor: nameOf(activity.actorId) } : {}),
    ...(target && activity.targetId ? { target: nameOf(activity.targetId) } : {}),
    ...(activity.title !== null ? { title: activity.title } : {}),
  });
  return (
    <p className="activity-line" data-testid="activity-line" data-kind={activity.kind} title={dateTime(activity.at)}>
      <span>{text}</span>
    </p>
  );
}
