import { isUserRef, type OptinHow, optinLimits } from '../../protocol/optins.ts';
import { isRef } from '../../protocol/schemas.ts';
import type { AccountKinds } from '../accounts/kinds.ts';
import { AppError } from '../errors.ts';
import type { ConsumerEvent } from '../events/store.ts';
import { Lru } from '../lib/lru.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Reads, Storage, Tx } from '../storage/types.ts';
import type { OptinRecord, PageConsentRecord, Standing } from './optins-store.ts';

/**
 * Opt-in at checkout (docs/PLATFORM.md, "Opt-in at checkout"): Messenger's checkbox plugin and its link
 * flow. A signed-in person consents to a page's updates for one checkout, named by the merchant's
 * `user_ref`; the opt-in is recorded with a `platform.optin` event in the page's scope, in the same
 * transaction, which the webhook planner turns into a `messaging_optins` event for the page's apps (no
 * sender: the page does not know the person yet). The page may then send to `recipient {user_ref}`
 * (graph-optin.ts). The person may stop a page's updates (its opt-ins are revoked) or block it (it can
 * send them nothing at all), and undo either.
 */

/** What the log records of an opt-in (scope `page:<pageId>`, for the webhook planner only). */
export interface OptinEvent extends ConsumerEvent {
  type: 'platform.optin';
  pageId: string;
  /** The person (their account id): never sent to the apps, who learn the user_ref only. */
  userId: string;
  userRef: string;
  ref: string | null;
  how: OptinHow;
  /** Milliseconds. */
  at: number;
}

/** What an opt-in asks, before anything is checked. */
export interface OptinInput {
  pageId: string;
  userRef: string;
  ref?: string | undefined;
  /** The merchant page's origin: the checkbox's embedding page, or the link flow's `return_to`'s. */
  origin: string;
  how: OptinHow;
}

/** The canonical origin of a URL (`https://shop.example`), or null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    if (u.username !== '' || u.password !== '') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** A user_ref, checked before anything is stored. */
export function checkUserRef(userRef: string): string {
  if (!isUserRef(userRef)) throw new AppError('invalid_user_ref');
  return userRef;
}

/** The merchant's pass-through `ref` (optional; the same characters as a short link's). */
export function checkOptinRef(ref: string | undefined): string | null {
  if (ref === undefined || ref === '') return null;
  if (!isRef(ref)) throw new AppError('invalid_ref');
  return ref;
}

/**
 * Where the link flow sends the person back to: `return_to` (an http(s) URL of one of the page's whitelisted
 * domains) with `comptoir_optin=<user_ref>` added, as Messenger's confirmation hands back the reference.
 */
export function returnUrl(returnTo: string, userRef: string): string {
  const u = new URL(returnTo);
  u.searchParams.set('comptoir_optin', userRef);
  return u.toString();
}

/** How long the Send API may use a person's standing with a page read earlier (another process's change). */
const STANDING_TTL_MS = 1000;

export class OptinsService {
  /** `page:person` → the person's standing with the page and when it was read (standingOf). */
  private readonly standings = new Lru<string, { at: number; standing: Standing }>(100_000);

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    /** Which accounts are pages (accounts/kinds.ts). */
    private readonly kinds: AccountKinds,
  ) {}

  /**
   * Whether `origin` is one of the page's whitelisted domains (Messenger Profile API, `whitelisted_domains`),
   * compared as origins: scheme, host and port. A page without any accepts no site.
   */
  async requireWhitelisted(r: Reads, pageId: string, origin: string): Promise<string> {
    const canonical = origin.length <= optinLimits.returnTo.max ? originOf(origin) : null;
    if (canonical === null) throw new AppError('origin_not_allowed', 'The site’s origin is not a valid http(s) origin');
    const domains = (await r.pages.messengerProfile(pageId)).whitelistedDomains ?? [];
    if (!domains.some((d) => originOf(d) === canonical)) throw new AppError('origin_not_allowed');
    return canonical;
  }

  /** Checks a request of the checkbox or the link flow: the page, the user_ref, the ref and the site. */
  async check(input: Omit<OptinInput, 'how'>): Promise<{ userRef: string; ref: string | null; origin: string }> {
    const userRef = checkUserRef(input.userRef);
    const ref = checkOptinRef(input.ref);
    const r = this.storage.reader;
    if (!(await r.pages.pageById(input.pageId))) throw new AppError('page_not_found');
    const origin = await this.requireWhitelisted(r, input.pageId, input.origin);
    return { userRef, ref, origin };
  }

  /**
   * Records the person's opt-in, once per user_ref: the same person again is answered the opt-in they made
   * (nothing new, no second webhook) — or, if they had unticked it, it is made active again (a new
   * webhook); anyone else is refused (`user_ref_taken`). A page the person blocked is refused
   * (`page_blocked`); one whose updates they had stopped may write to them again.
   */
  async optIn(userId: string, input: OptinInput): Promise<{ optin: OptinRecord; created: boolean }> {
    const { userRef, ref } = await this.check(input);
    const { pageId, how } = input;
    const done = await this.committer.run(async (uow) => {
      const { tx } = uow;
      const consent = await tx.optins.consent(pageId, userId);
      if (consent?.blockedAt != null) throw new AppError('page_blocked');
      const existing = await tx.optins.optin(pageId, userRef);
      if (existing && existing.userId !== userId) throw new AppError('user_ref_taken');
      if (existing && existing.revokedAt === null) return { optin: existing, created: false };
      const optin: OptinRecord = {
        pageId,
        userRef,
        userId,
        ref,
        how,
        createdAt: uow.now,
        revokedAt: null,
        firstSentAt: null,
      };
      if (existing) await tx.optins.restoreOptin(optin);
      else if (!(await tx.optins.insertOptin(optin))) throw new AppError('user_ref_taken');
      if (consent?.updatesStoppedAt != null)
        await tx.optins.setConsent({ ...consent, updatesStoppedAt: null, updatedAt: uow.now });
      const event: OptinEvent = { type: 'platform.optin', pageId, userId, userRef, ref, how, at: uow.now };
      // For the webhook planner only: no person is sent it (events/feed.ts keeps `platform.…` from them).
      await uow.emit({ event, scope: { scope: `page:${pageId}` }, audience: [] });
      return { optin, created: true };
    });
    this.changed(pageId, userId);
    return done;
  }

  /** The person unticks the box: that one opt-in of theirs is revoked (another person's is not found). */
  async revoke(userId: string, pageId: string, userRef: string): Promise<void> {
    await this.committer.run(async ({ tx, now }) => {
      const optin = await tx.optins.optin(pageId, userRef);
      if (!optin || optin.userId !== userId) throw new AppError('optin_not_found');
      await tx.optins.revokeOptin(pageId, userRef, now);
    });
    this.changed(pageId, userId);
  }

  /** The person's opt-in with this user_ref, if it is theirs. */
  async mine(userId: string, pageId: string, userRef: string): Promise<OptinRecord | null> {
    const optin = await this.storage.reader.optins.optin(pageId, userRef);
    return optin && optin.userId === userId ? optin : null;
  }

  /** Whether another person holds this user_ref for the page. */
  async takenByAnother(userId: string, pageId: string, userRef: string): Promise<boolean> {
    const optin = await this.storage.reader.optins.optin(pageId, userRef);
    return optin !== null && optin.userId !== userId;
  }

  /**
   * "Stop updates from this page": every opt-in of the person with the page is revoked, and until they opt
   * in again the page may only answer what they write afterwards (graph-optin.ts).
   */
  async stopUpdates(userId: string, pageId: string): Promise<void> {
    await this.requirePage(pageId);
    await this.committer.run(async ({ tx, now }) => {
      await tx.optins.revokeOptinsWith(pageId, userId, now);
      const c = await this.consentIn(tx, pageId, userId);
      await tx.optins.setConsent({ ...c, updatesStoppedAt: c.updatesStoppedAt ?? now, updatedAt: now });
    });
    this.changed(pageId, userId);
  }

  /** "Get updates again": the stop is lifted (opt-ins revoked by it stay revoked: a new checkout asks again). */
  async resumeUpdates(userId: string, pageId: string): Promise<void> {
    await this.requirePage(pageId);
    await this.committer.run(async ({ tx, now }) => {
      const c = await this.consentIn(tx, pageId, userId);
      if (c.updatesStoppedAt !== null) await tx.optins.setConsent({ ...c, updatesStoppedAt: null, updatedAt: now });
    });
    this.changed(pageId, userId);
  }

  /**
   * "Block this page": it can no longer message the person at all (every send is refused, by any route),
   * and its opt-ins are revoked and its updates stopped, so that unblocking it does not bring them back.
   */
  async setBlocked(userId: string, pageId: string, blocked: boolean): Promise<void> {
    await this.requirePage(pageId);
    await this.committer.run(async ({ tx, now }) => {
      const c = await this.consentIn(tx, pageId, userId);
      if (blocked) {
        await tx.optins.revokeOptinsWith(pageId, userId, now);
        await tx.optins.setConsent({
          ...c,
          blockedAt: c.blockedAt ?? now,
          updatesStoppedAt: c.updatesStoppedAt ?? now,
          updatedAt: now,
        });
      } else if (c.blockedAt !== null) {
        await tx.optins.setConsent({ ...c, blockedAt: null, updatedAt: now });
      }
    });
    this.changed(pageId, userId);
  }

  /**
   * The person's standing with the page as the Send API asks it on every call: read at most once a second,
   * and again at once after any change this process makes to it; `fresh` reads it anyway (before refusing).
   * Another process's change (PostgreSQL) is seen within STANDING_TTL_MS. Asked in a job (`uow`), it is
   * read in the job's transaction — on SQLite the writer's pages are warm, where the reader's were just
   * invalidated by the last commit — and kept once that is committed.
   */
  async standingOf(
    pageId: string,
    userId: string,
    { fresh = false, uow }: { fresh?: boolean; uow?: UnitOfWork } = {},
  ): Promise<Standing> {
    const key = `${pageId}:${userId}`;
    const now = Date.now();
    const known = fresh ? undefined : this.standings.get(key);
    if (known && now - known.at < STANDING_TTL_MS) return known.standing;
    if (uow) {
      const standing = await uow.tx.optins.standing(pageId, userId);
      uow.afterCommit(() => this.standings.set(key, { at: now, standing }));
      return standing;
    }
    const standing = await this.storage.reader.optins.standing(pageId, userId);
    this.standings.set(key, { at: now, standing });
    return standing;
  }

  /** Forgets the standing read of the person with the page: called once a change of it is committed. */
  private changed(pageId: string, userId: string) {
    this.standings.delete(`${pageId}:${userId}`);
  }

  /** The person's standing with one page. */
  async standingWith(
    userId: string,
    pageId: string,
  ): Promise<{ optedIn: boolean; updatesStopped: boolean; blocked: boolean }> {
    await this.requirePage(pageId);
    const s = await this.storage.reader.optins.standing(pageId, userId);
    return {
      optedIn: s.optedInAt !== null,
      updatesStopped: s.updatesStoppedAt !== null,
      blocked: s.blockedAt !== null,
    };
  }

  /** The person's active opt-ins and the pages they stopped or blocked (settings). */
  async listOf(userId: string, limit = 200): Promise<{ optins: OptinRecord[]; consents: PageConsentRecord[] }> {
    const r = this.storage.reader.optins;
    return { optins: await r.activeOptinsOf(userId, limit), consents: await r.consentsOf(userId, limit) };
  }

  /**
   * Messaging's DirectSends port: in a message's job, a page's message to a person who blocked it is
   * refused (`page_blocked`) — from the Send API, the page inbox or a socket acting as the page alike.
   */
  async checkSendIn(uow: UnitOfWork, senderId: string, memberIds: Iterable<string>): Promise<void> {
    // A person's message (most of them): known from the cache without a call that waits.
    if (this.kinds.known(senderId) === false || !(await this.kinds.isPage(senderId))) return;
    for (const id of memberIds) {
      if (id === senderId) continue;
      if ((await uow.tx.optins.consent(senderId, id))?.blockedAt != null) throw new AppError('page_blocked');
    }
  }

  private async consentIn(tx: Tx, pageId: string, userId: string): Promise<PageConsentRecord> {
    return (
      (await tx.optins.consent(pageId, userId)) ?? {
        pageId,
        userId,
        updatesStoppedAt: null,
        blockedAt: null,
        updatedAt: 0,
      }
    );
  }

  private async requirePage(pageId: string) {
    if (!(await this.storage.reader.pages.pageById(pageId))) throw new AppError('page_not_found');
  }
}
