import { createHash } from 'node:crypto';
import type { SignUpBody } from '../../protocol/schemas.ts';
import type { SessionView, UserView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import { newId, newToken } from '../lib/ids.ts';
import { Lru } from '../lib/lru.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer } from '../storage/commit.ts';
import type { SessionRecord, Storage, UserRecord } from '../storage/types.ts';
import { hashPassword, verifyNothing, verifyPassword } from './passwords.ts';
import { presentSession, presentUser } from './presenter.ts';

/** Who is making a request. */
export interface AuthContext {
  user: UserRecord;
  session: SessionRecord;
}

export interface DeviceInfo {
  userAgent: string | null;
  ip: string | null;
}

const TOUCH_EVERY_MS = 60 * 60 * 1000;
const CACHE_FOR_MS = 5 * 60 * 1000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Accounts: sign-up, sign-in, sessions, profile, finding people. */
export class AccountsService {
  /** tokenHash → session, so that requests and sockets do not read the database each time. */
  private readonly sessions = new Lru<string, { auth: AuthContext; cachedAt: number }>(50_000);

  /** Failed sign-ins per username and per address (15 minutes), sign-ups per address (1 hour). */
  private readonly failuresByUsername: RateLimiter;
  private readonly failuresByAddress: RateLimiter;
  private readonly signUps: RateLimiter;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly sessionTtlMs: number,
    rates: { signinFailures: number; signupsPerHour: number },
  ) {
    this.failuresByUsername = new RateLimiter(rates.signinFailures, 15 * 60_000);
    this.failuresByAddress = new RateLimiter(rates.signinFailures * 3, 15 * 60_000);
    this.signUps = new RateLimiter(rates.signupsPerHour, 60 * 60_000);
  }

  private static refuse(wait: number): AppError {
    return new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
  }

  async signUp(
    body: SignUpBody,
    device: DeviceInfo,
  ): Promise<{ user: UserRecord; token: string; session: SessionRecord }> {
    if (device.ip !== null) {
      const wait = this.signUps.take(device.ip);
      if (wait > 0) throw AccountsService.refuse(wait);
    }
    const now = Date.now();
    const user = await this.newUser(body, now);
    const { token, session } = this.newSession(user.id, device, now);
    await this.insertUser(user, session);
    return { user, token, session };
  }

  /** Creates an account without a session (the `comptoir user create` command). */
  async createUser(body: SignUpBody): Promise<UserRecord> {
    const user = await this.newUser(body, Date.now());
    await this.insertUser(user, null);
    return user;
  }

  private async newUser(body: SignUpBody, now: number): Promise<UserRecord> {
    return {
      id: newId(now),
      username: body.username,
      displayName: body.displayName ?? body.username,
      passwordHash: await hashPassword(body.password),
      createdAt: now,
    };
  }

  private insertUser(user: UserRecord, session: SessionRecord | null) {
    return this.committer.run(async ({ tx }) => {
      if (await tx.userByUsername(user.username)) throw new AppError('username_taken');
      await tx.insertUser(user);
      if (session) await tx.insertSession(session);
    });
  }

  async signIn(
    username: string,
    password: string,
    device: DeviceInfo,
  ): Promise<{ user: UserRecord; token: string; session: SessionRecord }> {
    const name = username.trim().toLowerCase();
    const address = device.ip ?? 'unknown';
    const wait = Math.max(this.failuresByUsername.check(name), this.failuresByAddress.check(address));
    if (wait > 0) throw AccountsService.refuse(wait);
    const user = await this.storage.reader.userByUsername(name);
    let ok = false;
    if (user) ok = await verifyPassword(user.passwordHash, password);
    else await verifyNothing(password);
    if (!user || !ok) {
      this.failuresByUsername.take(name);
      this.failuresByAddress.take(address);
      throw new AppError('invalid_credentials');
    }
    this.failuresByUsername.reset(name);
    const { token, session } = this.newSession(user.id, device, Date.now());
    await this.committer.run(({ tx }) => tx.insertSession(session));
    return { user, token, session };
  }

  private newSession(userId: string, device: DeviceInfo, now: number) {
    const token = newToken();
    const session: SessionRecord = {
      id: newId(now),
      userId,
      tokenHash: hashToken(token),
      userAgent: device.userAgent?.slice(0, 256) ?? null,
      ip: device.ip,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.sessionTtlMs,
      revokedAt: null,
    };
    return { token, session };
  }

  /**
   * The session a token belongs to. Throws `unauthenticated` for an unknown token, `session_expired` for
   * a revoked or expired one. `renewed` is true when the expiry moved (the cookie should be set again).
   */
  async authenticate(token: string | undefined): Promise<AuthContext & { renewed: boolean }> {
    if (!token || token.length > 128) throw new AppError('unauthenticated');
    const tokenHash = hashToken(token);
    const now = Date.now();
    let cached = this.sessions.get(tokenHash);
    if (!cached || now - cached.cachedAt > CACHE_FOR_MS) {
      const session = await this.storage.reader.sessionByTokenHash(tokenHash);
      if (!session) throw new AppError('unauthenticated');
      const user = await this.storage.reader.userById(session.userId);
      if (!user) throw new AppError('unauthenticated');
      cached = { auth: { user, session }, cachedAt: now };
      this.sessions.set(tokenHash, cached);
    }
    const { session, user } = cached.auth;
    if (session.revokedAt !== null || session.expiresAt <= now) {
      this.sessions.delete(tokenHash);
      throw new AppError('session_expired');
    }
    let renewed = false;
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
      const expiresAt = now + this.sessionTtlMs;
      cached.auth = { user, session: { ...session, lastSeenAt: now, expiresAt } };
      renewed = true;
      this.committer
        .run(({ tx }) => tx.touchSession(session.id, now, expiresAt))
        .catch(() => {
          // Touching is best effort: the session stays valid until its previous expiry.
        });
    }
    return { ...cached.auth, renewed };
  }

  async signOut(auth: AuthContext): Promise<void> {
    await this.revoke(auth.user.id, auth.session.id);
  }

  async listSessions(auth: AuthContext): Promise<SessionView[]> {
    const now = Date.now();
    const all = await this.storage.reader.sessionsOfUser(auth.user.id);
    return all.filter((s) => s.revokedAt === null && s.expiresAt > now).map((s) => presentSession(s, auth.session.id));
  }

  async revokeSession(auth: AuthContext, sessionId: string): Promise<void> {
    const sessions = await this.storage.reader.sessionsOfUser(auth.user.id);
    const target = sessions.find((s) => s.id === sessionId && s.revokedAt === null);
    if (!target) throw new AppError('session_not_found');
    await this.revoke(auth.user.id, sessionId);
  }

  private async revoke(userId: string, sessionId: string) {
    await this.committer.run(async (uow) => {
      await uow.tx.revokeSession(sessionId, uow.now);
      await uow.emit({
        event: { type: 'session.revoked', conversationId: null, sessionId },
        scope: { userId },
        audience: [userId],
      });
      uow.afterCommit(() => this.forgetSession(sessionId));
    });
  }

  private forgetSession(sessionId: string) {
    for (const entry of this.sessions.values()) {
      if (entry.auth.session.id === sessionId)
        entry.auth = { ...entry.auth, session: { ...entry.auth.session, revokedAt: Date.now() } };
    }
  }

  /** Changes the display name; everyone who shares a conversation with the person sees it live. */
  async updateDisplayName(auth: AuthContext, displayName: string): Promise<UserRecord> {
    const userId = auth.user.id;
    const updated = await this.committer.run(async (uow) => {
      const { tx } = uow;
      const current = await tx.userById(userId);
      if (!current) throw new AppError('user_not_found');
      const user = { ...current, displayName };
      await tx.updateUserDisplayName(userId, displayName);
      const view = presentUser(user);
      await uow.emit({
        event: { type: 'user.updated', conversationId: null, user: view },
        scope: { userId },
        audience: [userId],
      });
      for (const conversationId of await tx.conversationIdsOfUser(userId)) {
        const audience = (await tx.membersOf(conversationId)).filter((m) => m.active).map((m) => m.userId);
        await uow.emit({
          event: { type: 'user.updated', conversationId, user: view },
          scope: { conversationId },
          audience,
        });
      }
      return user;
    });
    for (const entry of this.sessions.values()) {
      if (entry.auth.user.id === userId) entry.auth = { ...entry.auth, user: updated };
    }
    return updated;
  }

  async searchUsers(auth: AuthContext, query: string, limit: number): Promise<UserView[]> {
    return (await this.storage.reader.searchUsers(query, limit, auth.user.id)).map(presentUser);
  }
}
