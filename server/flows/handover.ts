import type { ThreadControlBody } from '../../protocol/schemas.ts';
import {
  type HandoverView,
  PAGE_INBOX_APP_ID,
  type ReceiverView,
  type ThreadControlView,
} from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import type { PagesService } from '../pages/service.ts';
import { type HandoverRefusal, type HandoverService, PAGE_INBOX_NAME } from '../platform/handover.ts';
import type { PageReceivers } from '../platform/store.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';

/**
 * The handover protocol seen by the people who run a page (pages decides who they are, platform what the
 * protocol allows), each read top to bottom:
 * - its members see the page's receivers; its admins choose the primary one;
 * - its members see who owns a conversation, take it into the page's inbox (from whichever app owns it:
 *   the page's people outrank its apps), and pass it from the inbox to an app — the primary receiver
 *   unless they name another. The apps hear of it by webhook (`platform.handover` events).
 */
export class PageHandover {
  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly pages: PagesService,
    private readonly handover: HandoverService,
  ) {}

  async settings(userId: string, pageId: string): Promise<HandoverView> {
    await this.pages.actAs(userId, pageId);
    return presentHandover(await this.handover.receivers(pageId));
  }

  /** An admin chooses the primary receiver (an app connected to the page, or the inbox); null: the default. */
  async setPrimary(userId: string, pageId: string, primaryAppId: string | null): Promise<HandoverView> {
    await this.pages.requirePage(pageId);
    await this.committer.run(async (uow) => {
      await this.pages.requireRoleIn(uow, pageId, userId, 'admin');
      await this.handover.setPrimaryIn(uow, pageId, primaryAppId, userId);
    });
    return presentHandover(await this.handover.receivers(pageId));
  }

  async threadControl(userId: string, pageId: string, conversationId: string): Promise<ThreadControlView> {
    const personId = await this.personOf(userId, pageId, conversationId);
    return this.present(pageId, await this.handover.owner(pageId, personId));
  }

  async act(
    userId: string,
    pageId: string,
    conversationId: string,
    body: ThreadControlBody,
  ): Promise<ThreadControlView> {
    const personId = await this.personOf(userId, pageId, conversationId);
    const metadata = body.metadata ?? null;
    const outcome =
      body.action === 'take'
        ? await this.handover.take(pageId, personId, PAGE_INBOX_APP_ID, metadata)
        : await this.committer.run(async (uow) => {
            const target = body.targetAppId ?? (await uow.tx.platform.receivers(pageId)).primaryAppId;
            return this.handover.passIn(uow, pageId, personId, PAGE_INBOX_APP_ID, target, metadata);
          });
    if (!outcome.ok) throw refusal(outcome.refusal);
    return this.present(pageId, outcome.ownerAppId);
  }

  /** The person of one of the page's conversations, for someone who runs the page. */
  private async personOf(userId: string, pageId: string, conversationId: string): Promise<string> {
    await this.pages.actAs(userId, pageId);
    const c = await this.storage.reader.messaging.conversationById(conversationId);
    const ids = c?.kind === 'direct' ? (c.directKey?.split(':') ?? []) : [];
    const personId = ids.length === 2 && ids.includes(pageId) ? ids.find((id) => id !== pageId) : undefined;
    if (!personId) throw new AppError('conversation_not_found');
    return personId;
  }

  private async present(pageId: string, ownerAppId: string): Promise<ThreadControlView> {
    const receivers = await this.handover.receivers(pageId);
    return { owner: receiverView(receivers, ownerAppId) };
  }
}

function refusal(r: HandoverRefusal): AppError {
  switch (r) {
    case 'not_owner':
      return new AppError('not_thread_owner');
    case 'unknown_app':
    case 'not_receiver':
      return new AppError('app_not_found', 'No app by that id is connected to this page');
    case 'same_app':
      return new AppError('bad_request', 'Invalid request: targetAppId: the inbox controls this conversation already', {
        fields: { targetAppId: 'the inbox controls this conversation already' },
      });
    default:
      // Refusals of an app's take or request: the inbox always may take, and never requests.
      return new AppError('internal', `unexpected handover refusal: ${r}`);
  }
}

function receiverView(receivers: PageReceivers, id: string): ReceiverView {
  const inbox = id === PAGE_INBOX_APP_ID;
  return {
    id,
    name: inbox ? PAGE_INBOX_NAME : (receivers.apps.find((a) => a.id === id)?.name ?? ''),
    inbox,
    role: id === receivers.primaryAppId ? 'primary' : 'secondary',
  };
}

/** The primary receiver first, then the other apps in order of connection, then the inbox if secondary. */
function presentHandover(receivers: PageReceivers): HandoverView {
  const ids = [
    receivers.primaryAppId,
    ...receivers.apps.map((a) => a.id).filter((id) => id !== receivers.primaryAppId),
    ...(receivers.primaryAppId === PAGE_INBOX_APP_ID ? [] : [PAGE_INBOX_APP_ID]),
  ];
  return {
    primaryAppId: receivers.primaryAppId,
    chosen: receivers.chosen,
    receivers: ids.map((id) => receiverView(receivers, id)),
  };
}
