import type { DeliveryView } from '../../protocol/views.ts';
import { iso } from '../accounts/presenter.ts';
import type { AppsService } from '../apps/service.ts';
import { AppError } from '../errors.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { WebhookLogEvent } from './scoped-events.ts';
import type { DeliveryRecord } from './store.ts';

/** Replays and test events one app may ask for per hour. */
const REQUESTS_PER_HOUR = 120;

/**
 * What an app's owner sees of and asks from its deliveries: the log (newest first), a delivery sent
 * again, a test event. A replay and a test are events of the log like any other (`platform.…`, scoped
 * `app:<id>`): recorded in a transaction, planned and delivered in order behind what was already pending.
 */
export class WebhookDeliveries {
  private readonly requests = new RateLimiter(REQUESTS_PER_HOUR, 3_600_000);

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly apps: AppsService,
    /** A recorded event as the app is sent it (media-urls.ts: its attachments' signed URLs). */
    private readonly present: (event: unknown) => unknown = (e) => e,
  ) {}

  async list(ownerId: string, appId: string, before: string | null, limit: number) {
    const { app } = await this.apps.get(ownerId, appId);
    const cursor = before === null ? null : parseCursor(before);
    const rows = await this.storage.reader.webhooks.deliveriesOf(app.id, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      deliveries: page.map((d) => presentDelivery(d, this.present)),
      next: rows.length > limit && last ? `${last.eventPos}.${last.part}` : null,
    };
  }

  async get(ownerId: string, appId: string, deliveryId: string): Promise<DeliveryView> {
    const { app } = await this.apps.get(ownerId, appId);
    const d = await this.storage.reader.webhooks.deliveryById(app.id, deliveryId);
    if (!d) throw new AppError('delivery_not_found');
    return presentDelivery(d, this.present);
  }

  /** Sends the delivery's event again, as a new delivery (a new id) after those pending. */
  async replay(ownerId: string, appId: string, deliveryId: string): Promise<void> {
    const { app, webhook } = await this.apps.get(ownerId, appId);
    if (!(await this.storage.reader.webhooks.deliveryById(app.id, deliveryId)))
      throw new AppError('delivery_not_found');
    if (!webhook || webhook.verifiedAt === null) throw new AppError('webhook_not_set');
    this.take(app.id);
    await this.record({ type: 'platform.webhook_replay', appId: app.id, deliveryId });
  }

  /** A sample `messages` event from a test sender (id "0") to one of the app's pages (the first connected by default). */
  async test(ownerId: string, appId: string, pageId: string | undefined): Promise<void> {
    const { app, webhook } = await this.apps.get(ownerId, appId);
    if (!webhook || webhook.verifiedAt === null) throw new AppError('webhook_not_set');
    const page = pageId ?? (await this.storage.reader.webhooks.connectedPages(app.id))[0];
    if (page === undefined || !(await this.storage.reader.apps.activePageToken(app.id, page)))
      throw new AppError('app_not_connected');
    this.take(app.id);
    await this.record({ type: 'platform.webhook_test', appId: app.id, pageId: page });
  }

  private take(appId: string) {
    const wait = this.requests.take(appId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
  }

  private async record(event: WebhookLogEvent) {
    await this.committer.run(async (uow) => {
      await uow.emit({ event, scope: { scope: `app:${event.appId}` }, audience: [] });
    });
  }
}

function parseCursor(text: string): { eventPos: number; part: number } {
  const m = /^(\d{1,15})\.(\d{1,5})$/.exec(text);
  if (!m) throw new AppError('bad_request', 'before: not a cursor of this log', { field: 'before' });
  return { eventPos: Number(m[1]), part: Number(m[2]) };
}

/** A delivery for its app's owner: its event as it is sent (`present`), with fresh links to its media. */
export function presentDelivery(d: DeliveryRecord, present: (event: unknown) => unknown): DeliveryView {
  return {
    id: d.id,
    field: d.field,
    pageId: d.pageId,
    standby: d.standby,
    state: d.state,
    attempts: d.attempts,
    createdAt: iso(d.createdAt),
    lastAttemptAt: d.lastAttemptAt === null ? null : iso(d.lastAttemptAt),
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    deliveredAt: d.deliveredAt === null ? null : iso(d.deliveredAt),
    status: d.lastStatus,
    latencyMs: d.latencyMs,
    error: d.lastError,
    responseSnippet: d.responseSnippet,
    event: present(JSON.parse(d.body)),
  };
}
