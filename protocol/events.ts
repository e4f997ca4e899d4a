import type { ConversationView, MemberRole, MessageView, UserView } from './views.ts';

/**
 * Domain events, named `resource.verb`. Each is stored in the event log in the transaction that made the
 * change and published after it commits; sockets receive them in `event` frames, in order of `pos`.
 */
export type DomainEvent =
  | { type: 'message.created'; conversationId: string; message: MessageView }
  | { type: 'message.edited'; conversationId: string; message: MessageView }
  | { type: 'message.deleted'; conversationId: string; message: MessageView }
  | {
      type: 'receipt.updated';
      conversationId: string;
      userId: string;
      deliveredSeq: number;
      readSeq: number;
    }
  /** To the people added, and to a conversation's first members: the whole conversation as they now see it. */
  | { type: 'conversation.joined'; conversationId: string; conversation: ConversationView }
  | { type: 'conversation.updated'; conversationId: string; title: string | null; by: string }
  | {
      type: 'member.added';
      conversationId: string;
      user: UserView;
      role: MemberRole;
      by: string;
    }
  | {
      type: 'member.removed';
      conversationId: string;
      userId: string;
      by: string;
      /** `left` when the member left on their own. */
      reason: 'removed' | 'left';
    }
  | { type: 'member.role_changed'; conversationId: string; userId: string; role: MemberRole }
  | { type: 'user.updated'; conversationId: string | null; user: UserView }
  | { type: 'session.revoked'; conversationId: null; sessionId: string };

export type DomainEventType = DomainEvent['type'];

/** Ephemeral signals: never stored, never replayed. */
export type Signal = {
  type: 'typing';
  conversationId: string;
  userId: string;
  /** false when the person stopped typing (sent, cleared the composer). */
  typing: boolean;
};
