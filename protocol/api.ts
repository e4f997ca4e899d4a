import type { DomainEvent } from './events.ts';
import type { PageProfileView } from './profile.ts';
import type {
  ActivityView,
  AppPageView,
  AppView,
  BlockView,
  ConversationView,
  DeliveryView,
  HandoverView,
  MessageView,
  PageAppView,
  PageMemberView,
  PageRole,
  PageView,
  PresenceView,
  SelfView,
  SessionView,
  SettingsView,
  ThreadControlView,
  UserView,
  WebhookView,
} from './views.ts';

/** Answers of the HTTP API (docs/PROTOCOL.md lists the routes). */

/** `GET /api/instance`: what the sign-in screen needs before anyone signs in. */
export interface InstanceResponse {
  /** `closed`: accounts are created by the operator (`comptoir user create`). */
  signup: 'open' | 'closed';
}
export interface MeResponse {
  user: SelfView;
  sessionId: string;
}
export interface UsersResponse {
  users: UserView[];
}
export interface SessionsResponse {
  sessions: SessionView[];
}
/** The conversation list, with the event cursor it is consistent with: hello with it to go live. */
export interface ConversationsResponse {
  cursor: number;
  conversations: ConversationView[];
}
export interface ConversationResponse {
  conversation: ConversationView;
}
export interface MessagesResponse {
  messages: MessageView[];
  hasMore: boolean;
  /**
   * The people the page mentions (its senders, the senders of the messages it quotes), members or not:
   * someone who left still signs their old messages.
   */
  users: UserView[];
  /**
   * A group's activity lines among these messages (created, renamed, people added, removed, left…): those
   * after the page's oldest message up to its newest — from the start of what the reader may see when the
   * page is the first — oldest first. The people they name are in `users`.
   */
  activity: ActivityView[];
  /** Set on pages read `after` or `around` a seq: whether newer messages follow the page. */
  hasNewer?: boolean;
}
export interface MessageResponse {
  message: MessageView;
}
/** `POST /api/apps` (201) and `POST /api/apps/:id/secret`: the secret is shown here only, once. */
export interface AppSecretResponse {
  app: AppView;
  secret: string;
}
export interface AppsResponse {
  apps: AppView[];
}
export interface AppResponse {
  app: AppView;
  webhook: WebhookView | null;
  /** The pages the app is connected to (holds an active token for), oldest connection first. */
  pages: AppPageView[];
}
export interface DeliveriesResponse {
  /** Newest first. */
  deliveries: DeliveryView[];
  /** Pass as `before` for the older ones; null at the end. */
  next: string | null;
}
export interface DeliveryResponse {
  delivery: DeliveryView;
}
/** A replay or a test event was recorded: its delivery follows within moments (see the log). */
export interface DeliveryQueuedResponse {
  queued: true;
}
export interface WebhookResponse {
  webhook: WebhookView;
}
export interface EventsResponse {
  events: { pos: number; event: DomainEvent }[];
  cursor: number;
  hasMore: boolean;
}

export interface PageResponse {
  page: PageView;
}
export interface PagesResponse {
  pages: PageView[];
}
/** The pages a person helps run, with their role. */
export interface MyPagesResponse {
  pages: { page: PageView; role: PageRole }[];
}
export interface PageMembersResponse {
  members: PageMemberView[];
}
/** `GET /api/pages/:id/apps` (the page's admins): the apps connected to the page and their webhooks' state. */
export interface PageAppsResponse {
  apps: PageAppView[];
}
/** `GET /api/pages/:id/profile`: the page's greeting, Get Started button and persistent menu. */
export interface PageProfileResponse {
  profile: PageProfileView;
}
export interface PageConversationResponse {
  conversation: ConversationView;
  created: boolean;
}

/** `POST /api/apps/:id/pages/:pageId`: the page access token, shown this once. */
export interface PageAccessTokenResponse {
  pageAccessToken: string;
}

/** `GET|PUT /api/pages/:id/handover`: the page's receivers in the handover protocol. */
export interface HandoverResponse {
  handover: HandoverView;
}
/** `GET|POST /api/pages/:id/conversations/:conversationId/thread-control`. */
export interface ThreadControlResponse {
  threadControl: ThreadControlView;
}

/** `PATCH /api/conversations/:id/settings`: the person's own settings of the conversation, as they now are. */
export interface ConversationSettingsResponse {
  settings: Pick<ConversationView, 'mutedUntil' | 'pinnedAt' | 'archived'>;
}
/** `POST /api/messages/:id/forward`: the forwarded copies, one per conversation, in the order asked. */
export interface ForwardResponse {
  messages: MessageView[];
}
/** `GET /api/presence?userIds=…`: of the people asked, those who share a conversation with you. */
export interface PresenceResponse {
  presence: PresenceView[];
}
/** `GET` and `PATCH /api/me/settings`. */
export interface SettingsResponse {
  settings: SettingsView;
}
/** `GET /api/blocks`: the people the signed-in person blocks, latest first. */
export interface BlocksResponse {
  blocks: BlockView[];
}
/** `POST /api/blocks`: the block, made now or earlier. */
export interface BlockResponse {
  block: BlockView;
}
/** A piece of a message's text with the matched words: offsets in UTF-16 code units, [start, end). */
export interface SearchSnippetView {
  text: string;
  matches: [number, number][];
}
/** One message a search found, with its conversation and where the words matched. */
export interface MessageSearchResult {
  message: MessageView;
  conversation: { id: string; kind: 'direct' | 'group'; title: string | null };
  snippet: SearchSnippetView;
}
/**
 * `GET /api/search/messages`: newest first; `nextCursor` (the `before` of the next page) is null after the
 * last page. `users`: the senders of the results.
 */
export interface MessageSearchResponse {
  results: MessageSearchResult[];
  users: UserView[];
  nextCursor: string | null;
}
