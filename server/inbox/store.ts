import type { InboxFilter, InboxStatus } from '../../protocol/inbox.ts';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { ftsMatch, searchTerms, tsQuery } from '../lib/search.ts';
import { escapeLike, fold } from '../lib/text.ts';
import { type Db, hasNul, sqlText } from '../storage/sql.ts';

/**
 * What the business inbox stores (migration 0017): each page thread's state (status, assignee, timers,
 * satisfaction question), the page's labels, internal notes, canned replies, targets and satisfaction
 * answers — written once for both backends (storage/sql.ts). Its list reads across domains (the person's
 * name, messages' text, the handover protocol's stored owners): reads only, as docs/ARCHITECTURE.md allows.
 */

export interface ThreadRecord {
  conversationId: string;
  pageId: string;
  personId: string;
  status: InboxStatus;
  snoozedUntil: number | null;
  assigneeId: string | null;
  openedAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  lastCustomerAt: number;
  csatId: string | null;
  updatedAt: number;
}

export interface LabelRecord {
  id: string;
  pageId: string;
  name: string;
  createdAt: number;
}

export interface NoteRecord {
  id: string;
  conversationId: string;
  pageId: string;
  authorId: string;
  text: string;
  createdAt: number;
}

export interface CannedReplyRecord {
  id: string;
  pageId: string;
  shortcut: string;
  text: string;
  updatedBy: string;
  updatedAt: number;
}

export interface InboxSettingsRecord {
  pageId: string;
  firstResponseTargetS: number | null;
  resolutionTargetS: number | null;
  csatEnabled: boolean;
  updatedBy: string;
  updatedAt: number;
}

export interface CsatRecord {
  id: string;
  conversationId: string;
  pageId: string;
  agentId: string | null;
  askedAt: number;
  rating: number | null;
  answeredAt: number | null;
}

/**
 * Who owns the page's threads, as the list's `bot` filter needs it (platform/store.ts, ownerAmong): with an
 * app as primary receiver, every thread not stored as the inbox's; with the inbox as primary, those stored
 * as a connected app's.
 */
export interface BotOwnership {
  primaryIsApp: boolean;
  connectedAppIds: readonly string[];
}

export interface ThreadQuery {
  pageId: string;
  filter: InboxFilter;
  /** For `mine`. */
  meId: string;
  bots: BotOwnership;
  /** Customer name or message text (folded); null: no search. */
  search: string | null;
  /** Conversations a search extension matched (commerce's order and tracking numbers, later). */
  alsoIds: readonly string[];
  labelId: string | null;
  /** After this (lastCustomerAt, conversationId), newest first. */
  after: { at: number; id: string } | null;
  limit: number;
}

export interface CsatTotals {
  agentId: string | null;
  rating: number;
  count: number;
}

export interface InboxReads {
  thread(conversationId: string): Promise<ThreadRecord | null>;
  threads(q: ThreadQuery): Promise<ThreadRecord[]>;
  /** How many of the page's threads each filter holds. */
  counts(pageId: string, meId: string, bots: BotOwnership): Promise<Record<InboxFilter, number>>;
  /** The labels on each of these threads. */
  labelsOf(conversationIds: readonly string[]): Promise<Map<string, LabelRecord[]>>;
  /** The page's labels, by name. */
  labels(pageId: string): Promise<LabelRecord[]>;
  labelById(id: string): Promise<LabelRecord | null>;
  labelByName(pageId: string, name: string): Promise<LabelRecord | null>;
  /** The thread's notes, oldest first, at most `limit`, the latest ones. */
  notes(conversationId: string, limit: number): Promise<NoteRecord[]>;
  cannedReplies(pageId: string): Promise<CannedReplyRecord[]>;
  cannedReplyById(id: string): Promise<CannedReplyRecord | null>;
  cannedReplyByShortcut(pageId: string, shortcut: string): Promise<CannedReplyRecord | null>;
  settings(pageId: string): Promise<InboxSettingsRecord | null>;
  csatById(id: string): Promise<CsatRecord | null>;
  /** The page's answers, counted per agent and rating. */
  csatTotals(pageId: string): Promise<CsatTotals[]>;
  /** Snoozed threads whose time has come (any page), at most `limit`. */
  dueSnoozes(now: number, limit: number): Promise<ThreadRecord[]>;
  /** When the next snooze ends (any page); null when nothing is snoozed. */
  nextSnoozeEnd(): Promise<number | null>;
}

export interface InboxWrites extends InboxReads {
  /** Inserts or replaces the thread's row. */
  putThread(thread: ThreadRecord): Promise<void>;
  /** The customer wrote (the thread is open already): only the time moves. */
  touchCustomer(conversationId: string, at: number): Promise<void>;
  addThreadLabel(conversationId: string, labelId: string): Promise<boolean>;
  removeThreadLabel(conversationId: string, labelId: string): Promise<boolean>;
  insertLabel(label: LabelRecord): Promise<void>;
  /** Deletes the label and takes it off every thread. */
  deleteLabel(id: string): Promise<void>;
  insertNote(note: NoteRecord): Promise<void>;
  putCannedReply(reply: CannedReplyRecord): Promise<void>;
  deleteCannedReply(id: string): Promise<void>;
  putSettings(settings: InboxSettingsRecord): Promise<void>;
  insertCsat(csat: CsatRecord): Promise<void>;
  /** Records the answer once: false when it was answered already. */
  answerCsat(id: string, rating: number, at: number): Promise<boolean>;
}

/** The methods of InboxWrites that write (the group committer counts them). */
export const inboxWrites = [
  'putThread',
  'touchCustomer',
  'addThreadLabel',
  'removeThreadLabel',
  'insertLabel',
  'deleteLabel',
  'insertNote',
  'putCannedReply',
  'deleteCannedReply',
  'putSettings',
  'insertCsat',
  'answerCsat',
] as const satisfies readonly Exclude<keyof InboxWrites, keyof InboxReads>[];

interface ThreadRow {
  conversation_id: string;
  page_id: string;
  person_id: string;
  status: string;
  snoozed_until: number | string | null;
  assignee_id: string | null;
  opened_at: number | string;
  first_response_at: number | string | null;
  resolved_at: number | string | null;
  last_customer_at: number | string;
  csat_id: string | null;
  updated_at: number | string;
}
const num = (v: number | string) => Number(v);
const numOrNull = (v: number | string | null) => (v === null ? null : Number(v));
const toThread = (r: ThreadRow): ThreadRecord => ({
  conversationId: r.conversation_id,
  pageId: r.page_id,
  personId: r.person_id,
  status: r.status as InboxStatus,
  snoozedUntil: numOrNull(r.snoozed_until),
  assigneeId: r.assignee_id,
  openedAt: num(r.opened_at),
  firstResponseAt: numOrNull(r.first_response_at),
  resolvedAt: numOrNull(r.resolved_at),
  lastCustomerAt: num(r.last_customer_at),
  csatId: r.csat_id,
  updatedAt: num(r.updated_at),
});
interface LabelRow {
  id: string;
  page_id: string;
  name: string;
  created_at: number | string;
}
const toLabel = (r: LabelRow): LabelRecord => ({
  id: r.id,
  pageId: r.page_id,
  name: r.name,
  createdAt: num(r.created_at),
});
interface NoteRow {
  id: string;
  conversation_id: string;
  page_id: string;
  author_id: string;
  text: string;
  created_at: number | string;
}
const toNote = (r: NoteRow): NoteRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  pageId: r.page_id,
  authorId: r.author_id,
  text: r.text,
  createdAt: num(r.created_at),
});
interface CannedRow {
  id: string;
  page_id: string;
  shortcut: string;
  text: string;
  updated_by: string;
  updated_at: number | string;
}
const toCanned = (r: CannedRow): CannedReplyRecord => ({
  id: r.id,
  pageId: r.page_id,
  shortcut: r.shortcut,
  text: r.text,
  updatedBy: r.updated_by,
  updatedAt: num(r.updated_at),
});
interface CsatRow {
  id: string;
  conversation_id: string;
  page_id: string;
  agent_id: string | null;
  asked_at: number | string;
  rating: number | string | null;
  answered_at: number | string | null;
}
const toCsat = (r: CsatRow): CsatRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  pageId: r.page_id,
  agentId: r.agent_id,
  askedAt: num(r.asked_at),
  rating: numOrNull(r.rating),
  answeredAt: numOrNull(r.answered_at),
});

/** The parameters of a filter's condition (the list's `where`, in order). */
function filterArgs(filter: InboxFilter, meId: string, bots: BotOwnership) {
  if (filter === 'mine') return [meId];
  if (filter === 'bot') return botArgs(bots);
  return [];
}
function botArgs(bots: BotOwnership) {
  return [bots.primaryIsApp ? 1 : 0, bots.primaryIsApp ? 1 : 0, bots.connectedAppIds];
}

const THREAD = `SELECT t.conversation_id, t.page_id, t.person_id, t.status, t.snoozed_until, t.assignee_id, t.opened_at,
                       t.first_response_at, t.resolved_at, t.last_customer_at, t.csat_id, t.updated_at
                  FROM inbox_threads t`;
const CANNED = 'SELECT id, page_id, shortcut, text, updated_by, updated_at FROM inbox_canned_replies';
const CSAT = 'SELECT id, conversation_id, page_id, agent_id, asked_at, rating, answered_at FROM inbox_csat';

/** The inbox store on one Db: the reader's (committed data) or a transaction's (its own writes too). */
export class InboxStore implements InboxWrites {
  private readonly q;
  private readonly list: Record<InboxFilter, string>;

  constructor(private readonly db: Db) {
    const t = sqlText(db.dialect);
    // The handover protocol's owner of the thread is an app (BotOwnership): two flags and the connected apps.
    const bot = `((CAST(? AS INTEGER) = 1 AND NOT EXISTS (SELECT 1 FROM thread_owners o
                     WHERE o.page_id = t.page_id AND o.user_id = t.person_id AND o.app_id = '${PAGE_INBOX_APP_ID}'))
               OR (CAST(? AS INTEGER) = 0 AND EXISTS (SELECT 1 FROM thread_owners o
                     WHERE o.page_id = t.page_id AND o.user_id = t.person_id AND ${t.inText('o.app_id')})))`;
    const where: Record<InboxFilter, string> = {
      all: '1 = 1',
      open: "t.status = 'open'",
      pending: "t.status = 'pending'",
      resolved: "t.status = 'resolved'",
      snoozed: "t.status = 'snoozed'",
      mine: "t.status <> 'resolved' AND t.assignee_id = ?",
      unassigned: "t.status <> 'resolved' AND t.assignee_id IS NULL",
      bot: `t.status <> 'resolved' AND ${bot}`,
    };
    // Message text through the full-text index (lib/search.ts): FTS5's expression ANDed with the thread's
    // conversation in the index; PostgreSQL's tsvector in the thread's messages (deleted ones are in neither).
    const words =
      db.dialect === 'sqlite'
        ? `EXISTS (SELECT 1 FROM message_search WHERE message_search MATCH (? || ' AND conv : "' || t.conversation_id || '"'))`
        : `EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = t.conversation_id AND m.deleted_at IS NULL
                     AND m.search @@ to_tsquery('simple', ?))`;
    const list = (filter: string) => `${THREAD} JOIN users u ON u.id = t.person_id
       WHERE t.page_id = ? AND ${filter}
         AND (CAST(? AS TEXT) IS NULL
              OR u.display_name_folded LIKE ? ESCAPE '\\'
              OR (CAST(? AS TEXT) IS NOT NULL AND ${words})
              OR ${t.inText('t.conversation_id')})
         AND (CAST(? AS TEXT) IS NULL
              OR EXISTS (SELECT 1 FROM inbox_thread_labels l WHERE l.conversation_id = t.conversation_id AND l.label_id = ?))
         AND (CAST(? AS BIGINT) IS NULL OR t.last_customer_at < ?
              OR (t.last_customer_at = ? AND t.conversation_id${t.bytes} < ?))
       ORDER BY t.last_customer_at DESC, t.conversation_id${t.bytes} DESC
       LIMIT ?`;
    this.list = Object.fromEntries((Object.keys(where) as InboxFilter[]).map((f) => [f, list(where[f])])) as Record<
      InboxFilter,
      string
    >;
    const count = (cond: string) => `COALESCE(SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
    this.q = {
      counts: `SELECT count(*) AS "all", ${count(where.open)} AS "open", ${count(where.pending)} AS "pending",
                      ${count(where.resolved)} AS "resolved", ${count(where.snoozed)} AS "snoozed",
                      ${count(where.mine)} AS "mine", ${count(where.unassigned)} AS "unassigned",
                      ${count(where.bot)} AS "bot"
                 FROM inbox_threads t WHERE t.page_id = ?`,
      putThread: `INSERT INTO inbox_threads (conversation_id, page_id, person_id, status, snoozed_until, assignee_id,
                    opened_at, first_response_at, resolved_at, last_customer_at, csat_id, updated_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (conversation_id) DO UPDATE SET status = excluded.status,
                    snoozed_until = excluded.snoozed_until, assignee_id = excluded.assignee_id,
                    opened_at = excluded.opened_at, first_response_at = excluded.first_response_at,
                    resolved_at = excluded.resolved_at, last_customer_at = excluded.last_customer_at,
                    csat_id = excluded.csat_id, updated_at = excluded.updated_at`,
      labelsOf: `SELECT l.conversation_id, b.id, b.page_id, b.name, b.created_at
                   FROM inbox_thread_labels l JOIN inbox_labels b ON b.id = l.label_id
                  WHERE ${t.inText('l.conversation_id')} ORDER BY b.name_folded${t.bytes}, b.id${t.bytes}`,
      labels: `SELECT id, page_id, name, created_at FROM inbox_labels WHERE page_id = ?
                ORDER BY name_folded${t.bytes}, id${t.bytes}`,
      notes: `SELECT * FROM (SELECT id, conversation_id, page_id, author_id, text, created_at FROM inbox_notes
                 WHERE conversation_id = ? ORDER BY created_at DESC, id${t.bytes} DESC LIMIT ?) n
              ORDER BY created_at, id${t.bytes}`,
      canned: `${CANNED} WHERE page_id = ? ORDER BY shortcut_folded${t.bytes}, id${t.bytes}`,
      putCanned: `INSERT INTO inbox_canned_replies (id, page_id, shortcut, shortcut_folded, text, updated_by, updated_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, shortcut_folded = excluded.shortcut_folded,
                    text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      putSettings: `INSERT INTO inbox_settings (page_id, first_response_target_s, resolution_target_s, csat_enabled,
                      updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (page_id) DO UPDATE SET first_response_target_s = excluded.first_response_target_s,
                      resolution_target_s = excluded.resolution_target_s, csat_enabled = excluded.csat_enabled,
                      updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      csatTotals: `SELECT agent_id, rating, count(*) AS n FROM inbox_csat
                    WHERE page_id = ? AND rating IS NOT NULL GROUP BY agent_id, rating`,
      due: `${THREAD} WHERE t.status = 'snoozed' AND t.snoozed_until <= ?
            ORDER BY t.snoozed_until, t.conversation_id${t.bytes} LIMIT ?`,
    };
  }

  async thread(conversationId: string) {
    if (hasNul(conversationId)) return null;
    const r = await this.db.one<ThreadRow>(`${THREAD} WHERE t.conversation_id = ?`, conversationId);
    return r ? toThread(r) : null;
  }

  async threads(q: ThreadQuery) {
    if (hasNul(q.pageId) || hasNul(q.meId) || (q.labelId !== null && hasNul(q.labelId))) return [];
    const search = q.search === null ? null : fold(q.search);
    const like = search === null ? null : `%${escapeLike(search)}%`;
    // Names are matched folded (users.display_name_folded); message text by its words (the last a prefix).
    const terms = q.search === null ? [] : searchTerms(q.search);
    const words = terms.length === 0 ? null : this.db.dialect === 'sqlite' ? ftsMatch(terms, null) : tsQuery(terms);
    const args = [q.pageId, ...filterArgs(q.filter, q.meId, q.bots)];
    const rows = await this.db.all<ThreadRow>(
      this.list[q.filter],
      ...args,
      search,
      like,
      words,
      words,
      q.alsoIds.filter((id) => !hasNul(id)),
      q.labelId,
      q.labelId,
      q.after?.at ?? null,
      q.after?.at ?? null,
      q.after?.at ?? null,
      q.after?.id ?? null,
      q.limit,
    );
    return rows.map(toThread);
  }

  async counts(pageId: string, meId: string, bots: BotOwnership) {
    const empty = { all: 0, open: 0, pending: 0, resolved: 0, snoozed: 0, mine: 0, unassigned: 0, bot: 0 };
    if (hasNul(pageId) || hasNul(meId)) return empty;
    const r = await this.db.one<Record<string, number | string>>(this.q.counts, meId, ...botArgs(bots), pageId);
    if (!r) return empty;
    return Object.fromEntries(Object.keys(empty).map((k) => [k, Number(r[k] ?? 0)])) as Record<InboxFilter, number>;
  }

  async labelsOf(conversationIds: readonly string[]) {
    const ids = conversationIds.filter((id) => !hasNul(id));
    const out = new Map<string, LabelRecord[]>();
    if (ids.length === 0) return out;
    const rows = await this.db.all<LabelRow & { conversation_id: string }>(this.q.labelsOf, ids);
    for (const r of rows) {
      const list = out.get(r.conversation_id) ?? [];
      list.push(toLabel(r));
      out.set(r.conversation_id, list);
    }
    return out;
  }
  async labels(pageId: string) {
    if (hasNul(pageId)) return [];
    return (await this.db.all<LabelRow>(this.q.labels, pageId)).map(toLabel);
  }
  async labelById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<LabelRow>('SELECT id, page_id, name, created_at FROM inbox_labels WHERE id = ?', id);
    return r ? toLabel(r) : null;
  }
  async labelByName(pageId: string, name: string) {
    if (hasNul(pageId) || hasNul(name)) return null;
    const r = await this.db.one<LabelRow>(
      'SELECT id, page_id, name, created_at FROM inbox_labels WHERE page_id = ? AND name_folded = ?',
      pageId,
      fold(name),
    );
    return r ? toLabel(r) : null;
  }
  async notes(conversationId: string, limit: number) {
    if (hasNul(conversationId)) return [];
    return (await this.db.all<NoteRow>(this.q.notes, conversationId, limit)).map(toNote);
  }
  async cannedReplies(pageId: string) {
    if (hasNul(pageId)) return [];
    return (await this.db.all<CannedRow>(this.q.canned, pageId)).map(toCanned);
  }
  async cannedReplyById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<CannedRow>(`${CANNED} WHERE id = ?`, id);
    return r ? toCanned(r) : null;
  }
  async cannedReplyByShortcut(pageId: string, shortcut: string) {
    if (hasNul(pageId) || hasNul(shortcut)) return null;
    const r = await this.db.one<CannedRow>(
      `${CANNED} WHERE page_id = ? AND shortcut_folded = ?`,
      pageId,
      fold(shortcut),
    );
    return r ? toCanned(r) : null;
  }
  async settings(pageId: string) {
    if (hasNul(pageId)) return null;
    const r = await this.db.one<{
      page_id: string;
      first_response_target_s: number | string | null;
      resolution_target_s: number | string | null;
      csat_enabled: number | string | boolean;
      updated_by: string;
      updated_at: number | string;
    }>(
      `SELECT page_id, first_response_target_s, resolution_target_s, csat_enabled, updated_by, updated_at
         FROM inbox_settings WHERE page_id = ?`,
      pageId,
    );
    if (!r) return null;
    return {
      pageId: r.page_id,
      firstResponseTargetS: numOrNull(r.first_response_target_s),
      resolutionTargetS: numOrNull(r.resolution_target_s),
      csatEnabled: Number(r.csat_enabled) === 1,
      updatedBy: r.updated_by,
      updatedAt: num(r.updated_at),
    };
  }
  async csatById(id: string) {
    if (hasNul(id)) return null;
    const r = await this.db.one<CsatRow>(`${CSAT} WHERE id = ?`, id);
    return r ? toCsat(r) : null;
  }
  async csatTotals(pageId: string) {
    if (hasNul(pageId)) return [];
    const rows = await this.db.all<{ agent_id: string | null; rating: number | string; n: number | string }>(
      this.q.csatTotals,
      pageId,
    );
    return rows.map((r) => ({ agentId: r.agent_id, rating: Number(r.rating), count: Number(r.n) }));
  }
  async dueSnoozes(now: number, limit: number) {
    return (await this.db.all<ThreadRow>(this.q.due, now, limit)).map(toThread);
  }
  async nextSnoozeEnd() {
    const r = await this.db.one<{ at: number | string | null }>(
      "SELECT min(snoozed_until) AS at FROM inbox_threads WHERE status = 'snoozed'",
    );
    return r?.at == null ? null : Number(r.at);
  }

  async putThread(t: ThreadRecord) {
    await this.db.run(
      this.q.putThread,
      t.conversationId,
      t.pageId,
      t.personId,
      t.status,
      t.snoozedUntil,
      t.assigneeId,
      t.openedAt,
      t.firstResponseAt,
      t.resolvedAt,
      t.lastCustomerAt,
      t.csatId,
      t.updatedAt,
    );
  }
  async touchCustomer(conversationId: string, at: number) {
    await this.db.run('UPDATE inbox_threads SET last_customer_at = ? WHERE conversation_id = ?', at, conversationId);
  }
  async addThreadLabel(conversationId: string, labelId: string) {
    const n = await this.db.run(
      'INSERT INTO inbox_thread_labels (conversation_id, label_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
      conversationId,
      labelId,
    );
    return n === 1;
  }
  async removeThreadLabel(conversationId: string, labelId: string) {
    const n = await this.db.run(
      'DELETE FROM inbox_thread_labels WHERE conversation_id = ? AND label_id = ?',
      conversationId,
      labelId,
    );
    return n === 1;
  }
  async insertLabel(l: LabelRecord) {
    await this.db.run(
      'INSERT INTO inbox_labels (id, page_id, name, name_folded, created_at) VALUES (?, ?, ?, ?, ?)',
      l.id,
      l.pageId,
      l.name,
      fold(l.name),
      l.createdAt,
    );
  }
  async deleteLabel(id: string) {
    await this.db.run('DELETE FROM inbox_thread_labels WHERE label_id = ?', id);
    await this.db.run('DELETE FROM inbox_labels WHERE id = ?', id);
  }
  async insertNote(n: NoteRecord) {
    await this.db.run(
      'INSERT INTO inbox_notes (id, conversation_id, page_id, author_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      n.id,
      n.conversationId,
      n.pageId,
      n.authorId,
      n.text,
      n.createdAt,
    );
  }
  async putCannedReply(c: CannedReplyRecord) {
    await this.db.run(this.q.putCanned, c.id, c.pageId, c.shortcut, fold(c.shortcut), c.text, c.updatedBy, c.updatedAt);
  }
  async deleteCannedReply(id: string) {
    await this.db.run('DELETE FROM inbox_canned_replies WHERE id = ?', id);
  }
  async putSettings(s: InboxSettingsRecord) {
    await this.db.run(
      this.q.putSettings,
      s.pageId,
      s.firstResponseTargetS,
      s.resolutionTargetS,
      s.csatEnabled ? 1 : 0,
      s.updatedBy,
      s.updatedAt,
    );
  }
  async insertCsat(c: CsatRecord) {
    await this.db.run(
      'INSERT INTO inbox_csat (id, conversation_id, page_id, agent_id, asked_at, rating, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      c.id,
      c.conversationId,
      c.pageId,
      c.agentId,
      c.askedAt,
      c.rating,
      c.answeredAt,
    );
  }
  async answerCsat(id: string, rating: number, at: number) {
    const n = await this.db.run(
      'UPDATE inbox_csat SET rating = ?, answered_at = ? WHERE id = ? AND rating IS NULL',
      rating,
      at,
      id,
    );
    return n === 1;
  }
}
