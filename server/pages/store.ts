import type { MessengerProfile } from '../../protocol/profile.ts';
import { escapeLike, fold } from '../lib/text.ts';
import { type Db, hasNul, sqlText } from '../storage/sql.ts';

/**
 * What the pages domain stores — business pages, the people who run them, and the ids each page knows
 * people by — written once for both backends (storage/sql.ts). A page's name and username are those of
 * its account (users.kind = 'page', same id): the page speaks through it.
 */

export type PageRole = 'admin' | 'agent';

export interface PageRecord {
  id: string;
  username: string;
  name: string;
  description: string;
  createdBy: string;
  createdAt: number;
}

export interface PageMemberRecord {
  pageId: string;
  userId: string;
  role: PageRole;
  addedBy: string;
  addedAt: number;
}

export interface PagesReads {
  pageById(id: string): Promise<PageRecord | null>;
  pageByUsername(username: string): Promise<PageRecord | null>;
  /** Pages by username prefix or folded name substring; the exact username first, then by username. */
  searchPages(query: string, limit: number): Promise<PageRecord[]>;
  pageMember(pageId: string, userId: string): Promise<PageMemberRecord | null>;
  /** In order of joining. */
  pageMembers(pageId: string): Promise<PageMemberRecord[]>;
  /** The pages a person helps run, with their role, by name. */
  pagesOfUser(userId: string): Promise<{ page: PageRecord; role: PageRole }[]>;
  /** The id a page knows a person by, if they have met. */
  psidOf(pageId: string, userId: string): Promise<string | null>;
  /** The person a page knows by that id (never one of another page's). */
  userByPsid(pageId: string, psid: string): Promise<string | null>;
  /** The page's messenger profile (protocol/profile.ts); `{}` when nothing is set. */
  messengerProfile(pageId: string): Promise<MessengerProfile>;
  /**
   * The short link's ref waiting for the first message of the thread of these two accounts (a page and a
   * person, in either order), with which is which; null when none waits (platform/referrals.ts).
   */
  pendingRefBetween(a: string, b: string): Promise<{ pageId: string; userId: string; ref: string } | null>;
  /** When the person last came to the page's thread through a short link with a ref (null: never). */
  referredAt(pageId: string, userId: string): Promise<number | null>;
}

export interface PagesWrites extends PagesReads {
  /** The page's row; its account (users, kind 'page') is inserted first, by accounts. */
  insertPage(page: { id: string; description: string; createdBy: string; createdAt: number }): Promise<void>;
  updatePageDescription(pageId: string, description: string): Promise<void>;
  upsertPageMember(member: PageMemberRecord): Promise<void>;
  deletePageMember(pageId: string, userId: string): Promise<void>;
  /** Records the id a page knows a person by; false when that psid is taken (the caller draws another). */
  insertPsid(pageId: string, userId: string, psid: string, at: number): Promise<boolean>;
  /** Replaces the page's messenger profile (already checked); an empty one removes the row. */
  setMessengerProfile(pageId: string, profile: MessengerProfile, at: number): Promise<void>;
  /** Keeps a short link's ref for the thread's first message (null: none waits any more). */
  setPendingRef(pageId: string, userId: string, ref: string | null): Promise<void>;
  /** Records when the person came to the thread through a short link with a ref. */
  setReferredAt(pageId: string, userId: string, at: number): Promise<void>;
}

/** The methods of PagesWrites that write (the group committer counts them). */
export const pagesWrites = [
  'insertPage',
  'updatePageDescription',
  'upsertPageMember',
  'deletePageMember',
  'insertPsid',
  'setMessengerProfile',
  'setPendingRef',
  'setReferredAt',
] as const satisfies readonly Exclude<keyof PagesWrites, keyof PagesReads>[];

interface PageRow {
  id: string;
  username: string;
  display_name: string;
  description: string;
  created_by: string;
  created_at: number;
}
const toPage = (r: PageRow): PageRecord => ({
  id: r.id,
  username: r.username,
  name: r.display_name,
  description: r.description,
  createdBy: r.created_by,
  createdAt: r.created_at,
});
interface MemberRow {
  page_id: string;
  user_id: string;
  role: string;
  added_by: string;
  added_at: number;
}
const toMember = (r: MemberRow): PageMemberRecord => ({
  pageId: r.page_id,
  userId: r.user_id,
  role: r.role === 'admin' ? 'admin' : 'agent',
  addedBy: r.added_by,
  addedAt: r.added_at,
});

const PAGE = `SELECT p.id, u.username, u.display_name, p.description, p.created_by, p.created_at
                FROM pages p JOIN users u ON u.id = p.id`;
const MEMBER = 'SELECT page_id, user_id, role, added_by, added_at FROM page_members';

/** The pages store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class PagesStore implements PagesWrites {
  private readonly q;

  constructor(private readonly db: Db) {
    const t = sqlText(db.dialect);
    this.q = {
      search: `${PAGE} WHERE u.username = ? OR u.username LIKE ? ESCAPE '\\' OR u.display_name_folded LIKE ? ESCAPE '\\'
               ORDER BY (u.username = ?) DESC, u.username${t.bytes} LIMIT ?`,
      members: `${MEMBER} WHERE page_id = ? ORDER BY added_at, user_id${t.bytes}`,
      pagesOfUser: `SELECT p.id, u.username, u.display_name, p.description, p.created_by, p.created_at, m.role
                      FROM page_members m JOIN pages p ON p.id = m.page_id JOIN users u ON u.id = p.id
                     WHERE m.user_id = ? ORDER BY u.display_name_folded${t.bytes}, p.id${t.bytes}`,
      setProfile: `INSERT INTO page_profiles (page_id, profile, updated_at) VALUES (?, ?, ?)
                   ON CONFLICT (page_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at`,
      insertPsid: `INSERT INTO page_scoped_ids (page_id, user_id, psid, created_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT DO NOTHING`,
    };
  }

  async pageById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<PageRow>(`${PAGE} WHERE p.id = ?`, id);
    return r ? toPage(r) : null;
  }
  async pageByUsername(username: string) {
    if (hasNul(username)) return null;
    const r = await this.db.one<PageRow>(`${PAGE} WHERE u.username = ?`, username);
    return r ? toPage(r) : null;
  }
  async searchPages(query: string, limit: number) {
    const q = fold(query);
    if (hasNul(q)) return [];
    const rows = await this.db.all<PageRow>(this.q.search, q, `${escapeLike(q)}%`, `%${escapeLike(q)}%`, q, limit);
    return rows.map(toPage);
  }
  async pageMember(pageId: string, userId: string) {
    if (hasNul(pageId) || hasNul(userId)) return null;
    const r = await this.db.one<MemberRow>(`${MEMBER} WHERE page_id = ? AND user_id = ?`, pageId, userId);
    return r ? toMember(r) : null;
  }
  async pageMembers(pageId: string) {
    if (hasNul(pageId)) return [];
    return (await this.db.all<MemberRow>(this.q.members, pageId)).map(toMember);
  }
  async pagesOfUser(userId: string) {
    if (hasNul(userId)) return [];
    const rows = await this.db.all<PageRow & { role: string }>(this.q.pagesOfUser, userId);
    return rows.map((r) => ({ page: toPage(r), role: (r.role === 'admin' ? 'admin' : 'agent') as PageRole }));
  }
  async psidOf(pageId: string, userId: string) {
    if (hasNul(pageId) || hasNul(userId)) return null;
    const r = await this.db.one<{ psid: string }>(
      'SELECT psid FROM page_scoped_ids WHERE page_id = ? AND user_id = ?',
      pageId,
      userId,
    );
    return r?.psid ?? null;
  }
  async userByPsid(pageId: string, psid: string) {
    if (hasNul(pageId) || hasNul(psid)) return null;
    const r = await this.db.one<{ user_id: string }>(
      'SELECT user_id FROM page_scoped_ids WHERE page_id = ? AND psid = ?',
      pageId,
      psid,
    );
    return r?.user_id ?? null;
  }
  async messengerProfile(pageId: string): Promise<MessengerProfile> {
    if (hasNul(pageId)) return {};
    const r = await this.db.one<{ profile: string }>('SELECT profile FROM page_profiles WHERE page_id = ?', pageId);
    return r ? (JSON.parse(r.profile) as MessengerProfile) : {};
  }

  async pendingRefBetween(a: string, b: string) {
    if (hasNul(a) || hasNul(b)) return null;
    const r = await this.db.one<{ page_id: string; user_id: string; pending_ref: string }>(
      `SELECT page_id, user_id, pending_ref FROM page_scoped_ids
        WHERE ((page_id = ? AND user_id = ?) OR (page_id = ? AND user_id = ?)) AND pending_ref IS NOT NULL`,
      a,
      b,
      b,
      a,
    );
    return r ? { pageId: r.page_id, userId: r.user_id, ref: r.pending_ref } : null;
  }
  async referredAt(pageId: string, userId: string) {
    if (hasNul(pageId) || hasNul(userId)) return null;
    const r = await this.db.one<{ referred_at: number | null }>(
      'SELECT referred_at FROM page_scoped_ids WHERE page_id = ? AND user_id = ?',
      pageId,
      userId,
    );
    return r?.referred_at == null ? null : Number(r.referred_at);
  }

  async insertPage(p: { id: string; description: string; createdBy: string; createdAt: number }) {
    await this.db.run(
      'INSERT INTO pages (id, description, created_by, created_at) VALUES (?, ?, ?, ?)',
      p.id,
      p.description,
      p.createdBy,
      p.createdAt,
    );
  }
  async updatePageDescription(pageId: string, description: string) {
    await this.db.run('UPDATE pages SET description = ? WHERE id = ?', description, pageId);
  }
  async upsertPageMember(m: PageMemberRecord) {
    await this.db.run(
      `INSERT INTO page_members (page_id, user_id, role, added_by, added_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (page_id, user_id) DO UPDATE SET role = excluded.role`,
      m.pageId,
      m.userId,
      m.role,
      m.addedBy,
      m.addedAt,
    );
  }
  async deletePageMember(pageId: string, userId: string) {
    await this.db.run('DELETE FROM page_members WHERE page_id = ? AND user_id = ?', pageId, userId);
  }
  async insertPsid(pageId: string, userId: string, psid: string, at: number) {
    return (await this.db.run(this.q.insertPsid, pageId, userId, psid, at)) === 1;
  }
  async setMessengerProfile(pageId: string, profile: MessengerProfile, at: number) {
    if (Object.keys(profile).length === 0) {
      await this.db.run('DELETE FROM page_profiles WHERE page_id = ?', pageId);
    } else {
      await this.db.run(this.q.setProfile, pageId, JSON.stringify(profile), at);
    }
  }
  async setPendingRef(pageId: string, userId: string, ref: string | null) {
    await this.db.run(
      'UPDATE page_scoped_ids SET pending_ref = ? WHERE page_id = ? AND user_id = ?',
      ref,
      pageId,
      userId,
    );
  }
  async setReferredAt(pageId: string, userId: string, at: number) {
    await this.db.run(
      'UPDATE page_scoped_ids SET referred_at = ? WHERE page_id = ? AND user_id = ?',
      at,
      pageId,
      userId,
    );
  }
}
