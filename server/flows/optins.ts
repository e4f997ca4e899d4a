import type { OptinView, PageConsentView } from '../../protocol/optins.ts';
import type { PageView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import type { PagesService } from '../pages/service.ts';
import { type OptinInput, type OptinsService, originOf, returnUrl } from '../platform/optins.ts';
import type { OptinRecord } from '../platform/optins-store.ts';

/**
 * What a person does with a page's opt-ins, presented with the page (platform/optins.ts keeps the rules,
 * pages/ the pages): the checkbox's and the link flow's opt-in, the link flow's check before its confirmation
 * screen, the person's list and their standing with a page (stop updates, block).
 */
export class OptinFlows {
  constructor(
    private readonly optins: OptinsService,
    private readonly pages: PagesService,
  ) {}

  /** The link flow's confirmation screen asks first: the page to name, and whether it is done already. */
  async check(
    userId: string,
    q: { pageId: string; userRef: string; ref?: string | undefined; returnTo: string },
  ): Promise<{ page: PageView; alreadyOptedIn: boolean }> {
    const origin = this.returnOrigin(q.returnTo);
    await this.optins.check({ pageId: q.pageId, userRef: q.userRef, ref: q.ref, origin });
    const mine = await this.optins.mine(userId, q.pageId, q.userRef);
    const taken = await this.optins.takenByAnother(userId, q.pageId, q.userRef);
    if (taken) throw new AppError('user_ref_taken');
    return { page: await this.pages.get(q.pageId), alreadyOptedIn: mine !== null && mine.revokedAt === null };
  }

  /**
   * The opt-in (201, or 200 when this person had made it already). The link flow sends `returnTo` (its
   * origin is the merchant's); the checkbox, the embedding page's origin.
   */
  async optIn(
    userId: string,
    body: Omit<OptinInput, 'origin'> & { origin?: string | undefined; returnTo?: string | undefined },
  ): Promise<{ optin: OptinView; returnTo: string | null; created: boolean }> {
    const origin = body.returnTo !== undefined ? this.returnOrigin(body.returnTo) : body.origin;
    if (origin === undefined) throw new AppError('bad_request', 'origin or returnTo is required');
    const r = await this.optins.optIn(userId, { ...body, origin });
    return {
      optin: await this.present(r.optin),
      returnTo: body.returnTo === undefined ? null : returnUrl(body.returnTo, r.optin.userRef),
      created: r.created,
    };
  }

  async revoke(userId: string, pageId: string, userRef: string): Promise<void> {
    await this.optins.revoke(userId, pageId, userRef);
  }

  async list(userId: string): Promise<{ optins: OptinView[]; pages: PageConsentView[] }> {
    const { optins, consents } = await this.optins.listOf(userId);
    const active = new Set(optins.map((o) => o.pageId));
    return {
      optins: await Promise.all(optins.map((o) => this.present(o))),
      pages: await Promise.all(
        consents.map(async (c) => ({
          page: await this.pages.get(c.pageId),
          optedIn: active.has(c.pageId),
          updatesStopped: c.updatesStoppedAt !== null,
          blocked: c.blockedAt !== null,
        })),
      ),
    };
  }

  async standing(userId: string, pageId: string): Promise<PageConsentView> {
    return { page: await this.pages.get(pageId), ...(await this.optins.standingWith(userId, pageId)) };
  }

  /** Stops or resumes the page's updates, blocks or unblocks it; answers the standing after. */
  async decide(
    userId: string,
    pageId: string,
    change: { updates?: 'stopped' | 'allowed' | undefined; blocked?: boolean | undefined },
  ): Promise<PageConsentView> {
    if (change.blocked !== undefined) await this.optins.setBlocked(userId, pageId, change.blocked);
    if (change.updates === 'stopped') await this.optins.stopUpdates(userId, pageId);
    if (change.updates === 'allowed') await this.optins.resumeUpdates(userId, pageId);
    return this.standing(userId, pageId);
  }

  private returnOrigin(returnTo: string): string {
    const origin = originOf(returnTo);
    if (origin === null) throw new AppError('origin_not_allowed', 'return_to is not an http(s) URL');
    return origin;
  }

  private async present(o: OptinRecord): Promise<OptinView> {
    return {
      page: await this.pages.get(o.pageId),
      userRef: o.userRef,
      ref: o.ref,
      how: o.how,
      createdAt: new Date(o.createdAt).toISOString(),
    };
  }
}
