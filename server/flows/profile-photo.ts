import { presentUser } from '../accounts/presenter.ts';
import type { AccountsService, AuthContext } from '../accounts/service.ts';
import type { UserRecord } from '../accounts/store.ts';
import type { Media } from '../media/service.ts';
import type { ConversationsService } from '../messaging/conversations.ts';
import type { Committer } from '../storage/commit.ts';

/**
 * A person sets or removes their profile photo → their own devices and everyone who shares a conversation
 * with them see it (`user.updated`), live and in catch-up. Media owns the upload (it becomes an avatar:
 * readable by any signed-in account, never swept, never sent), accounts the person, messaging who shares
 * a conversation with whom: one job, and the photo it replaces is deleted in it (its bytes after commit).
 */
export class ProfilePhotoFlow {
  constructor(
    private readonly committer: Committer,
    private readonly accounts: AccountsService,
    private readonly conversations: ConversationsService,
    private readonly media: Media,
  ) {}

  /** `mediaId`: an image the person uploaded (POST /api/media); null removes the photo. */
  async run(auth: AuthContext, mediaId: string | null): Promise<UserRecord> {
    const userId = auth.user.id;
    this.accounts.takeProfileChange(userId);
    const updated = await this.committer.run(async (uow) => {
      if (mediaId !== null) await this.media.claimAvatarIn(uow, { id: mediaId, ownerId: userId });
      const { user, previous, changed } = await this.accounts.setAvatarIn(uow, userId, mediaId);
      if (!changed) return user;
      if (previous !== null) await this.media.releaseIn(uow, [previous]);
      await this.conversations.announceProfileIn(uow, presentUser(user));
      return user;
    });
    this.accounts.sessions.userChanged(updated);
    return updated;
  }
}
