import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { PrivateAllowance } from '../lib/ip.ts';
import type { Logger } from '../lib/logger.ts';
import { type Answer, OutboundError, type Resolve, request, resolveTarget, type Target } from '../lib/outbound.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { asciiJson, envelope, signatureHeaders } from './signing.ts';
import type { Attempt, DeliveryRecord } from './store.ts';

export interface DispatcherOptions {
  allowance: PrivateAllowance;
  /** One POST's deadline: connection, answer and body (20 s, as Facebook's). */
  timeoutMs: number;
  /** A delivery is retried this long after it was recorded, then fails for good (24 h). */
  retryForMs: number;
  /** An endpoint failing without a success for this long is disabled (WEBHOOK_DISABLE_AFTER_HOURS). */
  disableAfterMs: number;
  /** Finished deliveries stay in the log this long (WEBHOOK_LOG_DAYS). */
  logKeepMs: number;
  /** Events per POST at most. */
  batchSize: number;
  /** Apps worked at once by this process; more wait their turn. */
  concurrency: number;
  /** The first retry's delay; each next one doubles, up to `maxBackoffMs`, with jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  resolve?: Resolve;
  /** The app secret that signs an app's deliveries. */
  secretOf(appId: string): Promise<string>;
  /** A recorded event as it is sent, at each POST (media-urls.ts: its attachments' signed URLs). */
  present?: (event: unknown) => unknown;
}

/** The most of an answer kept for the delivery log. */
const SNIPPET_BYTES = 512;
/** Apps with pending deliveries are looked for this often (those due after a retry delay, another process's). */
const SCAN_MS = 15_000;
/** The log is trimmed every this many scans (an hour). */
const TRIM_EVERY_SCANS = 240;
/** Finished deliveries deleted per transaction. */
const TRIM_ROWS = 1000;
/**
 * A kept-alive connection left idle this long is closed by us, before the endpoint closes it: servers
 * close idle ones after a few seconds (Node's http server after 5 s, Apache after 5 s), and a POST sent
 * on a connection the endpoint is closing fails. With it set, Node also honours a shorter
 * `Keep-Alive: timeout=N` the endpoint announces (less a second); without it, Node ignores that hint.
 */
const IDLE_SOCKET_MS = 4_000;

/** When the next attempt after `failures` failed ones is due: exponential, capped, with jitter (half to whole). */
export function backoff(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

/**
 * Sends each app's pending deliveries to its webhook, in order, a batch per POST (the envelope groups the
 * events), signed. One app is worked by one process at a time, under a lease (storage Leases): two
 * processes never send an app's deliveries at once, and the order per app — hence per (app, person) —
 * holds across them. A failed POST leaves its batch pending for a retry with backoff; later events wait
 * behind it. Each app runs on its own: a slow or dead endpoint holds its own worker (up to the timeout),
 * never another app's, never the writer (the HTTP exchange happens outside any transaction), never the
 * people's messages.
 */
export class DeliveryDispatcher {
  /** This process, as a lease owner. */
  readonly owner = randomBytes(12).toString('hex');
  private readonly working = new Set<string>();
  private readonly again = new Set<string>();
  private readonly waiting: string[] = [];
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private scanTimer: NodeJS.Timeout | null = null;
  private scans = 0;
  private stopped = false;
  private readonly idle: (() => void)[] = [];
  /** Connections kept alive per app endpoint (one app's pool never serves another's). */
  private readonly agents = new Map<string, { url: string; agent: http.Agent }>();
  /** `reconnects`: POSTs sent again at once on a fresh connection, a kept-alive one having failed (post()). */
  readonly stats = { posts: 0, delivered: 0, failedAttempts: 0, reconnects: 0 };

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly log: Logger,
    private readonly o: DispatcherOptions,
    private readonly now: () => number = Date.now,
  ) {}

  start() {
    const scan = () => {
      if (this.stopped) return;
      void this.scan().finally(() => {
        if (this.stopped) return;
        this.scanTimer = setTimeout(scan, SCAN_MS);
        this.scanTimer.unref();
      });
    };
    scan();
  }

  /**
   * Stops: no POST starts, those under way are cut (their batches stay pending, sent again by whoever
   * works the app next), and every lease is given back before this resolves — so another process, or
   * this one restarted, takes the apps over at once rather than when the leases would have run out.
   */
  async stop() {
    this.stopped = true;
    if (this.scanTimer) clearTimeout(this.scanTimer);
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.waiting.length = 0;
    for (const a of this.agents.values()) a.agent.destroy();
    this.agents.clear();
    await this.settled();
  }

  /** Looks for every app with pending deliveries and wakes it when due. */
  async scan() {
    if (this.scans++ % TRIM_EVERY_SCANS === 0) await this.trim();
    try {
      for (const { appId, nextAttemptAt } of await this.storage.reader.webhooks.appsWithPending()) {
        this.wake(appId, nextAttemptAt);
      }
    } catch (err) {
      if (!this.stopped) this.log.warn({ err }, 'looking for pending webhook deliveries failed');
    }
  }

  /** Deletes the finished deliveries older than the log keeps (a thousand per transaction). */
  async trim() {
    try {
      const before = this.now() - this.o.logKeepMs;
      while (!this.stopped) {
        const n = await this.committer.run(({ tx }) => tx.webhooks.trimDeliveries(before, TRIM_ROWS));
        if (n < TRIM_ROWS) break;
      }
    } catch (err) {
      if (!this.stopped) this.log.warn({ err }, 'trimming the webhook delivery log failed');
    }
  }

  /** Works the app's deliveries now (or at `at`). */
  wake(appId: string, at = 0) {
    if (this.stopped) return;
    const delay = at - this.now();
    if (delay > 0) {
      const t = this.timers.get(appId);
      if (t && t.at <= at) return;
      if (t) clearTimeout(t.timer);
      const timer = setTimeout(() => {
        this.timers.delete(appId);
        this.wake(appId);
      }, delay);
      timer.unref();
      this.timers.set(appId, { at, timer });
      return;
    }
    if (this.working.has(appId)) {
      this.again.add(appId);
      return;
    }
    if (this.working.size >= this.o.concurrency) {
      if (!this.waiting.includes(appId)) this.waiting.push(appId);
      return;
    }
    this.working.add(appId);
    void this.work(appId).finally(() => {
      this.working.delete(appId);
      if (this.again.delete(appId)) this.wake(appId);
      const next = this.waiting.shift();
      if (next !== undefined) this.wake(next);
      if (this.working.size === 0) for (const fn of this.idle.splice(0)) fn();
    });
  }

  /** Resolves when no app is being worked (tests). */
  settled(): Promise<void> {
    if (this.working.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async work(appId: string) {
    const lease = `webhooks:${appId}`;
    const leaseMs = this.o.timeoutMs + 30_000;
    let held = false;
    try {
      let target: Target | null = null;
      let secret: string | null = null;
      while (!this.stopped) {
        const now = this.now();
        // Taken, or renewed, before each POST: it outlives the POST's deadline by a margin.
        held = await this.storage.leases.acquire(lease, this.owner, now, now + leaseMs);
        if (!held) {
          this.wake(appId, now + leaseMs); // another process works it; look again when its lease would end
          return;
        }
        const r = this.storage.reader;
        const webhook = await r.apps.webhookOf(appId);
        if (!webhook || webhook.verifiedAt === null || webhook.disabledAt !== null) return;
        const batch = await r.webhooks.pendingOf(appId, this.o.batchSize);
        const head = batch[0];
        if (!head) return;
        if (head.nextAttemptAt > now) {
          this.wake(appId, head.nextAttemptAt);
          return;
        }
        secret ??= await this.o.secretOf(appId);
        const attempt = await this.post(
          appId,
          webhook.url,
          secret,
          batch,
          () => target,
          (t) => {
            target = t;
          },
        );
        if (this.stopped) return; // the batch stays pending: sent again after the restart
        await this.record(appId, batch, attempt);
        if (attempt.status === null || attempt.status < 200 || attempt.status > 299) target = null;
      }
    } catch (err) {
      if (!this.stopped) {
        this.log.warn({ err, app: appId }, 'webhook delivery failed to run; retried later');
        this.wake(appId, this.now() + this.o.backoffMs);
      }
    } finally {
      if (held) await this.storage.leases.release(lease, this.owner).catch(() => {});
    }
  }

  /** One POST of the batch; answers the attempt (never throws for what the endpoint does). */
  private async post(
    appId: string,
    url: string,
    secret: string,
    batch: readonly DeliveryRecord[],
    cached: () => Target | null,
    cache: (t: Target) => void,
  ): Promise<Attempt> {
    const started = this.now();
    const t0 = performance.now();
    const present = this.o.present ?? ((e: unknown) => e);
    const items = batch.map((d) => ({ pageId: d.pageId, standby: d.standby, event: present(JSON.parse(d.body)) }));
    const body = Buffer.from(asciiJson(envelope(items, started)), 'latin1');
    this.stats.posts++;
    try {
      let target = cached();
      if (!target) {
        target = await resolveTarget(new URL(url), this.o.allowance, {
          timeoutMs: this.o.timeoutMs,
          ...(this.o.resolve ? { resolve: this.o.resolve } : {}),
        });
        cache(target);
      }
      const checked = target;
      const send = (timeoutMs: number) =>
        request(checked, {
          method: 'POST',
          body,
          timeoutMs,
          maxBytes: SNIPPET_BYTES,
          agent: this.agentFor(appId, url),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Comptoir-Webhooks/1.0',
            'x-comptoir-delivery-ids': batch.map((d) => d.id).join(','),
            ...signatureHeaders(secret, body),
          },
        });
      let answer: Answer;
      try {
        answer = await send(this.o.timeoutMs);
      } catch (e) {
        if (!(e instanceof OutboundError && e.failure.reason === 'connection' && e.failure.reusedSocket)) throw e;
        // The endpoint closed the kept-alive connection just as the POST went out on it (servers close idle
        // ones when they please, IDLE_SOCKET_MS notwithstanding): no answer came, the batch was most likely
        // never seen. Sent again at once, once, on a fresh connection, within the same deadline — not a
        // failed attempt, which would hold the app's deliveries for a whole backoff. A batch seen twice is
        // what webhooks allow (the delivery ids tell it).
        this.stats.reconnects++;
        this.dropAgent(appId);
        answer = await send(Math.max(1, this.o.timeoutMs - Math.round(performance.now() - t0)));
      }
      const ok = answer.status >= 200 && answer.status <= 299;
      return {
        at: started,
        status: answer.status,
        error: ok ? null : `answered HTTP ${answer.status}`,
        latencyMs: Math.round(performance.now() - t0),
        snippet: answer.body.length > 0 ? answer.body.toString('utf8') : null,
      };
    } catch (e) {
      if (!(e instanceof OutboundError)) throw e;
      return {
        at: started,
        status: null,
        error: e.message,
        latencyMs: Math.round(performance.now() - t0),
        snippet: null,
      };
    }
  }

  /** Records the attempt: delivered, or retried later (and the endpoint disabled once it failed long enough). */
  private async record(appId: string, batch: readonly DeliveryRecord[], a: Attempt) {
    const ids = batch.map((d) => d.id);
    if (a.status !== null && a.status >= 200 && a.status <= 299) {
      await this.committer.run(async ({ tx }) => {
        await tx.webhooks.markDelivered(ids, a);
        await tx.webhooks.setFailingSince(appId, null);
      });
      this.stats.delivered += ids.length;
      return;
    }
    this.stats.failedAttempts++;
    const head = batch[0] as DeliveryRecord;
    const nextAt = a.at + backoff(head.attempts + 1, this.o.backoffMs, this.o.maxBackoffMs);
    const disabled = await this.committer.run(async ({ tx }) => {
      await tx.webhooks.markFailedAttempt(ids, a, nextAt, a.at - this.o.retryForMs);
      await tx.webhooks.setFailingSince(appId, a.at);
      const since = (await tx.webhooks.failingSince(appId)) ?? a.at;
      if (a.at - since < this.o.disableAfterMs) return false;
      const hours = Math.round(((a.at - since) / 3_600_000) * 10) / 10;
      const reason = `Deliveries failed for ${hours} h without a success; the last attempt ${a.error ?? 'failed'}. Set the webhook again to resume.`;
      return (await tx.webhooks.disableWebhook(appId, a.at, reason)) > 0;
    });
    if (disabled) this.log.warn({ app: appId }, 'webhook disabled after failing too long');
  }

  private agentFor(appId: string, url: string): http.Agent {
    const known = this.agents.get(appId);
    if (known && known.url === url) return known.agent;
    known?.agent.destroy();
    // `timeout` closes idle kept-alive connections (IDLE_SOCKET_MS); a request under way is not cut by it,
    // only by its own deadline (lib/outbound.ts).
    const options = { keepAlive: true, maxSockets: 1, keepAliveMsecs: 10_000, timeout: IDLE_SOCKET_MS };
    const agent = url.startsWith('https:') ? new https.Agent(options) : new http.Agent(options);
    this.agents.set(appId, { url, agent });
    return agent;
  }

  /** Closes the app's connections: its next POST opens a fresh one. */
  private dropAgent(appId: string) {
    this.agents.get(appId)?.agent.destroy();
    this.agents.delete(appId);
  }
}
