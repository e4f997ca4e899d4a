import type { OrderView } from './commerce.ts';
import { type InboxEvent, inboxEventTypes } from './inbox.ts';
import type {
  ConversationView,
  HistoryVisibility,
  MemberRole,
  MessageView,
  PageRole,
  PageView,
  UserView,
} from './views.ts';

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
  /**
   * People joined (the conversation was created, or people were added): the conversation as it now is —
   * its members, no messages — once, to everyone in it. `userIds` joined; for them it starts here.
   */
  | { type: 'conversation.joined'; conversationId: string; conversation: ConversationView; userIds: string[] }
  | {
      type: 'conversation.updated';
      conversationId: string;
      title: string | null;
      history: HistoryVisibility;
      by: string;
    }
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
  | { type: 'session.revoked'; conversationId: null; sessionId: string }
  /**
   * To the person concerned: they now help run the page with this role, or (role null) no longer do —
   * their sockets acting as the page are closed (4003).
   */
  | { type: 'page.membership_changed'; conversationId: null; page: PageView; userId: string; role: PageRole | null }
  /** The business inbox's: to the page's account only (its people's sockets), never to the customer. */
  | InboxEvent
  /**
   * An order of the page with the person changed (placed, updated, shipped, tracked, cancelled…): the
   * order as it now is, to both members of their conversation, so that its card changes in place.
   */
  | { type: 'order.updated'; conversationId: string; order: OrderView }
  /**
   * A person put (`on`) or took back an emoji reaction on a message (`messageId`, at `seq` in the
   * conversation), to the members who may read that message. Adding one that is there, or removing one
   * that is not, makes no event.
   */
  | {
      type: 'reaction.updated';
      conversationId: string;
      messageId: string;
      seq: number;
      userId: string;
      emoji: string;
      on: boolean;
    };

export type DomainEventType = DomainEvent['type'];

/** Every DomainEvent type, at run time: what the people's clients are sent (the log may hold more). */
export const domainEventTypes = [
  'message.created',
  'message.edited',
  'message.deleted',
  'receipt.updated',
  'conversation.joined',
  'conversation.updated',
  'member.added',
  'member.removed',
  'member.role_changed',
  'user.updated',
  'session.revoked',
  'page.membership_changed',
  ...inboxEventTypes,
  'order.updated',
  'reaction.updated',
] as const satisfies readonly DomainEventType[];
type Unlisted = Exclude<DomainEventType, (typeof domainEventTypes)[number]>;
export const allDomainEventTypesListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** Ephemeral signals: never stored, never replayed. */
export type Signal = {
  type: 'typing';
  conversationId: string;
  userId: string;
  /** false when the person stopped typing (sent, cleared the composer). */
  typing: boolean;
};
