import type { Signal } from '../../../protocol/events.ts';
import type { ConversationView, PresenceView } from '../../../protocol/views.ts';
import { dayRelation } from '../i18n/format.ts';

/**
 * What this tab knows of people's presence (GET /api/presence, then `presence` signals), by user id: pure
 * updates, tested without a browser (presence.test.ts). app/presence.ts keeps it in a store of its own.
 */
export type PresenceMap = Readonly<Record<string, PresenceView>>;

/** A `presence` signal (or an answer's entry) applied: the latest state of that person replaces the last. */
export function applyPresence(
  map: PresenceMap,
  view: PresenceView | Extract<Signal, { type: 'presence' }>,
): PresenceMap {
  const next: PresenceView = { userId: view.userId, state: view.state, lastSeenAt: view.lastSeenAt };
  const old = map[view.userId];
  if (old && old.state === next.state && old.lastSeenAt === next.lastSeenAt) return map;
  return { ...map, [view.userId]: next };
}

/** GET /api/presence's answer for `asked`: the people left out of it are unknown now (forgotten). */
export function replacePresence(
  map: PresenceMap,
  asked: readonly string[],
  answer: readonly PresenceView[],
): PresenceMap {
  const next: Record<string, PresenceView> = { ...map };
  for (const id of asked) delete next[id];
  for (const v of answer) next[v.userId] = { userId: v.userId, state: v.state, lastSeenAt: v.lastSeenAt };
  return next;
}

/** The people whose presence the list and the threads show: the other person of each one-to-one conversation (pages aside). */
export function presencePeers(
  conversations: Readonly<Record<string, ConversationView>>,
  meId: string | undefined,
): string[] {
  const ids = new Set<string>();
  for (const c of Object.values(conversations)) {
    if (c.kind !== 'direct') continue;
    for (const m of c.members) if (m.user.id !== meId && m.user.kind !== 'page') ids.add(m.user.id);
  }
  return [...ids].sort();
}

/** What a thread header says of the person: online, last seen today / yesterday at a time, or on a date; null: nothing known. */
export type PresenceLine =
  | { kind: 'online' }
  | { kind: 'today'; at: string }
  | { kind: 'yesterday'; at: string }
  | { kind: 'date'; at: string }
  | null;

export function presenceLine(view: PresenceView | undefined, now: Date = new Date()): PresenceLine {
  if (!view || view.state === 'hidden') return null;
  if (view.state === 'online') return { kind: 'online' };
  if (!view.lastSeenAt) return null;
  const relation = dayRelation(view.lastSeenAt, now);
  return { kind: relation === 'other' ? 'date' : relation, at: view.lastSeenAt };
}
