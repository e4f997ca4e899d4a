import { limits } from '../../protocol/limits.ts';
import type {
  ActivityKind,
  ActivityView,
  ConversationView,
  HistoryVisibility,
  MemberRole,
  MessageView,
  UserView,
} from '../../protocol/views.ts';
import { presentUser } from '../accounts/presenter.ts';
import type { UserRecord } from '../accounts/store.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { requireActiveRow, requireAdmin, requireGroup, requireMember } from './policy.ts';
import { presentActivity, presentConversation, presentMessage } from './presenter.ts';
import type { GroupQuotas } from './quotas.ts';
import { withReactions } from './reactions.ts';
import { presentSettings } from './settings.ts';
import type { ConversationStates } from './state.ts';
import { type ActivityRecord, type ConversationRecord, directKeyOf, type MemberRecord } from './store.ts';
import { lastVisibleMessageView, visibleFrom } from './views.ts';

/** Conversations: starting one-to-ones, groups and their members, the list and one conversation. */
/**
 * What a one-to-one conversation with a business page's account asks of pages (a port: app.ts wires
 * pages' `psidIn`): the id the page knows the person by, made in the same job as the conversation.
 */
export interface PagePeers {
  meetIn(uow: UnitOfWork, personId: string, pageId: string): Promise<unknown>;
}

/**
 * What starting a one-to-one conversation asks of the blocks domain (a port: app.ts wires blocks'
 * `checkStartIn`), in its job: someone the other person blocks cannot start one with them (`blocked`).
 */
export interface DirectStarts {
  checkStartIn(uow: UnitOfWork, userId: string, otherId: string): Promise<void>;
}

export class ConversationsService {
  /** The time of the last activity line made here: lines of one job (or one millisecond) keep their order. */
  private lastActivityAt = 0;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly states: ConversationStates,
    private readonly quotas: GroupQuotas,
    private readonly pagePeers: PagePeers | null = null,
    /** People's blocks (server/blocks/). */
    private readonly directStarts: DirectStarts | null = null,
  ) {}

  async list(userId: string): Promise<{ cursor: number; conversations: ConversationView[] }> {
    const { cursor, items } = await this.storage.reader.messaging.conversationList(userId);
    const userIds = new Set<string>();
    const quoteIds = new Set<string>();
    for (const it of items) {
      for (const m of it.members) userIds.add(m.userId);
      if (it.lastMessage?.replyToId) quoteIds.add(it.lastMessage.replyToId);
    }
    // A last message the person deleted for themselves gives way to the one before it (hidden.ts).
    const lastIds = items.flatMap((it) => (it.lastMessage ? [it.lastMessage.id] : []));
    const hidden = new Set(await this.storage.reader.messaging.hiddenAmong(userId, lastIds));
    for (const it of items) {
      if (!it.lastMessage || !hidden.has(it.lastMessage.id)) continue;
      const me = it.members.find((m) => m.userId === userId);
      const from = me ? visibleFrom(it.conversation, me) : it.conversation.lastSeq;
      const [before] = await this.storage.reader.messaging.visibleMessagesBefore(
        it.conversation.id,
        userId,
        from,
        null,
        1,
      );
      it.lastMessage = before ?? null;
      if (before?.replyToId) quoteIds.add(before.replyToId);
    }
    const users = await this.usersMap([...userIds]);
    const quotes = new Map((await this.storage.reader.messaging.messagesByIds([...quoteIds])).map((m) => [m.id, m]));
    const settings = new Map(
      (await this.storage.reader.messaging.settingsOfUser(userId)).map((s) => [s.conversationId, s]),
    );
    // A one-to-one conversation someone else opened without writing is not listed until its first message
    // (a page's inbox lists every thread of the page).
    const page = users.get(userId)?.kind === 'page';
    const listed = items.filter((it) => page || !awaitsFirstMessage(it.conversation, userId));
    const lastMessages = await withReactions(
      this.storage.reader,
      listed.flatMap((it) =>
        it.lastMessage
          ? [
              presentMessage(
                it.lastMessage,
                it.lastMessage.replyToId ? (quotes.get(it.lastMessage.replyToId) ?? null) : null,
              ),
            ]
          : [],
      ),
    );
    const lastById = new Map(lastMessages.map((m) => [m.conversationId, m]));
    const conversations = listed.map((it) => {
      const me = it.members.find((m) => m.userId === userId);
      return presentConversation(
        it.conversation,
        it.members,
        users,
        lastById.get(it.conversation.id) ?? null,
        it.unread,
        me ? visibleFrom(it.conversation, me) : it.conversation.lastSeq,
        presentSettings(settings.get(it.conversation.id), it.conversation),
      );
    });
    // Not past what is on disk: the events of a batch not yet durable come in the catch-up afterwards.
    return { cursor: Math.min(cursor, this.committer.durablePosition), conversations };
  }

  async get(userId: string, conversationId: string): Promise<ConversationView> {
    const r = this.storage.reader;
    const c = await r.messaging.conversationById(conversationId);
    const members = c ? await r.messaging.membersOf(conversationId) : [];
    const me = requireActiveRow(members.find((m) => m.userId === userId));
    if (!c) throw new AppError('conversation_not_found');
    return presentConversation(
      c,
      members,
      await this.usersMap(members.map((m) => m.userId)),
      await this.lastWithReactions(
        c.lastSeq > visibleFrom(c, me) ? await lastVisibleMessageView(r, c.id, userId, visibleFrom(c, me)) : null,
      ),
      await r.messaging.unreadCount(conversationId, userId, Math.max(me.readSeq, visibleFrom(c, me))),
      visibleFrom(c, me),
      presentSettings(await r.messaging.settingsOf(conversationId, userId), c),
    );
  }

  private async lastWithReactions(last: MessageView | null): Promise<MessageView | null> {
    return last ? ((await withReactions(this.storage.reader, [last]))[0] ?? last) : null;
  }

  /**
   * The one-to-one conversation of two people, created the first time. `inSameJob` runs in the same
   * transaction once it exists, with its last message's seq (0: none yet).
   */
  /**
   * A person's one-to-one conversation with a page, as a step of a flow's job (flows/orders.ts: the
   * page's first message to a customer, an order's receipt, creates it): its id, created the first time.
   * The person is its creator, as when they open it; the page-scoped id must already exist (it is how the
   * page named them).
   */
  async directWithPageIn(uow: UnitOfWork, personId: string, pageId: string): Promise<string> {
    const existing = await uow.tx.messaging.directConversationId(directKeyOf(personId, pageId));
    if (existing) return existing;
    const c = this.newConversation(uow, 'direct', null, directKeyOf(personId, pageId), personId, 'full');
    await this.create(uow, c, [
      { userId: personId, role: 'member' },
      { userId: pageId, role: 'member' },
    ]);
    return c.id;
  }

  async startDirect(
    userId: string,
    otherId: string,
    inSameJob?: (uow: UnitOfWork, conversation: { id: string; lastSeq: number }) => Promise<void>,
  ): Promise<{ conversation: ConversationView; created: boolean }> {
    if (otherId === userId) throw new AppError('bad_request', 'Start a conversation with someone else');
    const other = await this.storage.reader.accounts.userById(otherId);
    if (!other) throw new AppError('user_not_found');
    if (other.deletedAt != null) throw new AppError('account_deleted');
    const directKey = directKeyOf(userId, otherId);
    const result = await this.committer.run(async (uow) => {
      // Someone the other person blocks cannot start a conversation with them, nor open theirs again.
      await this.directStarts?.checkStartIn(uow, userId, otherId);
      // With a page (whichever route opened it): the page knows the person by an id of its own.
      if (other.kind === 'page' && this.pagePeers) await this.pagePeers.meetIn(uow, userId, otherId);
      const existing = await uow.tx.messaging.conversationByDirectKey(directKey);
      if (existing) {
        await inSameJob?.(uow, { id: existing.id, lastSeq: existing.lastSeq });
        return { id: existing.id, created: false };
      }
      const c = this.newConversation(uow, 'direct', null, directKey, userId, 'full');
      // Opening a conversation with a person tells them nothing: they meet it with its first message
      // (announceFirstMessageIn). A page's people see every thread of the page at once.
      await this.create(
        uow,
        c,
        [
          { userId, role: 'member' },
          { userId: otherId, role: 'member' },
        ],
        other.kind === 'page' ? undefined : [userId],
      );
      await inSameJob?.(uow, { id: c.id, lastSeq: 0 });
      return { id: c.id, created: true };
    });
    return { conversation: await this.get(userId, result.id), created: result.created };
  }

  async createGroup(
    userId: string,
    title: string,
    memberIds: readonly string[],
    history: HistoryVisibility = 'joined',
  ): Promise<ConversationView> {
    const others = [...new Set(memberIds)].filter((id) => id !== userId);
    if (others.length + 1 > limits.groupMembers.max) throw new AppError('member_limit');
    await this.requireUsers(others);
    const id = await this.quotas.spend(
      userId,
      others.length,
      () =>
        this.committer.run(async (uow) => {
          const c = this.newConversation(uow, 'group', title, null, userId, history);
          await this.create(
            uow,
            c,
            [{ userId, role: 'admin' }, ...others.map((o) => ({ userId: o, role: 'member' as const }))],
            undefined,
            async () => [await this.recordActivity(uow, c.id, 0, { kind: 'created', actorId: userId, title })],
          );
          return c.id;
        }),
      true,
    );
    return this.get(userId, id);
  }

  /** A group's title or history setting (admins). */
  async update(
    userId: string,
    conversationId: string,
    change: { title?: string | undefined; history?: HistoryVisibility | undefined },
  ): Promise<ConversationView> {
    await this.committer.run(async (uow) => {
      const state = requireMember(await this.states.load(uow.tx, conversationId), userId);
      requireAdmin(state, userId);
      const c = await uow.tx.messaging.conversationById(conversationId);
      if (!c) throw new AppError('conversation_not_found');
      const title = change.title ?? c.title;
      const history = change.history ?? c.history;
      if (title === c.title && history === c.history) return;
      if (title !== c.title && title !== null) await uow.tx.messaging.updateConversationTitle(conversationId, title);
      if (history !== c.history) await uow.tx.messaging.setConversationHistory(conversationId, history);
      state.history = history;
      const activity: ActivityView[] = [];
      if (title !== c.title && title !== null)
        activity.push(
          await this.recordActivity(uow, conversationId, state.lastSeq, { kind: 'renamed', actorId: userId, title }),
        );
      if (history !== c.history)
        activity.push(
          await this.recordActivity(uow, conversationId, state.lastSeq, { kind: 'history', actorId: userId, history }),
        );
      await uow.emit({
        event: { type: 'conversation.updated', conversationId, title, history, by: userId, activity },
        scope: { conversationId },
        audience: [...state.members.keys()],
      });
    });
    return this.get(userId, conversationId);
  }

  /**
   * Any member of a group may add people, but only an admin may add back someone an admin removed. The
   * newcomers see the conversation from then on, and its earlier messages only if its history is `full`.
   */
  async addMembers(userId: string, conversationId: string, userIds: readonly string[]): Promise<ConversationView> {
    const wanted = [...new Set(userIds)];
    await this.requireUsers(wanted);
    await this.quotas.spend(userId, wanted.length, () =>
      this.committer.run(async (uow) => {
        const state = requireMember(await this.states.load(uow.tx, conversationId), userId);
        requireGroup(state);
        const added = wanted.filter((id) => !state.members.has(id));
        if (added.length === 0) return;
        if (added.some((id) => state.former.get(id) === 'removed')) requireAdmin(state, userId);
        if (state.members.size + added.length > limits.groupMembers.max) throw new AppError('member_limit');
        const users = await this.usersMap(added, uow);
        if (users.size !== added.length) throw new AppError('user_not_found');
        const before = [...state.members.keys()];
        const from = state.history === 'joined' ? state.lastSeq : 0;
        const lines: ActivityView[] = [];
        for (const id of added) {
          const u = users.get(id) as UserRecord;
          await uow.tx.messaging.upsertMember(
            this.memberRow(conversationId, id, 'member', state.lastSeq, from, uow.now),
          );
          const line = await this.recordActivity(uow, conversationId, state.lastSeq, {
            kind: 'added',
            actorId: userId,
            targetId: id,
          });
          lines.push(line);
          await uow.emit({
            event: {
              type: 'member.added',
              conversationId,
              user: presentUser(u),
              role: 'member',
              by: userId,
              activity: [line],
            },
            scope: { conversationId },
            audience: before,
          });
        }
        for (const id of added) {
          state.members.set(id, 'member');
          state.visibleFrom.set(id, from);
          state.former.delete(id);
        }
        await this.announceJoin(uow, conversationId, added, from, undefined, lines);
      }),
    );
    return this.get(userId, conversationId);
  }

  /** Removes someone (admins), or leaves (anyone, `targetId` = yourself). */
  async removeMember(userId: string, conversationId: string, targetId: string): Promise<void> {
    await this.committer.run((uow) => this.removeIn(uow, userId, conversationId, targetId));
  }

  /**
   * The messaging step of an account deletion (flows/account-deletion.ts), in its job: the person leaves
   * every group they are in (`member.removed`, reason `left`; an heir admin named as on leaving). Their
   * one-to-one conversations stay, for the other person, read-only (accounts' checkReachable refuses
   * a message to a deleted account). Answers the groups left.
   */
  async leaveAllGroupsIn(uow: UnitOfWork, userId: string): Promise<string[]> {
    const left: string[] = [];
    for (const conversationId of await uow.tx.messaging.conversationIdsOfUser(userId)) {
      const state = await this.states.load(uow.tx, conversationId);
      if (state?.kind !== 'group') continue;
      await this.removeIn(uow, userId, conversationId, userId);
      left.push(conversationId);
    }
    return left;
  }

  private async removeIn(uow: UnitOfWork, userId: string, conversationId: string, targetId: string): Promise<void> {
    const state = requireMember(await this.states.load(uow.tx, conversationId), userId);
    requireGroup(state);
    const leaving = targetId === userId;
    if (!leaving) requireAdmin(state, userId);
    if (!state.members.has(targetId)) throw new AppError('user_not_found', 'This person is not a member');
    const audience = [...state.members.keys()];
    await uow.tx.messaging.deactivateMember(conversationId, targetId, !leaving);
    // One's own settings of it (mute, pin, archive) go with the membership.
    await uow.tx.messaging.deleteSettings(conversationId, targetId);
    const line = await this.recordActivity(uow, conversationId, state.lastSeq, {
      kind: leaving ? 'left' : 'removed',
      actorId: userId,
      targetId,
    });
    const pos = await uow.emit({
      event: {
        type: 'member.removed',
        conversationId,
        userId: targetId,
        by: userId,
        reason: leaving ? 'left' : 'removed',
        activity: [line],
      },
      scope: { conversationId },
      audience,
    });
    await uow.tx.events.closePeriod(conversationId, targetId, pos);
    const wasAdmin = state.members.get(targetId) === 'admin';
    state.members.delete(targetId);
    state.visibleFrom.delete(targetId);
    state.former.set(targetId, leaving ? 'left' : 'removed');
    // A group keeps an admin while it has members: the longest-standing member takes over.
    if (wasAdmin && state.members.size > 0 && ![...state.members.values()].includes('admin')) {
      const rows = (await uow.tx.messaging.membersOf(conversationId)).filter((m) => m.active);
      const heir = rows[0];
      if (heir) {
        await uow.tx.messaging.setMemberRole(conversationId, heir.userId, 'admin');
        state.members.set(heir.userId, 'admin');
        const promoted = await this.recordActivity(uow, conversationId, state.lastSeq, {
          kind: 'admin',
          actorId: targetId,
          targetId: heir.userId,
        });
        await uow.emit({
          event: {
            type: 'member.role_changed',
            conversationId,
            userId: heir.userId,
            role: 'admin',
            activity: [promoted],
          },
          scope: { conversationId },
          audience: [...state.members.keys()],
        });
      }
    }
  }

  /** A group's activity line, stored in the job that made the change, after its latest message. */
  private async recordActivity(
    uow: UnitOfWork,
    conversationId: string,
    afterSeq: number,
    what: { kind: ActivityKind; actorId: string; targetId?: string; title?: string; history?: HistoryVisibility },
  ): Promise<ActivityView> {
    const at = Math.max(uow.now, this.lastActivityAt + 1);
    this.lastActivityAt = at;
    const record: ActivityRecord = {
      id: newId(at),
      conversationId,
      afterSeq,
      at,
      kind: what.kind,
      actorId: what.actorId,
      targetId: what.targetId ?? null,
      title: what.title ?? null,
      history: what.history ?? null,
    };
    await uow.tx.messaging.insertActivity(record);
    return presentActivity(record);
  }

  private newConversation(
    uow: UnitOfWork,
    kind: 'direct' | 'group',
    title: string | null,
    directKey: string | null,
    createdBy: string,
    history: HistoryVisibility,
  ): ConversationRecord {
    return {
      id: newId(uow.now),
      kind,
      title,
      directKey,
      createdBy,
      createdAt: uow.now,
      lastActivityAt: uow.now,
      lastSeq: 0,
      history,
    };
  }

  private memberRow(
    conversationId: string,
    userId: string,
    role: MemberRole,
    seq: number,
    visibleFromSeq: number,
    now: number,
  ): MemberRecord {
    return {
      conversationId,
      userId,
      role,
      deliveredSeq: seq,
      readSeq: seq,
      joinedAt: now,
      active: true,
      visibleFromSeq,
      removed: false,
    };
  }

  /** `announced`: who is told now (all the members unless given). */
  private async create(
    uow: UnitOfWork,
    c: ConversationRecord,
    members: { userId: string; role: MemberRole }[],
    announced?: readonly string[],
    /** Its first activity lines (a group's "created"), once the conversation exists. */
    firstLines?: () => Promise<ActivityView[]>,
  ) {
    await uow.tx.messaging.insertConversation(c);
    const activity = await firstLines?.();
    for (const m of members) await uow.tx.messaging.upsertMember(this.memberRow(c.id, m.userId, m.role, 0, 0, uow.now));
    this.states.forget(c.id);
    await this.announceJoin(uow, c.id, announced ?? members.map((m) => m.userId), 0, announced, activity);
  }

  /**
   * The messaging step of a profile change (flows/display-name.ts): everyone who shares a conversation
   * with the person sees their new profile — `user.updated` in each of their conversations, to its active
   * members.
   */
  async announceProfileIn(uow: UnitOfWork, user: UserView): Promise<void> {
    for (const conversationId of await uow.tx.messaging.conversationIdsOfUser(user.id)) {
      const members = await uow.tx.messaging.membersOf(conversationId);
      await uow.emit({
        event: { type: 'user.updated', conversationId, user },
        scope: { conversationId },
        audience: members.filter((m) => m.active).map((m) => m.userId),
      });
    }
  }

  /**
   * Tells everyone in the conversation — its newcomers first of all — what it now is: one event with one
   * snapshot, however many joined (a group of 256 writes one snapshot, not 256 copies of its member
   * list), and each newcomer's view of the conversation's events starts there. The snapshot carries no
   * message: newcomers load what they may read over HTTP.
   */
  private async announceJoin(
    uow: UnitOfWork,
    conversationId: string,
    userIds: readonly string[],
    visibleFromSeq: number,
    audience?: readonly string[],
    activity?: ActivityView[],
  ) {
    await announceJoinIn(uow, conversationId, userIds, visibleFromSeq, audience, activity);
  }

  private async requireUsers(ids: readonly string[]) {
    if (ids.length === 0) return;
    const found = await this.storage.reader.accounts.usersByIds(ids);
    if (found.length !== ids.length) {
      const known = new Set(found.map((u) => u.id));
      throw new AppError('user_not_found', undefined, { missing: ids.filter((id) => !known.has(id)) });
    }
    const deleted = found.filter((u) => u.deletedAt != null).map((u) => u.id);
    if (deleted.length > 0) throw new AppError('account_deleted', undefined, { userIds: deleted });
    // A page talks with people one to one (its conversations); it is never added to a group.
    const pages = found.filter((u) => u.kind === 'page').map((u) => u.id);
    if (pages.length > 0) throw new AppError('not_a_person', undefined, { userIds: pages });
  }

  private async usersMap(ids: readonly string[], uow?: UnitOfWork): Promise<Map<string, UserRecord>> {
    const rows = await (uow ? uow.tx : this.storage.reader).accounts.usersByIds(ids);
    return new Map(rows.map((u) => [u.id, u]));
  }
}

/**
 * A one-to-one conversation someone else opened and nobody wrote in yet: not the viewer's until its first
 * message (docs/PROTOCOL.md, `POST /api/conversations/direct`).
 */
export function awaitsFirstMessage(c: { kind: string; lastSeq: number; createdBy: string }, userId: string): boolean {
  return c.kind === 'direct' && c.lastSeq === 0 && c.createdBy !== userId;
}

/**
 * Tells the conversation's members (`audience`: its active members unless given) that `userIds` joined,
 * with one snapshot of it, and opens their view of its events there (ConversationsService.announceJoin).
 */
export async function announceJoinIn(
  uow: UnitOfWork,
  conversationId: string,
  userIds: readonly string[],
  visibleFromSeq: number,
  audience?: readonly string[],
  /** The group's activity lines this made (created; people added). */
  activity?: ActivityView[],
): Promise<void> {
  const c = await uow.tx.messaging.conversationById(conversationId);
  if (!c) throw new AppError('conversation_not_found');
  const members = await uow.tx.messaging.membersOf(conversationId);
  const users = new Map(
    (await uow.tx.accounts.usersByIds(members.map((m) => m.userId))).map((u): [string, UserRecord] => [u.id, u]),
  );
  // Former members as the newcomers may see them (members already there know them).
  const conversation = presentConversation(c, members, users, null, 0, visibleFromSeq);
  const pos = await uow.emit({
    event: {
      type: 'conversation.joined',
      conversationId,
      conversation,
      userIds: [...userIds],
      ...(activity?.length ? { activity } : {}),
    },
    scope: { conversationId },
    audience: audience ? [...audience] : members.filter((m) => m.active).map((m) => m.userId),
  });
  for (const userId of userIds) await uow.tx.events.openPeriod(conversationId, userId, pos, visibleFromSeq);
}

/**
 * The first message of a one-to-one conversation between people, in its job and before its event: the
 * members its opener did not announce it to (startDirect) meet it now — `conversation.joined` naming them,
 * to every member, their view of its events starting there.
 */
export async function announceFirstMessageIn(
  uow: UnitOfWork,
  conversationId: string,
  createdBy: string,
  memberIds: readonly string[],
): Promise<void> {
  const others = memberIds.filter((id) => id !== createdBy);
  if (others.length === 0) return;
  // A page was told when the conversation was opened (its people see every thread of the page).
  const people = (await uow.tx.accounts.usersByIds(others)).filter((u) => u.kind !== 'page').map((u) => u.id);
  if (people.length > 0) await announceJoinIn(uow, conversationId, people, 0);
}
