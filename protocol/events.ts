import type { OrderTrackedView, OrderView } from './commerce.ts';
import { type InboxEvent, inboxEventTypes } from './inbox.ts';
import type {
  ActivityView,
  BlockView,
  ConversationView,
  HistoryVisibility,
  MemberRole,
  MessageView,
  PageRole,
  PageView,
  PresenceView,
  UserView,
} from './views.ts';

/**
 * Domain events, named `resource.verb`. Each is stored in the event log in the transaction that made the
 * change and published after it commits; sockets receive them in `event` frames, in order of `pos`.
 */
export type DomainEvent =
  | {
      type: 'message.created';
      conversationId: string;
      message: MessageView;
      /**
       * The change of an order the message announces, made in the same job: a page's shipping update of a
       * tracking event carries it here rather than in an `order.tracked` event of its own (one event, one
       * frame). Applied as `order.tracked`'s change is; not part of the message (its row, its history).
       */
      orderChange?: OrderTrackedView;
    }
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
  | {
      type: 'conversation.joined';
      conversationId: string;
      conversation: ConversationView;
      userIds: string[];
      /** The group's activity lines this made (created; people added), for the members already there too. */
      activity?: ActivityView[];
    }
  | {
      type: 'conversation.updated';
      conversationId: string;
      title: string | null;
      history: HistoryVisibility;
      by: string;
      /** Its line in the thread (absent from events logged before lines existed). */
      activity?: ActivityView[];
    }
  | {
      type: 'member.added';
      conversationId: string;
      user: UserView;
      role: MemberRole;
      by: string;
      activity?: ActivityView[];
    }
  | {
      type: 'member.removed';
      conversationId: string;
      userId: string;
      by: string;
      /** `left` when the member left on their own. */
      reason: 'removed' | 'left';
      activity?: ActivityView[];
    }
  | {
      type: 'member.role_changed';
      conversationId: string;
      userId: string;
      role: MemberRole;
      activity?: ActivityView[];
    }
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
   * A tracking event moved an order's shipment: the change only (OrderTrackedView: the statuses, the new
   * timeline lines), not the whole order — the most frequent change of an order, kept small in the log and
   * on the wire. A client holding the order at `version - 1` applies it (applyOrderTracked); any other
   * reads the order. When the event posted a shipping update in the thread, its `message.created` carries
   * the change instead (`orderChange`); this event comes alone when it posted none (the customer stopped
   * the page's updates).
   */
  | { type: 'order.tracked'; conversationId: string; change: OrderTrackedView }
  /**
   * The person changed their own settings of a conversation (mute, pin, archive): to their own devices
   * only. The settings as they now are (ConversationView's fields of the same names).
   */
  | {
      type: 'conversation.settings_updated';
      conversationId: string;
      mutedUntil: string | null;
      pinnedAt: string | null;
      archived: boolean;
    }
  /**
   * The person deleted a message for themselves: to their own devices only. `unread`: the conversation's
   * unread count for them once it is hidden. It carries no copy of any message (deleting one for everyone
   * erases every copy in the log): a client that showed it as the last message reads the conversation again.
   */
  | { type: 'message.hidden'; conversationId: string; messageId: string; seq: number; unread: number }
  /**
   * To the blocker's own devices only (the blocked person is told nothing): they now block this person
   * (`block` set), or no longer do (`block` null, `userId` the person unblocked).
   */
  | { type: 'block.updated'; conversationId: null; userId: string; block: BlockView | null }
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
  'order.tracked',
  'conversation.settings_updated',
  'message.hidden',
  'block.updated',
  'reaction.updated',
] as const satisfies readonly DomainEventType[];
type Unlisted = Exclude<DomainEventType, (typeof domainEventTypes)[number]>;
export const allDomainEventTypesListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** Ephemeral signals: never stored, never replayed. */
export type Signal =
  | {
      type: 'typing';
      conversationId: string;
      userId: string;
      /** false when the person stopped typing (sent, cleared the composer). */
      typing: boolean;
    }
  /**
   * Someone you share a conversation with came online or went offline (after a short grace, so that a reload
   * does not flap), or changed who may see it (`hidden`): never stored, never replayed — the initial state
   * is `GET /api/presence`. Sent only to people who share a conversation with them and show their own.
   */
  | ({ type: 'presence' } & PresenceView);
