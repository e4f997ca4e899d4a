import { presentUser } from '../accounts/presenter.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { AuthContext } from '../accounts/sessions.ts';
import type { UserRecord } from '../accounts/store.ts';
import type { ConversationsService } from '../messaging/conversations.ts';
import type { Committer } from '../storage/commit.ts';

/**
 * A person changes their display name → their own devices and everyone who shares a conversation with
 * them see it, live and in catch-up. Accounts owns the person; messaging knows who shares a conversation
 * with whom: the flow runs both steps in one job, so the change and every announcement commit together.
 */
export class DisplayNameFlow {
  constructor(
    private readonly committer: Committer,
    private readonly accounts: AccountsService,
    private readonly conversations: ConversationsService,
  ) {}

  async run(auth: AuthContext, displayName: string): Promise<UserRecord> {
    const userId = auth.user.id;
    if (displayName === auth.user.displayName) return auth.user;
    this.accounts.takeProfileChange(userId);
    const updated = await this.committer.run(async (uow) => {
      const user = await this.accounts.renameIn(uow, userId, displayName);
      await this.conversations.announceProfileIn(uow, presentUser(user));
      return user;
    });
    this.accounts.sessions.userChanged(updated);
    return updated;
  }
}
