import { type Db, hasNul, sqlText } from '../storage/sql.ts';

/**
 * What presence stores: on each person's row of `users`, when they were last seen (`last_seen_at`) and
 * whether they show their presence (`show_presence`, migration 0028). Written once for both backends
 * (storage/sql.ts). Who shares a conversation with whom is read from `members` (active memberships only),
 * as people search reads it: presence never imports messaging.
 */

export interface PresenceRecord {
  userId: string;
  /** Milliseconds since the epoch; null until first seen. */
  lastSeenAt: number | null;
  showPresence: boolean;
}

export interface PresenceReads {
  /** The presence columns of these people (pages and unknown ids left out), in order of id. */
  presenceOf(userIds: readonly string[]): Promise<PresenceRecord[]>;
  /**
   * The people who are now members of a conversation with `userId` (themselves and pages aside) and show
   * their own presence: who a change of theirs is sent to.
   */
  presenceAudience(userId: string): Promise<string[]>;
  /** Of `userIds`, those who are now members of a conversation with `viewerId` (the viewer aside). */
  sharingWith(viewerId: string, userIds: readonly string[]): Promise<string[]>;
}

export interface PresenceWrites extends PresenceReads {
  /** Sets `last_seen_at` of these people (one statement, whatever their number). */
  markSeen(userIds: readonly string[], at: number): Promise<void>;
  setShowPresence(userId: string, show: boolean): Promise<void>;
}

/** The methods of PresenceWrites that write (the group committer counts them). */
export const presenceWrites = ['markSeen', 'setShowPresence'] as const satisfies readonly Exclude<
  keyof PresenceWrites,
  keyof PresenceReads
>[];

interface PresenceRow {
  id: string;
  last_seen_at: number | string | null;
  show_presence: number | boolean;
}

export class PresenceStore implements PresenceWrites {
  private readonly q;

  constructor(private readonly db: Db) {
    const t = sqlText(db.dialect);
    this.q = {
      presenceOf: `SELECT id, last_seen_at, show_presence FROM users
                    WHERE ${t.inText('id')} AND kind = 'person' ORDER BY id${t.bytes}`,
      audience: `SELECT u.id FROM users u
                  WHERE u.kind = 'person' AND u.show_presence = ${t.true} AND u.id <> ? AND u.id IN (
                        SELECT o.user_id FROM members me JOIN members o ON o.conversation_id = me.conversation_id
                         WHERE me.user_id = ? AND me.active = ${t.true} AND o.active = ${t.true})
                  ORDER BY u.id${t.bytes}`,
      sharing: `SELECT u.id FROM users u
                 WHERE ${t.inText('u.id')} AND u.id <> ? AND u.id IN (
                       SELECT o.user_id FROM members me JOIN members o ON o.conversation_id = me.conversation_id
                        WHERE me.user_id = ? AND me.active = ${t.true} AND o.active = ${t.true})
                 ORDER BY u.id${t.bytes}`,
      markSeen: `UPDATE users SET last_seen_at = ? WHERE ${t.inText('id')}`,
      show: `UPDATE users SET show_presence = ${t.true} WHERE id = ?`,
      hide: `UPDATE users SET show_presence = ${t.false} WHERE id = ?`,
    };
  }

  async presenceOf(userIds: readonly string[]) {
    const keys = [...new Set(userIds.filter((id) => !hasNul(id)))];
    if (keys.length === 0) return [];
    const rows = await this.db.all<PresenceRow>(this.q.presenceOf, keys);
    return rows.map((r) => ({
      userId: r.id,
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
      showPresence: r.show_presence === true || r.show_presence === 1,
    }));
  }
  async presenceAudience(userId: string) {
    if (hasNul(userId)) return [];
    return (await this.db.all<{ id: string }>(this.q.audience, userId, userId)).map((r) => r.id);
  }
  async sharingWith(viewerId: string, userIds: readonly string[]) {
    const keys = [...new Set(userIds.filter((id) => !hasNul(id)))];
    if (keys.length === 0 || hasNul(viewerId)) return [];
    return (await this.db.all<{ id: string }>(this.q.sharing, keys, viewerId, viewerId)).map((r) => r.id);
  }

  async markSeen(userIds: readonly string[], at: number) {
    const keys = userIds.filter((id) => !hasNul(id));
    if (keys.length === 0) return;
    await this.db.run(this.q.markSeen, at, keys);
  }
  async setShowPresence(userId: string, show: boolean) {
    if (hasNul(userId)) return;
    await this.db.run(show ? this.q.show : this.q.hide, userId);
  }
}
