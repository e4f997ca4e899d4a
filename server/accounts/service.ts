import type { ChangePasswordBody, SignUpBody } from '../../protocol/schemas.ts';
import type { UserView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import { addressKey } from '../lib/address.ts';
import { newId, newToken } from '../lib/ids.ts';
import { Lru } from '../lib/lru.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { checkPasswordStrength, type Passwords } from './passwords.ts';
import { presentUser } from './presenter.ts';
import { type AuthContext, type DeviceInfo, hashToken, type SessionsService } from './sessions.ts';
import { SignInGuard } from './signin-guard.ts';
import type { DeviceRecord, SessionRecord, UserRecord } from './store.ts';

export type { AuthContext, DeviceInfo } from './sessions.ts';

/** How long an account read as not deleted is taken to be so by checkReachable (another process may delete it). */
const ALIVE_FOR_MS = 5_000;

/** What a successful sign-up or sign-in gives the browser: a session, and a device token when new. */
export interface SignedIn {
  user: UserRecord;
  token: string;
  session: SessionRecord;
  /** The device cookie to set: a new one on a device that had none for this person. */
  deviceToken: string | null;
}

export interface AccountsOptions {
  signinFailures: number;
  signupsPerHour: number;
  signup: 'open' | 'closed';
  /** Display-name changes per account per hour (each writes one event per conversation). */
  profileChangesPerHour: number;
}

/** Accounts: sign-up, sign-in, profile, finding people. Sessions themselves are SessionsService's. */
export class AccountsService {
  private readonly guard: SignInGuard;
  private readonly signUps: RateLimiter;
  private readonly profileChanges: RateLimiter;
  /** Accounts known to be deleted (final), and until when others are known not to be (checkReachable). */
  private readonly deleted = new Set<string>();
  private readonly alive = new Lru<string, number>(100_000);

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    readonly sessions: SessionsService,
    readonly passwords: Passwords,
    private readonly options: AccountsOptions,
  ) {
    this.guard = new SignInGuard(options.signinFailures);
    this.signUps = new RateLimiter(options.signupsPerHour, 60 * 60_000);
    this.profileChanges = new RateLimiter(options.profileChangesPerHour, 60 * 60_000);
  }

  private static refuse(wait: number): AppError {
    return new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
  }

  get signupOpen(): boolean {
    return this.options.signup === 'open';
  }

  async signUp(body: SignUpBody, device: DeviceInfo): Promise<SignedIn> {
    if (!this.signupOpen) throw new AppError('signup_closed');
    if (device.ip !== null) {
      const wait = this.signUps.take(addressKey(device.ip));
      if (wait > 0) throw AccountsService.refuse(wait);
    }
    const now = Date.now();
    const user = await this.newUser(body, now);
    const { token, session } = this.sessions.create(user.id, device, now);
    const known = this.newDevice(user.id, now);
    await this.committer.run(async ({ tx }) => {
      if (await tx.accounts.userByUsername(user.username)) throw new AppError('username_taken');
      await tx.accounts.insertUser(user);
      await tx.accounts.insertSession(session);
      await tx.accounts.insertDevice(known.device);
    });
    return { user, token, session, deviceToken: known.token };
  }

  /** Creates an account without a session (the `comptoir user create` command; open or closed sign-up). */
  async createUser(body: SignUpBody): Promise<UserRecord> {
    const user = await this.newUser(body, Date.now());
    await this.committer.run(async ({ tx }) => {
      if (await tx.accounts.userByUsername(user.username)) throw new AppError('username_taken');
      await tx.accounts.insertUser(user);
    });
    return user;
  }

  private async newUser(body: SignUpBody, now: number): Promise<UserRecord> {
    if (await this.storage.reader.accounts.userByUsername(body.username)) throw new AppError('username_taken');
    await checkPasswordStrength(body.password, [body.username, body.displayName ?? '']);
    return {
      id: newId(now),
      kind: 'person',
      username: body.username,
      displayName: body.displayName ?? body.username,
      passwordHash: await this.passwords.hash(body.password),
      createdAt: now,
    };
  }

  private newDevice(userId: string, now: number): { token: string; device: DeviceRecord } {
    const token = newToken();
    return { token, device: { id: newId(now), userId, tokenHash: hashToken(token), createdAt: now, lastUsedAt: now } };
  }

  /**
   * Checks a password within the sign-in limits (signin-guard.ts): the attempt's tokens are taken before
   * the hash and given back only on success. `deviceToken` is the device cookie, if the browser has one.
   */
  async signIn(username: string, password: string, device: DeviceInfo, deviceToken?: string): Promise<SignedIn> {
    const name = username.trim().toLowerCase();
    const address = addressKey(device.ip);
    const cookie = deviceToken && deviceToken.length <= 128 ? deviceToken : null;
    // Without a device cookie the limits decide before anything is read: a refused guess costs no query.
    const early = cookie ? null : this.guard.begin(name, address, null);
    let user: UserRecord | null;
    let known: DeviceRecord | null;
    try {
      user = await this.storage.reader.accounts.userByUsername(name);
      // A page's account has no password: it is answered as an unknown name (same work, same answer), and
      // so is a deleted account (its username is a tombstone already: this is belt and braces).
      if (user?.kind === 'page' || user?.deletedAt != null) user = null;
      known = user && cookie ? await this.storage.reader.accounts.deviceByTokenHash(hashToken(cookie)) : null;
    } catch (e) {
      early?.settle('unchecked');
      throw e;
    }
    const knownDevice = known && user && known.userId === user.id ? known : null;
    const attempt = early ?? this.guard.begin(name, address, knownDevice?.id ?? null);
    let ok = false;
    try {
      if (user) ok = await this.passwords.verify(user.passwordHash, password);
      else await this.passwords.verifyNothing(password);
    } catch (e) {
      attempt.settle('unchecked'); // the hashing was refused (too many at once): not a guess
      throw e;
    }
    attempt.settle(user && ok ? 'right' : 'wrong');
    if (!user || !ok) throw new AppError('invalid_credentials');
    const now = Date.now();
    const { token, session } = this.sessions.create(user.id, device, now);
    const fresh = knownDevice ? null : this.newDevice(user.id, now);
    await this.committer.run(async ({ tx }) => {
      await tx.accounts.insertSession(session);
      if (fresh) await tx.accounts.insertDevice(fresh.device);
      else if (knownDevice) await tx.accounts.touchDevice(knownDevice.id, now);
    });
    return { user, token, session, deviceToken: fresh?.token ?? null };
  }

  /**
   * Checks the signed-in person's password within the sign-in limits (the same buckets as signing in to
   * their username from this address: a stolen session cannot guess it faster than a stranger could), as
   * read now from the database (a change made on another device counts). `wrong_password` when wrong.
   */
  async reauthenticate(auth: AuthContext, password: string, ip: string | null): Promise<UserRecord> {
    const user = await this.storage.reader.accounts.userById(auth.user.id);
    if (!user || user.deletedAt != null) throw new AppError('account_deleted');
    const attempt = this.guard.begin(user.username, addressKey(ip), null);
    let ok: boolean;
    try {
      ok = await this.passwords.verify(user.passwordHash, password);
    } catch (e) {
      attempt.settle('unchecked');
      throw e;
    }
    attempt.settle(ok ? 'right' : 'wrong');
    if (!ok) throw new AppError('wrong_password');
    return user;
  }

  /**
   * Changes the password: the current one checked (reauthenticate), the new one held to sign-up's rules
   * and hashed with argon2id; with `signOutOtherDevices`, every other session is revoked in the same job
   * (their sockets closed), this one stays. All of it commits, or nothing (`wrong_password` when another
   * change committed since the check).
   */
  async changePassword(auth: AuthContext, body: ChangePasswordBody, ip: string | null): Promise<void> {
    const user = await this.reauthenticate(auth, body.currentPassword, ip);
    await checkPasswordStrength(body.newPassword, [user.username, user.displayName]);
    const passwordHash = await this.passwords.hash(body.newPassword);
    const updated = await this.committer.run(async (uow) => {
      const current = await uow.tx.accounts.userById(user.id);
      if (!current || current.deletedAt != null) throw new AppError('account_deleted');
      if (current.passwordHash !== user.passwordHash) throw new AppError('wrong_password');
      await uow.tx.accounts.updatePasswordHash(user.id, passwordHash);
      if (body.signOutOtherDevices) await this.sessions.revokeAllIn(uow, user.id, auth.session.id);
      return { ...current, passwordHash };
    });
    this.sessions.userChanged(updated);
  }

  /**
   * The accounts step of deleting an account (flows/account-deletion.ts runs it in its job, after the
   * other domains'): every session revoked (their sockets closed), every device forgotten, the row erased
   * to a tombstone (accounts/store.ts eraseUser), the person's own devices told. Answers the tombstone.
   */
  async eraseIn(uow: UnitOfWork, userId: string): Promise<UserRecord> {
    const current = await uow.tx.accounts.userById(userId);
    if (!current || current.deletedAt != null) throw new AppError('account_deleted');
    await this.sessions.revokeAllIn(uow, userId, null);
    await uow.tx.accounts.deleteDevicesOfUser(userId);
    await uow.tx.accounts.eraseUser(userId, uow.now);
    const erased = (await uow.tx.accounts.userById(userId)) as UserRecord;
    uow.afterCommit(() => this.sessions.userChanged(erased));
    return erased;
  }

  /**
   * The accounts step of a profile-photo change (flows/profile-photo.ts runs it in its job): the row
   * points at the new photo (null: none) and the person's own devices are told. Answers the person and
   * the photo it replaced (the flow deletes it); `changed` false when it was already that one.
   */
  async setAvatarIn(
    uow: UnitOfWork,
    userId: string,
    mediaId: string | null,
  ): Promise<{ user: UserRecord; previous: string | null; changed: boolean }> {
    const current = await uow.tx.accounts.userById(userId);
    if (!current || current.deletedAt != null) throw new AppError('account_deleted');
    const previous = current.avatarMediaId ?? null;
    const user = { ...current, avatarMediaId: mediaId };
    if (previous === mediaId) return { user, previous: null, changed: false };
    await uow.tx.accounts.setAvatar(userId, mediaId);
    await uow.emit({
      event: { type: 'user.updated', conversationId: null, user: presentUser(user) },
      scope: { userId },
      audience: [userId],
    });
    return { user, previous, changed: true };
  }

  /**
   * Refuses (`account_deleted`) a message to a one-to-one conversation whose other person deleted their
   * account: it stays, read-only. Read from committed data (PostgreSQL's deferred writes stay deferred); a
   * deletion is final, so it is remembered.
   */
  async checkReachable(senderId: string, memberIds: Iterable<string>): Promise<void> {
    // On every one-to-one message: the caches, without allocating, in the usual case.
    const now = Date.now();
    let unknown: string[] | null = null;
    for (const id of memberIds) {
      if (id === senderId) continue;
      if (this.deleted.has(id)) throw new AppError('account_deleted');
      if ((this.alive.get(id) ?? 0) < now) {
        unknown ??= [];
        unknown.push(id);
      }
    }
    if (unknown === null) return;
    for (const u of await this.storage.reader.accounts.usersByIds(unknown)) {
      if (u.deletedAt != null) {
        this.deleted.add(u.id);
        throw new AppError('account_deleted');
      }
      this.alive.set(u.id, now + ALIVE_FOR_MS);
    }
  }

  /** A deletion committed here: remembered at once (another process's is seen within ALIVE_FOR_MS). */
  noteDeleted(userId: string) {
    this.deleted.add(userId);
    this.alive.delete(userId);
  }

  async signOut(auth: AuthContext): Promise<void> {
    await this.sessions.revoke(auth.user.id, auth.session.id);
  }

  /**
   * The accounts step of creating a business page (flows/pages.ts): the account the page speaks
   * through — its username (one namespace with people's) and name; it has no password and never signs in.
   */
  async createPageAccountIn(uow: UnitOfWork, account: { id: string; username: string; name: string }) {
    if (await uow.tx.accounts.userByUsername(account.username)) throw new AppError('username_taken');
    const user: UserRecord = {
      id: account.id,
      kind: 'page',
      username: account.username,
      displayName: account.name,
      passwordHash: '',
      createdAt: uow.now,
    };
    await uow.tx.accounts.insertUser(user);
    return user;
  }

  /** Takes one profile change from the person's hourly budget, or refuses (`rate_limited`). */
  takeProfileChange(userId: string): void {
    const wait = this.profileChanges.take(userId);
    if (wait > 0) throw AccountsService.refuse(wait);
  }

  /**
   * The accounts step of a display-name change (flows/display-name.ts runs it in its job): the row
   * updated, and the person's own devices told (`user.updated` in their user scope).
   */
  async renameIn(uow: UnitOfWork, userId: string, displayName: string): Promise<UserRecord> {
    const current = await uow.tx.accounts.userById(userId);
    if (!current) throw new AppError('user_not_found');
    const user = { ...current, displayName };
    await uow.tx.accounts.updateUserDisplayName(userId, displayName);
    await uow.emit({
      event: { type: 'user.updated', conversationId: null, user: presentUser(user) },
      scope: { userId },
      audience: [userId],
    });
    return user;
  }

  async searchUsers(auth: AuthContext, query: string, limit: number): Promise<UserView[]> {
    return (await this.storage.reader.accounts.searchUsers(query, limit, auth.user.id)).map(presentUser);
  }
}
