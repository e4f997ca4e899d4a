import type { PageAppView, PageAppWebhookView } from '../../protocol/views.ts';
import { iso, presentUser } from '../accounts/presenter.ts';
import type { WebhookRecord } from '../apps/store.ts';
import type { PagesService } from '../pages/service.ts';
import type { Storage } from '../storage/types.ts';

/**
 * The apps connected to a page, as its admins see them (pages decides who they are; apps and webhooks
 * say what is connected and in what state). An app's owner is not necessarily the page's admin, and the
 * page's admins not the app's owners: they see whether each app still receives the page's events, and
 * when its webhook was disabled, why — but of its callback URL only the origin, and never its secret nor
 * its verify token.
 */
export class PageApps {
  constructor(
    private readonly storage: Storage,
    private readonly pages: PagesService,
  ) {}

  /** The page's admins only (`page_not_found`, `not_page_member`, `not_page_admin` otherwise), oldest connection first. */
  async list(userId: string, pageId: string): Promise<PageAppView[]> {
    await this.pages.requireRole(pageId, userId, 'admin');
    const r = this.storage.reader;
    const { apps: connected } = await r.platform.receivers(pageId);
    const found = await Promise.all(
      connected.map(async (c) => {
        const [app, webhook, failingSince] = await Promise.all([
          r.apps.appById(c.id),
          r.apps.webhookOf(c.id),
          r.webhooks.failingSince(c.id),
        ]);
        return app ? { connected: c, app, webhook, failingSince } : null;
      }),
    );
    const rows = found.filter((x) => x !== null);
    const owners = new Map(
      (await r.accounts.usersByIds([...new Set(rows.map((x) => x.app.ownerId))])).map((u) => [u.id, presentUser(u)]),
    );
    return rows.map((x) => ({
      id: x.app.id,
      name: x.app.name,
      owner: owners.get(x.app.ownerId) ?? null,
      connectedAt: iso(x.connected.connectedAt),
      webhook: presentPageWebhook(x.webhook, x.failingSince),
    }));
  }
}

/** The webhook's state for someone who does not own the app: the URL's origin, no token, no path, no query. */
export function presentPageWebhook(w: WebhookRecord | null, failingSince: number | null): PageAppWebhookView {
  if (!w) {
    return { status: 'none', origin: null, fields: [], disabledAt: null, disabledReason: null, failingSince: null };
  }
  const status = w.disabledAt !== null ? 'disabled' : w.verifiedAt !== null ? 'active' : 'unverified';
  return {
    status,
    origin: originOf(w.url),
    fields: [...w.fields],
    disabledAt: w.disabledAt === null ? null : iso(w.disabledAt),
    disabledReason: w.disabledAt === null ? null : w.disabledReason,
    failingSince: failingSince === null ? null : iso(failingSince),
  };
}

/** `https://bot.example.org:8443` of `https://user@bot.example.org:8443/hook?key=…` (null if it does not parse). */
function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
