import type { UserView } from '../../protocol/views.ts';
import { presentUser } from '../accounts/presenter.ts';
import type { AccountsService, AuthContext } from '../accounts/service.ts';
import type { AppsService } from '../apps/service.ts';
import { AppError } from '../errors.ts';
import type { Media } from '../media/service.ts';
import type { ConversationsService } from '../messaging/conversations.ts';
import type { PagesService } from '../pages/service.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';

/** The events of the log that carry a person's profile (a UserView): those rewritten on deletion. */
export const PROFILE_EVENT_TYPES = [
  'conversation.joined',
  'member.added',
  'user.updated',
  'inbox.thread_updated',
  'inbox.note_created',
] as const;

/** Events read per round while rewriting (one transaction: the job's). */
const PER_ROUND = 500;

/**
 * A person deletes their account (DELETE /api/me, `comptoir users delete`). Every domain's step runs in
 * one job — all of it commits, or nothing:
 * 1. pages: refused at once (`last_page_admin`, naming the page) when they are the last admin of a page;
 *    otherwise they stop helping run every page;
 * 2. apps: every developer app they own stops (page tokens revoked, webhooks removed);
 * 3. accounts: sessions revoked (sockets closed), devices forgotten, the row erased to a tombstone
 *    (no name, no username, no password, no photo: accounts/store.ts eraseUser);
 * 4. media: their profile photo deleted (its bytes after commit);
 * 5. messaging: everyone who shares a conversation with them is told (`user.updated`: "Deleted account"),
 *    then they leave every group; one-to-one conversations stay for the other person, read-only. Their
 *    messages remain, signed by the tombstone;
 * 6. the event log: every earlier copy of their profile (conversation snapshots, member.added,
 *    user.updated, the business inbox's threads and notes) is rewritten to the tombstone, as erase.ts does
 *    for edited messages — a replay from cursor 0 shows their name nowhere.
 */
export class AccountDeletionFlow {
  constructor(
    private readonly committer: Committer,
    private readonly accounts: AccountsService,
    private readonly conversations: ConversationsService,
    private readonly pages: PagesService,
    private readonly apps: AppsService,
    private readonly media: Media,
  ) {}

  /** The person's own request: their password again first (within the sign-in limits: `wrong_password`). */
  async run(auth: AuthContext, password: string, ip: string | null): Promise<void> {
    await this.accounts.reauthenticate(auth, password, ip);
    await this.delete(auth.user.id);
  }

  /** Deletes the account (the CLI's `users delete`, for an operator: no password asked). */
  async delete(userId: string): Promise<void> {
    await this.committer.run((uow) => this.deleteIn(uow, userId));
    this.accounts.noteDeleted(userId);
  }

  private async deleteIn(uow: UnitOfWork, userId: string): Promise<void> {
    const { tx } = uow;
    const before = await tx.accounts.userById(userId);
    if (!before) throw new AppError('user_not_found');
    if (before.deletedAt != null) throw new AppError('account_deleted');
    // A page's account is not a person's: it goes with its page, never on its own.
    if (before.kind === 'page') throw new AppError('not_a_person');
    // Checks before writes: the last-admin refusal costs nothing written.
    const pageIds = await this.pages.leaveAllIn(uow, userId);
    await this.apps.retireAllOfOwnerIn(uow, userId);
    const erased = await this.accounts.eraseIn(uow, userId);
    if (before.avatarMediaId) await this.media.releaseIn(uow, [before.avatarMediaId]);
    const view = presentUser(erased);
    // Told while still a member of their groups, so that everyone in them sees "Deleted account".
    await this.conversations.announceProfileIn(uow, view);
    await this.conversations.leaveAllGroupsIn(uow, userId);
    // The pages whose business inbox knew them: those they helped run, those they wrote to.
    const conversationIds = await tx.messaging.conversationIdsEverOfUser(userId);
    const partners = new Set<string>();
    for (const id of conversationIds) {
      const c = await tx.messaging.conversationById(id);
      if (c?.kind !== 'direct') continue;
      for (const m of await tx.messaging.membersOf(id)) if (m.userId !== userId) partners.add(m.userId);
    }
    const pagePartners = (await tx.accounts.usersByIds([...partners]))
      .filter((u) => u.kind === 'page')
      .map((u) => u.id);
    await rewriteProfileCopies(uow, view, {
      conversationIds,
      userIds: [userId, ...pageIds, ...pagePartners],
    });
  }
}

/**
 * Rewrites, in the job's transaction, every event of the profile-carrying types in these scopes whose
 * payload holds a copy of the person's profile (any object with their id, a username and a display
 * name) to carry `view` instead. Events already showing `view` are left as they are.
 */
export async function rewriteProfileCopies(
  uow: UnitOfWork,
  view: UserView,
  scopes: { conversationIds: readonly string[]; userIds: readonly string[] },
): Promise<number> {
  let after = 0;
  let rewritten = 0;
  for (;;) {
    const batch = await uow.tx.events.eventsOfTypesIn(scopes, PROFILE_EVENT_TYPES, after, PER_ROUND);
    for (const e of batch) {
      if (!e.payload.includes(view.id)) continue;
      const payload = JSON.stringify(replaceProfile(JSON.parse(e.payload), view));
      if (payload === e.payload) continue;
      await uow.tx.events.rewriteEvent(e.pos, payload);
      rewritten++;
    }
    const last = batch[batch.length - 1];
    if (!last || batch.length < PER_ROUND) break;
    after = last.pos;
  }
  return rewritten;
}

const isProfileOf = (value: Record<string, unknown>, id: string) =>
  value.id === id && typeof value.username === 'string' && typeof value.displayName === 'string';

/** `value` with every copy of the person's profile in it replaced by `view` (a new value; `value` untouched). */
export function replaceProfile(value: unknown, view: UserView): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceProfile(v, view));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (isProfileOf(record, view.id)) return { ...view };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = replaceProfile(v, view);
  return out;
}
