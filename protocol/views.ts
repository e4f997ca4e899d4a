import type { OrderMessageView } from './commerce.ts';
import type { Attachment, QuickReply } from './content.ts';
import type { AttachmentView } from './media.ts';
import type { OrderRequestMessageView } from './order-requests.ts';
/**
 * What the server presents: the shapes of API answers and of event payloads. Times are ISO 8601 strings,
 * ids are opaque strings, sequence numbers and cursors are numbers.
 */

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  /** Set on the account a business page speaks through: the other side of a conversation with a page. */
  kind?: 'page';
  /**
   * The person's profile photo (an image upload claimed as their avatar): readable by any signed-in
   * account, `thumbnailUrl` being the 480 px square-fitting variant to show in avatars. Absent: initials.
   */
  avatar?: AvatarView;
  /**
   * The person deleted their account: `username` and `displayName` are empty, clients show "Deleted
   * account" and a neutral avatar; their messages remain.
   */
  deleted?: true;
}

/** A profile photo: where to read it (same-origin paths, read by the session). */
export interface AvatarView {
  id: string;
  url: string;
  thumbnailUrl: string;
}

export type PageRole = 'admin' | 'agent';

/** A business page, as anyone sees it. */
export interface PageView {
  id: string;
  username: string;
  name: string;
  description: string;
  createdAt: string;
}

export interface PageMemberView {
  user: UserView;
  role: PageRole;
  addedAt: string;
}

export interface SelfView extends UserView {
  createdAt: string;
}

export interface SessionView {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

/**
 * The app id of a page's human inbox in the handover protocol — Messenger's own (its Page Inbox), so that
 * bots that pass a thread to the inbox by that number work unchanged. The inbox is a receiver of every
 * page; Comptoir's app ids are 26-character ULIDs, so it names no app.
 */
export const PAGE_INBOX_APP_ID = '263902037430900';

/** One of a page's receivers in the handover protocol: a connected app, or the page inbox. */
export interface ReceiverView {
  id: string;
  name: string;
  /** The page's human inbox (PAGE_INBOX_APP_ID). */
  inbox: boolean;
  role: 'primary' | 'secondary';
}

/** A page's handover settings, as the people who run it see them. */
export interface HandoverView {
  primaryAppId: string;
  /** Whether an admin chose the primary receiver (false: the default, docs/PLATFORM.md). */
  chosen: boolean;
  /** The primary first, then the secondary receivers. */
  receivers: ReceiverView[];
}

/** Who owns a thread of the page (a person's conversation with it). */
export interface ThreadControlView {
  owner: ReceiverView;
}

/** A developer app, as its owner sees it (its secret is shown once, when made or replaced). */
export interface AppView {
  id: string;
  name: string;
  createdAt: string;
}

/** A page an app is connected to: it holds an active page access token for it (made `connectedAt`). */
export interface AppPageView {
  pageId: string;
  connectedAt: string;
}

/** Where an app's webhook deliveries go. `verified`: the callback answered the handshake and is not disabled. */
export interface WebhookView {
  url: string;
  fields: string[];
  verified: boolean;
  verifiedAt: string | null;
  /** Present when deliveries were stopped (sustained failure). */
  disabled?: { at: string; reason: string | null };
}

/**
 * An app connected to a page, as the page's admins see it — they may not own it: its name, its owner, and
 * its webhook's state. Of the callback URL only its origin is shown (never its path or query, which may
 * hold a bot's own secret), and nothing of the app's secret or the webhook's verify token.
 */
export interface PageAppView {
  id: string;
  name: string;
  /** The account that made the app (the one to ask when its webhook is disabled); null if it is gone. */
  owner: UserView | null;
  /** When it was given its current token for the page. */
  connectedAt: string;
  webhook: PageAppWebhookView;
}

export interface PageAppWebhookView {
  /**
   * `active`: verified and delivering; `unverified`: set but its handshake not passed; `disabled`: stopped
   * after failing too long (until its owner sets it again); `none`: no webhook, the app receives no events.
   */
  status: 'active' | 'unverified' | 'disabled' | 'none';
  /** The callback URL's origin (`https://bot.example.org`); null without a webhook. */
  origin: string | null;
  /** The fields it is subscribed to (what of the page's conversations it receives). */
  fields: string[];
  disabledAt: string | null;
  /** Why the dispatcher stopped it (the last failure, for how long). */
  disabledReason: string | null;
  /** Since when its deliveries have failed without a success; null while they succeed. */
  failingSince: string | null;
}

/** One event sent, or to be sent, to an app's webhook: its delivery log (docs/PLATFORM.md, "Deliveries"). */
export interface DeliveryView {
  /** Stable across attempts; the POST names it in `X-Comptoir-Delivery-Ids`. */
  id: string;
  /** The webhook field (messages, message_echoes…). */
  field: string;
  pageId: string;
  /** Sent under `standby` (the app did not own the thread). */
  standby: boolean;
  /** pending: not yet answered 2xx (retried); delivered; failed: given up after the retry window. */
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  /** The last attempt's HTTP status (null: no answer), its time to answer, why it failed, and the start of the answer. */
  status: number | null;
  latencyMs: number | null;
  error: string | null;
  responseSnippet: string | null;
  /** The messaging event exactly as it goes into the envelope. */
  event: unknown;
}

export interface QuoteView {
  id: string;
  senderId: string;
  /** The quoted text as it was when quoted, shortened; null when it had been deleted. */
  text: string | null;
  deleted: boolean;
}

export interface MessageView {
  id: string;
  conversationId: string;
  /** Position of the message in its conversation: 1, 2, 3… without gaps. */
  seq: number;
  senderId: string;
  /**
   * The sender's own id for the send (idempotency); null for what the server sends itself (an order's
   * updates, the Graph API's sends), which no client retries.
   */
  clientId: string | null;
  /** null once deleted for everyone. */
  text: string | null;
  replyTo: QuoteView | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /** Media or a template (pages and bots send these); absent on plain text and once deleted. */
  attachment?: Attachment;
  /** Uploaded files (images, video, audio, voice clips, files), in order; the text is their caption. Absent once deleted. */
  attachments?: AttachmentView[];
  /** Answers the page offers the person, shown as buttons under the message. */
  quickReplies?: QuickReply[];
  /** On a person's message sent by tapping a quick reply: its payload (for the page's app). */
  quickReply?: { payload: string };
  /** On a person's message sent by tapping a postback button (Get Started, the menu): its payload. */
  postback?: { payload: string };
  /** A page's order message: its receipt card or a shipping update (protocol/commerce.ts). */
  order?: OrderMessageView;
  /** A message about a customer's request on an order: asked, answered, replied (protocol/order-requests.ts). */
  orderRequest?: OrderRequestMessageView;
  /** The page's satisfaction question (docs/INBOX.md): shown in the person's language, with its 1–5 answers. */
  csat?: { questionId: string };
  /** The content app its media was picked in (docs/PLATFORM.md, "Content apps"), as it was named then. */
  via?: { appId: string; name: string };
  /** A forward of another message (its text and media): shown "Forwarded". */
  forwarded?: true;
  /**
   * Emoji reactions, the emoji reacted with first coming first, each with who reacted (in the order they
   * did). Absent when there are none, and in events (`reaction.updated` events change them).
   */
  reactions?: ReactionView[];
}

/** One emoji on a message: how many people reacted with it, and who (in the order they did). */
export interface ReactionView {
  emoji: string;
  count: number;
  userIds: string[];
}

/**
 * What happened to a group besides its messages, shown as a line in its thread (docs/PROTOCOL.md,
 * "Group activity"): created, renamed, its history setting changed, someone added, removed, left, made
 * admin. It sits after the message `afterSeq` (0: before the first).
 */
export interface ActivityView {
  id: string;
  conversationId: string;
  afterSeq: number;
  at: string;
  kind: ActivityKind;
  /** Who did it (for `left`, the person who left; for `admin`, the member who left the group to them). */
  actorId: string;
  /** Who was added, removed, left or made admin; null for `created`, `renamed`, `history`. */
  targetId: string | null;
  /** The group's name, for `created` and `renamed`. */
  title: string | null;
  /** The new setting, for `history`. */
  history: HistoryVisibility | null;
}
export type ActivityKind = 'created' | 'renamed' | 'history' | 'added' | 'removed' | 'left' | 'admin';

export type ConversationKind = 'direct' | 'group';
/**
 * What a group's members see of the messages sent before they joined: `joined`, only what follows their
 * joining (the default); `full`, everything. One-to-one conversations are `full`.
 */
export type HistoryVisibility = 'joined' | 'full';
export type MemberRole = 'admin' | 'member';

export interface MemberView {
  user: UserView;
  role: MemberRole;
  /** Highest seq this member's devices have received. */
  deliveredSeq: number;
  /** Highest seq this member has read. */
  readSeq: number;
}

/** A former member's receipts (ConversationView.formerMembers). */
export interface FormerMemberView {
  user: UserView;
  deliveredSeq: number;
  readSeq: number;
}

export interface ConversationView {
  id: string;
  kind: ConversationKind;
  /** Group name; null for one-to-one conversations (show the other person's name). */
  title: string | null;
  history: HistoryVisibility;
  /**
   * Who started it. A one-to-one conversation without messages is listed for them only: the other
   * person meets it with its first message.
   */
  createdBy: string;
  createdAt: string;
  lastActivityAt: string;
  /** seq of the latest message, 0 when there is none. */
  lastSeq: number;
  members: MemberView[];
  /**
   * People who left or were removed, with the watermarks they reached while members (those who received
   * something the viewer may read): their receipts keep counting for what they saw, so ticks and "Seen by"
   * never go backwards.
   */
  formerMembers: FormerMemberView[];
  lastMessage: MessageView | null;
  /** Messages from others after the viewer's read watermark, not deleted. */
  unread: number;
  /**
   * The viewer's own settings of the conversation (nobody else sees them; `conversation.settings_updated`
   * tells their devices). `mutedUntil`: notifications are off until then (ISO time; `MUTED_FOREVER` for
   * "Always"), null when not muted — compare with the clock (`isMuted`), a mute that has run out is not
   * cleared. `pinnedAt`: pinned (at most `limits.pinnedConversations`), listed first, the latest pinned on top.
   * `archived`: out of the main list, until a message arrives while not muted (Telegram's rule).
   */
  mutedUntil: string | null;
  pinnedAt: string | null;
  archived: boolean;
}

/**
 * Whether a person is online, as a viewer may see it: `online` while at least one of their sockets is open
 * (with a short grace after the last one closes), else `offline` since `lastSeenAt` (null if never seen);
 * `hidden` when they or the viewer turned `showPresence` off.
 */
export interface PresenceView {
  userId: string;
  state: 'online' | 'offline' | 'hidden';
  /** When they were last online; null while online, hidden, or never seen. */
  lastSeenAt: string | null;
}

/** A person's own settings (`GET`, `PATCH /api/me/settings`). */
export interface SettingsView {
  /** Others see whether you are online and when you were last seen; off: you see nobody's either. */
  showPresence: boolean;
}

/** A person the viewer blocks (`GET /api/blocks`, `block.updated`): who, and since when. */
export interface BlockView {
  user: UserView;
  /** When the block was made (ISO 8601). */
  at: string;
}
