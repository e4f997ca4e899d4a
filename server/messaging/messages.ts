import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderTrackedView } from '../../protocol/commerce.ts';
import type { MediaRef, MessageContent } from '../../protocol/content.ts';
import type { DomainEvent } from '../../protocol/events.ts';
import { limits } from '../../protocol/limits.ts';
import type { HistoryVisibility, MessageView } from '../../protocol/views.ts';
import { presentUser } from '../accounts/presenter.ts';
import type { Origin } from '../bus/types.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import type { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { announceFirstMessageIn } from './conversations.ts';
import { rewriteEarlierCopies } from './erase.ts';
import { requireActiveRow, requireMember } from './policy.ts';
import { presentActivity, presentMessage, presentMessages } from './presenter.ts';
import { withReactions } from './reactions.ts';
import { type ConversationStates, membersWhoSee, readsFrom } from './state.ts';
import type { MemberRecord, MessageRecord } from './store.ts';
import { checkTap, type PageOffers, type Tap, tapContent } from './taps.ts';
import { messageView, readableActivity, visibleFrom } from './views.ts';

export interface SendInput {
  conversationId: string;
  clientId: string;
  /** May be empty when `content` carries an attachment (a template, media). */
  text: string;
  replyToId?: string | undefined;
  /** What the message carries besides text (pages and bots: protocol/content.ts), already validated. */
  content?: MessageContent | null | undefined;
  /** A person's tap on a page's quick reply or postback button (taps.ts): `text` is its title. */
  tap?: Tap | undefined;
  /**
   * Uploaded media the message carries (`attachmentIds`), in order: claimed in the send's job (the
   * MessageMedia port); with some, `text` is their caption and may be empty.
   */
  mediaIds?: readonly string[] | undefined;
  /**
   * The client id was made by the server for this one call (the Graph API's sends, which carry no
   * idempotency key; an order's updates in its thread): no earlier message can have it, so it is not looked
   * up, nor stored — a message without a client id stays out of the (sender, client id) index, one page
   * fewer written per message (docs/BENCHMARKS.md, bench:commerce, session 8).
   */
  freshClientId?: boolean | undefined;
  /**
   * Who acts for the sender, when it is not the sender itself: the person of a page's inbox answering as
   * the page (flows/page-inbox.ts). Not stored with the message; handed to the ThreadActivity port.
   */
  actorId?: string | undefined;
  /**
   * The caller read the person's standing with the page just before (the Graph API's sends:
   * platform/graph-optin.ts), so the DirectSends port is not asked again in the job — where, on PostgreSQL, a
   * read would send the batch's deferred writes early, for every message of a bot.
   */
  consentChecked?: boolean | undefined;
  /**
   * The change of an order the message announces, made in the same job (a page's shipping update:
   * flows/orders.ts): carried by the message's `message.created` event, never stored with the message.
   */
  orderChange?: OrderTrackedView | undefined;
}

export interface SendResult {
  message: MessageView;
  /** Position of its `message.created` event; null when the clientId had been used (nothing new). */
  pos: number | null;
  created: boolean;
}

/** An edit or delete: the message as it now is, and its event's pos (null when nothing changed). */
export interface ChangeResult {
  message: MessageView;
  pos: number | null;
}

/**
 * What the first message of a one-to-one conversation asks of the platform (a port: app.ts wires
 * platform's Referrals), in its job and before its event: a short link's ref waiting for it is taken —
 * answered, to be stored with the message, when the message is the person's Get Started tap; otherwise
 * recorded on its own, before the message.
 */
export interface FirstMessages {
  firstMessageIn(
    uow: UnitOfWork,
    conversationId: string,
    memberIds: readonly string[],
    senderId: string,
    postbackPayload: string | null,
  ): Promise<MessageContent['referral'] | null>;
}

/**
 * What a one-to-one message asks of the platform before it is written (a port: app.ts wires platform's
 * OptinsService), in its job: a page's message to a person who blocked the page is refused (`page_blocked`).
 */
export interface DirectSends {
  checkSendIn(uow: UnitOfWork, senderId: string, memberIds: Iterable<string>): Promise<void>;
}

/**
 * Every new message of a one-to-one conversation, in its job, after it is recorded (a port: app.ts wires
 * the business inbox's flow, which keeps the state of a page's threads — a customer's message reopens
 * one, the first answer of the page's people stops its timer — in the same transaction).
 */
export interface ThreadActivity {
  directMessageIn(
    uow: UnitOfWork,
    message: {
      conversationId: string;
      memberIds: readonly string[];
      senderId: string;
      actorId: string | null;
      /** The payload of the person's quick reply tap, if the message is one. */
      quickReplyPayload: string | null;
    },
  ): Promise<void>;
}

/**
 * What a message's uploaded media ask of the media domain (a port: app.ts wires media/service.ts), in the
 * send's or the delete's job: the sender's uploads become the message's (checked, then bound to the
 * conversation; `media_not_found` for anything not theirs to send), and a deleted message's are deleted.
 */
export interface MessageMedia {
  claimIn(
    uow: UnitOfWork,
    input: { ids: readonly string[]; ownerId: string; conversationId: string; actorId: string | null },
  ): Promise<MediaRef[]>;
  releaseIn(uow: UnitOfWork, ids: readonly string[]): Promise<void>;
  /** A forward's copies of a message's media, in the target conversation (forward.ts). */
  copyIn(
    uow: UnitOfWork,
    input: { refs: readonly MediaRef[]; ownerId: string; conversationId: string },
  ): Promise<MediaRef[]>;
}

/** Attachments on one message: checked before the job (the media port checks again in it). */
const MAX_ATTACHMENTS = 10;

/** Checks a text and answers it trimmed. */
function cleanText(text: string): string {
  if (text.length > limits.messageText.max) {
    throw new AppError('message_too_long', undefined, { max: limits.messageText.max });
  }
  const t = text.trim();
  if (t.length === 0) throw new AppError('message_empty');
  return t;
}

/** Messages: send (idempotent by client id), edit, delete, receipts, history. */
export class MessagesService {
  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly states: ConversationStates,
    private readonly rate: RateLimiter,
    /** The postbacks pages offer outside their messages (Get Started, the persistent menu). */
    private readonly offers: PageOffers | null = null,
    /** A short link's ref waiting for a thread's first message (platform/referrals.ts). */
    private readonly firstMessages: FirstMessages | null = null,
    /** A person's block of a page (platform/optins.ts). */
    private readonly directSends: DirectSends | null = null,
    /** A page thread's state in the business inbox (flows/business-inbox.ts). */
    private readonly threadActivity: ThreadActivity | null = null,
    /** Uploaded media in messages (media/service.ts). */
    private readonly media: MessageMedia | null = null,
  ) {}

  /** The text as stored: null when empty beside an attachment or media (a caption may be empty). */
  private textOf(input: SendInput, content: MessageContent | null): string | null {
    if ((input.mediaIds?.length ?? 0) > MAX_ATTACHMENTS) {
      throw new AppError('too_many_attachments', undefined, { max: MAX_ATTACHMENTS });
    }
    const carries =
      Boolean(content?.attachment) || (input.mediaIds?.length ?? 0) > 0 || (content?.media?.length ?? 0) > 0;
    return carries && input.text.trim() === '' ? null : cleanText(input.text);
  }

  private throttle(userId: string) {
    const wait = this.rate.take(userId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
  }

  /**
   * `limited`: the sender's own message rate applies (people); a caller with a rate of its own (the
   * Graph API's, per page and app) passes false.
   */
  async send(userId: string, input: SendInput, origin: Origin | null = null, limited = true): Promise<SendResult> {
    const tap = input.tap;
    const content = tap ? tapContent(tap) : (input.content ?? null);
    const text = this.textOf(input, content);
    if (limited) this.throttle(userId);
    // The idempotency lookup, made for the whole batch at once where that saves round trips.
    const hint = input.freshClientId ? undefined : { clientId: { senderId: userId, clientId: input.clientId } };
    return this.committer.run((uow) => this.sendJob(uow, userId, input, content, text, origin), hint);
  }

  /**
   * A send as a step of a flow's job (flows/orders.ts: an order's card in its thread, in the job that
   * stores the order): the same checks and writes as `send`, without the sender's rate.
   */
  async sendIn(uow: UnitOfWork, userId: string, input: SendInput, origin: Origin | null = null): Promise<SendResult> {
    const content = input.tap ? tapContent(input.tap) : (input.content ?? null);
    const text = this.textOf(input, content);
    return this.sendJob(uow, userId, input, content, text, origin);
  }

  private async sendJob(
    uow: UnitOfWork,
    userId: string,
    input: SendInput,
    content: MessageContent | null,
    text: string | null,
    origin: Origin | null,
  ): Promise<SendResult> {
    const tap = input.tap;
    const { conversationId, clientId } = input;
    {
      const { tx } = uow;
      const previous = input.freshClientId ? null : await tx.messaging.messageByClientId(userId, clientId);
      if (previous) {
        if (previous.conversationId !== conversationId) throw new AppError('client_id_conflict');
        return { message: await messageView(tx, previous), pos: null, created: false };
      }
      const state = requireMember(await this.states.load(tx, conversationId), userId);
      if (state.kind === 'direct' && this.directSends && !input.consentChecked)
        await this.directSends.checkSendIn(uow, userId, state.members.keys());
      if (tap) await checkTap(uow, state, userId, tap, text ?? '', this.offers);
      let quoted: MessageRecord | null = null;
      if (input.replyToId !== undefined) {
        quoted = await tx.messaging.messageById(input.replyToId);
        // One may quote only what one may read (a newcomer does not see what came before them).
        if (!quoted || quoted.conversationId !== conversationId || quoted.seq <= readsFrom(state, userId))
          throw new AppError('message_not_found', 'The message you reply to is not in this conversation');
      }
      let stored = content;
      // The sender's uploads become the message's: checked (all of them) before anything is written.
      if (input.mediaIds && input.mediaIds.length > 0) {
        if (!this.media) throw new AppError('media_not_found');
        const media = await this.media.claimIn(uow, {
          ids: input.mediaIds,
          ownerId: userId,
          conversationId,
          actorId: input.actorId ?? null,
        });
        stored = { ...stored, media };
      }
      // The other person meets a one-to-one conversation with its first message (conversations.ts).
      if (state.lastSeq === 0 && state.kind === 'direct')
        await announceFirstMessageIn(uow, conversationId, state.createdBy, [...state.members.keys()]);
      // The thread's first message takes what waited for it (the pages' short links).
      if (state.lastSeq === 0 && state.kind === 'direct' && this.firstMessages) {
        const postback = tap?.kind === 'postback' ? tap.payload : null;
        const members = [...state.members.keys()];
        const referral = await this.firstMessages.firstMessageIn(uow, conversationId, members, userId, postback);
        if (referral) stored = { ...stored, referral };
      }
      const seq = state.lastSeq + 1;
      const record: MessageRecord = {
        id: newId(uow.now),
        conversationId,
        seq,
        senderId: userId,
        clientId: input.freshClientId ? null : clientId,
        text,
        replyToId: quoted?.id ?? null,
        createdAt: uow.now,
        editedAt: null,
        deletedAt: null,
        content: stored,
        eventPositions: [],
      };
      const message = presentMessage(record, quoted);
      const pos = await uow.emit({
        event: input.orderChange
          ? { type: 'message.created', conversationId, message, orderChange: input.orderChange }
          : { type: 'message.created', conversationId, message },
        scope: { conversationId },
        audience: [...state.members.keys()],
        origin,
        messageSeq: seq,
      });
      await tx.messaging.insertMessage({ ...record, eventPositions: [pos] });
      await tx.messaging.bumpConversation(conversationId, seq, uow.now);
      // Sending implies having received and read everything before (clients infer it; see PROTOCOL.md).
      await tx.messaging.advanceWatermarks(conversationId, userId, seq, seq);
      state.lastSeq = seq;
      if (state.kind === 'direct' && this.threadActivity) {
        await this.threadActivity.directMessageIn(uow, {
          conversationId,
          memberIds: [...state.members.keys()],
          senderId: userId,
          actorId: input.actorId ?? null,
          quickReplyPayload: tap?.kind === 'quickReply' ? tap.payload : null,
        });
      }
      return { message, pos, created: true };
    }
  }

  async edit(userId: string, messageId: string, text: string, origin: Origin | null = null): Promise<ChangeResult> {
    const clean = cleanText(text);
    this.throttle(userId);
    return this.change(userId, messageId, origin, (m, now) =>
      m.text === clean ? null : { ...m, text: clean, editedAt: now },
    );
  }

  async delete(userId: string, messageId: string, origin: Origin | null = null): Promise<ChangeResult> {
    this.throttle(userId);
    return this.change(userId, messageId, origin, (m, now) => ({ ...m, text: null, deletedAt: now, content: null }));
  }

  /**
   * An author's change to their message: `apply` answers the changed record, or null for "nothing
   * changed". The change is stored, its event appended, and every earlier copy of the message in the log
   * rewritten to what it now is (erase.ts), in the same transaction.
   */
  private async change(
    userId: string,
    messageId: string,
    origin: Origin | null,
    apply: (m: MessageRecord, now: number) => MessageRecord | null,
  ): Promise<ChangeResult> {
    return this.committer.run(async (uow) => {
      const m = await uow.tx.messaging.messageById(messageId);
      if (!m) throw new AppError('message_not_found');
      const state = await this.states.load(uow.tx, m.conversationId);
      try {
        requireMember(state, userId);
      } catch (e) {
        // Someone who never was in the conversation learns nothing about the message.
        if (e instanceof AppError && e.id === 'conversation_not_found') throw new AppError('message_not_found');
        throw e;
      }
      if (m.senderId !== userId) throw new AppError('not_author');
      if (m.deletedAt !== null) throw new AppError('message_deleted');
      const quoted = m.replyToId ? await uow.tx.messaging.messageById(m.replyToId) : null;
      const next = apply(m, uow.now);
      if (!next) return { message: presentMessage(m, quoted), pos: null };
      const message = presentMessage(next, quoted);
      const event: DomainEvent =
        next.deletedAt !== null
          ? { type: 'message.deleted', conversationId: m.conversationId, message }
          : { type: 'message.edited', conversationId: m.conversationId, message };
      // Not to those who deleted it for themselves (hidden.ts) — but to its author, who makes the change (and is
      // acknowledged by its event): the event feed skips it for the others likewise.
      const hiders = new Set(await uow.tx.messaging.hiddenBy(m.id));
      hiders.delete(m.senderId);
      const pos = await uow.emit({
        event,
        scope: { conversationId: m.conversationId },
        // Not to newcomers who may not read the message (history 'joined'): replays skip it likewise.
        audience: state ? membersWhoSee(state, m.seq).filter((u) => !hiders.has(u)) : [],
        origin,
        messageSeq: m.seq,
      });
      const stored = { ...next, eventPositions: [...m.eventPositions, pos] };
      // A deleted message's reactions go with it.
      if (next.deletedAt !== null) await uow.tx.messaging.deleteReactionsOf(m.id);
      // A deleted message's uploads go with it (rows now, their bytes once committed).
      if (next.deletedAt !== null && m.content?.media && this.media) {
        await this.media.releaseIn(
          uow,
          m.content.media.map((r) => r.id),
        );
      }
      await uow.tx.messaging.updateMessage(
        m.id,
        next.text,
        next.editedAt,
        next.deletedAt,
        stored.eventPositions,
        next.content,
      );
      await rewriteEarlierCopies(uow.tx, stored, message, pos);
      return { message, pos };
    });
  }

  /** Moves a member's delivery and read watermarks forward (clamped to the last message). */
  async receipt(userId: string, conversationId: string, deliveredSeq?: number, readSeq?: number): Promise<void> {
    const hint = { member: { conversationId, userId } };
    await this.committer.run(async (uow) => {
      const state = requireMember(await this.states.load(uow.tx, conversationId), userId);
      const row = await uow.tx.messaging.member(conversationId, userId);
      if (!row) throw new AppError('conversation_not_found');
      const read = Math.min(Math.max(row.readSeq, readSeq ?? 0), state.lastSeq);
      const delivered = Math.min(Math.max(row.deliveredSeq, deliveredSeq ?? 0, read), state.lastSeq);
      if (read === row.readSeq && delivered === row.deliveredSeq) return;
      await uow.tx.messaging.advanceWatermarks(conversationId, userId, delivered, read);
      await uow.emit({
        event: { type: 'receipt.updated', conversationId, userId, deliveredSeq: delivered, readSeq: read },
        scope: { conversationId },
        audience: [...state.members.keys()],
      });
    }, hint);
  }

  /** A page of history, oldest first: the `limit` messages before seq `before` (or the latest). */
  async history(
    userId: string,
    conversationId: string,
    before: number | undefined,
    limit: number,
  ): Promise<MessagesResponse> {
    const r = this.storage.reader;
    const access = await this.readAccess(userId, conversationId);
    const { from } = access;
    // Without what they may not read, nor what they deleted for themselves (hidden.ts).
    const rows = await r.messaging.visibleMessagesBefore(conversationId, userId, from, before ?? null, limit + 1);
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(1) : rows;
    // The group's lines among them: after the page's first message (from the start when it is the first
    // page) up to the next page's first.
    const lines = [
      hasMore ? (page[0]?.seq ?? from) : from,
      before === undefined ? Number.MAX_SAFE_INTEGER : before - 1,
    ];
    return { ...(await this.pageOf(access, page, lines[0] as number, lines[1] as number)), hasMore };
  }

  /** A page of history paging forward: the `limit` messages after seq `after`, oldest first. */
  async historyAfter(userId: string, conversationId: string, after: number, limit: number): Promise<MessagesResponse> {
    const access = await this.readAccess(userId, conversationId);
    const { from } = access;
    const rows = await this.storage.reader.messaging.messagesAfter(conversationId, Math.max(after, from), limit + 1);
    const hasNewer = rows.length > limit;
    const page = await this.withoutHidden(userId, hasNewer ? rows.slice(0, limit) : rows);
    // Older ones exist when the page does not start at the first message the person may read.
    const hasMore = (page[0]?.seq ?? after + 1) > from + 1;
    const last = hasNewer ? (rows[limit - 1]?.seq ?? after) : Number.MAX_SAFE_INTEGER;
    return { ...(await this.pageOf(access, page, Math.max(after + 1, from), last)), hasMore, hasNewer };
  }

  /**
   * A window of history around seq `around` (a search result opened in its thread), oldest first: about
   * half the page before it, the message, and the rest after it.
   */
  async historyAround(
    userId: string,
    conversationId: string,
    around: number,
    limit: number,
  ): Promise<MessagesResponse> {
    const r = this.storage.reader;
    const access = await this.readAccess(userId, conversationId);
    const { from } = access;
    const at = Math.max(around, from + 1);
    const olderWanted = Math.floor((limit - 1) / 2);
    const older = (await r.messaging.messagesBefore(conversationId, at, olderWanted + 1)).filter((m) => m.seq > from);
    const hasMore = older.length > olderWanted;
    const before = hasMore ? older.slice(1) : older;
    const newer = await r.messaging.messagesAfter(conversationId, at - 1, limit - before.length + 1);
    const hasNewer = newer.length > limit - before.length;
    const rows = [...before, ...(hasNewer ? newer.slice(0, limit - before.length) : newer)];
    const first = hasMore ? (rows[0]?.seq ?? from) : from;
    const last = hasNewer ? (rows[rows.length - 1]?.seq ?? at) : Number.MAX_SAFE_INTEGER;
    const page = await this.withoutHidden(userId, rows);
    return { ...(await this.pageOf(access, page, first, last)), hasMore, hasNewer };
  }

  /** Without the messages the person deleted for themselves (hidden.ts). */
  private async withoutHidden(userId: string, rows: MessageRecord[]): Promise<MessageRecord[]> {
    if (rows.length === 0) return rows;
    const hidden = new Set(
      await this.storage.reader.messaging.hiddenAmong(
        userId,
        rows.map((m) => m.id),
      ),
    );
    return hidden.size === 0 ? rows : rows.filter((m) => !hidden.has(m.id));
  }

  /**
   * A page's messages presented — with the messages they quote, their reactions — the group's activity
   * lines with `from <= afterSeq <= to`, and who signs, reacted or is named, members or not (someone who
   * left still signs their old messages).
   */
  private async pageOf(
    access: { member: MemberRecord; history: HistoryVisibility },
    page: MessageRecord[],
    from: number,
    to: number,
  ): Promise<Omit<MessagesResponse, 'hasMore'>> {
    const r = this.storage.reader;
    const activity = await readableActivity(r, access.member, access.history, from, to);
    const quoteIds = [...new Set(page.map((m) => m.replyToId).filter((id): id is string => id !== null))];
    const quoted = new Map((await r.messaging.messagesByIds(quoteIds)).map((m) => [m.id, m]));
    const messages = await withReactions(r, presentMessages(page, quoted));
    const mentioned = new Set([...page, ...quoted.values()].map((m) => m.senderId));
    for (const a of activity) {
      mentioned.add(a.actorId);
      if (a.targetId) mentioned.add(a.targetId);
    }
    for (const m of messages) for (const x of m.reactions ?? []) for (const id of x.userIds) mentioned.add(id);
    const users = (await r.accounts.usersByIds([...mentioned])).map(presentUser);
    return { messages, users, activity: activity.map(presentActivity) };
  }

  /**
   * Read access to a conversation's messages: an active member, who reads the messages after the seq this
   * answers (their joining, when the group's history is `joined`; 0 otherwise).
   */
  async readableFrom(userId: string, conversationId: string): Promise<number> {
    return (await this.readAccess(userId, conversationId)).from;
  }

  private async readAccess(userId: string, conversationId: string) {
    const r = this.storage.reader;
    const member = requireActiveRow(await r.messaging.member(conversationId, userId));
    const history =
      this.states.peek(conversationId)?.history ??
      (await r.messaging.conversationById(conversationId))?.history ??
      'joined';
    return { member, history, from: visibleFrom({ history }, member) };
  }

  /** Active members of a conversation the person is in (for typing signals); throws like a read. */
  async audienceOf(userId: string, conversationId: string): Promise<string[]> {
    const cached = this.states.peek(conversationId);
    if (cached) return [...requireMember(cached, userId).members.keys()];
    const rows = await this.storage.reader.messaging.membersOf(conversationId);
    requireActiveRow(rows.find((m) => m.userId === userId));
    return rows.filter((m) => m.active).map((m) => m.userId);
  }
}
