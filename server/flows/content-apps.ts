import type {
  ComposeQuery,
  ComposeResultsQuery,
  ComposeResultsResponse,
  ComposeSendBody,
} from '../../protocol/compose.ts';
import type { MessageView } from '../../protocol/views.ts';
import type { ComposeExtensions } from '../compose/extensions.ts';
import type { Preview, Previews } from '../compose/previews.ts';
import type { AppQueries, Question } from '../compose/query.ts';
import type { ContentAppsApi } from '../compose/routes.ts';
import type { ComposeExtensionRecord } from '../compose/store.ts';
import { AppError } from '../errors.ts';
import type { MediaService } from '../media/types.ts';
import type { MessageMedia, MessagesService } from '../messaging/messages.ts';
import { messageView } from '../messaging/views.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';

type ReplyContext = NonNullable<ComposeQuery['context']>['replyTo'];

/**
 * Content apps across domains (docs/PLATFORM.md, "Content apps"), each path read top to bottom:
 *
 * - **Search**: the person enabled the app (compose) → the message they answer, if any, is one they may
 *   read (messaging), its first attachment a link the app may read for a while (media) → the app's answer
 *   (kept, or asked: compose/query.ts) → each preview a link through Comptoir for this person only.
 * - **Send**: a retried client id answers its message at once → the person is in the conversation → the
 *   result is one the app returned to this person for that search (its kept answer, or the app asked
 *   again) → its media fetched server-side and stored (media: SSRF-safe, the pipeline, owned by the person
 *   with the app named) → sent by messaging with the media and `via` (the app as named now). The message
 *   depends on the app no more: its bytes are Comptoir's. An upload that no message took (not media, the
 *   send refused) is deleted at once: nothing is left half-stored.
 */
export class ContentApps implements ContentAppsApi {
  constructor(
    private readonly storage: Storage,
    private readonly extensions: ComposeExtensions,
    private readonly queries: AppQueries,
    private readonly previews: Previews,
    private readonly media: Pick<MediaService, 'uploadFromUrl' | 'signedUrl'> & Pick<MessageMedia, 'releaseIn'>,
    private readonly messages: Pick<MessagesService, 'send' | 'readableFrom'>,
    private readonly committer: Committer,
  ) {}

  async results(
    userId: string,
    appId: string,
    q: ComposeResultsQuery & { locale: string },
    origin: string,
  ): Promise<ComposeResultsResponse> {
    const extension = await this.extensions.enabledFor(userId, appId);
    const answer = await this.queries.ask(userId, extension, await this.question(userId, q, origin));
    return {
      results: answer.results.map((r) => ({
        id: r.id,
        type: r.type,
        previewUrl: this.previews.link(userId, appId, r.previewUrl),
        width: r.width ?? null,
        height: r.height ?? null,
        durationMs: r.durationMs ?? null,
        title: r.title ?? null,
      })),
      nextOffset: answer.nextOffset,
    };
  }

  async preview(userId: string, appId: string, token: string): Promise<Preview> {
    // An app disabled since (or removed) shows nothing more, even to links handed out before.
    await this.extensions.enabledFor(userId, appId);
    return this.previews.open(userId, appId, token);
  }

  async send(
    userId: string,
    appId: string,
    body: ComposeSendBody & { locale: string },
    origin: string,
  ): Promise<{ message: MessageView; created: boolean }> {
    const extension = await this.extensions.enabledFor(userId, appId);
    const reader = this.storage.reader;
    // A retry of a send that went through answers its message: the app is not asked, nothing is fetched again.
    const previous = await reader.messaging.messageByClientId(userId, body.clientId);
    if (previous) {
      if (previous.conversationId !== body.conversationId) throw new AppError('client_id_conflict');
      return { message: await messageView(reader, previous), created: false };
    }
    await this.messages.readableFrom(userId, body.conversationId);
    const result = await this.result(userId, extension, body, origin);
    const media = await this.media.uploadFromUrl({ ownerId: userId, appId, url: result.url });
    try {
      if (media.kind === 'file') {
        throw new AppError(
          'app_query_failed',
          `${extension.name} returned a result that is not media (${media.mime})`,
          {
            reason: 'not_media',
            mime: media.mime,
          },
        );
      }
      const sent = await this.messages.send(userId, {
        conversationId: body.conversationId,
        clientId: body.clientId,
        text: '',
        mediaIds: [media.id],
        content: { via: { appId, name: extension.name } },
        replyToId: body.replyTo,
      });
      // The same client id sent at once: the first send's message stands, this upload was not used.
      if (!sent.created) await this.discard(media.id);
      return { message: sent.message, created: sent.created };
    } catch (e) {
      await this.discard(media.id);
      throw e;
    }
  }

  /** An upload no message took: deleted now, rather than left for the sweeper of unsent uploads. */
  private async discard(mediaId: string) {
    await this.committer
      .run((uow) => this.media.releaseIn(uow, [mediaId]))
      .catch(() => {
        // The sweeper deletes it within MEDIA's unsent delay: nothing is lost by failing here.
      });
  }

  /** The result the app returned to this person for this search: from its kept answer, or the app asked again. */
  private async result(
    userId: string,
    extension: ComposeExtensionRecord,
    body: ComposeSendBody & { locale: string },
    origin: string,
  ) {
    const question = await this.question(
      userId,
      { q: body.q, offset: body.offset, replyTo: body.replyTo, locale: body.locale },
      origin,
    );
    const answer = await this.queries.ask(userId, extension, question);
    const result = answer.results.find((r) => r.id === body.resultId);
    if (!result) throw new AppError('app_result_not_found');
    return result;
  }

  /** The question as the app is asked it: with the replied message's context, checked readable by the person. */
  private async question(
    userId: string,
    q: { q: string; offset?: string | undefined; replyTo?: string | undefined; locale: string },
    origin: string,
  ): Promise<Question> {
    const question: Question = { query: q.q, locale: q.locale, offset: q.offset ?? '', replyTo: null };
    if (q.replyTo === undefined) return question;
    const m = await this.storage.reader.messaging.messageById(q.replyTo);
    const notFound = () => new AppError('message_not_found', 'replyTo: no such message in your conversations');
    if (!m || m.deletedAt !== null) throw notFound();
    let from: number;
    try {
      from = await this.messages.readableFrom(userId, m.conversationId);
    } catch (e) {
      // Someone who is not (or no longer) in its conversation learns nothing of the message.
      if (e instanceof AppError && (e.id === 'conversation_not_found' || e.id === 'not_member')) throw notFound();
      throw e;
    }
    if (m.seq <= from) throw notFound();
    const first = m.content?.media?.[0];
    const via = m.content?.via;
    question.replyTo = {
      messageId: m.id,
      context: async () => {
        const context: ReplyContext = { messageId: m.id };
        if (first)
          context.attachment = {
            kind: first.kind,
            mime: first.mime,
            url: this.media.signedUrl(first.id, 'original', origin),
          };
        if (via) context.via = { appId: via.appId };
        return context;
      },
    };
    return question;
  }
}
