import type { ConversationView, MemberView, MessageView, UserView } from '../../../protocol/views.ts';
import { applySnapshot } from './apply.ts';
import { initialState, type OutboxItem, type State } from './types.ts';

/** Builders shared by the state tests. */

export const ana: UserView = { id: 'u-ana', username: 'ana', displayName: 'Ana' };
export const ben: UserView = { id: 'u-ben', username: 'ben', displayName: 'Ben' };
export const cat: UserView = { id: 'u-cat', username: 'cat', displayName: 'Cat' };
export const me: UserView = { id: 'u-me', username: 'me', displayName: 'Me' };

export function member(user: UserView, deliveredSeq = 0, readSeq = 0, role: MemberView['role'] = 'member'): MemberView {
  return { user, role, deliveredSeq, readSeq };
}

export function msg(seq: number, senderId: string, extra: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    senderId,
    clientId: null,
    text: `text ${seq}`,
    replyTo: null,
    createdAt: new Date(Date.UTC(2024, 0, 1, 10, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    ...extra,
  };
}

export function conv(extra: Partial<ConversationView> = {}): ConversationView {
  return {
    id: 'c1',
    kind: 'group',
    title: 'Team',
    history: 'joined',
    createdBy: 'u-me',
    createdAt: '2024-01-01T09:00:00.000Z',
    lastActivityAt: '2024-01-01T09:00:00.000Z',
    lastSeq: 0,
    members: [member(me, 0, 0, 'admin'), member(ana), member(ben)],
    formerMembers: [],
    lastMessage: null,
    unread: 0,
    mutedUntil: null,
    pinnedAt: null,
    archived: false,
    ...extra,
  };
}

export function stateWith(conversations: ConversationView[], cursor = 100): State {
  const s = initialState();
  return applySnapshot(
    { ...s, phase: 'ready', me: { ...me, createdAt: '2024-01-01T00:00:00.000Z' }, sessionId: 's1' },
    {
      cursor,
      conversations,
    },
  );
}

export function pending(clientId: string, text = 'hello', conversationId = 'c1'): OutboxItem {
  return {
    clientId,
    conversationId,
    text,
    replyToId: null,
    replyTo: null,
    createdAt: '2024-01-01T11:00:00.000Z',
    status: 'pending',
    error: null,
  };
}
