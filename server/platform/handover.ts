import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import type { ConsumerEvent } from '../events/store.ts';
import { Lru } from '../lib/lru.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { ownerAmong, type PageReceivers } from './store.ts';

/**
 * The handover protocol (docs/PLATFORM.md): of a page's receivers — the apps connected to it and its human
 * inbox (PAGE_INBOX_APP_ID) — one owns each of its threads (a person's conversation with the page) and
 * alone may answer it through the Send API; the others stand by. By default the primary receiver owns
 * every thread. The owner passes a thread to another receiver; the primary receiver (and the page's
 * people, through the inbox) take it back; another app asks the primary for it. Every change is a
 * `platform.handover` event in the page's scope, written in the same transaction — the webhook dispatcher
 * turns it into `messaging_handovers` deliveries.
 */

/** The name the page inbox has among a page's receivers, as Messenger calls it. */
export const PAGE_INBOX_NAME = 'Page Inbox';

export type HandoverAction = 'pass' | 'take' | 'request';

/**
 * What the log records of a handover, for the webhook dispatcher (scope `page:<pageId>`). `fromAppId` is
 * the owner before a pass or take and the requesting app of a request; `toAppId` the owner after a pass or
 * take and, for a request, the primary receiver asked (ownership does not change). `metadata` as the app
 * or person sent it; `at` in milliseconds.
 */
export interface HandoverEvent extends ConsumerEvent {
  type: 'platform.handover';
  pageId: string;
  userId: string;
  action: HandoverAction;
  fromAppId: string;
  toAppId: string;
  metadata: string | null;
  at: number;
}

/** Why a handover was refused (each caller says it in its own terms: Graph errors, native error ids). */
export type HandoverRefusal =
  /** A pass by a receiver that does not own the thread. */
  | 'not_owner'
  /** A take by an app that is not the primary receiver. */
  | 'not_primary'
  /** The target names no app. */
  | 'unknown_app'
  /** The target is an app, but not connected to the page. */
  | 'not_receiver'
  /** A pass to the receiver that owns the thread already. */
  | 'same_app'
  /** A request by the thread's owner. */
  | 'already_owner'
  /** A request by the primary receiver, which takes instead. */
  | 'primary_takes';

export type HandoverOutcome =
  | { ok: true; ownerAppId: string; changed: boolean }
  | { ok: false; refusal: HandoverRefusal };

/** How long a thread's owner, once read, answers the Send API's check (another process's change shows within this). */
const OWNER_TTL_MS = 1000;

export class HandoverService {
  /**
   * Thread owners recently read, for the Send API's check on every call. Emptied by every change this
   * process makes (a handover, the primary receiver, an app connected or revoked: forget()).
   */
  private readonly owners = new Lru<string, { owner: string; at: number }>(100_000);
  /** The pages' receivers recently read, for the same check (forgotten with the owners). */
  private readonly pageReceivers = new Lru<string, { receivers: PageReceivers; at: number }>(10_000);

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
  ) {}

  /** The page's receivers: its connected apps and the primary one. */
  receivers(pageId: string): Promise<PageReceivers> {
    return this.storage.reader.platform.receivers(pageId);
  }

  /** Who owns the page's thread with this person (an app id, or PAGE_INBOX_APP_ID). */
  async owner(pageId: string, userId: string): Promise<string> {
    const key = `${pageId}\u0000${userId}`;
    const now = Date.now();
    const cached = this.owners.get(key);
    if (cached && now - cached.at < OWNER_TTL_MS) return cached.owner;
    // The page's receivers (a few rows, the same for all its threads) are read once per page and period,
    // the thread's stored owner by its key: a miss costs one primary-key read.
    let page = this.pageReceivers.get(pageId);
    if (!page || now - page.at >= OWNER_TTL_MS) {
      page = { receivers: await this.storage.reader.platform.receivers(pageId), at: now };
      this.pageReceivers.set(pageId, page);
    }
    const owner = ownerAmong(page.receivers, await this.storage.reader.platform.storedThreadOwner(pageId, userId));
    this.owners.set(key, { owner, at: now });
    return owner;
  }

  /** Forgets the owners read: something that decides them changed. */
  forget() {
    this.owners.clear();
    this.pageReceivers.clear();
  }

  pass(pageId: string, userId: string, appId: string, targetAppId: string, metadata: string | null) {
    return this.committer.run((uow) => this.passIn(uow, pageId, userId, appId, targetAppId, metadata));
  }
  take(pageId: string, userId: string, appId: string, metadata: string | null) {
    return this.committer.run((uow) => this.takeIn(uow, pageId, userId, appId, metadata));
  }
  request(pageId: string, userId: string, appId: string, metadata: string | null) {
    return this.committer.run((uow) => this.requestIn(uow, pageId, userId, appId, metadata));
  }

  /** The owner hands the thread to another receiver of the page (an app connected to it, or the inbox). */
  async passIn(
    uow: UnitOfWork,
    pageId: string,
    userId: string,
    appId: string,
    targetAppId: string,
    metadata: string | null,
  ): Promise<HandoverOutcome> {
    const receivers = await uow.tx.platform.receivers(pageId);
    if (!isReceiver(receivers, targetAppId)) {
      return refuse((await uow.tx.apps.appById(targetAppId)) ? 'not_receiver' : 'unknown_app');
    }
    const owner = await this.ownerIn(uow, pageId, userId);
    if (owner !== appId) return refuse('not_owner');
    if (targetAppId === owner) return refuse('same_app');
    await this.moveIn(uow, pageId, userId, 'pass', owner, targetAppId, metadata);
    return { ok: true, ownerAppId: targetAppId, changed: true };
  }

  /** The primary receiver, or the page's people through the inbox, take the thread from whoever owns it. */
  async takeIn(
    uow: UnitOfWork,
    pageId: string,
    userId: string,
    appId: string,
    metadata: string | null,
  ): Promise<HandoverOutcome> {
    const receivers = await uow.tx.platform.receivers(pageId);
    if (appId !== receivers.primaryAppId && appId !== PAGE_INBOX_APP_ID) return refuse('not_primary');
    const owner = await this.ownerIn(uow, pageId, userId);
    if (owner === appId) return { ok: true, ownerAppId: appId, changed: false };
    await this.moveIn(uow, pageId, userId, 'take', owner, appId, metadata);
    return { ok: true, ownerAppId: appId, changed: true };
  }

  /** A secondary receiver asks the primary for the thread; ownership does not change. */
  async requestIn(
    uow: UnitOfWork,
    pageId: string,
    userId: string,
    appId: string,
    metadata: string | null,
  ): Promise<HandoverOutcome> {
    const receivers = await uow.tx.platform.receivers(pageId);
    const owner = await this.ownerIn(uow, pageId, userId);
    if (owner === appId) return refuse('already_owner');
    if (appId === receivers.primaryAppId) return refuse('primary_takes');
    await this.emitIn(uow, pageId, userId, 'request', appId, receivers.primaryAppId, metadata);
    return { ok: true, ownerAppId: owner, changed: false };
  }

  /**
   * Chooses the page's primary receiver: an app connected to the page or the inbox (else `app_not_found`);
   * null returns to the default. The caller checks that the person is one of the page's admins.
   */
  async setPrimaryIn(uow: UnitOfWork, pageId: string, appId: string | null, by: string): Promise<void> {
    if (appId !== null && !isReceiver(await uow.tx.platform.receivers(pageId), appId)) {
      throw new AppError('app_not_found', 'No app by that id is connected to this page');
    }
    await uow.tx.platform.setPrimaryReceiver(pageId, appId, by, uow.now);
    uow.afterCommit(() => this.forget());
  }

  private async ownerIn(uow: UnitOfWork, pageId: string, userId: string): Promise<string> {
    return (await uow.tx.platform.threadOwners(pageId, [userId])).get(userId) as string;
  }

  private async moveIn(
    uow: UnitOfWork,
    pageId: string,
    userId: string,
    action: 'pass' | 'take',
    fromAppId: string,
    toAppId: string,
    metadata: string | null,
  ) {
    await uow.tx.platform.setThreadOwner(pageId, userId, toAppId, uow.now);
    uow.afterCommit(() => this.forget());
    await this.emitIn(uow, pageId, userId, action, fromAppId, toAppId, metadata);
  }

  private async emitIn(
    uow: UnitOfWork,
    pageId: string,
    userId: string,
    action: HandoverAction,
    fromAppId: string,
    toAppId: string,
    metadata: string | null,
  ) {
    const event: HandoverEvent = {
      type: 'platform.handover',
      pageId,
      userId,
      action,
      fromAppId,
      toAppId,
      metadata,
      at: uow.now,
    };
    // For the webhook dispatcher only: no person is sent it (events/feed.ts keeps `platform.…` from them).
    await uow.emit({ event, scope: { scope: `page:${pageId}` }, audience: [] });
  }
}

/** Whether the id is one of the page's receivers: the inbox, or an app connected to the page. */
export const isReceiver = (receivers: PageReceivers, appId: string) =>
  appId === PAGE_INBOX_APP_ID || receivers.apps.some((a) => a.id === appId);

const refuse = (refusal: HandoverRefusal): HandoverOutcome => ({ ok: false, refusal });
