import type { ConversationsResponse } from '../../../protocol/api.ts';
import { applyOrderTracked, type OrderTrackedView, type OrderView } from '../../../protocol/commerce.ts';
import type { DomainEvent } from '../../../protocol/events.ts';
import type { BlockView, ConversationView, MessageView, ReactionView, UserView } from '../../../protocol/views.ts';
import { withActivity } from './activity.ts';
import { mergeConversation, myMember, setMemberWatermarks, unreadAfterRead, withoutMember } from './conversation.ts';
import { forgetPage, renameMyPage, upsertMyPage } from './pages.ts';
import { emptyThread, findMessage, upsertMessage } from './thread.ts';
import type { State } from './types.ts';

/**
 * The event reducer. Every function here is pure and idempotent: applying the same event twice, or an
 * event whose effect a snapshot already holds, returns an equal state (the same object when nothing changes).
 */

function withConversation(state: State, conv: ConversationView): State {
  if (state.conversations[conv.id] === conv) return state;
  return rememberUsers(
    { ...state, conversations: { ...state.conversations, [conv.id]: conv } },
    [...conv.members, ...conv.formerMembers].map((m) => m.user),
  );
}

/** Adds people to the directory of names (kept after they leave, for their old messages). */
export function rememberUsers(state: State, users: readonly UserView[]): State {
  let dir = state.users;
  for (const u of users) {
    const known = dir[u.id];
    if (known && sameProfile(known, u)) continue;
    if (dir === state.users) dir = { ...dir };
    dir[u.id] = profileOf(u);
  }
  return dir === state.users ? state : { ...state, users: dir };
}

function clearTyping(state: State, conversationId: string, userId: string): State {
  const conv = state.typing[conversationId];
  if (!conv || !(userId in conv)) return state;
  const { [userId]: _, ...rest } = conv;
  return { ...state, typing: { ...state.typing, [conversationId]: rest } };
}

/** A message as the server stored it: from `message.created`, or a `send` ack. */
export function applyMessage(state: State, message: MessageView): State {
  const cid = message.conversationId;
  let next = state;
  // The pending bubble of this message (this tab's, or one re-sent after a reconnect) gives way to it.
  if (
    message.clientId !== null &&
    next.outbox.some((o) => o.clientId === message.clientId && o.conversationId === cid)
  ) {
    next = {
      ...next,
      outbox: next.outbox.filter((o) => !(o.clientId === message.clientId && o.conversationId === cid)),
    };
  }
  const thread = next.threads[cid] ?? emptyThread;
  const updated = upsertMessage(thread, message);
  if (updated !== thread) next = { ...next, threads: { ...next.threads, [cid]: updated } };
  next = clearTyping(next, cid, message.senderId);

  const conv = next.conversations[cid];
  if (!conv) return next;
  if (message.seq > conv.lastSeq) {
    const meId = next.me?.id;
    const readSeq = myMember(conv, meId)?.readSeq ?? 0;
    const countsAsUnread = message.senderId !== meId && !message.deletedAt && message.seq > readSeq;
    next = withConversation(next, {
      ...conv,
      // An archived conversation comes back with a message, unless it came while muted (as the server says).
      archived: conv.archived && stillArchived(conv, message),
      lastSeq: message.seq,
      lastMessage: message,
      lastActivityAt:
        Date.parse(message.createdAt) > Date.parse(conv.lastActivityAt) ? message.createdAt : conv.lastActivityAt,
      unread: conv.unread + (countsAsUnread ? 1 : 0),
    });
  }
  // A member's own message implies their watermarks reach it (docs/PROTOCOL.md, Receipts).
  return applyReceipt(next, cid, message.senderId, message.seq, message.seq);
}

/** Whether an archived conversation stays archived as `message` arrives: only while it is muted. */
function stillArchived(conv: ConversationView, message: MessageView): boolean {
  return conv.mutedUntil !== null && Date.parse(message.createdAt) <= Date.parse(conv.mutedUntil);
}

/** An edited or deleted message. */
export function applyMessageChange(state: State, message: MessageView): State {
  const cid = message.conversationId;
  let next = state;
  const thread = next.threads[cid] ?? emptyThread;
  const conv = next.conversations[cid];
  const before =
    findMessage(thread, message.id) ?? (conv?.lastMessage?.id === message.id ? conv.lastMessage : undefined);
  const updated = upsertMessage(thread, message);
  if (updated !== thread) next = { ...next, threads: { ...next.threads, [cid]: updated } };
  if (!conv) return next;
  let c = conv;
  if (c.lastMessage && c.lastMessage.id === message.id) {
    const changed = upsertMessage({ messages: [c.lastMessage], loaded: true, hasMore: false }, message);
    if (changed.messages[0] !== c.lastMessage) c = { ...c, lastMessage: changed.messages[0] ?? null };
  }
  // A deletion removes an unread message from the count, once: only when we knew it undeleted,
  // or we had never seen it but now hold the deleted copy (so a second application finds it deleted).
  const newlyDeleted = message.deletedAt !== null && (before ? before.deletedAt === null : updated !== thread);
  if (newlyDeleted && message.senderId !== next.me?.id && message.seq <= c.lastSeq) {
    const readSeq = myMember(c, next.me?.id)?.readSeq ?? 0;
    if (message.seq > readSeq && c.unread > 0) c = { ...c, unread: c.unread - 1 };
  }
  return withConversation(next, c);
}

export function applyReceipt(
  state: State,
  conversationId: string,
  userId: string,
  deliveredSeq: number,
  readSeq: number,
): State {
  const conv = state.conversations[conversationId];
  if (!conv) return state;
  let c = setMemberWatermarks(conv, userId, deliveredSeq, readSeq);
  const meId = state.me?.id;
  if (c !== conv && userId === meId) {
    const mine = myMember(c, meId);
    const unread = unreadAfterRead(c, state.threads[conversationId], meId, mine?.readSeq ?? 0);
    if (unread !== c.unread) c = { ...c, unread: Math.min(unread, c.unread) };
  }
  return withConversation(state, c);
}

/** An order as it now is: kept only when newer than the one known (events and reads may cross). */
export function applyOrder(state: State, order: OrderView): State {
  const known = state.orders[order.id];
  if (known && known.version >= order.version) return state;
  return withOrder(state, order);
}

/** The order held at its new version, its announced head forgotten once reached. */
function withOrder(state: State, order: OrderView): State {
  const orders = { ...state.orders, [order.id]: order };
  const head = state.orderHeads[order.id];
  if (head === undefined || head > order.version) return { ...state, orders };
  const { [order.id]: _, ...orderHeads } = state.orderHeads;
  return { ...state, orders, orderHeads };
}

/**
 * A tracking event's change: applied to the order held at the version before it. Otherwise (the order not
 * held, or held at an older version: a read raced the change) its version is noted as the order's head,
 * and whoever shows the order reads it again.
 */
export function applyTracked(state: State, change: OrderTrackedView): State {
  const known = state.orders[change.orderId];
  if (known && known.version >= change.version) return state;
  const next = known ? applyOrderTracked(known, change) : null;
  if (next) return withOrder(state, next);
  if ((state.orderHeads[change.orderId] ?? 0) >= change.version) return state;
  return { ...state, orderHeads: { ...state.orderHeads, [change.orderId]: change.version } };
}

export function applyEvent(state: State, event: DomainEvent): State {
  // A group's activity line comes with the change it tells of.
  switch (event.type) {
    case 'conversation.joined':
    case 'conversation.updated':
    case 'member.added':
    case 'member.removed':
    case 'member.role_changed':
      return withActivity(applyChange(state, event), event.conversationId, event.activity);
    default:
      return applyChange(state, event);
  }
}

function applyChange(state: State, event: DomainEvent): State {
  switch (event.type) {
    case 'order.updated':
      return applyOrder(state, event.order);
    case 'order.tracked':
      return applyTracked(state, event.change);
    case 'message.created': {
      const next = applyMessage(state, event.message);
      return event.orderChange ? applyTracked(next, event.orderChange) : next;
    }
    case 'message.edited':
    case 'message.deleted':
      return applyMessageChange(state, event.message);
    case 'receipt.updated':
      return applyReceipt(state, event.conversationId, event.userId, event.deliveredSeq, event.readSeq);
    case 'conversation.joined': {
      // People joined a conversation I am already in: its snapshot brings the members (it carries no
      // message, so the last message and the unread count stay as they are).
      const known = state.conversations[event.conversationId];
      if (known && !(event.conversationId in state.removed) && !event.userIds.includes(state.me?.id ?? '')) {
        return upsertConversation(state, {
          ...known,
          title: event.conversation.title,
          history: event.conversation.history,
          members: event.conversation.members,
        });
      }
      const next = upsertConversation(state, event.conversation);
      if (!(event.conversationId in next.removed)) return next;
      const { [event.conversationId]: _, ...removed } = next.removed;
      return { ...next, removed };
    }
    case 'conversation.updated': {
      const conv = state.conversations[event.conversationId];
      const history = event.history ?? conv?.history;
      if (!conv || (conv.title === event.title && conv.history === history)) return state;
      return withConversation(state, { ...conv, title: event.title, history: history ?? 'joined' });
    }
    case 'member.added': {
      const conv = state.conversations[event.conversationId];
      if (!conv) return state;
      const at = conv.members.findIndex((m) => m.user.id === event.user.id);
      const old = conv.members[at];
      if (old && old.role === event.role && old.user.displayName === event.user.displayName) return state;
      const members = conv.members.slice();
      if (old) members[at] = { ...old, user: event.user, role: event.role };
      else {
        // Back again: what they saw before still counts (the server keeps it too).
        const was = conv.formerMembers.find((f) => f.user.id === event.user.id);
        members.push({
          user: event.user,
          role: event.role,
          deliveredSeq: was?.deliveredSeq ?? 0,
          readSeq: was?.readSeq ?? 0,
        });
      }
      const formerMembers = conv.formerMembers.filter((f) => f.user.id !== event.user.id);
      return withConversation(state, { ...conv, members, formerMembers });
    }
    case 'member.removed': {
      const conv = state.conversations[event.conversationId];
      if (event.userId === state.me?.id) {
        if (state.removed[event.conversationId] === event.reason) return state;
        const next = clearTyping(state, event.conversationId, event.userId);
        const typing = { ...next.typing };
        delete typing[event.conversationId];
        return {
          ...next,
          typing,
          removed: { ...next.removed, [event.conversationId]: event.reason },
          outbox: next.outbox.map((o) =>
            o.conversationId === event.conversationId && o.status === 'pending'
              ? { ...o, status: 'failed', error: 'not_member' }
              : o,
          ),
        };
      }
      if (!conv?.members.some((m) => m.user.id === event.userId)) return state;
      const next = clearTyping(state, event.conversationId, event.userId);
      return withConversation(next, withoutMember(conv, event.userId));
    }
    case 'member.role_changed': {
      const conv = state.conversations[event.conversationId];
      const member = conv?.members.find((m) => m.user.id === event.userId);
      if (!conv || !member || member.role === event.role) return state;
      return withConversation(state, {
        ...conv,
        members: conv.members.map((m) => (m === member ? { ...m, role: event.role } : m)),
      });
    }
    case 'user.updated':
      return applyUser(state, event.user);
    case 'session.revoked':
      if (state.revokedSessions.includes(event.sessionId)) return state;
      return { ...state, revokedSessions: [...state.revokedSessions, event.sessionId] };
    case 'page.membership_changed':
      // Sent to the person concerned (any of their devices): added, their role changed, or out.
      if (event.userId !== state.me?.id) return state;
      return event.role === null ? forgetPage(state, event.page.id) : upsertMyPage(state, event.page, event.role);
    case 'inbox.thread_updated':
    case 'inbox.note_created':
    case 'inbox.settings_updated':
    case 'inbox.canned_replies_updated':
      // The business inbox's own state (web/src/inbox/work.ts) takes these; the conversations do not change.
      return state;
    case 'conversation.settings_updated': {
      const conv = state.conversations[event.conversationId];
      if (
        !conv ||
        (conv.mutedUntil === event.mutedUntil && conv.pinnedAt === event.pinnedAt && conv.archived === event.archived)
      )
        return state;
      const { mutedUntil, pinnedAt, archived } = event;
      return withConversation(state, { ...conv, mutedUntil, pinnedAt, archived });
    }
    case 'message.hidden':
      return applyHidden(state, event.conversationId, event.messageId, event.unread);
    case 'block.updated':
      return applyBlock(state, event.userId, event.block);
    case 'reaction.updated':
      return applyReaction(state, event);
  }
}

/**
 * A message I deleted for myself: out of the thread; the list's last message becomes the one before it
 * when the thread holds it (otherwise none: the app reads the conversation again), and the unread count
 * the server gave (never up).
 */
export function applyHidden(state: State, conversationId: string, messageId: string, unread: number): State {
  let next = state;
  const thread = next.threads[conversationId];
  if (thread?.messages.some((m) => m.id === messageId)) {
    const messages = thread.messages.filter((m) => m.id !== messageId);
    next = { ...next, threads: { ...next.threads, [conversationId]: { ...thread, messages } } };
  }
  const conv = next.conversations[conversationId];
  if (!conv) return next;
  let c = conv;
  if (c.lastMessage?.id === messageId) {
    const hiddenSeq = c.lastMessage.seq;
    const rest = next.threads[conversationId]?.messages ?? [];
    const before = rest.filter((m) => m.seq < hiddenSeq).at(-1);
    c = { ...c, lastMessage: before ?? null };
  }
  if (unread < c.unread) c = { ...c, unread };
  return c === conv ? next : withConversation(next, c);
}

/** I block `userId` now (`block` set) or no longer (null); the list as `GET /api/blocks` answers it. */
export function applyBlock(state: State, userId: string, block: BlockView | null): State {
  const known = state.blocks ?? {};
  if (block ? known[userId]?.at === block.at : !(userId in known))
    return state.blocks ? state : { ...state, blocks: known };
  const { [userId]: _, ...rest } = known;
  return { ...state, blocks: block ? { ...rest, [userId]: block } : rest };
}

/** The people I block, as `GET /api/blocks` answered. */
export function applyBlocks(state: State, blocks: readonly BlockView[]): State {
  return { ...state, blocks: Object.fromEntries(blocks.map((b) => [b.user.id, b])) };
}

/** What a client keeps of a person: their names, their photo, whether they deleted their account. */
function profileOf(u: UserView): UserView {
  const view: UserView = { id: u.id, username: u.username, displayName: u.displayName };
  if (u.kind) view.kind = u.kind;
  if (u.avatar) view.avatar = { id: u.avatar.id, url: u.avatar.url, thumbnailUrl: u.avatar.thumbnailUrl };
  if (u.deleted) view.deleted = true;
  return view;
}

function sameProfile(a: UserView, b: UserView): boolean {
  return (
    a.displayName === b.displayName &&
    a.username === b.username &&
    a.avatar?.thumbnailUrl === b.avatar?.thumbnailUrl &&
    a.deleted === b.deleted
  );
}

/** One person's emoji put on (`on`) or taken off a message: a set per emoji, so applying it twice changes nothing. */
export interface ReactionChange {
  conversationId: string;
  messageId: string;
  userId: string;
  emoji: string;
  on: boolean;
}

/** A message's reactions after one change; the same array when it changes nothing. */
export function changeReactions(
  reactions: ReactionView[] | undefined,
  userId: string,
  emoji: string,
  on: boolean,
): ReactionView[] | undefined {
  const list = reactions ?? [];
  const at = list.findIndex((r) => r.emoji === emoji);
  const found = list[at];
  const has = found?.userIds.includes(userId) ?? false;
  if (has === on) return reactions;
  if (on) {
    if (!found) return [...list, { emoji, count: 1, userIds: [userId] }];
    const next = list.slice();
    next[at] = { emoji, count: found.count + 1, userIds: [...found.userIds, userId] };
    return next;
  }
  const rest = (found as ReactionView).userIds.filter((id) => id !== userId);
  const next = list.slice();
  if (rest.length === 0) next.splice(at, 1);
  else next[at] = { emoji, count: rest.length, userIds: rest };
  return next.length > 0 ? next : undefined;
}

function reactedMessage(message: MessageView, change: ReactionChange): MessageView {
  if (message.id !== change.messageId || message.deletedAt !== null) return message;
  const reactions = changeReactions(message.reactions, change.userId, change.emoji, change.on);
  if (reactions === message.reactions) return message;
  const { reactions: _, ...rest } = message;
  return reactions ? { ...rest, reactions } : rest;
}

/**
 * A reaction put or taken back, on the loaded copy of the message and on the conversation's last message.
 * A message not loaded is left: its history page brings its reactions.
 */
export function applyReaction(state: State, change: ReactionChange): State {
  let next = state;
  const thread = state.threads[change.conversationId];
  const at = thread ? thread.messages.findIndex((m) => m.id === change.messageId) : -1;
  const known = thread?.messages[at];
  if (thread && known) {
    const changed = reactedMessage(known, change);
    if (changed !== known) {
      const messages = thread.messages.slice();
      messages[at] = changed;
      next = { ...next, threads: { ...next.threads, [change.conversationId]: { ...thread, messages } } };
    }
  }
  const conv = next.conversations[change.conversationId];
  if (conv?.lastMessage && conv.lastMessage.id === change.messageId) {
    const last = reactedMessage(conv.lastMessage, change);
    if (last !== conv.lastMessage) next = withConversation(next, { ...conv, lastMessage: last });
  }
  return next;
}

/** A person's (or a page's) new profile — display name, photo, deletion — everywhere they appear. */
export function applyUser(state: State, user: UserView): State {
  let conversations = state.conversations;
  for (const conv of Object.values(state.conversations)) {
    const changed = <M extends { user: UserView }>(list: M[]): M[] | null => {
      const at = list.findIndex((m) => m.user.id === user.id);
      const old = list[at];
      if (!old || sameProfile(old.user, user)) return null;
      const next = list.slice();
      next[at] = { ...old, user: { ...profileOf(user), ...(old.user.kind ? { kind: old.user.kind } : {}) } };
      return next;
    };
    const members = changed(conv.members);
    const formerMembers = changed(conv.formerMembers);
    if (!members && !formerMembers) continue;
    if (conversations === state.conversations) conversations = { ...conversations };
    conversations[conv.id] = {
      ...conv,
      ...(members ? { members } : {}),
      ...(formerMembers ? { formerMembers } : {}),
    };
  }
  let me = state.me;
  if (me && me.id === user.id && !sameProfile(me, user)) {
    const { avatar: _, ...rest } = me;
    me = {
      ...rest,
      username: user.username,
      displayName: user.displayName,
      ...(user.avatar ? { avatar: profileOf(user).avatar } : {}),
    };
  }
  const next = conversations === state.conversations && me === state.me ? state : { ...state, conversations, me };
  const known = state.users[user.id] ? rememberUsers(next, [user]) : next;
  // A page's account: its name is the page's name.
  return renameMyPage(known, user);
}

export function upsertConversation(state: State, conv: ConversationView): State {
  const existing = state.conversations[conv.id];
  let merged = mergeConversation(existing, conv);
  // A view computed before my latest read receipt must not bring the badge back.
  const mine = myMember(merged, state.me?.id);
  if (merged.unread > 0 && mine && mine.readSeq >= merged.lastSeq) merged = { ...merged, unread: 0 };
  // Structurally unchanged: keep the same objects so that nothing re-renders.
  if (existing && JSON.stringify(existing) === JSON.stringify(merged)) return state;
  return withConversation(state, merged);
}

/**
 * Replaces what we know with a fresh `GET /api/conversations` (first load, or after `reset`). Message
 * caches are dropped (they may have holes now); the outbox and typing signals stay.
 */
export function applySnapshot(state: State, snapshot: ConversationsResponse): State {
  const conversations: Record<string, ConversationView> = {};
  for (const c of snapshot.conversations) conversations[c.id] = c;
  return rememberUsers(
    { ...state, conversations, removed: {}, threads: {}, activity: {}, cursor: snapshot.cursor },
    snapshot.conversations.flatMap((c) => [...c.members, ...c.formerMembers].map((m) => m.user)),
  );
}

/** The cursor only moves forward. */
export function advanceCursor(state: State, pos: number | undefined): State {
  if (pos === undefined || (state.cursor !== null && pos <= state.cursor)) return state;
  return { ...state, cursor: pos };
}

/** One `event` frame: skipped when its pos is at or below the cursor (already applied). */
export function applyEventFrame(state: State, pos: number, event: DomainEvent): State {
  if (state.cursor !== null && pos <= state.cursor) return state;
  return advanceCursor(applyEvent(state, event), pos);
}
