import {
  type CannedReplyView,
  type CsatReportView,
  type InboxEvent,
  type InboxNoteView,
  type InboxSettingsBody,
  type InboxSettingsView,
  type InboxThreadsQuery,
  type InboxThreadsResponse,
  type InboxThreadView,
  inboxLimits,
  parseCsatPayload,
  type SetInboxStatusBody,
} from '../../protocol/inbox.ts';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { presentUser } from '../accounts/presenter.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import { directKeyOf } from '../messaging/store.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Reads, Storage } from '../storage/types.ts';
import { freshThread, requireRole, threadOf } from './policy.ts';
import { presentCanned, presentCsatReport, presentNote, presentSettings, presentThreads } from './presenter.ts';
import type { BotOwnership, ThreadRecord } from './store.ts';

/**
 * Finds more conversations for a search than names and message text do: commerce's order and tracking
 * numbers, later (`InboxService.searchExtensions`). Answers conversation ids of that page.
 */
export type SearchExtension = (pageId: string, query: string) => Promise<string[]>;

/**
 * Sends the satisfaction question of a resolve to the customer, in the resolve's job (the flow's:
 * flows/business-inbox.ts). Answers false when the page may not write to them (they blocked it): then
 * nothing is asked, and nothing recorded.
 */
export type CsatAsker = (
  uow: UnitOfWork,
  question: { csatId: string; pageId: string; customerId: string; conversationId: string },
) => Promise<boolean>;

const cursorPattern = /^(\d{1,16})_([0-9A-Za-z]{1,64})$/;

/**
 * The business inbox: the state of each of a page's threads (status, snooze, assignee, labels, timers,
 * satisfaction), internal notes, the page's labels, canned replies and targets. Every read and write first
 * checks that the person runs the page (policy.ts). Every change is an `inbox.*` event addressed to the
 * page's account — the sockets its people open with `/ws?page=` — never to the conversation, so the
 * customer and the webhooks never see one. Sending messages (the satisfaction question) and the messages'
 * own effects are the flow's (flows/business-inbox.ts).
 */
export class InboxService {
  /** Commerce adds its order and tracking number search here (issue 7): each answers conversation ids. */
  readonly searchExtensions: SearchExtension[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
  ) {}

  // Threads

  async list(userId: string, pageId: string, q: InboxThreadsQuery): Promise<InboxThreadsResponse> {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    let after: { at: number; id: string } | null = null;
    if (q.cursor !== undefined) {
      const m = cursorPattern.exec(q.cursor);
      if (!m) throw badField('cursor', 'not a cursor this list gave');
      after = { at: Number(m[1]), id: m[2] as string };
    }
    const bots = await this.bots(r, pageId);
    const alsoIds: string[] = [];
    if (q.q !== undefined) for (const find of this.searchExtensions) alsoIds.push(...(await find(pageId, q.q)));
    const rows = await r.inbox.threads({
      pageId,
      filter: q.filter,
      meId: userId,
      bots,
      search: q.q ?? null,
      alsoIds,
      labelId: q.label ?? null,
      after,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      threads: await presentThreads(r, page),
      nextCursor: rows.length > q.limit && last ? `${last.lastCustomerAt}_${last.conversationId}` : null,
      counts: await r.inbox.counts(pageId, userId, bots),
    };
  }

  async get(userId: string, pageId: string, conversationId: string): Promise<InboxThreadView> {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    const [view] = await presentThreads(r, [await threadOf(r, pageId, conversationId, Date.now())]);
    return view as InboxThreadView;
  }

  /**
   * Open, pending, snoozed (until a time to come) or resolved. Resolving ends the cycle's timer and, when
   * the page asks for satisfaction, has `ask` send the question in the same job — and records it if it was
   * sent (a customer who blocked the page is not asked; the thread resolves all the same).
   */
  async setStatus(
    userId: string,
    pageId: string,
    conversationId: string,
    body: SetInboxStatusBody,
    ask: CsatAsker | null = null,
  ): Promise<InboxThreadView> {
    let until: number | null = null;
    if (body.status === 'snoozed') {
      until = Date.parse(body.until);
      if (until <= Date.now()) throw badField('until', 'must be in the future');
      if (until > Date.now() + inboxLimits.snoozeMaxMs) throw badField('until', 'must be within a year');
    }
    return this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'agent');
      const t = await threadOf(uow.tx, pageId, conversationId, uow.now);
      const next: ThreadRecord = { ...t, status: body.status, snoozedUntil: until, updatedAt: uow.now };
      if (body.status === 'resolved') {
        if (t.status !== 'resolved') next.resolvedAt = uow.now;
        const settings = await uow.tx.inbox.settings(pageId);
        const csatId = t.status !== 'resolved' && settings?.csatEnabled && ask ? newId(uow.now) : null;
        // Sent first, in this job: recorded only if it was (never "asked" without a question).
        if (csatId && ask && (await ask(uow, { csatId, pageId, customerId: t.personId, conversationId }))) {
          await uow.tx.inbox.insertCsat({
            id: csatId,
            conversationId,
            pageId,
            agentId: t.assigneeId ?? userId,
            askedAt: uow.now,
            rating: null,
            answeredAt: null,
          });
          next.csatId = csatId;
        }
      } else if (t.status === 'resolved') {
        // Reopened by the page's people: a new cycle, its timers from now.
        Object.assign(next, { openedAt: uow.now, firstResponseAt: null, resolvedAt: null, csatId: null });
      }
      await uow.tx.inbox.putThread(next);
      return this.emitThreadIn(uow, next);
    });
  }

  /** Assigns the thread to someone who runs the page, or to nobody (null). */
  async assign(userId: string, pageId: string, conversationId: string, assigneeId: string | null) {
    return this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'agent');
      const t = await threadOf(uow.tx, pageId, conversationId, uow.now);
      if (assigneeId !== null && !(await uow.tx.pages.pageMember(pageId, assigneeId))) {
        throw new AppError('assignee_not_member');
      }
      const next = { ...t, assigneeId, updatedAt: uow.now };
      await uow.tx.inbox.putThread(next);
      return this.emitThreadIn(uow, next);
    });
  }

  /** Puts one of the page's labels on the thread, or takes it off. */
  async label(userId: string, pageId: string, conversationId: string, labelId: string, on: boolean) {
    return this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'agent');
      const t = await threadOf(uow.tx, pageId, conversationId, uow.now);
      const label = await uow.tx.inbox.labelById(labelId);
      if (!label || label.pageId !== pageId) throw new AppError('label_not_found');
      const next = { ...t, updatedAt: uow.now };
      await uow.tx.inbox.putThread(next);
      if (on) await uow.tx.inbox.addThreadLabel(conversationId, labelId);
      else await uow.tx.inbox.removeThreadLabel(conversationId, labelId);
      return this.emitThreadIn(uow, next);
    });
  }

  // Notes

  async notes(userId: string, pageId: string, conversationId: string): Promise<InboxNoteView[]> {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    await threadOf(r, pageId, conversationId, Date.now());
    const notes = await r.inbox.notes(conversationId, inboxLimits.notesPage);
    const authors = new Map((await r.accounts.usersByIds(notes.map((n) => n.authorId))).map((u) => [u.id, u]));
    return notes.map((n) => presentNote(n, authors.get(n.authorId)));
  }

  /** An internal note: for the page's people only — an event to the page's account, never a message. */
  async addNote(userId: string, pageId: string, conversationId: string, text: string): Promise<InboxNoteView> {
    return this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'agent');
      const t = await threadOf(uow.tx, pageId, conversationId, uow.now);
      await uow.tx.inbox.putThread({ ...t, updatedAt: uow.now });
      const record = { id: newId(uow.now), conversationId, pageId, authorId: userId, text, createdAt: uow.now };
      await uow.tx.inbox.insertNote(record);
      const note = presentNote(record, (await uow.tx.accounts.userById(userId)) ?? undefined);
      await this.emitIn(uow, { type: 'inbox.note_created', conversationId: null, pageId, note });
      return note;
    });
  }

  // The page's labels, canned replies and settings

  async labels(userId: string, pageId: string) {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    return (await r.inbox.labels(pageId)).map((l) => ({ id: l.id, name: l.name }));
  }

  async createLabel(userId: string, pageId: string, name: string) {
    return this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'admin');
      if (await uow.tx.inbox.labelByName(pageId, name)) throw new AppError('label_exists');
      if ((await uow.tx.inbox.labels(pageId)).length >= inboxLimits.labelsPerPage) {
        throw new AppError('inbox_limit', undefined, { max: inboxLimits.labelsPerPage });
      }
      const id = newId(uow.now);
      await uow.tx.inbox.insertLabel({ id, pageId, name, createdAt: uow.now });
      await this.emitSettingsIn(uow, pageId);
      return { id, name };
    });
  }

  /** Deletes one of the page's labels, and takes it off its threads (their people see them change). */
  async deleteLabel(userId: string, pageId: string, labelId: string): Promise<void> {
    await this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'admin');
      const label = await uow.tx.inbox.labelById(labelId);
      if (!label || label.pageId !== pageId) throw new AppError('label_not_found');
      const threads = await uow.tx.inbox.threads({
        pageId,
        filter: 'all',
        meId: userId,
        bots: { primaryIsApp: false, connectedAppIds: [] },
        search: null,
        alsoIds: [],
        labelId,
        after: null,
        limit: 1000,
      });
      await uow.tx.inbox.deleteLabel(labelId);
      await this.emitSettingsIn(uow, pageId);
      for (const t of threads) await this.emitThreadIn(uow, t);
    });
  }

  async cannedReplies(userId: string, pageId: string): Promise<CannedReplyView[]> {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    return (await r.inbox.cannedReplies(pageId)).map(presentCanned);
  }

  async saveCannedReply(
    userId: string,
    pageId: string,
    replyId: string | null,
    change: { shortcut?: string | undefined; text?: string | undefined },
  ): Promise<CannedReplyView> {
    return this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'admin');
      const existing = replyId === null ? null : await uow.tx.inbox.cannedReplyById(replyId);
      if (replyId !== null && (!existing || existing.pageId !== pageId)) throw new AppError('canned_reply_not_found');
      const shortcut = change.shortcut ?? existing?.shortcut ?? '';
      const text = change.text ?? existing?.text ?? '';
      const same = await uow.tx.inbox.cannedReplyByShortcut(pageId, shortcut);
      if (same && same.id !== existing?.id) throw new AppError('canned_reply_exists');
      if (!existing && (await uow.tx.inbox.cannedReplies(pageId)).length >= inboxLimits.cannedRepliesPerPage) {
        throw new AppError('inbox_limit', undefined, { max: inboxLimits.cannedRepliesPerPage });
      }
      const record = {
        id: existing?.id ?? newId(uow.now),
        pageId,
        shortcut,
        text,
        updatedBy: userId,
        updatedAt: uow.now,
      };
      await uow.tx.inbox.putCannedReply(record);
      await this.emitCannedIn(uow, pageId);
      return presentCanned(record);
    });
  }

  async deleteCannedReply(userId: string, pageId: string, replyId: string): Promise<void> {
    await this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'admin');
      const existing = await uow.tx.inbox.cannedReplyById(replyId);
      if (!existing || existing.pageId !== pageId) throw new AppError('canned_reply_not_found');
      await uow.tx.inbox.deleteCannedReply(replyId);
      await this.emitCannedIn(uow, pageId);
    });
  }

  async settings(userId: string, pageId: string): Promise<InboxSettingsView> {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    return presentSettings(await r.inbox.settings(pageId), await r.inbox.labels(pageId));
  }

  async setSettings(userId: string, pageId: string, body: InboxSettingsBody): Promise<InboxSettingsView> {
    return this.committer.run(async (uow) => {
      await requireRole(uow.tx, pageId, userId, 'admin');
      const s = await uow.tx.inbox.settings(pageId);
      const seconds = (m: number | null | undefined, old: number | null) =>
        m === undefined ? old : m === null ? null : m * 60;
      await uow.tx.inbox.putSettings({
        pageId,
        firstResponseTargetS: seconds(body.firstResponseTargetMinutes, s?.firstResponseTargetS ?? null),
        resolutionTargetS: seconds(body.resolutionTargetMinutes, s?.resolutionTargetS ?? null),
        csatEnabled: body.csatEnabled ?? s?.csatEnabled ?? false,
        updatedBy: userId,
        updatedAt: uow.now,
      });
      return this.emitSettingsIn(uow, pageId);
    });
  }

  async csatReport(userId: string, pageId: string): Promise<CsatReportView> {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    const totals = await r.inbox.csatTotals(pageId);
    const ids = [...new Set(totals.flatMap((t) => (t.agentId ? [t.agentId] : [])))];
    const agents = new Map((await r.accounts.usersByIds(ids)).map((u) => [u.id, presentUser(u)]));
    return presentCsatReport(totals, agents);
  }

  // What messages do to a thread (called in the send's job, through flows/business-inbox.ts)

  /**
   * The customer wrote: the thread is made if new; a resolved, pending or snoozed one opens again (a
   * resolved one starts a new cycle). A tap on the satisfaction question is the answer, and reopens nothing.
   */
  async customerMessageIn(
    uow: UnitOfWork,
    pageId: string,
    personId: string,
    conversationId: string,
    quickReplyPayload: string | null,
  ): Promise<void> {
    const t = await uow.tx.inbox.thread(conversationId);
    const answer = quickReplyPayload === null ? null : parseCsatPayload(quickReplyPayload);
    // The answer to a question of this thread — of this cycle or, if the customer wrote meanwhile, the last
    // one (still the page's latest message, so still tappable) — is recorded once and reopens nothing.
    const asked = answer && t ? await uow.tx.inbox.csatById(answer.csatId) : null;
    if (answer && t && asked?.conversationId === conversationId) {
      if (await uow.tx.inbox.answerCsat(answer.csatId, answer.rating, uow.now)) {
        const next = { ...t, updatedAt: uow.now };
        await uow.tx.inbox.putThread(next);
        await this.emitThreadIn(uow, next);
      }
      return;
    }
    if (!t) {
      const fresh = freshThread(pageId, personId, conversationId, uow.now, uow.now, uow.now);
      await uow.tx.inbox.putThread(fresh);
      await this.emitThreadIn(uow, fresh);
      return;
    }
    if (t.status === 'open') {
      await uow.tx.inbox.touchCustomer(conversationId, uow.now);
      return;
    }
    const next: ThreadRecord = {
      ...t,
      status: 'open',
      snoozedUntil: null,
      lastCustomerAt: uow.now,
      updatedAt: uow.now,
    };
    if (t.status === 'resolved')
      Object.assign(next, { openedAt: uow.now, firstResponseAt: null, resolvedAt: null, csatId: null });
    await uow.tx.inbox.putThread(next);
    await this.emitThreadIn(uow, next);
  }

  /** A member of the page answered in the inbox: the cycle's first response, if it is the first. */
  async memberReplyIn(uow: UnitOfWork, pageId: string, personId: string, conversationId: string): Promise<void> {
    const t = await uow.tx.inbox.thread(conversationId);
    if (t && t.firstResponseAt !== null) return;
    const base = t ?? freshThread(pageId, personId, conversationId, uow.now, uow.now, uow.now);
    const next = { ...base, firstResponseAt: uow.now, updatedAt: uow.now };
    await uow.tx.inbox.putThread(next);
    await this.emitThreadIn(uow, next);
  }

  /** Wakes the snoozed threads whose time has come; answers how many. */
  async wakeDue(limit = 100): Promise<number> {
    return this.committer.run(async (uow) => {
      const due = await uow.tx.inbox.dueSnoozes(uow.now, limit);
      for (const t of due) {
        const next: ThreadRecord = { ...t, status: 'open', snoozedUntil: null, updatedAt: uow.now };
        await uow.tx.inbox.putThread(next);
        await this.emitThreadIn(uow, next);
      }
      return due.length;
    });
  }

  /** When the next snooze ends (null: none). */
  nextSnoozeEnd(): Promise<number | null> {
    return this.storage.reader.inbox.nextSnoozeEnd();
  }

  /** The thread's owner changed (the handover protocol): the page's people see it at once. */
  async ownerChanged(pageId: string, personId: string): Promise<void> {
    await this.committer.run(async (uow) => {
      const conversation = await uow.tx.messaging.conversationByDirectKey(directKeyOf(pageId, personId));
      if (!conversation) return;
      const t = await uow.tx.inbox.thread(conversation.id);
      if (t) await this.emitThreadIn(uow, t);
    });
  }

  // Events

  private async emitThreadIn(uow: UnitOfWork, t: ThreadRecord): Promise<InboxThreadView> {
    const [thread] = await presentThreads(uow.tx, [t]);
    const view = thread as InboxThreadView;
    await this.emitIn(uow, { type: 'inbox.thread_updated', conversationId: null, pageId: t.pageId, thread: view });
    return view;
  }

  private async emitSettingsIn(uow: UnitOfWork, pageId: string): Promise<InboxSettingsView> {
    const settings = presentSettings(await uow.tx.inbox.settings(pageId), await uow.tx.inbox.labels(pageId));
    await this.emitIn(uow, { type: 'inbox.settings_updated', conversationId: null, pageId, settings });
    return settings;
  }

  private async emitCannedIn(uow: UnitOfWork, pageId: string) {
    const cannedReplies = (await uow.tx.inbox.cannedReplies(pageId)).map(presentCanned);
    await this.emitIn(uow, { type: 'inbox.canned_replies_updated', conversationId: null, pageId, cannedReplies });
  }

  /**
   * To the page's account: the sockets of the people who run the page (`/ws?page=`), live and in their
   * catch-up (the account's own events) — never a conversation's members, never a webhook.
   */
  private async emitIn(uow: UnitOfWork, event: InboxEvent) {
    await uow.emit({ event, scope: { userId: event.pageId }, audience: [event.pageId] });
  }

  /** The page's receivers, as the `bot` filter reads them. */
  private async bots(r: Reads, pageId: string): Promise<BotOwnership> {
    const receivers = await r.platform.receivers(pageId);
    return {
      primaryIsApp: receivers.primaryAppId !== PAGE_INBOX_APP_ID,
      connectedAppIds: receivers.apps.map((a) => a.id),
    };
  }
}

function badField(field: string, problem: string): AppError {
  return new AppError('bad_request', `Invalid request: ${field}: ${problem}`, { fields: { [field]: problem } });
}
