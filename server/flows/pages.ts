import type { CreatePageBody } from '../../protocol/schemas.ts';
import type { ConversationView, PageView } from '../../protocol/views.ts';
import { presentUser } from '../accounts/presenter.ts';
import type { AccountsService } from '../accounts/service.ts';
import { newId } from '../lib/ids.ts';
import type { ConversationsService } from '../messaging/conversations.ts';
import type { PagesService } from '../pages/service.ts';
import { checkRef, type Referrals } from '../platform/referrals.ts';
import type { Committer } from '../storage/commit.ts';

/**
 * What business pages do across domains, each read top to bottom:
 * - a person creates a page → the account it speaks through (accounts), the page and its first admin (pages);
 * - an admin renames it → its account's name, seen in every conversation the page has (messaging);
 * - a person opens their conversation with a page → the one conversation between the person and the page's
 *   account (messaging), the same every time, and in the same job the id the page knows them by (pages,
 *   through messaging's PagePeers port — whichever route opens it); through the page's short link with a
 *   `ref`, in the same job, what the page's apps learn of it (platform/referrals.ts).
 */
export class PageFlows {
  constructor(
    private readonly committer: Committer,
    private readonly accounts: AccountsService,
    private readonly pages: PagesService,
    private readonly conversations: ConversationsService,
    private readonly referrals: Referrals,
  ) {}

  async create(ownerId: string, body: CreatePageBody): Promise<PageView> {
    this.pages.takeCreation(ownerId);
    const id = newId();
    await this.committer.run(async (uow) => {
      await this.accounts.createPageAccountIn(uow, { id, username: body.username, name: body.name });
      await this.pages.createIn(uow, id, body, ownerId);
    });
    return this.pages.get(id);
  }

  async update(userId: string, pageId: string, change: { name?: string; description?: string }): Promise<PageView> {
    const page = await this.pages.requirePage(pageId);
    await this.committer.run(async (uow) => {
      await this.pages.requireRoleIn(uow, pageId, userId, 'admin');
      if (change.description !== undefined && change.description !== page.description) {
        await this.pages.updateDescriptionIn(uow, userId, pageId, change.description);
      }
      if (change.name !== undefined && change.name !== page.name) {
        const account = await this.accounts.renameIn(uow, pageId, change.name);
        await this.conversations.announceProfileIn(uow, presentUser(account));
      }
    });
    return this.pages.get(pageId);
  }

  async openConversation(
    userId: string,
    pageId: string,
    ref?: string,
  ): Promise<{ conversation: ConversationView; created: boolean }> {
    // A short link's ref is checked before anything is stored.
    if (ref !== undefined) checkRef(ref);
    await this.pages.requirePage(pageId);
    // The conversation and the page-scoped id are made in one job (ConversationsService's PagePeers), and
    // with them what the page's apps learn of the ref: a referral now, or one the Get Started tap carries.
    return this.conversations.startDirect(
      userId,
      pageId,
      ref === undefined ? undefined : (uow, c) => this.referrals.openedIn(uow, pageId, userId, c, ref),
    );
  }
}
