import { escapeLike, fold } from '../lib/text.ts';
import { type Db, hasNul, sqlText } from '../storage/sql.ts';

/**
 * What the accounts domain stores — people, their sessions and their devices — written once for both
 * backends (storage/sql.ts). Times are milliseconds since the epoch.
 */

export interface UserRecord {
  id: string;
  /** A person, or the account a business page speaks through (pages/): it never signs in. */
  kind: 'person' | 'page';
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  /** The person's profile photo (an upload claimed as an avatar, media/); null or absent: none. */
  avatarMediaId?: string | null;
  /** When the person deleted their account (the row is a tombstone: nothing of them left); null or absent: not. */
  deletedAt?: number | null;
}

/** The username a deleted account's row keeps: no sign-up can choose it (protocol/limits.ts), so the name is free. */
export const tombstoneUsername = (userId: string) => `~deleted~${userId}`;

export interface SessionRecord {
  id: string;
  userId: string;
  tokenHash: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** A browser or app where a person signed in: its cookie's token is stored as a SHA-256 only. */
export interface DeviceRecord {
  id: string;
  userId: string;
  tokenHash: string;
  createdAt: number;
  lastUsedAt: number;
}

export interface AccountsReads {
  userById(id: string): Promise<UserRecord | null>;
  /** In order of id. */
  usersByIds(ids: readonly string[]): Promise<UserRecord[]>;
  userByUsername(username: string): Promise<UserRecord | null>;
  /**
   * People a viewer may find: anyone by their exact username; the people they share or shared a
   * conversation with also by username prefix or display-name substring (case- and accent-insensitive).
   * The viewer excluded, and pages (they have their own search); the exact match first, then
   * username-prefix matches, then by username.
   */
  searchUsers(query: string, limit: number, viewerId: string): Promise<UserRecord[]>;
  sessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  sessionById(id: string): Promise<SessionRecord | null>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null>;
  /** Most recently seen first. */
  sessionsOfUser(userId: string): Promise<SessionRecord[]>;
  /** The person's devices (browsers that signed in), oldest first. */
  devicesOfUser(userId: string): Promise<DeviceRecord[]>;
}

export interface AccountsWrites extends AccountsReads {
  insertUser(user: UserRecord): Promise<void>;
  updateUserDisplayName(userId: string, displayName: string): Promise<void>;
  insertSession(session: SessionRecord): Promise<void>;
  touchSession(sessionId: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  /** The first revocation stands. */
  revokeSession(sessionId: string, revokedAt: number): Promise<void>;
  insertDevice(device: DeviceRecord): Promise<void>;
  touchDevice(deviceId: string, lastUsedAt: number): Promise<void>;
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
  /** Sets or clears (null) the person's profile photo. */
  setAvatar(userId: string, mediaId: string | null): Promise<void>;
  /**
   * Erases a person (account deletion): display name and its folding emptied, the username replaced by
   * its tombstone, no password hash, no photo, `deleted_at` set. The row stays: messages name their sender.
   */
  eraseUser(userId: string, deletedAt: number): Promise<void>;
  /** Forgets the person's devices (their cookies are worth nothing afterwards); answers how many. */
  deleteDevicesOfUser(userId: string): Promise<number>;
}

/** The methods of AccountsWrites that write (the group committer counts them). */
export const accountsWrites = [
  'insertUser',
  'updateUserDisplayName',
  'insertSession',
  'touchSession',
  'revokeSession',
  'insertDevice',
  'touchDevice',
  'updatePasswordHash',
  'setAvatar',
  'eraseUser',
  'deleteDevicesOfUser',
] as const satisfies readonly Exclude<keyof AccountsWrites, keyof AccountsReads>[];

const USER_COLUMNS = 'id, kind, username, display_name, password_hash, created_at, avatar_media_id, deleted_at';
interface UserRow {
  id: string;
  kind: string;
  username: string;
  display_name: string;
  password_hash: string;
  created_at: number;
  avatar_media_id: string | null;
  deleted_at: number | string | null;
}
export const toUser = (r: UserRow): UserRecord => {
  const u: UserRecord = {
    id: r.id,
    kind: r.kind === 'page' ? 'page' : 'person',
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
  };
  // Set only when there is one: a record without them reads as it was written.
  if (r.avatar_media_id !== null) u.avatarMediaId = r.avatar_media_id;
  if (r.deleted_at !== null) u.deletedAt = Number(r.deleted_at);
  return u;
};

const SESSION_COLUMNS = 'id, user_id, token_hash, user_agent, ip, created_at, last_seen_at, expires_at, revoked_at';
interface SessionRow {
  id: string;
  user_id: string;
  token_hash: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}
const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  userAgent: r.user_agent,
  ip: r.ip,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

const DEVICE_COLUMNS = 'id, user_id, token_hash, created_at, last_used_at';
interface DeviceRow {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  last_used_at: number;
}
const toDevice = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

const USER = `SELECT ${USER_COLUMNS} FROM users`;
const SESSION = `SELECT ${SESSION_COLUMNS} FROM sessions`;

/** The accounts store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class AccountsStore implements AccountsWrites {
  private readonly q;

  constructor(private readonly db: Db) {
    const t = sqlText(db.dialect);
    this.q = {
      usersByIds: `${USER} WHERE ${t.inText('id')} ORDER BY id${t.bytes}`,
      // Usernames are lower case (protocol/limits.ts): LIKE being case-sensitive in PostgreSQL (not in
      // SQLite, for ASCII) changes nothing.
      search: `${USER} WHERE id <> ? AND kind = 'person' AND deleted_at IS NULL AND (
           username = ?
           OR ((username LIKE ? ESCAPE '\\' OR display_name_folded LIKE ? ESCAPE '\\')
               AND id IN (SELECT o.user_id FROM members me JOIN members o ON o.conversation_id = me.conversation_id
                           WHERE me.user_id = ?)))
         ORDER BY (username = ?) DESC, (username LIKE ? ESCAPE '\\') DESC, username${t.bytes} LIMIT ?`,
    };
  }

  async userById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<UserRow>(`${USER} WHERE id = ?`, id);
    return r ? toUser(r) : null;
  }
  async usersByIds(ids: readonly string[]) {
    const keys = ids.filter((id) => !hasNul(id));
    if (keys.length === 0) return [];
    return (await this.db.all<UserRow>(this.q.usersByIds, keys)).map(toUser);
  }
  async userByUsername(username: string) {
    if (hasNul(username)) return null;
    const r = await this.db.one<UserRow>(`${USER} WHERE username = ?`, username);
    return r ? toUser(r) : null;
  }
  async searchUsers(query: string, limit: number, viewerId: string) {
    const q = fold(query);
    if (hasNul(q) || hasNul(viewerId)) return [];
    const prefix = `${escapeLike(q)}%`;
    const contains = `%${escapeLike(q)}%`;
    const rows = await this.db.all<UserRow>(this.q.search, viewerId, q, prefix, contains, viewerId, q, prefix, limit);
    return rows.map(toUser);
  }

  async sessionByTokenHash(tokenHash: string) {
    if (hasNul(tokenHash)) return null;
    const r = await this.db.one<SessionRow>(`${SESSION} WHERE token_hash = ?`, tokenHash);
    return r ? toSession(r) : null;
  }
  async sessionById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<SessionRow>(`${SESSION} WHERE id = ?`, id);
    return r ? toSession(r) : null;
  }
  async deviceByTokenHash(tokenHash: string) {
    if (hasNul(tokenHash)) return null;
    const r = await this.db.one<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE token_hash = ?`, tokenHash);
    return r ? toDevice(r) : null;
  }
  async sessionsOfUser(userId: string) {
    if (hasNul(userId)) return [];
    const rows = await this.db.all<SessionRow>(`${SESSION} WHERE user_id = ? ORDER BY last_seen_at DESC`, userId);
    return rows.map(toSession);
  }
  async devicesOfUser(userId: string) {
    if (hasNul(userId)) return [];
    const rows = await this.db.all<DeviceRow>(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE user_id = ? ORDER BY created_at, id`,
      userId,
    );
    return rows.map(toDevice);
  }

  async insertUser(u: UserRecord) {
    await this.db.run(
      `INSERT INTO users (id, kind, username, display_name, display_name_folded, password_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      u.id,
      u.kind,
      u.username,
      u.displayName,
      fold(u.displayName),
      u.passwordHash,
      u.createdAt,
    );
  }
  async updateUserDisplayName(userId: string, displayName: string) {
    await this.db.run(
      'UPDATE users SET display_name = ?, display_name_folded = ? WHERE id = ?',
      displayName,
      fold(displayName),
      userId,
    );
  }
  async insertSession(x: SessionRecord) {
    await this.db.run(
      `INSERT INTO sessions (id, user_id, token_hash, user_agent, ip, created_at, last_seen_at, expires_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      x.id,
      x.userId,
      x.tokenHash,
      x.userAgent,
      x.ip,
      x.createdAt,
      x.lastSeenAt,
      x.expiresAt,
      x.revokedAt,
    );
  }
  async touchSession(sessionId: string, lastSeenAt: number, expiresAt: number) {
    await this.db.run(
      'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?',
      lastSeenAt,
      expiresAt,
      sessionId,
    );
  }
  async revokeSession(sessionId: string, revokedAt: number) {
    await this.db.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', revokedAt, sessionId);
  }
  async insertDevice(d: DeviceRecord) {
    await this.db.run(
      'INSERT INTO devices (id, user_id, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
      d.id,
      d.userId,
      d.tokenHash,
      d.createdAt,
      d.lastUsedAt,
    );
  }
  async touchDevice(deviceId: string, lastUsedAt: number) {
    await this.db.run('UPDATE devices SET last_used_at = ? WHERE id = ?', lastUsedAt, deviceId);
  }
  async updatePasswordHash(userId: string, passwordHash: string) {
    await this.db.run('UPDATE users SET password_hash = ? WHERE id = ?', passwordHash, userId);
  }
  async setAvatar(userId: string, mediaId: string | null) {
    await this.db.run('UPDATE users SET avatar_media_id = ? WHERE id = ?', mediaId, userId);
  }
  async eraseUser(userId: string, deletedAt: number) {
    await this.db.run(
      `UPDATE users SET username = ?, display_name = '', display_name_folded = '', password_hash = '',
              avatar_media_id = NULL, deleted_at = ? WHERE id = ?`,
      tombstoneUsername(userId),
      deletedAt,
      userId,
    );
  }
  async deleteDevicesOfUser(userId: string) {
    return this.db.run('DELETE FROM devices WHERE user_id = ?', userId);
  }
}
