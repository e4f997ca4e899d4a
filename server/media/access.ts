import type { Reads } from '../storage/types.ts';
import type { MediaRecord } from './store.ts';

/**
 * Who may read an upload by their session (docs/MEDIA.md, "Access"): its owner; an active member of the
 * conversation it was sent in; a member (admin or agent) of a page that is a member of that conversation
 * — the people of the business inbox, who read the page's threads; any signed-in account for a profile photo
 * (an avatar). Nobody else: not a former member of a
 * group (someone who left or was removed reads its attachments no more than its history), not a stranger
 * holding the id. The routes answer them `media_not_found` — never 403 — so that ids cannot be probed.
 */
export async function canRead(reads: Reads, record: MediaRecord, accountId: string): Promise<boolean> {
  if (record.ownerId === accountId) return true;
  // A profile photo is shown wherever its person is (people search, conversations, groups): as public
  // among signed-in accounts as their name. It stops being one when replaced or removed (then deleted).
  if (record.avatar) return true;
  const conversationId = record.conversationId;
  if (conversationId === null) return false;
  const me = await reads.messaging.member(conversationId, accountId);
  if (me?.active) return true;
  // A page is the other member of a one-to-one conversation, never of a group.
  const conversation = await reads.messaging.conversationById(conversationId);
  if (conversation?.kind !== 'direct') return false;
  for (const m of await reads.messaging.membersOf(conversationId)) {
    if (m.active && m.userId !== accountId && (await reads.pages.pageMember(m.userId, accountId))) return true;
  }
  return false;
}
