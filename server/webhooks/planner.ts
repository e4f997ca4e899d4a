import type { MessageContent } from '../../protocol/content.ts';
import type { EventBus, PublishedEvent } from '../bus/types.ts';
import { newId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import { Lru } from '../lib/lru.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { type Lookups, type PlannedEvent, webhookEventsOf } from './events.ts';
import { planAppEvent, planHandover, planOptin, planOrderRequest, withPersons } from './scoped-events.ts';
import {
  type CandidateEvent,
  type DeliveryRecord,
  isCandidate,
  type PageConversation,
  type PlannableEvent,
  type Subscription,
} from './store.ts';

/** The planner's name among the log's consumers (consumer_positions). */
export const PLANNER = 'webhooks';
/** Events read per transaction. */
const EVENTS_PER_RUN = 500;
/** Runs start at most this often (see kick()). */
const RUN_INTERVAL_MS = 10;
/** With no app receiving anything, the position is still saved, at most this often. */
const IDLE_SAVE_MS = 5_000;
/** A receipt's delivery names at most this many messages (the watermark covers the rest). */
const MAX_MIDS = 20;
/** Events this process published and the planner has not passed yet, kept at most (see fromTail()). */
const TAIL_MAX = 20_000;
/** Conversations remembered as a page's or not (a few MB at most). */
const CONVERSATIONS_KNOWN = 50_000;
/** The webhook fields each kind of a conversation's event can become (webhooks/events.ts). */
const FIELDS_OF: Record<string, readonly string[]> = {
  'message.created': ['messages', 'messaging_postbacks', 'message_echoes'],
  'message.edited': ['message_edits'],
  'receipt.updated': ['message_reads', 'message_deliveries'],
  'reaction.updated': ['message_reactions'],
};

/**
 * The planner follows the event log — the outbox of every change, written in the change's own
 * transaction — from its stored position, and records for each app subscribed to a page the events it
 * is to receive: the deliveries and the new position in ONE transaction. A restart resumes from the
 * position; an event planned twice (two processes, a crash between) is recorded once ((app, event, part)
 * is unique). It reads only up to what is durable, the payloads only of the events of person↔page
 * conversations some app may receive and of those scoped to an app or a page, and nothing at all while
 * no app receives events.
 *
 * What this process commits it also publishes on the bus, with the same JSON: the planner keeps those
 * events (its tail) and takes a range from there instead of reading the log when the tail holds every
 * position of it — which proves no other writer's event is missing (positions are dense in SQLite; a
 * PostgreSQL sequence's gaps or another process's events make it read the log, as after a restart).
 */
export class DeliveryPlanner {
  private position = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastSave = 0;
  private lastRunAt = 0;
  private anySubscribed = false;
  private subscriptionsCheckedAt = 0;
  private unsubscribe: (() => void) | null = null;
  /** What this process published, in pos order, from tail[tailStart] on (see fromTail()). */
  private tail: CandidateEvent[] = [];
  private tailStart = 0;
  /** Conversation id → the person↔page conversation it is, or null: people's (see select()). */
  private readonly conversations = new Lru<string, PageConversation | null>(CONVERSATIONS_KNOWN);
  /** Events planned and deliveries recorded, for the benchmark and the logs. */
  readonly stats = { events: 0, deliveries: 0, fromTail: 0, fromLog: 0 };

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly bus: EventBus,
    private readonly log: Logger,
    /** Told which apps have new deliveries (the dispatcher). */
    private readonly planned: (appIds: ReadonlySet<string>) => void,
  ) {}

  async start() {
    this.position = await this.storage.reader.events.consumerPosition(PLANNER);
    this.unsubscribe = this.bus.subscribe({
      name: 'webhook-planner',
      onEvents: (events) => {
        this.keep(events);
        void this.kick();
      },
    });
    this.kick();
  }

  stop() {
    this.stopped = true;
    this.unsubscribe?.();
  }

  /** Plans what the log holds beyond the position; resolves when caught up (tests, the benchmark). */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          // At most one run per interval: what commits meanwhile is planned together (a run costs a few
          // reads whatever it holds; a webhook waits a few milliseconds more at most).
          const wait = this.lastRunAt + RUN_INTERVAL_MS - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          this.lastRunAt = Date.now();
          while (!this.stopped && (await this.runOnce())) {}
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!this.stopped) this.log.error({ err }, 'webhook planning failed; retried with the next events');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Keeps what was published for the next run (fromTail()); a tail grown past TAIL_MAX is dropped. */
  private keep(events: readonly PublishedEvent[]) {
    if (this.tail.length - this.tailStart + events.length > TAIL_MAX) {
      this.tail = [];
      this.tailStart = 0;
      return;
    }
    for (const e of events)
      this.tail.push({
        pos: e.pos,
        type: e.event.type,
        createdAt: e.createdAt,
        conversationId: e.conversationId,
        scope: e.scope,
        payload: e.json,
        ...(e.event.type === 'message.created'
          ? { message: { id: e.event.message.id, senderId: e.event.message.senderId } }
          : {}),
      });
  }

  /**
   * The candidates of (after, head], at most `limit`, from the tail — or null when the tail does not hold
   * every position of that range. Positions are published in increasing order, so a run of the tail
   * from after + 1 to head with head - after entries holds each of them.
   */
  private fromTail(after: number, head: number, limit: number): CandidateEvent[] | null {
    const tail = this.tail;
    let start = this.tailStart;
    while (start < tail.length && (tail[start] as CandidateEvent).pos <= after) start++;
    if (start > 1024 && start * 2 > tail.length) {
      this.tail = tail.slice(start);
      this.tailStart = 0;
      return this.fromTail(after, head, limit);
    }
    this.tailStart = start;
    const end = start + (head - after);
    if (start === tail.length || (tail[start] as CandidateEvent).pos !== after + 1) return null;
    if (end > tail.length || (tail[end - 1] as CandidateEvent).pos !== head) return null;
    const out: CandidateEvent[] = [];
    for (let i = start; i < end && out.length < limit; i++) {
      const e = tail[i] as CandidateEvent;
      if (isCandidate(e)) out.push(e);
    }
    return out;
  }

  /** One transaction's worth; answers whether more may remain. */
  private async runOnce(): Promise<boolean> {
    const head = this.committer.durablePosition;
    if (head <= this.position) return false;
    let candidates: CandidateEvent[] = [];
    const tailed = this.fromTail(this.position, head, EVENTS_PER_RUN);
    if (await this.anySubscription()) {
      if (tailed) this.stats.fromTail++;
      else this.stats.fromLog++;
      candidates = tailed ?? (await this.storage.reader.webhooks.candidateEvents(this.position, head, EVENTS_PER_RUN));
    }
    const through = candidates.length === EVENTS_PER_RUN ? (candidates.at(-1) as CandidateEvent).pos : head;
    // Planned from committed data before the transaction, which then only writes: people's messages in
    // the same batch never wait on the planner's reads.
    const { events, subs } = await this.select(candidates);
    const rows = await this.plan(events, subs, Date.now());
    const now = Date.now();
    // Nothing to record: the position is saved now and then only (planning again what follows a saved
    // position records nothing twice).
    if (rows.length > 0 || now - this.lastSave >= IDLE_SAVE_MS) {
      await this.committer.run(async ({ tx, now }) => {
        if (rows.length > 0) await tx.webhooks.insertDeliveries(rows);
        await tx.events.saveConsumerPosition(PLANNER, through, now);
      });
      this.lastSave = now;
    }
    this.stats.events += events.length;
    this.stats.deliveries += rows.length;
    this.position = through;
    const apps = new Set(rows.map((d) => d.appId));
    if (apps.size > 0) this.planned(apps);
    return through < head;
  }

  /**
   * The candidates some app may receive, with their payloads, and the subscriptions of their pages. Read
   * in three light steps rather than one join per event: the range's rows without payloads; which of
   * their conversations are a person's with a page (remembered: a conversation never becomes one, nor
   * stops being one — pages are never added to groups); the payloads of those events only, of pages
   * whose apps take a field that kind of event can become.
   */
  private async select(candidates: readonly CandidateEvent[]) {
    const r = this.storage.reader.webhooks;
    const unknown = new Set<string>();
    for (const e of candidates)
      if (e.conversationId !== null && this.conversations.get(e.conversationId) === undefined)
        unknown.add(e.conversationId);
    if (unknown.size > 0) {
      const found = new Map((await r.pageConversations([...unknown])).map((c) => [c.conversationId, c]));
      for (const id of unknown) this.conversations.set(id, found.get(id) ?? null);
    }
    const pageIds = new Set<string>();
    for (const e of candidates) {
      const c = e.conversationId === null ? null : this.conversations.get(e.conversationId);
      if (c) pageIds.add(c.pageId);
      else if (e.scope?.startsWith('page:')) pageIds.add(e.scope.slice('page:'.length));
    }
    const subs = new Map<string, Subscription[]>();
    for (const s of pageIds.size > 0 ? await r.subscriptionsOf([...pageIds]) : []) {
      const list = subs.get(s.pageId) ?? [];
      list.push(s);
      subs.set(s.pageId, list);
    }
    // Only what some app may receive is looked into further: a page no app follows costs nothing more.
    const kept: { e: CandidateEvent; c: PageConversation | null }[] = [];
    for (const e of candidates) {
      if (e.conversationId === null) {
        kept.push({ e, c: null });
        continue;
      }
      const c = this.conversations.get(e.conversationId);
      if (!c) continue;
      const fields = FIELDS_OF[e.type] ?? [];
      if ((subs.get(c.pageId) ?? []).some((s) => s.fields.some((f) => f === 'standby' || fields.includes(f))))
        kept.push({ e, c });
    }
    const payloads = await r.payloadsOf(kept.filter((k) => k.e.payload === undefined).map((k) => k.e.pos));
    const events: PlannableEvent[] = [];
    for (const { e, c } of kept) {
      const payload = e.payload ?? payloads.get(e.pos);
      if (payload === undefined) continue; // trimmed by retention meanwhile: nothing left to send
      events.push({
        ...e,
        payload,
        pageId: c?.pageId ?? null,
        personId: c?.personId ?? null,
        psid: c?.psid ?? null,
      });
    }
    return { events, subs };
  }

  /** Whether any app receives events, asked at most once a second. */
  private async anySubscription(): Promise<boolean> {
    const now = Date.now();
    if (now - this.subscriptionsCheckedAt >= 1000 || this.anySubscribed === false) {
      this.anySubscribed = await this.storage.reader.webhooks.anySubscription();
      this.subscriptionsCheckedAt = now;
    }
    return this.anySubscribed;
  }

  /** The deliveries of these events, for every app that receives them. Reads committed data only. */
  private async plan(
    read: readonly PlannableEvent[],
    subs: ReadonlyMap<string, Subscription[]>,
    now: number,
  ): Promise<DeliveryRecord[]> {
    const r = this.storage.reader;
    const events = await withPersons(this.storage.reader, read);
    // A message's stored content (its postback, metadata, sending app) only where an app takes what the
    // message becomes: the person's (messages, postbacks) or the page's own (echoes).
    const takes = (pageId: string, fields: readonly string[]) =>
      (subs.get(pageId) ?? []).some((s) => s.fields.some((f) => f === 'standby' || fields.includes(f)));
    const messageIds: string[] = [];
    const untaken = new Set<PlannableEvent>();
    for (const e of events) {
      if (e.type !== 'message.created' || e.pageId === null) continue;
      const m = e.message ?? (JSON.parse(e.payload) as { message: { id: string; senderId: string } }).message;
      if (takes(e.pageId, m.senderId === e.pageId ? ['message_echoes'] : ['messages', 'messaging_postbacks']))
        messageIds.push(m.id);
      else untaken.add(e);
    }
    const contents = new Map<string, MessageContent | null>();
    for (const m of messageIds.length > 0 ? await r.messaging.messagesByIds(messageIds) : [])
      contents.set(m.id, m.content);
    const between = new Map<string, { id: string; senderId: string; createdAt: number }[]>();
    for (const e of events) {
      if (e.type !== 'receipt.updated' || e.pageId === null) continue;
      const p = JSON.parse(e.payload) as { conversationId: string; readSeq: number; deliveredSeq: number };
      const [after, to] = p.readSeq >= p.deliveredSeq ? [p.readSeq - 1, p.readSeq] : [p.readSeq, p.deliveredSeq];
      const key = `${p.conversationId}:${after}:${to}`;
      if (to <= 0 || between.has(key)) continue;
      const page = await r.messaging.messagesBefore(p.conversationId, to + 1, Math.min(to - after, MAX_MIDS));
      between.set(
        key,
        page.filter((m) => m.seq > after).map((m) => ({ id: m.id, senderId: m.senderId, createdAt: m.createdAt })),
      );
    }
    // Reactions go to the page's apps for the page's own messages: who sent each message reacted to.
    const reacted = events.flatMap((e) =>
      e.type === 'reaction.updated' && e.pageId !== null
        ? [(JSON.parse(e.payload) as { messageId: string }).messageId]
        : [],
    );
    const senders = new Map<string, string>();
    for (const m of reacted.length > 0 ? await r.messaging.messagesByIds([...new Set(reacted)]) : [])
      senders.set(m.id, m.senderId);
    const lookups: Lookups = {
      senderOf: (id) => senders.get(id) ?? null,
      contentOf: (id) => contents.get(id) ?? null,
      messagesBetween: (c, after, to) => between.get(`${c}:${after}:${to}`) ?? [],
    };

    // What each event becomes, kept only where some app of the page takes that field or stands by.
    const planned = new Map<PlannableEvent, PlannedEvent[]>();
    for (const e of events) {
      // A conversation's event, or a page's about one person's thread (a referral); not an app's, nor a handover.
      if (e.personId === null || untaken.has(e)) continue;
      const ps = webhookEventsOf(e, lookups).filter((p) =>
        (subs.get(p.pageId) ?? []).some((s) => s.fields.includes(p.field) || s.fields.includes('standby')),
      );
      if (ps.length > 0) planned.set(e, ps);
    }
    // Who owns each of those threads (the handover protocol): its owner gets the events, the others stand by.
    const persons = new Map<string, Set<string>>();
    for (const e of planned.keys()) {
      if (!e.pageId || !e.personId) continue;
      const set = persons.get(e.pageId) ?? new Set<string>();
      set.add(e.personId);
      persons.set(e.pageId, set);
    }
    const owners = new Map<string, Map<string, string>>();
    for (const [pageId, ids] of persons) owners.set(pageId, await r.platform.threadOwners(pageId, [...ids]));

    const rows: DeliveryRecord[] = [];
    const add = (
      appId: string,
      e: PlannableEvent,
      part: number,
      d: Pick<DeliveryRecord, 'pageId' | 'field' | 'standby' | 'body'>,
    ) =>
      rows.push({
        id: newId(now),
        appId,
        eventPos: e.pos,
        part,
        ...d,
        state: 'pending',
        attempts: 0,
        createdAt: now,
        nextAttemptAt: now,
        lastAttemptAt: null,
        deliveredAt: null,
        lastStatus: null,
        lastError: null,
        latencyMs: null,
        responseSnippet: null,
      });
    for (const e of events) {
      if (e.scope?.startsWith('app:')) {
        await planAppEvent(this.storage.reader, e, add);
        continue;
      }
      if (e.type === 'platform.handover') {
        await planHandover(this.storage.reader, e, add);
        continue;
      }
      if (e.type === 'platform.optin') {
        planOptin(e, subs, add);
        continue;
      }
      if (e.type === 'platform.order_request') {
        planOrderRequest(e, subs, add);
        continue;
      }
      const parts = new Map<string, number>();
      const owner = e.pageId && e.personId ? owners.get(e.pageId)?.get(e.personId) : undefined;
      for (const p of planned.get(e) ?? []) {
        for (const s of subs.get(p.pageId) ?? []) {
          // The owner of the thread gets the fields it subscribed to; another app, if it subscribed to
          // `standby`, gets the same event under `standby`.
          const standby = owner !== undefined && s.appId !== owner;
          if (!s.fields.includes(standby ? 'standby' : p.field)) continue;
          const part = parts.get(s.appId) ?? 0;
          parts.set(s.appId, part + 1);
          add(s.appId, e, part, { pageId: p.pageId, field: p.field, standby, body: JSON.stringify(p.event) });
        }
      }
    }
    return rows;
  }
}
