import type { SignUpBody } from '../../protocol/schemas.ts';
import type { UserView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import { addressKey } from '../lib/address.ts';
import { newId, newToken } from '../lib/ids.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import { checkPasswordStrength, type Passwords } from './passwords.ts';
import { presentUser } from './presenter.ts';
import { type AuthContext, type DeviceInfo, hashToken, type SessionsService } from './sessions.ts';
import { SignInGuard } from './signin-guard.ts';
import type { DeviceRecord, SessionRecord, UserRecord } from './store.ts';

export type { AuthContext, DeviceInfo } from './sessions.ts';

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
      // A page's account has no password: it is answered as an unknown name (same work, same answer).
      if (user?.kind === 'page') user = null;
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
