import type { ConversationView, FormerMemberView, MemberView, MessageView, UserView } from '../../../protocol/views.ts';
import { byActivity } from './conversation.ts';
import type { OutboxItem, State } from './types.ts';

/**
 * Derived views of the state. Pure. A component reads one with useStore(select, equal): a view that
 * builds a new array on each call (conversationIds, typingUsers, pendingSends) is read with shallowEqual.
 */

export type OwnStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
export type MessageStatus = OwnStatus | 'received';

/** Conversations shown in the list (not the ones I left), latest activity first. */
export function conversationList(state: State): ConversationView[] {
  // A page's inbox lists every thread of the page (the business inbox decides what it shows).
  const meId = state.me?.kind === 'page' ? undefined : state.me?.id;
  return Object.values(state.conversations)
    .filter((c) => !(c.id in state.removed) && !(meId && awaitsFirstMessage(c, meId)))
    .sort(byActivity);
}

/**
 * A one-to-one conversation someone else opened without writing yet: not in my list until its first
 * message (opening a conversation tells the other person nothing).
 */
function awaitsFirstMessage(c: ConversationView, meId: string | undefined): boolean {
  return c.kind === 'direct' && c.lastSeq === 0 && c.createdBy !== meId;
}

/** Ids of the conversations shown in the list, in list order. */
export function conversationIds(state: State): string[] {
  return conversationList(state).map((c) => c.id);
}

export function otherMembers(conv: ConversationView, meId: string | undefined): MemberView[] {
  return conv.members.filter((m) => m.user.id !== meId);
}

/** Group title, or the other person's name for a one-to-one conversation; null when neither is known. */
export function conversationTitle(conv: ConversationView, meId: string | undefined): string | null {
  if (conv.kind === 'group') return conv.title?.trim() ? conv.title : null;
  return otherMembers(conv, meId)[0]?.user.displayName ?? conv.title ?? null;
}

export function findUser(conv: ConversationView | undefined, userId: string): UserView | undefined {
  return conv?.members.find((m) => m.user.id === userId)?.user;
}

/**
 * Who a message of mine went to: the other members, and the former members who received it before they
 * left or were removed (their receipts keep counting for what they saw: ticks never go backwards).
 */
function recipients(conv: ConversationView, seq: number, meId: string | undefined): FormerMemberView[] {
  const former = conv.formerMembers.filter((f) => f.user.id !== meId && Math.max(f.deliveredSeq, f.readSeq) >= seq);
  return [...otherMembers(conv, meId), ...former];
}

/**
 * Ticks of one of my stored messages: read when everyone it went to has read it, delivered when all
 * their devices have it, sent otherwise (also when no one else is there).
 */
export function ownMessageStatus(
  conv: ConversationView,
  message: MessageView,
  meId: string,
): 'sent' | 'delivered' | 'read' {
  const others = recipients(conv, message.seq, meId);
  if (others.length === 0) return 'sent';
  if (others.every((m) => m.readSeq >= message.seq)) return 'read';
  if (others.every((m) => Math.max(m.deliveredSeq, m.readSeq) >= message.seq)) return 'delivered';
  return 'sent';
}

export function messageStatus(
  conv: ConversationView | undefined,
  message: MessageView,
  meId: string | undefined,
): MessageStatus {
  if (message.senderId !== meId || !meId) return 'received';
  if (!conv) return 'sent';
  return ownMessageStatus(conv, message, meId);
}

/** Others who have read up to `seq`: members in member order, then former members. */
export function seenBy(conv: ConversationView, seq: number, meId: string | undefined): UserView[] {
  return recipients(conv, seq, meId)
    .filter((m) => m.readSeq >= seq)
    .map((m) => m.user);
}

/** My latest message that is not deleted, in a loaded list. */
export function lastOwnMessage(messages: readonly MessageView[], meId: string | undefined): MessageView | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as MessageView;
    if (m.senderId === meId && !m.deletedAt) return m;
  }
  return undefined;
}

/** People typing in a conversation right now (not me), by display name. */
export function typingUsers(state: State, conversationId: string, now: number): UserView[] {
  const users = state.typing[conversationId];
  if (!users) return [];
  const conv = state.conversations[conversationId];
  const out: UserView[] = [];
  for (const [userId, until] of Object.entries(users)) {
    if (until <= now || userId === state.me?.id) continue;
    const user = findUser(conv, userId);
    if (user) out.push(user);
  }
  return out.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Someone other than me signalled typing in a conversation and it has not expired (the list's flag). */
export function someoneTyping(state: State, conversationId: string, now: number): boolean {
  const meId = state.me?.id;
  return Object.entries(state.typing[conversationId] ?? {}).some(([u, until]) => u !== meId && until > now);
}

export type ThreadItem = { kind: 'message'; message: MessageView } | { kind: 'pending'; item: OutboxItem };

/** The pending and failed sends of one conversation, in outbox order. */
export function pendingSends(state: State, conversationId: string): OutboxItem[] {
  return state.outbox.filter((item) => item.conversationId === conversationId);
}

/** Stored messages of a conversation followed by its pending and failed sends, oldest first. */
export function threadItems(state: State, conversationId: string): ThreadItem[] {
  return threadItemsOf(state.threads[conversationId]?.messages ?? [], state.outbox, conversationId);
}

/** threadItems from the parts it reads, for a component that selects them one by one. */
export function threadItemsOf(
  messages: readonly MessageView[],
  outbox: readonly OutboxItem[],
  conversationId: string,
): ThreadItem[] {
  const stored = new Set(messages.map((m) => m.clientId).filter((c) => c !== null));
  const items: ThreadItem[] = messages.map((message) => ({ kind: 'message', message }));
  for (const item of outbox) {
    if (item.conversationId === conversationId && !stored.has(item.clientId)) items.push({ kind: 'pending', item });
  }
  return items;
}

/**
 * The message whose quick replies are offered in a conversation with a page: the page's latest message
 * (deleted ones aside), if it carries quick replies and the person has not answered it yet (nothing of
 * theirs after it, sent or on its way). Null otherwise. The server takes the same ones (it does not ask
 * whether they were answered).
 */
export function quickRepliesMessageId(items: readonly ThreadItem[], pageId: string): string | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (!item || item.kind === 'pending') return null;
    const m = item.message;
    if (m.senderId !== pageId) return null;
    if (m.deletedAt !== null) continue;
    return m.quickReplies?.some((q) => q.contentType === 'text') ? m.id : null;
  }
  return null;
}

/**
 * Of a page's greetings or persistent menus (one per Messenger locale: `fr_FR`, `en_US`… and `default`),
 * the one for the app's language, else the default one; null when there is none.
 */
export function forLanguage<T extends { locale: string }>(entries: readonly T[] | null, language: string): T | null {
  if (!entries) return null;
  const lang = language.toLowerCase().split(/[-_]/)[0] ?? '';
  return (
    entries.find((e) => e.locale !== 'default' && e.locale.split('_')[0] === lang) ??
    entries.find((e) => e.locale === 'default') ??
    null
  );
}

export function isAdmin(conv: ConversationView, userId: string | undefined): boolean {
  return conv.members.some((m) => m.user.id === userId && m.role === 'admin');
}

export function totalUnread(state: State): number {
  return conversationList(state).reduce((n, c) => n + c.unread, 0);
}

/**
 * The page on the other side of a one-to-one conversation with a business page (its account, `kind:
 * 'page'`), or null for a conversation with a person or a group.
 */
export function pageOf(conv: ConversationView | undefined, meId: string | undefined): UserView | null {
  if (conv?.kind !== 'direct') return null;
  const other = otherMembers(conv, meId)[0]?.user;
  return other?.kind === 'page' ? other : null;
}

/** Ids of the pages I help run, by name; null until the list is loaded. Read with shallowEqual. */
export function myPageIds(state: State): string[] | null {
  if (!state.myPages) return null;
  return Object.values(state.myPages)
    .sort((a, b) => a.page.name.localeCompare(b.page.name) || a.page.id.localeCompare(b.page.id))
    .map((x) => x.page.id);
}

/** A person's current display name: from the conversation, else from anyone we have met; null if unknown. */
export function displayNameOf(
  users: State['users'],
  conv: ConversationView | undefined,
  userId: string,
): string | null {
  return findUser(conv, userId)?.displayName ?? users[userId]?.displayName ?? null;
}

/** The other person (or page) of a one-to-one conversation, whose photo its avatar shows; null for a group. */
export function avatarUserOf(conv: ConversationView, meId: string | undefined): UserView | null {
  if (conv.kind !== 'direct') return null;
  return otherMembers(conv, meId)[0]?.user ?? null;
}

/** A person as we know them: from the conversation, else from anyone we have met. */
export function userOf(users: State['users'], conv: ConversationView | undefined, userId: string): UserView | null {
  return findUser(conv, userId) ?? users[userId] ?? null;
}

/** A one-to-one conversation whose other person deleted their account: it stays, read-only. */
export function withDeletedAccount(conv: ConversationView | undefined, meId: string | undefined): boolean {
  return conv?.kind === 'direct' && otherMembers(conv, meId).some((m) => m.user.deleted === true);
}

/**
 * Whose colour a conversation's avatar takes: the other person (or page) of a one-to-one, so a person has
 * the same avatar everywhere (list, thread header, search, group members); the group itself otherwise.
 */
export function avatarIdOf(conv: ConversationView, meId: string | undefined): string {
  if (conv.kind !== 'direct') return conv.id;
  return otherMembers(conv, meId)[0]?.user.id ?? conv.id;
}

/** Pinned first, the latest pinned on top; then latest activity first. */
export function byPinThenActivity(a: ConversationView, b: ConversationView): number {
  if (a.pinnedAt !== null || b.pinnedAt !== null) {
    if (a.pinnedAt === null) return 1;
    if (b.pinnedAt === null) return -1;
    const d = Date.parse(b.pinnedAt) - Date.parse(a.pinnedAt);
    if (d !== 0) return d;
  }
  return byActivity(a, b);
}

/** The main list (chat management): what is not archived, the pinned ones on top. */
export function mainConversationIds(state: State): string[] {
  return conversationList(state)
    .filter((c) => !c.archived)
    .sort(byPinThenActivity)
    .map((c) => c.id);
}

/** The archived conversations, latest activity first. */
export function archivedConversationIds(state: State): string[] {
  return conversationList(state)
    .filter((c) => c.archived)
    .map((c) => c.id);
}

/** Whether I block the other person of this one-to-one conversation (a person's, not a page's). */
export function blocksPeer(state: State, conversationId: string): boolean {
  const conv = state.conversations[conversationId];
  const blocks = state.blocks;
  if (conv?.kind !== 'direct' || !blocks) return false;
  const meId = state.me?.id;
  return conv.members.some((m) => m.user.id !== meId && m.user.id in blocks);
}

/** Lower case without diacritics, for matching what a person types. */
const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The conversation list filtered by what is typed in the search box: a group's title or any member's
 * name (display name or username) contains it, diacritics and case aside. Same order as the list.
 */
export function conversationIdsMatching(state: State, query: string): string[] {
  const q = folded(query.trim());
  if (!q) return conversationIds(state);
  const meId = state.me?.id;
  return conversationList(state)
    .filter(
      (c) =>
        folded(conversationTitle(c, meId) ?? '').includes(q) ||
        otherMembers(c, meId).some(
          (m) => folded(m.user.displayName).includes(q) || folded(m.user.username).includes(q),
        ),
    )
    .map((c) => c.id);
}
