import type { OptinHow } from '../../protocol/optins.ts';
import { type Db, hasNul } from '../storage/sql.ts';

/**
 * What the opt-ins store keeps (migration 0015), written once for both backends (storage/sql.ts): people's
 * consents to pages' updates, each under the merchant's user_ref (unique per page), and what each person
 * decided about a page — its updates stopped, or the page blocked. Times are milliseconds.
 */

export interface OptinRecord {
  pageId: string;
  userRef: string;
  /** The person who opted in (their account id). */
  userId: string;
  /** The merchant's pass-through parameter (`data-ref`), handed back in the webhook; null when none. */
  ref: string | null;
  how: OptinHow;
  createdAt: number;
  /** When it was revoked (the person stopped the page's updates, blocked it, or unticked the box). */
  revokedAt: number | null;
  /** When the page first sent to this user_ref (null: never). */
  firstSentAt: number | null;
}

/** What a person decided about a page (no row: nothing). */
export interface PageConsentRecord {
  pageId: string;
  userId: string;
  updatesStoppedAt: number | null;
  blockedAt: number | null;
  updatedAt: number;
}

/** What the Send API needs to know of a person and a page, in one read. */
export interface Standing {
  /** When the person's latest active opt-in with the page was made (null: none). */
  optedInAt: number | null;
  updatesStoppedAt: number | null;
  blockedAt: number | null;
}

export interface OptinsReads {
  optin(pageId: string, userRef: string): Promise<OptinRecord | null>;
  /** The person's opt-ins, active ones only, newest first (at most `limit`). */
  activeOptinsOf(userId: string, limit: number): Promise<OptinRecord[]>;
  /** The person's opt-ins with one page, active ones only. */
  activeOptinsWith(pageId: string, userId: string): Promise<OptinRecord[]>;
  consent(pageId: string, userId: string): Promise<PageConsentRecord | null>;
  /** The pages the person stopped or blocked (rows with either set), newest first (at most `limit`). */
  consentsOf(userId: string, limit: number): Promise<PageConsentRecord[]>;
  standing(pageId: string, userId: string): Promise<Standing>;
}

export interface OptinsWrites extends OptinsReads {
  /** Records an opt-in; false when the page has one with this user_ref already (nothing written). */
  insertOptin(optin: OptinRecord): Promise<boolean>;
  /**
   * Makes a revoked opt-in of the same person active again, as made now (the person ticked the box again in
   * the same checkout): its ref and how as given, its first send forgotten.
   */
  restoreOptin(optin: OptinRecord): Promise<void>;
  /** Revokes one opt-in (if active); answers whether it did. */
  revokeOptin(pageId: string, userRef: string, at: number): Promise<boolean>;
  /** Revokes every active opt-in of the person with the page; answers how many. */
  revokeOptinsWith(pageId: string, userId: string, at: number): Promise<number>;
  /** Notes the page's first send to the user_ref. */
  setFirstSent(pageId: string, userRef: string, at: number | null): Promise<void>;
  /** Writes what the person decided about the page. */
  setConsent(consent: PageConsentRecord): Promise<void>;
}

/** The methods of OptinsWrites that write (the group committer counts them). */
export const optinsWrites = [
  'insertOptin',
  'restoreOptin',
  'revokeOptin',
  'revokeOptinsWith',
  'setFirstSent',
  'setConsent',
] as const satisfies readonly Exclude<keyof OptinsWrites, keyof OptinsReads>[];

interface OptinRow {
  page_id: string;
  user_ref: string;
  user_id: string;
  ref: string | null;
  how: string;
  created_at: number;
  revoked_at: number | null;
  first_sent_at: number | null;
}
interface ConsentRow {
  page_id: string;
  user_id: string;
  updates_stopped_at: number | null;
  blocked_at: number | null;
  updated_at: number;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
const toOptin = (r: OptinRow): OptinRecord => ({
  pageId: r.page_id,
  userRef: r.user_ref,
  userId: r.user_id,
  ref: r.ref,
  how: r.how as OptinHow,
  createdAt: Number(r.created_at),
  revokedAt: num(r.revoked_at),
  firstSentAt: num(r.first_sent_at),
});
const toConsent = (r: ConsentRow): PageConsentRecord => ({
  pageId: r.page_id,
  userId: r.user_id,
  updatesStoppedAt: num(r.updates_stopped_at),
  blockedAt: num(r.blocked_at),
  updatedAt: Number(r.updated_at),
});

const OPTIN = 'page_id, user_ref, user_id, ref, how, created_at, revoked_at, first_sent_at';
const CONSENT = 'page_id, user_id, updates_stopped_at, blocked_at, updated_at';

/**
 * A person's standing with a page: their latest active opt-in (one probe of optins_active, however many
 * checkouts they opted in at) and what they decided about the page. Exported for the plan test.
 */
export const STANDING = `SELECT (SELECT max(created_at) FROM optins
                        WHERE user_id = ? AND page_id = ? AND revoked_at IS NULL) AS opted_in_at,
                      c.updates_stopped_at, c.blocked_at
                 FROM (SELECT 1 AS one) x
                 LEFT JOIN page_consents c ON c.page_id = ? AND c.user_id = ?`;

/** The opt-ins store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class OptinsStore implements OptinsWrites {
  private readonly q = {
    optin: `SELECT ${OPTIN} FROM optins WHERE page_id = ? AND user_ref = ?`,
    activeOf: `SELECT ${OPTIN} FROM optins WHERE user_id = ? AND revoked_at IS NULL
                ORDER BY created_at DESC, page_id, user_ref LIMIT ?`,
    activeWith: `SELECT ${OPTIN} FROM optins WHERE user_id = ? AND page_id = ? AND revoked_at IS NULL
                  ORDER BY created_at DESC, user_ref`,
    consent: `SELECT ${CONSENT} FROM page_consents WHERE page_id = ? AND user_id = ?`,
    consentsOf: `SELECT ${CONSENT} FROM page_consents
                  WHERE user_id = ? AND (updates_stopped_at IS NOT NULL OR blocked_at IS NOT NULL)
                  ORDER BY updated_at DESC, page_id LIMIT ?`,
    standing: STANDING,
    insert: `INSERT INTO optins (${OPTIN}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    restore: `UPDATE optins SET revoked_at = NULL, first_sent_at = NULL, created_at = ?, ref = ?, how = ?
              WHERE page_id = ? AND user_ref = ? AND user_id = ?`,
    revoke: 'UPDATE optins SET revoked_at = ? WHERE page_id = ? AND user_ref = ? AND revoked_at IS NULL',
    revokeWith: 'UPDATE optins SET revoked_at = ? WHERE user_id = ? AND page_id = ? AND revoked_at IS NULL',
    firstSent: 'UPDATE optins SET first_sent_at = ? WHERE page_id = ? AND user_ref = ?',
    setConsent: `INSERT INTO page_consents (${CONSENT}) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (page_id, user_id) DO UPDATE SET updates_stopped_at = excluded.updates_stopped_at,
                   blocked_at = excluded.blocked_at, updated_at = excluded.updated_at`,
  };

  constructor(private readonly db: Db) {}

  async optin(pageId: string, userRef: string) {
    if (hasNul(pageId) || hasNul(userRef)) return null;
    const r = await this.db.one<OptinRow>(this.q.optin, pageId, userRef);
    return r ? toOptin(r) : null;
  }
  async activeOptinsOf(userId: string, limit: number) {
    if (hasNul(userId)) return [];
    return (await this.db.all<OptinRow>(this.q.activeOf, userId, limit)).map(toOptin);
  }
  async activeOptinsWith(pageId: string, userId: string) {
    if (hasNul(pageId) || hasNul(userId)) return [];
    return (await this.db.all<OptinRow>(this.q.activeWith, userId, pageId)).map(toOptin);
  }
  async consent(pageId: string, userId: string) {
    if (hasNul(pageId) || hasNul(userId)) return null;
    const r = await this.db.one<ConsentRow>(this.q.consent, pageId, userId);
    return r ? toConsent(r) : null;
  }
  async consentsOf(userId: string, limit: number) {
    if (hasNul(userId)) return [];
    return (await this.db.all<ConsentRow>(this.q.consentsOf, userId, limit)).map(toConsent);
  }
  async standing(pageId: string, userId: string): Promise<Standing> {
    if (hasNul(pageId) || hasNul(userId)) return { optedInAt: null, updatesStoppedAt: null, blockedAt: null };
    const r = await this.db.one<{
      opted_in_at: number | null;
      updates_stopped_at: number | null;
      blocked_at: number | null;
    }>(this.q.standing, userId, pageId, pageId, userId);
    return {
      optedInAt: num(r?.opted_in_at ?? null),
      updatesStoppedAt: num(r?.updates_stopped_at ?? null),
      blockedAt: num(r?.blocked_at ?? null),
    };
  }

  async insertOptin(o: OptinRecord) {
    return (
      (await this.db.run(
        this.q.insert,
        o.pageId,
        o.userRef,
        o.userId,
        o.ref,
        o.how,
        o.createdAt,
        o.revokedAt,
        o.firstSentAt,
      )) === 1
    );
  }
  async restoreOptin(o: OptinRecord) {
    await this.db.run(this.q.restore, o.createdAt, o.ref, o.how, o.pageId, o.userRef, o.userId);
  }
  async revokeOptin(pageId: string, userRef: string, at: number) {
    return (await this.db.run(this.q.revoke, at, pageId, userRef)) === 1;
  }
  async revokeOptinsWith(pageId: string, userId: string, at: number) {
    return this.db.run(this.q.revokeWith, at, userId, pageId);
  }
  async setFirstSent(pageId: string, userRef: string, at: number | null) {
    await this.db.run(this.q.firstSent, at, pageId, userRef);
  }
  async setConsent(c: PageConsentRecord) {
    await this.db.run(this.q.setConsent, c.pageId, c.userId, c.updatesStoppedAt, c.blockedAt, c.updatedAt);
  }
}
