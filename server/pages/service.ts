import { randomInt } from 'node:crypto';
import type { CreatePageBody } from '../../protocol/schemas.ts';
import type { PageMemberView, PageRole, PageView } from '../../protocol/views.ts';
import { presentUser } from '../accounts/presenter.ts';
import { AppError } from '../errors.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { presentPage, presentPageMember } from './presenter.ts';
import type { PageMemberRecord, PageRecord, PagesReads } from './store.ts';

export interface PagesOptions {
  /** Pages one account may create per hour. */
  pagesPerHour: number;
}

/** A PSID: 16 decimal digits, the first not 0, as the Messenger Platform's look (bots keep them as strings). */
const drawPsid = (): string =>
  `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;

/**
 * Business pages: who runs them (admins, agents) and the ids a page knows people by. Creating a page and
 * opening a conversation with one span accounts and messaging too: flows/pages.ts runs those, with the
 * steps this service offers (`createIn`, `psidIn`).
 */
export class PagesService {
  private readonly creations: RateLimiter;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    options: PagesOptions,
  ) {
    this.creations = new RateLimiter(options.pagesPerHour, 60 * 60_000);
  }

  /** Takes one creation from the person's hourly budget, or refuses (`rate_limited`). */
  takeCreation(userId: string): void {
    const wait = this.creations.take(userId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
  }

  /** The pages step of creating a page (its account exists already, same id): the page, its first admin. */
  async createIn(uow: UnitOfWork, pageId: string, body: CreatePageBody, ownerId: string): Promise<void> {
    await uow.tx.pages.insertPage({
      id: pageId,
      description: body.description ?? '',
      createdBy: ownerId,
      createdAt: uow.now,
    });
    await uow.tx.pages.upsertPageMember({ pageId, userId: ownerId, role: 'admin', addedBy: ownerId, addedAt: uow.now });
    await this.announceMembershipIn(uow, pageId, ownerId, 'admin');
  }

  /** The id the page knows the person by, made the first time they meet. */
  async psidIn(uow: UnitOfWork, pageId: string, userId: string): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const known = await uow.tx.pages.psidOf(pageId, userId);
      if (known) return known;
      if (await uow.tx.pages.insertPsid(pageId, userId, drawPsid(), uow.now)) {
        const made = await uow.tx.pages.psidOf(pageId, userId);
        if (made) return made;
      }
    }
    throw new AppError('internal', 'Could not draw a page-scoped id');
  }

  async get(pageId: string): Promise<PageView> {
    return presentPage(await this.requirePage(pageId));
  }

  /** The page of that username (already lower-cased), as a list of one; none when no page has it. */
  async byUsername(username: string): Promise<PageView[]> {
    const page = await this.storage.reader.pages.pageByUsername(username);
    return page ? [presentPage(page)] : [];
  }

  async search(query: string, limit: number): Promise<PageView[]> {
    return (await this.storage.reader.pages.searchPages(query, limit)).map(presentPage);
  }

  /** The pages a person helps run. */
  async mine(userId: string): Promise<{ page: PageView; role: PageRole }[]> {
    return (await this.storage.reader.pages.pagesOfUser(userId)).map((x) => ({
      page: presentPage(x.page),
      role: x.role,
    }));
  }

  /** Admins change the description; the name is the page account's (flows/pages.ts renames it). */
  async updateDescriptionIn(uow: UnitOfWork, userId: string, pageId: string, description: string): Promise<void> {
    await this.requireRoleIn(uow, pageId, userId, 'admin');
    await uow.tx.pages.updatePageDescription(pageId, description);
  }

  /** Who runs the page: its members see the list. */
  async members(userId: string, pageId: string): Promise<PageMemberView[]> {
    await this.requirePage(pageId);
    const rows = await this.storage.reader.pages.pageMembers(pageId);
    if (!rows.some((m) => m.userId === userId)) throw new AppError('not_page_member');
    return this.presentMembers(rows);
  }

  /** An admin adds a person (by username) as admin or agent, or changes the role of one already there. */
  async addMember(userId: string, pageId: string, username: string, role: PageRole): Promise<PageMemberView[]> {
    await this.requirePage(pageId);
    const target = await this.storage.reader.accounts.userByUsername(username.trim().toLowerCase());
    if (!target) throw new AppError('user_not_found');
    if (target.kind !== 'person') throw new AppError('not_a_person');
    await this.committer.run(async (uow) => {
      await this.requireRoleIn(uow, pageId, userId, 'admin');
      const existing = await uow.tx.pages.pageMember(pageId, target.id);
      if (existing?.role === role) return;
      if (existing?.role === 'admin') await this.keepAnAdminIn(uow, pageId, target.id);
      await uow.tx.pages.upsertPageMember({
        pageId,
        userId: target.id,
        role,
        addedBy: existing?.addedBy ?? userId,
        addedAt: existing?.addedAt ?? uow.now,
      });
      await this.announceMembershipIn(uow, pageId, target.id, role);
    });
    return this.members(userId, pageId);
  }

  async setRole(userId: string, pageId: string, targetId: string, role: PageRole): Promise<PageMemberView[]> {
    await this.requirePage(pageId);
    await this.committer.run(async (uow) => {
      await this.requireRoleIn(uow, pageId, userId, 'admin');
      const existing = await uow.tx.pages.pageMember(pageId, targetId);
      if (!existing) throw new AppError('user_not_found');
      if (existing.role === role) return;
      if (existing.role === 'admin') await this.keepAnAdminIn(uow, pageId, targetId);
      await uow.tx.pages.upsertPageMember({ ...existing, role });
      await this.announceMembershipIn(uow, pageId, targetId, role);
    });
    return this.members(userId, pageId);
  }

  /** An admin removes someone, or anyone leaves; the last admin can do neither. */
  async removeMember(userId: string, pageId: string, targetId: string): Promise<void> {
    await this.requirePage(pageId);
    await this.committer.run(async (uow) => {
      if (targetId === userId) await this.requireRoleIn(uow, pageId, userId, 'agent');
      else await this.requireRoleIn(uow, pageId, userId, 'admin');
      const existing = await uow.tx.pages.pageMember(pageId, targetId);
      if (!existing) throw new AppError('user_not_found');
      if (existing.role === 'admin') await this.keepAnAdminIn(uow, pageId, targetId);
      await uow.tx.pages.deletePageMember(pageId, targetId);
      await this.announceMembershipIn(uow, pageId, targetId, null);
    });
  }

  /**
   * The pages step of an account deletion (flows/account-deletion.ts), in its job: the person stops
   * helping run every page (each told, `page.membership_changed` role null). Refused first, before any
   * write, when they are the last admin of a page: `last_page_admin` naming it (`details.page`: its id,
   * username and name) — they must make someone else admin, or have the page deleted, first. Answers the
   * pages they left.
   */
  async leaveAllIn(uow: UnitOfWork, userId: string): Promise<string[]> {
    const mine = await uow.tx.pages.pagesOfUser(userId);
    for (const { page, role } of mine) {
      if (role !== 'admin') continue;
      const admins = (await uow.tx.pages.pageMembers(page.id)).filter((m) => m.role === 'admin' && m.userId !== userId);
      if (admins.length === 0) {
        throw new AppError('last_page_admin', `You are the last admin of the page “${page.name}” (@${page.username})`, {
          page: { id: page.id, username: page.username, name: page.name },
        });
      }
    }
    for (const { page } of mine) {
      await uow.tx.pages.deletePageMember(page.id, userId);
      await this.announceMembershipIn(uow, page.id, userId, null);
    }
    return mine.map((m) => m.page.id);
  }

  /**
   * Lets a person act as the page (its inbox, its socket): they must help run it, with either role.
   * Answers the page's account id, which the inbox reads and answers as.
   */
  async actAs(userId: string, pageId: string): Promise<string> {
    const m = await this.storage.reader.pages.pageMember(pageId, userId);
    if (m) return pageId;
    if (!(await this.storage.reader.pages.pageById(pageId))) throw new AppError('page_not_found');
    throw new AppError('not_page_member');
  }

  /** Tells the person their place on the page changed (role null: they no longer run it). */
  private async announceMembershipIn(uow: UnitOfWork, pageId: string, userId: string, role: PageRole | null) {
    const page = await uow.tx.pages.pageById(pageId);
    if (!page) throw new AppError('page_not_found');
    await uow.emit({
      event: { type: 'page.membership_changed', conversationId: null, page: presentPage(page), userId, role },
      scope: { userId },
      audience: [userId],
    });
  }

  /** Throws unless the person runs the page with at least that role (an admin may do what an agent may). */
  requireRoleIn(uow: UnitOfWork, pageId: string, userId: string, role: PageRole): Promise<PageMemberRecord> {
    return requireRoleOf(uow.tx.pages, pageId, userId, role);
  }

  /** The same check outside a transaction, for what only reads (`page_not_found`, `not_page_member`, `not_page_admin`). */
  requireRole(pageId: string, userId: string, role: PageRole): Promise<PageMemberRecord> {
    return requireRoleOf(this.storage.reader.pages, pageId, userId, role);
  }

  async requirePage(pageId: string): Promise<PageRecord> {
    const page = await this.storage.reader.pages.pageById(pageId);
    if (!page) throw new AppError('page_not_found');
    return page;
  }

  /** Refuses to take away the admin role of the page's last admin. */
  private async keepAnAdminIn(uow: UnitOfWork, pageId: string, leavingId: string) {
    const admins = (await uow.tx.pages.pageMembers(pageId)).filter((m) => m.role === 'admin' && m.userId !== leavingId);
    if (admins.length === 0) throw new AppError('last_page_admin');
  }

  private async presentMembers(rows: readonly PageMemberRecord[]): Promise<PageMemberView[]> {
    const users = new Map(
      (await this.storage.reader.accounts.usersByIds(rows.map((m) => m.userId))).map((u) => [u.id, u]),
    );
    return rows.flatMap((m) => {
      const u = users.get(m.userId);
      return u ? [presentPageMember(m, presentUser(u))] : [];
    });
  }
}

async function requireRoleOf(
  pages: PagesReads,
  pageId: string,
  userId: string,
  role: PageRole,
): Promise<PageMemberRecord> {
  const m = await pages.pageMember(pageId, userId);
  if (!m) {
    if (!(await pages.pageById(pageId))) throw new AppError('page_not_found');
    throw new AppError('not_page_member');
  }
  if (role === 'admin' && m.role !== 'admin') throw new AppError('not_page_admin');
  return m;
}
