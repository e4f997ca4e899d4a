import { hash } from 'node:crypto';
import type { SessionView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import { newId, newToken } from '../lib/ids.ts';
import { Lru } from '../lib/lru.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { presentSession } from './presenter.ts';
import type { SessionRecord, UserRecord } from './store.ts';

/** Who is making a request. */
export interface AuthContext {
  user: UserRecord;
  session: SessionRecord;
}

export interface DeviceInfo {
  userAgent: string | null;
  ip: string | null;
}

/** A session's expiry moves forward at most this often (one write per session per hour). */
const TOUCH_EVERY_MS = 60 * 60 * 1000;
/** Sessions are read from the database again after this long in the cache. */
const CACHE_FOR_MS = 5 * 60 * 1000;

export const hashToken = (token: string) => hash('sha256', token, 'hex');

export interface SessionLifetime {
  /** A session ends after this long without use (sliding)… */
  idleMs: number;
  /** …and this long after it began, used or not (absolute). */
  maxMs: number;
}

/**
 * Sessions: a 256-bit token in a cookie, only its SHA-256 stored. They end after `idleMs` without use
 * and `maxMs` after sign-in whatever happens, or when revoked. Requests and sockets are authenticated
 * from a cache; a revocation updates the cache at once, and a database read that began before a
 * revocation is never cached (it is read again), so no cache can undo a revocation.
 */
export class SessionsService {
  /** tokenHash → session, so that requests and sockets do not read the database each time. */
  private readonly cache = new Lru<string, { auth: AuthContext; cachedAt: number }>(50_000);
  /** Bumped by every revocation: a read that overlapped one is not trusted. */
  private revocations = 0;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    readonly lifetime: SessionLifetime,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A new session (not yet stored) and its token, for the cookie. */
  create(userId: string, device: DeviceInfo, now: number): { token: string; session: SessionRecord } {
    const token = newToken();
    const session: SessionRecord = {
      id: newId(now),
      userId,
      tokenHash: hashToken(token),
      userAgent: device.userAgent?.slice(0, 256) ?? null,
      ip: device.ip,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: this.expiry(now, now),
      revokedAt: null,
    };
    return { token, session };
  }

  /** When a session used at `now` ends: idle timeout, capped by the absolute lifetime. */
  private expiry(createdAt: number, now: number): number {
    return Math.min(now + this.lifetime.idleMs, createdAt + this.lifetime.maxMs);
  }

  /**
   * The session a token belongs to. Throws `unauthenticated` for an unknown token, `session_expired` for
   * a revoked or expired one. `renewed` is true when the expiry moved (the cookie should be set again).
   */
  async authenticate(token: string | undefined): Promise<AuthContext & { renewed: boolean }> {
    if (!token || token.length > 128) throw new AppError('unauthenticated');
    const tokenHash = hashToken(token);
    let now = this.clock();
    let cached = this.cache.get(tokenHash);
    if (!cached || now - cached.cachedAt > CACHE_FOR_MS) {
      cached = await this.load(tokenHash);
      now = this.clock();
    }
    const { session, user } = cached.auth;
    if (session.revokedAt !== null || Math.min(session.expiresAt, session.createdAt + this.lifetime.maxMs) <= now) {
      this.cache.delete(tokenHash);
      throw new AppError('session_expired');
    }
    let renewed = false;
    const expiresAt = this.expiry(session.createdAt, now);
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
      cached.auth = { user, session: { ...session, lastSeenAt: now, expiresAt } };
      renewed = expiresAt > session.expiresAt;
      this.committer
        .run(({ tx }) => tx.accounts.touchSession(session.id, now, expiresAt))
        .catch(() => {
          // Touching is best effort: the session stays valid until its previous expiry.
        });
    }
    return { ...cached.auth, renewed };
  }

  /** Reads a session and its user, again if a revocation happened meanwhile; caches the result. */
  private async load(tokenHash: string): Promise<{ auth: AuthContext; cachedAt: number }> {
    for (;;) {
      const epoch = this.revocations;
      const session = await this.storage.reader.accounts.sessionByTokenHash(tokenHash);
      if (!session) throw new AppError('unauthenticated');
      const user = await this.storage.reader.accounts.userById(session.userId);
      if (!user) throw new AppError('unauthenticated');
      // A revocation committed while we read may not be in what we read: read again.
      if (epoch !== this.revocations) continue;
      const entry = { auth: { user, session }, cachedAt: this.clock() };
      this.cache.set(tokenHash, entry);
      return entry;
    }
  }

  /**
   * When the session of an open socket ends, as the database says now (its expiry may have moved since
   * the socket opened); null when it has ended or was revoked.
   */
  async endsAt(sessionId: string): Promise<number | null> {
    const session = await this.storage.reader.accounts.sessionById(sessionId);
    if (!session || session.revokedAt !== null) return null;
    const end = Math.min(session.expiresAt, session.createdAt + this.lifetime.maxMs);
    return end > this.clock() ? end : null;
  }

  async list(auth: AuthContext): Promise<SessionView[]> {
    const now = this.clock();
    const all = await this.storage.reader.accounts.sessionsOfUser(auth.user.id);
    return all.filter((s) => s.revokedAt === null && s.expiresAt > now).map((s) => presentSession(s, auth.session.id));
  }

  /** Signs out one of the person's devices (their sockets are closed by the gateway on the event). */
  async revokeOwn(auth: AuthContext, sessionId: string): Promise<void> {
    const sessions = await this.storage.reader.accounts.sessionsOfUser(auth.user.id);
    const target = sessions.find((s) => s.id === sessionId && s.revokedAt === null);
    if (!target) throw new AppError('session_not_found');
    await this.revoke(auth.user.id, sessionId);
  }

  async revoke(userId: string, sessionId: string): Promise<void> {
    await this.committer.run((uow) => this.revokeIn(uow, userId, sessionId));
  }

  /** A revocation as a step of a job: the row, the event that closes the device's sockets, the cache after commit. */
  async revokeIn(uow: UnitOfWork, userId: string, sessionId: string): Promise<void> {
    await uow.tx.accounts.revokeSession(sessionId, uow.now);
    await uow.emit({
      event: { type: 'session.revoked', conversationId: null, sessionId },
      scope: { userId },
      audience: [userId],
    });
    uow.afterCommit(() => this.forget(sessionId));
  }

  /**
   * In a job: revokes every live session of the person but `keep` (null: all of them); answers how many.
   * Each device's sockets are closed by the gateway on its `session.revoked`.
   */
  async revokeAllIn(uow: UnitOfWork, userId: string, keep: string | null): Promise<number> {
    let n = 0;
    for (const s of await uow.tx.accounts.sessionsOfUser(userId)) {
      if (s.id === keep || s.revokedAt !== null) continue;
      await this.revokeIn(uow, userId, s.id);
      n++;
    }
    return n;
  }

  private forget(sessionId: string) {
    this.revocations++;
    for (const entry of this.cache.values()) {
      if (entry.auth.session.id === sessionId)
        entry.auth = { ...entry.auth, session: { ...entry.auth.session, revokedAt: this.clock() } };
    }
  }

  /** The cached sessions of a person see their new profile. */
  userChanged(user: UserRecord) {
    for (const entry of this.cache.values()) {
      if (entry.auth.user.id === user.id) entry.auth = { ...entry.auth, user };
    }
  }
}
