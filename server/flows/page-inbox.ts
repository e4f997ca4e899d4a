import type { MessagesResponse } from '../../protocol/api.ts';
import type { ConversationView, MessageView } from '../../protocol/views.ts';
import type { ConversationsService } from '../messaging/conversations.ts';
import type { MessagesService, SendInput } from '../messaging/messages.ts';
import { type TapFields, tapOf } from '../messaging/taps.ts';
import type { PagesService } from '../pages/service.ts';

/**
 * A page's inbox: the people who run a page read and answer its conversations *as the page* — its
 * account is the other member of each — after pages says they may (`actAs`, on every request). The same
 * holds on a socket opened with `/ws?page=…` (realtime/upgrade.ts), where the messaging frames act as the
 * page. The page's account is a member of nothing else: it never starts a conversation nor joins a group.
 */
export class PageInbox {
  constructor(
    private readonly pages: PagesService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
  ) {}

  async list(userId: string, pageId: string): Promise<{ cursor: number; conversations: ConversationView[] }> {
    return this.conversations.list(await this.pages.actAs(userId, pageId));
  }

  async get(userId: string, pageId: string, conversationId: string): Promise<ConversationView> {
    return this.conversations.get(await this.pages.actAs(userId, pageId), conversationId);
  }

  async history(
    userId: string,
    pageId: string,
    conversationId: string,
    before: number | undefined,
    limit: number,
  ): Promise<MessagesResponse> {
    return this.messages.history(await this.pages.actAs(userId, pageId), conversationId, before, limit);
  }

  /** A tap sent as the page is refused (`not_a_person`): the page offers them, its people tap them. */
  async send(
    userId: string,
    pageId: string,
    input: Omit<SendInput, 'tap'> & TapFields,
  ): Promise<{ message: MessageView; created: boolean }> {
    const { quickReply, postback, ...rest } = input;
    const r = await this.messages.send(await this.pages.actAs(userId, pageId), {
      ...rest,
      tap: tapOf({ quickReply, postback }),
      // The person behind the page's answer: the business inbox takes it as the thread's response.
      actorId: userId,
    });
    return { message: r.message, created: r.created };
  }

  async receipt(userId: string, pageId: string, conversationId: string, deliveredSeq?: number, readSeq?: number) {
    await this.messages.receipt(await this.pages.actAs(userId, pageId), conversationId, deliveredSeq, readSeq);
  }
}
