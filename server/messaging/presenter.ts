import type { ConversationView, MemberView, MessageView, QuoteView, UserView } from '../../protocol/views.ts';
import { iso, presentUser } from '../accounts/presenter.ts';
import type { UserRecord } from '../accounts/store.ts';
import { attachmentView } from '../media/views.ts';
import type { ConversationRecord, MemberRecord, MessageRecord } from './store.ts';

const QUOTE_CHARS = 200;

export function presentQuote(m: MessageRecord): QuoteView {
  const deleted = m.deletedAt !== null;
  return { id: m.id, senderId: m.senderId, text: deleted ? null : (m.text ?? '').slice(0, QUOTE_CHARS), deleted };
}

export function presentMessage(m: MessageRecord, quoted: MessageRecord | null): MessageView {
  const view: MessageView = {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    senderId: m.senderId,
    clientId: m.clientId,
    text: m.deletedAt !== null ? null : m.text,
    replyTo: quoted ? presentQuote(quoted) : null,
    createdAt: iso(m.createdAt),
    editedAt: m.editedAt === null ? null : iso(m.editedAt),
    deletedAt: m.deletedAt === null ? null : iso(m.deletedAt),
  };
  // What it carries besides text, never once deleted; a bot's metadata is never shown to people.
  const c = m.deletedAt === null ? m.content : null;
  if (c?.attachment) view.attachment = c.attachment;
  if (c?.media) view.attachments = c.media.map(attachmentView);
  if (c?.quickReplies) view.quickReplies = c.quickReplies;
  if (c?.quickReply) view.quickReply = c.quickReply;
  if (c?.postback) view.postback = c.postback;
  if (c?.order) view.order = c.order;
  if (c?.orderRequest) view.orderRequest = c.orderRequest;
  if (c?.csat) view.csat = c.csat;
  if (c?.via) view.via = c.via;
  return view;
}

/** Messages with their quotes, the quoted messages looked up in `byId`. */
export function presentMessages(messages: MessageRecord[], quoted: Map<string, MessageRecord>): MessageView[] {
  return messages.map((m) => presentMessage(m, m.replyToId ? (quoted.get(m.replyToId) ?? null) : null));
}

const unknownUser = (id: string): UserView => ({ id, username: 'unknown', displayName: 'Unknown' });

export function presentMember(m: MemberRecord, users: Map<string, UserRecord>): MemberView {
  const u = users.get(m.userId);
  return {
    user: u ? presentUser(u) : unknownUser(m.userId),
    role: m.role,
    deliveredSeq: m.deliveredSeq,
    readSeq: m.readSeq,
  };
}

const noSettings = { mutedUntil: null, pinnedAt: null, archived: false } as const;

/**
 * One conversation as a viewer sees it; `readsFrom`: the seq after which they read messages (views.ts's
 * visibleFrom). Former members come with their receipts when they received something the viewer reads.
 */
export function presentConversation(
  c: ConversationRecord,
  members: MemberRecord[],
  users: Map<string, UserRecord>,
  lastMessage: MessageView | null,
  unread: number,
  readsFrom: number,
  /** The viewer's own settings (settings.ts); none in what is sent to several people. */
  settings: Pick<ConversationView, 'mutedUntil' | 'pinnedAt' | 'archived'> = noSettings,
): ConversationView {
  return {
    id: c.id,
    kind: c.kind,
    title: c.title,
    history: c.history,
    createdBy: c.createdBy,
    createdAt: iso(c.createdAt),
    lastActivityAt: iso(c.lastActivityAt),
    lastSeq: c.lastSeq,
    members: members.filter((m) => m.active).map((m) => presentMember(m, users)),
    formerMembers: members
      .filter((m) => !m.active && Math.max(m.deliveredSeq, m.readSeq) > readsFrom)
      .map((m) => {
        const { user, deliveredSeq, readSeq } = presentMember(m, users);
        return { user, deliveredSeq, readSeq };
      }),
    lastMessage,
    unread,
    mutedUntil: settings.mutedUntil,
    pinnedAt: settings.pinnedAt,
    archived: settings.archived,
  };
}
