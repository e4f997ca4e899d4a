import type { ConversationView, FormerMemberView, MemberView, MessageView } from '../../../protocol/views.ts';
import { isNewerVersion } from './thread.ts';
import type { Thread } from './types.ts';

/** Pure helpers for one conversation's view: merging, watermarks, unread counts. */

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

export function mergeMember(existing: MemberView | undefined, incoming: MemberView): MemberView {
  if (!existing) return incoming;
  const readSeq = Math.max(existing.readSeq, incoming.readSeq);
  // Keys in MemberView's order, so that an unchanged member compares equal (upsertConversation).
  return {
    user: incoming.user,
    role: incoming.role,
    deliveredSeq: Math.max(existing.deliveredSeq, incoming.deliveredSeq, readSeq),
    readSeq,
  };
}

/**
 * Former members' receipts, what we knew and what came, each person once with the furthest watermarks;
 * without the people who are members again.
 */
function mergeFormer(
  known: readonly FormerMemberView[],
  incoming: readonly FormerMemberView[],
  members: readonly MemberView[],
): FormerMemberView[] {
  const byId = new Map<string, FormerMemberView>();
  for (const f of [...known, ...incoming]) {
    const old = byId.get(f.user.id);
    const readSeq = Math.max(old?.readSeq ?? 0, f.readSeq);
    byId.set(f.user.id, {
      user: f.user,
      deliveredSeq: Math.max(old?.deliveredSeq ?? 0, f.deliveredSeq, readSeq),
      readSeq,
    });
  }
  for (const m of members) byId.delete(m.user.id);
  return [...byId.values()];
}

/** Someone left or was removed: their receipts stay, for what they saw (ticks never go backwards). */
export function withoutMember(conv: ConversationView, userId: string): ConversationView {
  const gone = conv.members.find((m) => m.user.id === userId);
  if (!gone) return conv;
  const members = conv.members.filter((m) => m.user.id !== userId);
  const { user, deliveredSeq, readSeq } = gone;
  const kept = deliveredSeq > 0 || readSeq > 0 ? [{ user, deliveredSeq, readSeq }] : [];
  return { ...conv, members, formerMembers: mergeFormer(conv.formerMembers, kept, members) };
}

/**
 * Combines what we knew with a fresh view of the same conversation (from HTTP or `conversation.joined`).
 * Counters and watermarks never move backwards; membership and title come from the incoming view.
 */
export function mergeConversation(
  existing: ConversationView | undefined,
  incoming: ConversationView,
): ConversationView {
  if (!existing) return incoming;
  const oldMembers = new Map(existing.members.map((m) => [m.user.id, m]));
  const members = incoming.members.map((m) => mergeMember(oldMembers.get(m.user.id), m));
  const newer = incoming.lastSeq >= existing.lastSeq ? incoming : existing;
  let lastMessage = newer.lastMessage;
  const other = newer === incoming ? existing.lastMessage : incoming.lastMessage;
  if (lastMessage && other && other.id === lastMessage.id && isNewerVersion(other, lastMessage)) lastMessage = other;
  return {
    ...incoming,
    lastSeq: newer.lastSeq,
    lastMessage,
    lastActivityAt: later(existing.lastActivityAt, incoming.lastActivityAt),
    unread: newer.unread,
    members,
    formerMembers: mergeFormer(existing.formerMembers, incoming.formerMembers, members),
  };
}

export function myMember(conv: ConversationView, meId: string | undefined): MemberView | undefined {
  return conv.members.find((m) => m.user.id === meId);
}

/**
 * Unread count after my read watermark moved to `readSeq`: exact when the loaded thread covers the unread
 * range, otherwise an upper bound from what we knew.
 */
export function unreadAfterRead(
  conv: ConversationView,
  thread: Thread | undefined,
  meId: string,
  readSeq: number,
): number {
  if (readSeq >= conv.lastSeq) return 0;
  const msgs = thread?.loaded ? thread.messages : [];
  const covered =
    msgs.length > 0 &&
    (msgs[0] as MessageView).seq <= readSeq + 1 &&
    (msgs[msgs.length - 1] as MessageView).seq >= conv.lastSeq;
  if (covered) {
    return msgs.filter((m) => m.seq > readSeq && m.senderId !== meId && !m.deletedAt).length;
  }
  return Math.min(conv.unread, conv.lastSeq - readSeq);
}

export function setMemberWatermarks(
  conv: ConversationView,
  userId: string,
  deliveredSeq: number,
  readSeq: number,
): ConversationView {
  const at = conv.members.findIndex((m) => m.user.id === userId);
  if (at < 0) return conv;
  const old = conv.members[at] as MemberView;
  const read = Math.max(old.readSeq, readSeq);
  const delivered = Math.max(old.deliveredSeq, deliveredSeq, read);
  if (read === old.readSeq && delivered === old.deliveredSeq) return conv;
  const members = conv.members.slice();
  members[at] = { ...old, readSeq: read, deliveredSeq: delivered };
  return { ...conv, members };
}

/** Orders conversations for the list: latest activity first. */
export function byActivity(a: ConversationView, b: ConversationView): number {
  const d = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  if (d !== 0) return d;
  if (b.lastSeq !== a.lastSeq) return b.lastSeq - a.lastSeq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
