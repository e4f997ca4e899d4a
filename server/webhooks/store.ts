import { type Db, hasNul, type SqlText, sqlText } from '../storage/sql.ts';

/**
 * What the webhooks domain stores: the deliveries the planner records for each subscribed app, their
 * attempts, and the reads the planner and the dispatcher need. Written once for both backends
 * (storage/sql.ts); times are milliseconds since the epoch.
 */

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  /** Stable across attempts: the receiver may use it to drop a repeat. */
  id: string;
  appId: string;
  /** The log event it comes from, and which of that event's deliveries to the app (0, 1…): the order. */
  eventPos: number;
  part: number;
  pageId: string;
  /** The webhook field it belongs to (messages, message_echoes, messaging_postbacks…). */
  field: string;
  /** Sent under `standby` (the app does not own the thread) rather than `messaging`. */
  standby: boolean;
  /** The messaging event, as JSON, exactly as it goes into the envelope. */
  body: string;
  state: DeliveryState;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
  /** The HTTP status of the last attempt (null: no answer). */
  lastStatus: number | null;
  /** Why the last attempt failed, in a few words (null after a success). */
  lastError: string | null;
  latencyMs: number | null;
  /** The start of the last answer's body. */
  responseSnippet: string | null;
}

/** An event of the log the planner turns into deliveries: a message, receipt… of a person↔page conversation, or an event scoped to an app or a page. */
export interface PlannableEvent {
  pos: number;
  type: string;
  payload: string;
  createdAt: number;
  conversationId: string | null;
  scope: string | null;
  /** For a conversation's event: the page, the person, and the person's id for that page. */
  pageId: string | null;
  personId: string | null;
  psid: string | null;
  /** As CandidateEvent's. */
  message?: { id: string; senderId: string };
}

/** An event of the log that may concern an app, as the planner first reads it: without its payload. */
export interface CandidateEvent {
  pos: number;
  type: string;
  createdAt: number;
  conversationId: string | null;
  scope: string | null;
  /** The event's JSON when it is already at hand (the planner's tail); read from the log otherwise. */
  payload?: string;
  /** A `message.created`'s message and sender, when at hand (the planner's tail): its JSON is then not parsed to find them. */
  message?: { id: string; senderId: string };
}

/** A person↔page conversation: the page, the person, and the id the page knows the person by. */
export interface PageConversation {
  conversationId: string;
  pageId: string;
  personId: string;
  psid: string;
}

/** An app that receives a page's events: connected (an active page token) with a verified, enabled webhook. */
export interface Subscription {
  appId: string;
  pageId: string;
  fields: string[];
}

/** The outcome of one attempt at a batch of deliveries. */
export interface Attempt {
  at: number;
  status: number | null;
  error: string | null;
  latencyMs: number;
  snippet: string | null;
}

export interface WebhooksReads {
  /**
   * The events after `after` up to `head` that may concern an app — a conversation's messages, edits and
   * receipts, events scoped to an app or a page — in pos order, at most `limit`, without their payloads.
   */
  candidateEvents(after: number, head: number, limit: number): Promise<CandidateEvent[]>;
  /** Which of these conversations are a person's with a page (the others: people's, never a page's). */
  pageConversations(conversationIds: readonly string[]): Promise<PageConversation[]>;
  /** The payloads of these events (those trimmed meanwhile are absent). */
  payloadsOf(positions: readonly number[]): Promise<Map<number, string>>;
  /** The apps receiving the events of these pages. */
  subscriptionsOf(pageIds: readonly string[]): Promise<Subscription[]>;
  /** Whether any app at all receives events (else the planner only moves its position). */
  anySubscription(): Promise<boolean>;
  /** The first `limit` pending deliveries of an app, in order. */
  pendingOf(appId: string, limit: number): Promise<DeliveryRecord[]>;
  /** The apps with pending deliveries, each with its first one's next attempt time. */
  appsWithPending(): Promise<{ appId: string; nextAttemptAt: number }[]>;
  /** An app's deliveries, newest first, before (event_pos, part) `before` when given. */
  deliveriesOf(
    appId: string,
    before: { eventPos: number; part: number } | null,
    limit: number,
  ): Promise<DeliveryRecord[]>;
  deliveryById(appId: string, id: string): Promise<DeliveryRecord | null>;
  /** The pages the app holds an active token for, oldest connection first. */
  connectedPages(appId: string): Promise<string[]>;
  /** Since when the app's endpoint has failed without a success (null: it answers, or no webhook). */
  failingSince(appId: string): Promise<number | null>;
}

export interface WebhooksWrites extends WebhooksReads {
  /** Records deliveries; one already recorded for the same (app, event, part) is kept as it is. */
  insertDeliveries(rows: readonly DeliveryRecord[]): Promise<void>;
  /** The deliveries were answered 2xx. */
  markDelivered(ids: readonly string[], attempt: Attempt): Promise<void>;
  /**
   * The attempt failed: each is tried again at `nextAttemptAt`, except those created before `giveUpBefore`,
   * which fail for good.
   */
  markFailedAttempt(
    ids: readonly string[],
    attempt: Attempt,
    nextAttemptAt: number,
    giveUpBefore: number,
  ): Promise<void>;
  /** Records when the app's endpoint began failing (kept if already set), or clears it (`null`). */
  setFailingSince(appId: string, since: number | null): Promise<void>;
  /** Stops the app's deliveries (its webhook stays, shown disabled with why, until it is set again). */
  disableWebhook(appId: string, at: number, reason: string): Promise<number>;
  /** Deletes up to `maxRows` finished deliveries created before `before`; answers how many. */
  trimDeliveries(before: number, maxRows: number): Promise<number>;
}

/** The methods of WebhooksWrites that write (the group committer counts them). */
export const webhooksWrites = [
  'insertDeliveries',
  'markDelivered',
  'markFailedAttempt',
  'setFailingSince',
  'disableWebhook',
  'trimDeliveries',
] as const satisfies readonly Exclude<keyof WebhooksWrites, keyof WebhooksReads>[];

const COLUMNS = `id, app_id, event_pos, part, page_id, field, standby, body, state, attempts, created_at,
  next_attempt_at, last_attempt_at, delivered_at, last_status, last_error, latency_ms, response_snippet`;
interface DeliveryRow {
  id: string;
  app_id: string;
  event_pos: number;
  part: number;
  page_id: string;
  field: string;
  standby: number | boolean;
  body: string;
  state: DeliveryState;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
  last_status: number | null;
  last_error: string | null;
  latency_ms: number | null;
  response_snippet: string | null;
}
const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  appId: r.app_id,
  eventPos: Number(r.event_pos),
  part: r.part,
  pageId: r.page_id,
  field: r.field,
  standby: r.standby === true || r.standby === 1,
  body: r.body,
  state: r.state,
  attempts: r.attempts,
  createdAt: Number(r.created_at),
  nextAttemptAt: Number(r.next_attempt_at),
  lastAttemptAt: r.last_attempt_at === null ? null : Number(r.last_attempt_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  lastStatus: r.last_status,
  lastError: r.last_error,
  latencyMs: r.latency_ms,
  responseSnippet: r.response_snippet,
});

/** The types of a conversation's events that may become deliveries (webhooks/events.ts). */
const CONVERSATION_TYPES = ['message.created', 'message.edited', 'receipt.updated', 'reaction.updated'];

/** Whether an event of the log is a candidate for the planner: what `candidateEvents` selects, in memory. */
export function isCandidate(e: Pick<CandidateEvent, 'type' | 'conversationId' | 'scope'>): boolean {
  return e.conversationId !== null
    ? CONVERSATION_TYPES.includes(e.type)
    : e.scope !== null && (e.scope.startsWith('app:') || e.scope.startsWith('page:'));
}

export class WebhooksStore implements WebhooksWrites {
  private readonly t: SqlText;
  private readonly q;

  constructor(private readonly db: Db) {
    this.t = sqlText(db.dialect);
    const types = CONVERSATION_TYPES.map((t) => `'${t}'`).join(', ');
    this.q = {
      // A range of the primary key, light columns only: what the planner reads of every event.
      candidates: `SELECT pos, type, created_at, conversation_id, scope FROM events
                    WHERE pos > ? AND pos <= ?
                      AND ((conversation_id IS NOT NULL AND type IN (${types}))
                           OR (scope IS NOT NULL AND (scope LIKE 'app:%' OR scope LIKE 'page:%')))
                    ORDER BY pos LIMIT ?`,
      // The page is the member that is a page; the person the other member, who has an id for that page.
      pageConversations: `SELECT pm.conversation_id, ps.page_id, ps.user_id AS person_id, ps.psid
                            FROM members pm
                            JOIN pages p ON p.id = pm.user_id
                            JOIN members om ON om.conversation_id = pm.conversation_id AND om.user_id <> pm.user_id
                            JOIN page_scoped_ids ps ON ps.page_id = p.id AND ps.user_id = om.user_id
                           WHERE ${this.t.inText('pm.conversation_id')}`,
      payloads: `SELECT pos, payload FROM events WHERE ${this.t.inInt('pos')}`,
    };
  }

  async candidateEvents(after: number, head: number, limit: number) {
    const rows = await this.db.all<{
      pos: number;
      type: string;
      created_at: number;
      conversation_id: string | null;
      scope: string | null;
    }>(this.q.candidates, after, head, limit);
    return rows.map(
      (r): CandidateEvent => ({
        pos: Number(r.pos),
        type: r.type,
        createdAt: Number(r.created_at),
        conversationId: r.conversation_id,
        scope: r.scope,
      }),
    );
  }

  async pageConversations(conversationIds: readonly string[]) {
    const ids = conversationIds.filter((c) => !hasNul(c));
    if (ids.length === 0) return [];
    const rows = await this.db.all<{ conversation_id: string; page_id: string; person_id: string; psid: string }>(
      this.q.pageConversations,
      ids,
    );
    return rows.map(
      (r): PageConversation => ({
        conversationId: r.conversation_id,
        pageId: r.page_id,
        personId: r.person_id,
        psid: r.psid,
      }),
    );
  }

  async payloadsOf(positions: readonly number[]) {
    const payloads = new Map<number, string>();
    if (positions.length === 0) return payloads;
    for (const r of await this.db.all<{ pos: number; payload: string }>(this.q.payloads, positions))
      payloads.set(Number(r.pos), r.payload);
    return payloads;
  }

  async subscriptionsOf(pageIds: readonly string[]) {
    const ids = pageIds.filter((p) => !hasNul(p));
    if (ids.length === 0) return [];
    const rows = await this.db.all<{ app_id: string; page_id: string; fields: string }>(
      `SELECT t.app_id, t.page_id, w.fields FROM page_tokens t JOIN app_webhooks w ON w.app_id = t.app_id
        WHERE ${this.t.inText('t.page_id')} AND t.revoked_at IS NULL
          AND w.verified_at IS NOT NULL AND w.disabled_at IS NULL
        ORDER BY t.app_id${this.t.bytes}, t.page_id${this.t.bytes}`,
      ids,
    );
    return rows.map((r) => ({
      appId: r.app_id,
      pageId: r.page_id,
      fields: r.fields === '' ? [] : r.fields.split(','),
    }));
  }

  async anySubscription() {
    const r = await this.db.one<{ one: number }>(
      `SELECT 1 AS one FROM page_tokens t JOIN app_webhooks w ON w.app_id = t.app_id
        WHERE t.revoked_at IS NULL AND w.verified_at IS NOT NULL AND w.disabled_at IS NULL LIMIT 1`,
    );
    return r !== undefined;
  }

  async pendingOf(appId: string, limit: number) {
    if (hasNul(appId)) return [];
    const rows = await this.db.all<DeliveryRow>(
      `SELECT ${COLUMNS} FROM webhook_deliveries WHERE app_id = ? AND state = 'pending' ORDER BY event_pos, part LIMIT ?`,
      appId,
      limit,
    );
    return rows.map(toDelivery);
  }

  async appsWithPending() {
    const rows = await this.db.all<{ app_id: string; next_attempt_at: number }>(
      `SELECT app_id, MIN(next_attempt_at) AS next_attempt_at FROM webhook_deliveries
        WHERE state = 'pending' GROUP BY app_id`,
    );
    return rows.map((r) => ({ appId: r.app_id, nextAttemptAt: Number(r.next_attempt_at) }));
  }

  async deliveriesOf(appId: string, before: { eventPos: number; part: number } | null, limit: number) {
    if (hasNul(appId)) return [];
    const rows = before
      ? await this.db.all<DeliveryRow>(
          `SELECT ${COLUMNS} FROM webhook_deliveries
            WHERE app_id = ? AND (event_pos < ? OR (event_pos = ? AND part < ?))
            ORDER BY event_pos DESC, part DESC LIMIT ?`,
          appId,
          before.eventPos,
          before.eventPos,
          before.part,
          limit,
        )
      : await this.db.all<DeliveryRow>(
          `SELECT ${COLUMNS} FROM webhook_deliveries WHERE app_id = ? ORDER BY event_pos DESC, part DESC LIMIT ?`,
          appId,
          limit,
        );
    return rows.map(toDelivery);
  }

  async deliveryById(appId: string, id: string) {
    if (hasNul(appId) || hasNul(id)) return null;
    const r = await this.db.one<DeliveryRow>(
      `SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = ? AND app_id = ?`,
      id,
      appId,
    );
    return r ? toDelivery(r) : null;
  }

  async connectedPages(appId: string) {
    if (hasNul(appId)) return [];
    const rows = await this.db.all<{ page_id: string }>(
      'SELECT page_id FROM page_tokens WHERE app_id = ? AND revoked_at IS NULL ORDER BY created_at, id',
      appId,
    );
    return rows.map((r) => r.page_id);
  }

  async failingSince(appId: string) {
    if (hasNul(appId)) return null;
    const r = await this.db.one<{ failing_since: number | null }>(
      'SELECT failing_since FROM app_webhooks WHERE app_id = ?',
      appId,
    );
    return r?.failing_since == null ? null : Number(r.failing_since);
  }

  async insertDeliveries(rows: readonly DeliveryRecord[]) {
    for (const d of rows) {
      await this.db.run(
        `INSERT INTO webhook_deliveries (${COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (app_id, event_pos, part) DO NOTHING`,
        d.id,
        d.appId,
        d.eventPos,
        d.part,
        d.pageId,
        d.field,
        d.standby ? 1 : 0,
        d.body,
        d.state,
        d.attempts,
        d.createdAt,
        d.nextAttemptAt,
        d.lastAttemptAt,
        d.deliveredAt,
        d.lastStatus,
        d.lastError,
        d.latencyMs,
        d.responseSnippet,
      );
    }
  }

  async markDelivered(ids: readonly string[], a: Attempt) {
    if (ids.length === 0) return;
    await this.db.run(
      `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_attempt_at = ?,
         delivered_at = ?, last_status = ?, last_error = NULL, latency_ms = ?, response_snippet = ?
       WHERE ${this.t.inText('id')} AND state = 'pending'`,
      a.at,
      a.at,
      a.status,
      a.latencyMs,
      a.snippet,
      ids,
    );
  }

  async markFailedAttempt(ids: readonly string[], a: Attempt, nextAttemptAt: number, giveUpBefore: number) {
    if (ids.length === 0) return;
    await this.db.run(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = ?,
         latency_ms = ?, response_snippet = ?, next_attempt_at = ?,
         state = CASE WHEN created_at < ? THEN 'failed' ELSE 'pending' END
       WHERE ${this.t.inText('id')} AND state = 'pending'`,
      a.at,
      a.status,
      a.error,
      a.latencyMs,
      a.snippet,
      nextAttemptAt,
      giveUpBefore,
      ids,
    );
  }

  async setFailingSince(appId: string, since: number | null) {
    await this.db.run(
      since === null
        ? 'UPDATE app_webhooks SET failing_since = NULL WHERE app_id = ? AND failing_since IS NOT NULL'
        : 'UPDATE app_webhooks SET failing_since = ? WHERE app_id = ? AND failing_since IS NULL',
      ...(since === null ? [appId] : [since, appId]),
    );
  }

  disableWebhook(appId: string, at: number, reason: string) {
    return this.db.run(
      'UPDATE app_webhooks SET disabled_at = ?, disabled_reason = ? WHERE app_id = ? AND disabled_at IS NULL',
      at,
      reason,
      appId,
    );
  }

  async trimDeliveries(before: number, maxRows: number) {
    return this.db.run(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE created_at < ? AND state <> 'pending' ORDER BY created_at LIMIT ?)`,
      before,
      maxRows,
    );
  }
}
