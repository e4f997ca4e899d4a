import type { OrderView } from '../../../protocol/commerce.ts';
import type { ErrorId } from '../../../protocol/errors.ts';
import type { AttachmentView } from '../../../protocol/media.ts';
import type { PageProfileView } from '../../../protocol/profile.ts';
import type {
  ActivityView,
  AppPageView,
  AppView,
  BlockView,
  ConversationView,
  DeliveryView,
  MessageView,
  PageAppView,
  PageMemberView,
  PageRole,
  PageView,
  QuoteView,
  SelfView,
  UserView,
  WebhookView,
} from '../../../protocol/views.ts';

export type ConnectionState = 'connecting' | 'online' | 'offline';
export type Phase = 'loading' | 'signedOut' | 'ready';
export type FailReason = ErrorId | 'network' | 'unknown';

/** A message typed here and not yet acknowledged by the server. */
export interface OutboxItem {
  clientId: string;
  conversationId: string;
  text: string;
  replyToId: string | null;
  /** Shown above the pending bubble. */
  replyTo: QuoteView | null;
  createdAt: string;
  status: 'pending' | 'failed';
  error: FailReason | null;
  /** A tap on what a page offered (a quick reply, a postback button): `text` is its title. */
  tap?: Tap;
  /** Uploaded files it carries (their ids are sent; `text` is their caption, maybe empty). */
  attachments?: AttachmentView[];
  /**
   * A voice clip still uploading: the message is sent once it is uploaded (it then moves to `attachments`).
   * Its bytes live in this tab only, so such an item is not restored after a reload.
   */
  upload?: VoiceUpload;
}

/** A voice clip being uploaded for a pending message: what its bubble shows meanwhile. */
export interface VoiceUpload {
  sent: number;
  total: number;
  durationMs: number;
  waveform: number[];
}

/** What a person taps in a conversation with a page: sent as `quickReply` or `postback` with its title as text. */
export interface Tap {
  kind: 'quickReply' | 'postback';
  payload: string;
}

/** A page I help run, with my role there. */
export interface MyPage {
  page: PageView;
  role: PageRole;
}

/** One of my developer apps (never its secret: that is shown once, and kept by no state). */
export interface MyApp {
  app: AppView;
  /** Its webhook and the pages it is connected to, as `GET /api/apps/:id` last answered; null until read. */
  detail: { webhook: WebhookView | null; pages: AppPageView[] } | null;
}

/** What is read of one app's webhook delivery log: its newest deliveries, and as far back as "Load older" went. */
export interface DeliveryLog {
  /** Newest first, unique by id. */
  deliveries: DeliveryView[];
  /** The cursor of the older ones (`before`); null when the oldest is loaded. */
  next: string | null;
}

/** Loaded messages of one conversation, sorted by seq, unique by id. */
export interface Thread {
  messages: MessageView[];
  /**
   * The latest page has been fetched, so `messages` is one contiguous run ending at the newest message.
   * Before that it only holds messages seen in events (a sparse cache).
   */
  loaded: boolean;
  /** Older messages exist on the server before the first loaded one. */
  hasMore: boolean;
  /**
   * A window opened at a search result: `messages` is one contiguous run that does not reach the newest
   * message; newer pages follow it until it joins the live tail (then false). Live messages past the
   * window wait for those pages.
   */
  hasNewer?: boolean;
}

export interface State {
  phase: Phase;
  me: SelfView | null;
  sessionId: string | null;
  /** Highest event `pos` applied; null before the first snapshot. */
  cursor: number | null;
  connection: ConnectionState;
  conversations: Record<string, ConversationView>;
  /** Conversations I left or was removed from (still in `conversations` so an open one can show read-only). */
  removed: Record<string, 'removed' | 'left'>;
  threads: Record<string, Thread>;
  outbox: OutboxItem[];
  /** conversationId → userId → time (ms) the typing indicator expires. */
  typing: Record<string, Record<string, number>>;
  /** Everyone we have seen (members past and present), to name the authors of old messages. */
  users: Record<string, UserView>;
  /** Sessions of mine revoked while this page was open. */
  revokedSessions: string[];
  /** The business pages I help run, by page id; null until first loaded (`GET /api/me/pages`). */
  myPages: Record<string, MyPage> | null;
  /** Who runs each of my pages whose settings were opened (`GET /api/pages/:id/members`), by page id. */
  pageMembers: Record<string, PageMemberView[]>;
  /**
   * The messenger profile (greeting, Get Started, persistent menu) of the pages I talk with, by page id, as
   * last read (`GET /api/pages/:id/profile`, whenever their conversation is opened).
   */
  pageProfiles: Record<string, PageProfileView>;
  /** My developer apps, by id; null until first loaded (`GET /api/apps`). */
  apps: Record<string, MyApp> | null;
  /** The webhook delivery log of each of my apps whose console section was opened, by app id. */
  deliveries: Record<string, DeliveryLog>;
  /**
   * The apps connected to each page I administer whose settings were opened (`GET /api/pages/:id/apps`),
   * with their webhooks' state, by page id.
   */
  pageApps: Record<string, PageAppView[]>;
  /**
   * The orders shown in my threads, as they now are, by id: from `order.updated` and `order.tracked` events and
   * `GET /api/orders/:id`, the highest `version` kept (an order card shows this, else its snapshot).
   */
  orders: Record<string, OrderView>;
  /**
   * For an order an `order.tracked` change could not be applied to (not held, or held at an older version
   * than the change's base: a read raced it), the version announced: whoever shows the order reads it
   * again (OrderCard, the inbox's order panel). Dropped once an order of that version is held.
   */
  orderHeads: Record<string, number>;
  /** Each group's activity lines (created, renamed, added, removed, left…) as far as seen, by conversation id. */
  activity: Record<string, ActivityView[]>;
  /** The people I block, by their id (`GET /api/blocks`, then `block.updated`); null until first loaded. */
  blocks: Record<string, BlockView> | null;
}

export function initialState(): State {
  return {
    phase: 'loading',
    me: null,
    sessionId: null,
    cursor: null,
    connection: 'connecting',
    conversations: {},
    removed: {},
    threads: {},
    outbox: [],
    typing: {},
    users: {},
    revokedSessions: [],
    myPages: null,
    pageMembers: {},
    pageProfiles: {},
    apps: null,
    deliveries: {},
    pageApps: {},
    orders: {},
    orderHeads: {},
    activity: {},
    blocks: null,
  };
}
