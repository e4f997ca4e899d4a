import type {
  CannedReplyView,
  CsatReportView,
  InboxLabelView,
  InboxNoteView,
  InboxSettingsView,
  InboxThreadView,
} from '../../protocol/inbox.ts';
import { PAGE_INBOX_APP_ID, type UserView } from '../../protocol/views.ts';
import { iso, presentUser } from '../accounts/presenter.ts';
import type { UserRecord } from '../accounts/store.ts';
import type { Reads } from '../storage/types.ts';
import type {
  CannedReplyRecord,
  CsatTotals,
  InboxSettingsRecord,
  LabelRecord,
  NoteRecord,
  ThreadRecord,
} from './store.ts';

/** What the inbox presents: its records as protocol/inbox.ts's views. */

/** Someone whose account is gone (never happens while ids are kept): a placeholder rather than a hole. */
const unknownUser = (id: string): UserView => ({ id, username: '', displayName: '' });

export const presentLabel = (l: LabelRecord): InboxLabelView => ({ id: l.id, name: l.name });

/**
 * The threads of one page as its people see them: the customer and assignee, the labels, who owns the
 * thread under the handover protocol, the satisfaction answer — read in a few batched reads (the reader's
 * or a job's transaction).
 */
export async function presentThreads(r: Reads, threads: readonly ThreadRecord[]): Promise<InboxThreadView[]> {
  const first = threads[0];
  if (!first) return [];
  const ids = threads.map((t) => t.conversationId);
  const people = new Set<string>();
  for (const t of threads) {
    people.add(t.personId);
    if (t.assigneeId) people.add(t.assigneeId);
  }
  const users = new Map((await r.accounts.usersByIds([...people])).map((u) => [u.id, presentUser(u)]));
  const labels = await r.inbox.labelsOf(ids);
  const owners = await r.platform.threadOwners(
    first.pageId,
    threads.map((t) => t.personId),
  );
  const out: InboxThreadView[] = [];
  for (const t of threads) {
    const csat = t.csatId ? await r.inbox.csatById(t.csatId) : null;
    const owner = owners.get(t.personId) ?? PAGE_INBOX_APP_ID;
    out.push({
      conversationId: t.conversationId,
      pageId: t.pageId,
      customer: users.get(t.personId) ?? unknownUser(t.personId),
      status: t.status,
      snoozedUntil: t.status === 'snoozed' && t.snoozedUntil !== null ? iso(t.snoozedUntil) : null,
      assignee: t.assigneeId ? (users.get(t.assigneeId) ?? unknownUser(t.assigneeId)) : null,
      labels: (labels.get(t.conversationId) ?? []).map(presentLabel),
      botOwned: owner !== PAGE_INBOX_APP_ID,
      ownerAppId: owner,
      openedAt: iso(t.openedAt),
      firstResponseAt: t.firstResponseAt === null ? null : iso(t.firstResponseAt),
      resolvedAt: t.resolvedAt === null ? null : iso(t.resolvedAt),
      lastCustomerAt: iso(t.lastCustomerAt),
      csat: csat ? { askedAt: iso(csat.askedAt), rating: csat.rating } : null,
    });
  }
  return out;
}

export function presentNote(n: NoteRecord, author: UserRecord | undefined): InboxNoteView {
  return {
    id: n.id,
    conversationId: n.conversationId,
    author: author ? presentUser(author) : unknownUser(n.authorId),
    text: n.text,
    createdAt: iso(n.createdAt),
  };
}

export const presentCanned = (c: CannedReplyRecord): CannedReplyView => ({
  id: c.id,
  shortcut: c.shortcut,
  text: c.text,
  updatedAt: iso(c.updatedAt),
});

const minutesOf = (s: number | null) => (s === null ? null : Math.round(s / 60));

export function presentSettings(s: InboxSettingsRecord | null, labels: readonly LabelRecord[]): InboxSettingsView {
  return {
    firstResponseTargetMinutes: minutesOf(s?.firstResponseTargetS ?? null),
    resolutionTargetMinutes: minutesOf(s?.resolutionTargetS ?? null),
    csatEnabled: s?.csatEnabled ?? false,
    labels: labels.map(presentLabel),
  };
}

/** Count, average, distribution and per-agent figures of the page's satisfaction answers. */
export function presentCsatReport(
  totals: readonly CsatTotals[],
  agents: ReadonlyMap<string, UserView>,
): CsatReportView {
  const distribution: CsatReportView['distribution'] = [0, 0, 0, 0, 0];
  const perAgent = new Map<string | null, { count: number; sum: number }>();
  let count = 0;
  let sum = 0;
  for (const t of totals) {
    const at = t.rating - 1;
    distribution[at] = (distribution[at] ?? 0) + t.count;
    count += t.count;
    sum += t.rating * t.count;
    const a = perAgent.get(t.agentId) ?? { count: 0, sum: 0 };
    a.count += t.count;
    a.sum += t.rating * t.count;
    perAgent.set(t.agentId, a);
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count,
    average: count === 0 ? null : round(sum / count),
    distribution,
    perAgent: [...perAgent]
      .map(([id, a]) => ({
        agent: id === null ? null : (agents.get(id) ?? unknownUser(id)),
        count: a.count,
        average: round(a.sum / a.count),
      }))
      .sort((x, y) => y.count - x.count || (x.agent?.displayName ?? '').localeCompare(y.agent?.displayName ?? '')),
  };
}
