import type { Signal } from '../../protocol/events.ts';
import { PRESENCE_GRACE_MS } from '../../protocol/limits.ts';
import type { PresenceView, SettingsView } from '../../protocol/views.ts';
import type { PublishedSignal } from '../bus/types.ts';
import type { Logger } from '../lib/logger.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';

/** While someone is online, their `last_seen_at` is marked this often (one statement for everyone). */
const HEARTBEAT_MS = 60_000;
/** Last-seen marks of people who went offline are written together, at most this long after. */
const COALESCE_MS = 1000;

export interface PresenceOptions {
  graceMs?: number;
  heartbeatMs?: number;
  now?: () => number;
}

/**
 * Who is online, and who may see it (docs/PROTOCOL.md, "Presence"). The gateway tells it when a person's
 * socket opens and closes (its `presence` port; a socket acting as a page does not count): online from the
 * first, offline a grace period (10 s) after the last closes — a reload does not flap. Each change is an
 * ephemeral `presence` signal to the people who now share a conversation with them and show their own
 * presence, sent only if the person shows theirs. Going offline marks `users.last_seen_at` (coalesced:
 * the marks of a second are one statement, never on a message's path), and a heartbeat marks everyone
 * online once a minute, so a crash loses at most a minute of it.
 *
 * Who is online is known per process: with several processes behind one database, each knows its own
 * sockets (a distributed bus would carry the counts — not built yet, as the bus itself).
 */
/** What presence asks of people's blocks: who blocks this person or is blocked by them. */
export interface PresenceBlocks {
  relatedTo(userId: string): Promise<ReadonlySet<string>>;
}

export class PresenceService {
  /** Open sockets per person. */
  private readonly sockets = new Map<string, number>();
  /** People shown online: a socket is open, or the last one closed less than the grace ago. */
  private readonly online = new Set<string>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  /** Last-seen marks not yet written (or being written): read before the database's. */
  private readonly seen = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly graceMs: number;
  private readonly now: () => number;
  private stopped = false;
  /** People's blocks (server/blocks/, given by app.ts): between a blocker and who they block, nothing shows. */
  private blocks: PresenceBlocks | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly signal: (s: PublishedSignal) => void,
    private readonly log: Logger,
    options: PresenceOptions = {},
  ) {
    this.graceMs = options.graceMs ?? PRESENCE_GRACE_MS;
    this.now = options.now ?? Date.now;
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Who blocks whom: neither sees the other's presence (as with typing). */
  setBlocks(blocks: PresenceBlocks): void {
    this.blocks = blocks;
  }

  /** A socket of this person opened (the gateway's port). */
  opened(userId: string): void {
    if (this.stopped) return;
    this.sockets.set(userId, (this.sockets.get(userId) ?? 0) + 1);
    const pending = this.graceTimers.get(userId);
    if (pending) {
      // Back within the grace (a reload): still online, nobody is told anything.
      clearTimeout(pending);
      this.graceTimers.delete(userId);
      return;
    }
    if (this.online.has(userId)) return;
    this.online.add(userId);
    this.announce(userId, { type: 'presence', userId, state: 'online', lastSeenAt: null });
  }

  /** A socket of this person closed (the gateway's port). */
  closed(userId: string): void {
    const n = (this.sockets.get(userId) ?? 1) - 1;
    if (n > 0) {
      this.sockets.set(userId, n);
      return;
    }
    this.sockets.delete(userId);
    if (this.stopped || !this.online.has(userId) || this.graceTimers.has(userId)) return;
    const timer = setTimeout(() => this.wentOffline(userId), this.graceMs);
    timer.unref();
    this.graceTimers.set(userId, timer);
  }

  /** Whether the person shows online (a socket open, or within the grace after the last one). */
  isOnline(userId: string): boolean {
    return this.online.has(userId);
  }

  private wentOffline(userId: string) {
    this.graceTimers.delete(userId);
    if ((this.sockets.get(userId) ?? 0) > 0) return;
    this.online.delete(userId);
    const at = this.now();
    this.markSeen(userId, at);
    this.announce(userId, { type: 'presence', userId, state: 'offline', lastSeenAt: new Date(at).toISOString() });
  }

  private markSeen(userId: string, at: number) {
    this.seen.set(userId, at);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flushSeen(), COALESCE_MS);
    this.flushTimer.unref();
  }

  /** Writes the pending last-seen marks, those of one time in one statement. */
  private async flushSeen() {
    this.flushTimer = null;
    const batch = new Map(this.seen);
    if (batch.size === 0) return;
    const byTime = new Map<number, string[]>();
    for (const [userId, at] of batch) byTime.set(at, [...(byTime.get(at) ?? []), userId]);
    try {
      await this.committer.run(async (uow) => {
        for (const [at, ids] of byTime) await uow.tx.presence.markSeen(ids, at);
      });
      // Forget what was written, unless a later mark came meanwhile.
      for (const [userId, at] of batch) if (this.seen.get(userId) === at) this.seen.delete(userId);
    } catch (err) {
      this.log.warn({ err, people: batch.size }, 'last seen not written; retried with the next marks');
    }
  }

  /** Marks everyone online as seen now: a crash loses at most a heartbeat of it. */
  beat() {
    if (this.online.size === 0) return;
    const at = this.now();
    for (const userId of this.online) this.seen.set(userId, at);
    void this.flushSeen();
  }

  /** Sends a change of this person to the people who may see it — if they show their own presence. */
  private announce(userId: string, signal: Signal) {
    void (async () => {
      const [me] = await this.storage.reader.presence.presenceOf([userId]);
      if (!me?.showPresence && signal.type === 'presence' && signal.state !== 'hidden') return;
      const related = this.blocks ? await this.blocks.relatedTo(userId) : null;
      const audience = (await this.storage.reader.presence.presenceAudience(userId)).filter((id) => !related?.has(id));
      if (audience.length > 0) this.signal({ signal, audience, exceptConnection: null });
    })().catch((err: unknown) => this.log.warn({ err, userId }, 'presence not announced'));
  }

  /**
   * What `viewerId` may see of these people: those who share a conversation with them, each `online`,
   * `offline` (since when) or `hidden` (their setting or the viewer's); the others left out.
   */
  async presenceFor(viewerId: string, userIds: readonly string[]): Promise<PresenceView[]> {
    const reader = this.storage.reader.presence;
    const shared = await reader.sharingWith(viewerId, userIds);
    if (shared.length === 0) return [];
    const [viewer] = await reader.presenceOf([viewerId]);
    const records = await reader.presenceOf(shared);
    const related = this.blocks ? await this.blocks.relatedTo(viewerId) : null;
    return records.map((r) => {
      if (!viewer?.showPresence || !r.showPresence || related?.has(r.userId))
        return { userId: r.userId, state: 'hidden', lastSeenAt: null };
      if (this.online.has(r.userId)) return { userId: r.userId, state: 'online', lastSeenAt: null };
      const mark = this.seen.get(r.userId);
      const at = mark !== undefined && (r.lastSeenAt === null || mark > r.lastSeenAt) ? mark : r.lastSeenAt;
      return { userId: r.userId, state: 'offline', lastSeenAt: at === null ? null : new Date(at).toISOString() };
    });
  }

  async settings(userId: string): Promise<SettingsView> {
    const [me] = await this.storage.reader.presence.presenceOf([userId]);
    return { showPresence: me?.showPresence ?? true };
  }

  /**
   * Changes who sees the person's presence. Turned off, the people they share a conversation with are
   * told it is hidden now; turned on, they are told the person's state (online, or last seen).
   */
  async setShowPresence(userId: string, show: boolean): Promise<SettingsView> {
    const before = await this.settings(userId);
    await this.committer.run(async (uow) => uow.tx.presence.setShowPresence(userId, show));
    if (before.showPresence !== show) {
      if (!show) this.announce(userId, { type: 'presence', userId, state: 'hidden', lastSeenAt: null });
      else {
        const [view] = await this.presenceAs(userId);
        if (view) this.announce(userId, { type: 'presence', ...view });
      }
    }
    return { showPresence: show };
  }

  /** The person's own state, as someone who may see it would. */
  private async presenceAs(userId: string): Promise<PresenceView[]> {
    if (this.online.has(userId)) return [{ userId, state: 'online', lastSeenAt: null }];
    const [r] = await this.storage.reader.presence.presenceOf([userId]);
    if (!r) return [];
    const mark = this.seen.get(userId) ?? r.lastSeenAt;
    return [{ userId, state: 'offline', lastSeenAt: mark === null ? null : new Date(mark).toISOString() }];
  }

  /** Stops the timers; everyone online is marked seen now (server shutdown), before the database closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    for (const t of this.graceTimers.values()) clearTimeout(t);
    this.graceTimers.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    const at = this.now();
    for (const userId of this.online) this.seen.set(userId, at);
    this.online.clear();
    await this.flushSeen();
  }
}
