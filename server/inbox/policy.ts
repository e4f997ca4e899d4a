import type { PageRole } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import type { Reads } from '../storage/types.ts';
import type { ThreadRecord } from './store.ts';

/**
 * Who may work a page's inbox: the people who run the page, admins and agents alike; the page's settings,
 * labels and canned replies are its admins'. Someone who does not run the page — a stranger, an agent of
 * another page — gets the same answer (`not_page_member`), and learns nothing of its conversations.
 */
export async function requireRole(r: Reads, pageId: string, userId: string, role: PageRole): Promise<void> {
  const m = await r.pages.pageMember(pageId, userId);
  if (!m) {
    if (!(await r.pages.pageById(pageId))) throw new AppError('page_not_found');
    throw new AppError('not_page_member');
  }
  if (role === 'admin' && m.role !== 'admin') throw new AppError('not_page_admin');
}

/**
 * The page's thread of that conversation: its row, or — for a conversation of the page nobody worked yet
 * (opened, never written in) — a fresh one, open, not stored. Another page's conversation, a group, or no
 * conversation at all: `conversation_not_found`.
 */
export async function threadOf(r: Reads, pageId: string, conversationId: string, now: number): Promise<ThreadRecord> {
  const t = await r.inbox.thread(conversationId);
  if (t) {
    if (t.pageId !== pageId) throw new AppError('conversation_not_found');
    return t;
  }
  const c = await r.messaging.conversationById(conversationId);
  const ids = c?.kind === 'direct' ? (c.directKey?.split(':') ?? []) : [];
  const personId = ids.length === 2 && ids.includes(pageId) ? ids.find((id) => id !== pageId) : undefined;
  if (!c || !personId) throw new AppError('conversation_not_found');
  return freshThread(pageId, personId, conversationId, c.createdAt, c.lastActivityAt, now);
}

export function freshThread(
  pageId: string,
  personId: string,
  conversationId: string,
  openedAt: number,
  lastCustomerAt: number,
  now: number,
): ThreadRecord {
  return {
    conversationId,
    pageId,
    personId,
    status: 'open',
    snoozedUntil: null,
    assigneeId: null,
    openedAt,
    firstResponseAt: null,
    resolvedAt: null,
    lastCustomerAt,
    csatId: null,
    updatedAt: now,
  };
}
