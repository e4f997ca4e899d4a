import { createHmac } from 'node:crypto';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { composeLimits } from '../protocol/compose.ts';
import { limits } from '../protocol/limits.ts';
import { AccountKinds } from './accounts/kinds.ts';
import { Passwords } from './accounts/passwords.ts';
import { accountsRoutes } from './accounts/routes.ts';
import { AccountsService } from './accounts/service.ts';
import { SessionsService } from './accounts/sessions.ts';
import { appsRoutes } from './apps/routes.ts';
import { AppsService, hashPageToken, type PageAccess } from './apps/service.ts';
import { WebhookVerifier } from './apps/webhooks.ts';
import { blocksRoutes } from './blocks/routes.ts';
import { BlocksService } from './blocks/service.ts';
import { MemoryBus } from './bus/memory.ts';
import type { EventBus } from './bus/types.ts';
import { AggregateCache } from './commerce/aggregates.ts';
import { OrderHeads } from './commerce/heads.ts';
import { orderPanelRoutes } from './commerce/panel-routes.ts';
import { OrderRequests } from './commerce/requests.ts';
import { commerceRoutes } from './commerce/routes.ts';
import { CommerceService } from './commerce/service.ts';
import { AppCaller } from './compose/caller.ts';
import { ComposeExtensions } from './compose/extensions.ts';
import { fetchIcon } from './compose/icon.ts';
import { Previews } from './compose/previews.ts';
import { AppQueries } from './compose/query.ts';
import { composeRoutes } from './compose/routes.ts';
import { type Config, ConfigError } from './config.ts';
import { EventFeed } from './events/feed.ts';
import { ReplayBudget } from './events/replay-budget.ts';
import { LogRetention } from './events/retention.ts';
import { eventsRoutes } from './events/routes.ts';
import { AccountDeletionFlow } from './flows/account-deletion.ts';
import { BusinessInbox } from './flows/business-inbox.ts';
import { ContentApps } from './flows/content-apps.ts';
import { DisplayNameFlow } from './flows/display-name.ts';
import { PageHandover } from './flows/handover.ts';
import { OptinFlows } from './flows/optins.ts';
import { OrderPanel } from './flows/order-panel.ts';
import { OrderRequestFlows } from './flows/order-requests.ts';
import { registerOrderVariables } from './flows/order-variables.ts';
import { OrderFlows } from './flows/orders.ts';
import { PageApps } from './flows/page-apps.ts';
import { PageInbox } from './flows/page-inbox.ts';
import { PageFlows } from './flows/pages.ts';
import { ProfilePhotoFlow } from './flows/profile-photo.ts';
import type { CookiePolicy } from './http/cookies.ts';
import { frameworkErrors, registerErrorHandling } from './http/errors.ts';
import { ownOrigin, registerGuards } from './http/guards.ts';
import { registerOpenApi } from './http/openapi/document.ts';
import { trustFunction } from './http/proxy.ts';
import './http/types.ts';
import { PageMedia } from './flows/page-media.ts';
import { registerWeb } from './http/web.ts';
import { CannedReplies } from './inbox/canned.ts';
import { inboxRoutes } from './inbox/routes.ts';
import { InboxService } from './inbox/service.ts';
import { startDiagnostics } from './lib/diagnostics.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import type { Resolve } from './lib/outbound.ts';
import { RateLimiter } from './lib/ratelimit.ts';
import { keyFromFile, SecretBox } from './lib/secrets.ts';
import { openBlobStore } from './media/blobs/index.ts';
import { configureSharp, ImageGate } from './media/images-gate.ts';
import { MediaLinks } from './media/links.ts';
import { ingest } from './media/pipeline.ts';
import { fetchRemote } from './media/remote.ts';
import { MAX_UPLOAD_BYTES, mediaRoutes } from './media/routes.ts';
import { Media } from './media/service.ts';
import { MediaSweeper } from './media/sweeper.ts';
import { attachmentView } from './media/views.ts';
import { ConversationsService } from './messaging/conversations.ts';
import { ForwardService } from './messaging/forward.ts';
import { messagingFrames, reactionFrames } from './messaging/frames.ts';
import { HiddenMessages } from './messaging/hidden.ts';
import { MessagesService } from './messaging/messages.ts';
import { GroupQuotas } from './messaging/quotas.ts';
import { ReactionsService } from './messaging/reactions.ts';
import { type ChatManagement, messagingRoutes, reactionRoutes } from './messaging/routes.ts';
import { MessageSearchService } from './messaging/search.ts';
import { messageSearchRoutes } from './messaging/search-routes.ts';
import { ConversationSettingsService } from './messaging/settings.ts';
import { ConversationStates } from './messaging/state.ts';
import { MessengerProfiles } from './pages/profile.ts';
import { pagesRoutes } from './pages/routes.ts';
import { PagesService } from './pages/service.ts';
import { SavedAttachments } from './platform/attachments.ts';
import { graphRoutes } from './platform/graph.ts';
import { GraphMedia } from './platform/graph-media.ts';
import { HandoverService } from './platform/handover.ts';
import { optinRoutes } from './platform/optin-routes.ts';
import { OptinsService } from './platform/optins.ts';
import { Referrals } from './platform/referrals.ts';
import { PageThreads } from './platform/threads.ts';
import { presenceRoutes } from './presence/routes.ts';
import { type PresenceOptions, PresenceService } from './presence/service.ts';
import { Gateway } from './realtime/gateway.ts';
import { FrameHandlers } from './realtime/registry.ts';
import { attachWebSocket } from './realtime/upgrade.ts';
import { Committer } from './storage/commit.ts';
import { openStorage, withStorageErrors } from './storage/index.ts';
import { StatementTimes } from './storage/statement-times.ts';
import type { Storage } from './storage/types.ts';
import { DeliveryDispatcher, type DispatcherOptions } from './webhooks/dispatcher.ts';
import { listeningOrigin, WebhookMediaUrls } from './webhooks/media-urls.ts';
import { DeliveryPlanner } from './webhooks/planner.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { WebhookDeliveries } from './webhooks/service.ts';

/** The domains over storage and the bus, without transport: what `build()` serves, and what the CLI uses. */
export interface Core {
  log: Logger;
  storage: Storage;
  bus: EventBus;
  committer: Committer;
  accounts: AccountsService;
  sessions: SessionsService;
  conversations: ConversationsService;
  messages: MessagesService;
  pages: PagesService;
  /** Pages' messenger profiles: Get Started, greeting, persistent menu, whitelisted domains. */
  profiles: MessengerProfiles;
  /** Developer apps: their secrets, page tokens and webhook settings. */
  apps: AppsService;
  /**
   * Webhook deliveries: the planner (follows the log, records deliveries), the dispatcher (sends them),
   * the owner's view of them. The server starts the first two; the CLI never does.
   */
  webhooks: {
    planner: DeliveryPlanner;
    dispatcher: DeliveryDispatcher;
    deliveries: WebhookDeliveries;
    /** Media links in the events sent (their origin: PUBLIC_ORIGIN, else the server's own address). */
    mediaUrls: WebhookMediaUrls;
  };
  /** Orders and shipments: their state machine and totals (server/commerce/). */
  commerce: CommerceService;
  /** The Graph API's own: the handover protocol (thread owners), attachments saved for reuse. */
  platform: { handover: HandoverService; attachments: SavedAttachments; optins: OptinsService };
  /** The business inbox: page threads' state, notes, labels, canned replies, targets, satisfaction. */
  inbox: { service: InboxService; canned: CannedReplies };
  /** Uploaded media: the service (uploads, claims, reads) and the sweeper of unsent uploads. */
  media: { service: Media; sweeper: MediaSweeper };
  /** Content apps' compose extensions, and the queries to them (server/compose/). */
  compose: { extensions: ComposeExtensions; queries: AppQueries };
  /** One person's feed of the event log: socket catch-ups and GET /api/events. */
  feed: EventFeed;
  /** What spans several domains, each read top to bottom in server/flows/. */
  flows: {
    displayName: DisplayNameFlow;
    pages: PageFlows;
    pageInbox: PageInbox;
    handover: PageHandover;
    /** The apps connected to a page and their webhooks' state, for its admins. */
    pageApps: PageApps;
    /** Orders in their threads: receipt cards, shipping updates, `order.updated` (flows/orders.ts). */
    orders: OrderFlows;
    orderRequests: OrderRequestFlows;
    /** The inbox's order panel: a customer's orders, an agent's cancel, refund and resend; the search by number. */
    orderPanel: OrderPanel;
    /** Opt-ins at checkout and the person's standing with pages, presented with the pages. */
    optins: OptinFlows;
    /** The business inbox across domains: messages' effects on threads, the satisfaction question, snoozes. */
    businessInbox: BusinessInbox;
    /** Content apps: a person's search, its previews, a result sent as their message (flows/content-apps.ts). */
    contentApps: ContentApps;
    /** A person's profile photo, set or removed and announced (flows/profile-photo.ts). */
    profilePhoto: ProfilePhotoFlow;
    /** Deleting an account across every domain, in one job (flows/account-deletion.ts). */
    accountDeletion: AccountDeletionFlow;
  };
  /** Events of the log one account may have replayed per second (catch-ups and GET /api/events). */
  replay: ReplayBudget;
  /** Event log retention; null when the log keeps everything (EVENT_RETENTION_DAYS=0). */
  retention: LogRetention | null;
  /** Who is online and who may see it (the gateway tells it of sockets); last seen, the privacy setting. */
  presence: PresenceService;
  /** People's blocks (server/blocks/). */
  blocks: BlocksService;
  /** Emoji reactions on messages (messaging/reactions.ts). */
  reactions: ReactionsService;
  /** Finishes the writes under way, then closes the bus and the database. */
  close(): Promise<void>;
  /** Chat management: each person's mute, pin and archive of a conversation (messaging/settings.ts). */
  chat: ChatManagement;
}

/** A running Comptoir: the core and its transport. */
export interface Comptoir extends Core {
  app: FastifyInstance;
  config: Config;
  gateway: Gateway;
  /** Stops taking work, closes sockets, finishes the writes under way, closes the database. */
  close(): Promise<void>;
}

export interface CoreOptions {
  logger?: Logger;
  storage?: Storage;
  /**
   * Making a batch durable failed (fsync): by default the process exits at once (exit code 75), as
   * PostgreSQL does — a restart recovers from the log what is really on disk, and clients catch up.
   */
  onDurabilityFailure?: (error: unknown) => void;
  apps?: {
    /** Who may connect an app to a page (default: the page's admins). */
    pageAccess?: PageAccess;
    /** The webhook handshake's deadline (default 10 s), and how it resolves host names. */
    webhookTimeoutMs?: number;
    resolve?: Resolve;
  };
  /** Webhook delivery tuning (tests shorten the delays); the rest comes from the configuration. */
  webhooks?: Partial<Omit<DispatcherOptions, 'allowance' | 'secretOf'>> & { now?: () => number };
  /** The clock of the Send API's messaging window (tests move it). */
  graphClock?: () => number;
  /** A media URL's fetch deadline (default MEDIA_FETCH_TIMEOUT_MS; tests shorten it). */
  mediaFetchTimeoutMs?: number;
  /** Presence's grace after the last socket closes (default 10 s) and heartbeat (tests shorten them). */
  presence?: PresenceOptions;
}

/** A media URL's fetch (Graph API attachments by URL, content apps' results): redirects and body included. */
const MEDIA_FETCH_TIMEOUT_MS = 30_000;

/** The server's key for sealed secrets: SECRETS_KEY, or the key file (made on first use). */
function secretBox(config: Config): SecretBox {
  if (config.secrets.key) return new SecretBox(config.secrets.key);
  try {
    return new SecretBox(keyFromFile(config.secrets.keyFile));
  } catch (e) {
    throw new ConfigError(`Invalid configuration: SECRETS_KEY_FILE: ${(e as Error).message}`);
  }
}

/**
 * Content apps (server/compose/): their extensions, the queries and previews, every request to an app's host
 * through one AppCaller under the webhooks' allowance. The person is known to each app by a pseudonym of
 * their own for it (an HMAC under a key derived from the server's).
 */
function contentApps(
  config: Config,
  options: CoreOptions,
  storage: Storage,
  committer: Committer,
  box: SecretBox,
  apps: AppsService,
) {
  const resolve = options.apps?.resolve ? { resolve: options.apps.resolve } : {};
  const caller = new AppCaller({ allowance: config.webhookAllowPrivate, ...resolve });
  const timeoutMs = config.contentApps.timeoutMs;
  const extensions = new ComposeExtensions(storage, committer, (url) => fetchIcon(caller, url, timeoutMs), {
    setsPerHour: config.rates.webhookVerificationsPerHour,
    listed: 200,
  });
  const userKey = box.derive('content-app-users');
  const queries = new AppQueries(
    caller,
    (appId) => apps.secretOf(appId),
    (appId, userId) => createHmac('sha256', userKey).update(`${appId}\n${userId}`).digest('hex').slice(0, 32),
    { timeoutMs, perMinute: config.contentApps.queriesPerMinute, cacheEntries: 5000 },
  );
  const previews = new Previews(
    (url) =>
      fetchRemote(url, {
        timeoutMs,
        maxBytes: composeLimits.previewBytes,
        allowPrivate: config.webhookAllowPrivate,
        ...resolve,
      }),
    { entries: 20_000 },
  );
  return { extensions, queries, previews };
}

/** Opens and migrates storage, and wires the domains together. */
export async function createCore(config: Config, options: CoreOptions = {}): Promise<Core> {
  const log = options.logger ?? createLogger(config.logLevel);
  const box = secretBox(config); // before anything is opened: a bad key file stops the start
  const storage = withStorageErrors(
    options.storage ??
      (await openStorage(
        config.database,
        config.diagnosticsStatements ? { statementTimes: new StatementTimes() } : {},
      )),
  );
  await storage.migrate();
  const bus: EventBus = new MemoryBus(log);
  const committer = new Committer(
    storage,
    bus,
    log,
    options.onDurabilityFailure ??
      ((err) => {
        log.fatal({ err }, 'stopping: a write may not have reached the disk; restart to recover from the log');
        process.exit(75);
      }),
  );
  committer.durablePosition = await storage.reader.events.headPosition();
  const states = new ConversationStates();
  committer.onRollback(() => states.clear());
  const sessions = new SessionsService(storage, committer, { idleMs: config.sessionTtlMs, maxMs: config.sessionMaxMs });
  const accounts = new AccountsService(storage, committer, sessions, new Passwords(config.passwordHashConcurrency), {
    signinFailures: config.rates.signinFailures,
    signupsPerHour: config.rates.signupsPerHour,
    signup: config.signup,
    profileChangesPerHour: config.rates.profileChangesPerHour,
  });
  const pages = new PagesService(storage, committer, { pagesPerHour: config.rates.pagesPerHour });
  const profiles = new MessengerProfiles(storage, committer);
  // People's blocks: asked by messaging when a one-to-one conversation starts and on each of its messages.
  const blocks = new BlocksService(storage, committer);
  const conversations = new ConversationsService(
    storage,
    committer,
    states,
    new GroupQuotas({ groupsPerHour: config.rates.groupsPerHour, memberAddsPerHour: config.rates.memberAddsPerHour }),
    { meetIn: (uow, personId, pageId) => pages.psidIn(uow, pageId, personId) },
    blocks,
  );
  const conversationSettings = new ConversationSettingsService(committer, states);
  const replay = new ReplayBudget(config.rates.catchupEventsPerSecond);
  const referrals = new Referrals();
  // Which accounts are pages: one answer kept for the process, shared by those who check every message.
  const accountKinds = new AccountKinds(storage.reader.accounts);
  const optins = new OptinsService(storage, committer, accountKinds);
  const inboxService = new InboxService(storage, committer);
  configureSharp();
  const blobs = openBlobStore(config.media.store);
  const media = new Media(
    storage,
    committer,
    blobs,
    new MediaLinks(box.derive('media-links'), config.media.urlTtlSeconds, config.publicOrigin),
    new ImageGate(ingest, config.media.imageConcurrency).run,
    (url) =>
      fetchRemote(url, {
        timeoutMs: options.mediaFetchTimeoutMs ?? MEDIA_FETCH_TIMEOUT_MS,
        maxBytes: MAX_UPLOAD_BYTES,
        allowPrivate: config.webhookAllowPrivate,
        ...(options.apps?.resolve ? { resolve: options.apps.resolve } : {}),
      }),
    log,
    { tmpDir: path.join(config.dataDir, 'tmp', 'media'), uploadsPerMinute: config.media.uploadsPerMinute },
  );
  const mediaSweeper = new MediaSweeper(storage, committer, blobs, log);
  // Made once messages exists (it sends the satisfaction question); messages calls it in its jobs.
  let businessInbox: BusinessInbox | null = null;
  const messages = new MessagesService(
    storage,
    committer,
    states,
    new RateLimiter(config.rates.messagesBurst, (config.rates.messagesBurst / config.rates.messagesPerSecond) * 1000),
    // A person taps what a page offers: its profile's postbacks too (Get Started, the persistent menu).
    { postbacksIn: (uow, pageId) => profiles.postbacksIn(uow, pageId) },
    // A thread's first message takes the short link's ref that waited for it (its Get Started tap carries it).
    referrals,
    // A page's message to a person who blocked it is refused; so is a message to a deleted account, and a
    // message between people when either blocks the other.
    {
      checkSendIn: async (uow, senderId, memberIds) => {
        const ids = [...memberIds];
        await optins.checkSendIn(uow, senderId, ids);
        await accounts.checkReachable(senderId, ids);
        await blocks.checkSendIn(uow, senderId, ids);
      },
    },
    // A page thread's message moves its state in the business inbox (reopens it, stops its timer).
    { directMessageIn: (uow, m) => businessInbox?.directMessageIn(uow, m) ?? Promise.resolve() },
    // A message's uploads: claimed in its send's job, deleted with it.
    media,
  );
  businessInbox = new BusinessInbox(inboxService, messages, bus, log, accountKinds);
  const reactions = new ReactionsService(
    committer,
    states,
    new RateLimiter(config.rates.messagesBurst, (config.rates.messagesBurst / config.rates.messagesPerSecond) * 1000),
  );
  const feed = new EventFeed(storage, committer, replay);
  /** Who may connect an app to a page: its admins. */
  const pageAccess = {
    canConnect: async (userId: string, pageId: string) =>
      (await storage.reader.pages.pageMember(pageId, userId))?.role === 'admin',
  };
  const apps = new AppsService(
    storage,
    committer,
    box,
    options.apps?.pageAccess ?? pageAccess,
    new WebhookVerifier({
      allowance: config.webhookAllowPrivate,
      ...(options.apps?.webhookTimeoutMs !== undefined ? { timeoutMs: options.apps.webhookTimeoutMs } : {}),
      ...(options.apps?.resolve ? { resolve: options.apps.resolve } : {}),
    }),
    { appsPerHour: config.rates.appsPerHour, verificationsPerHour: config.rates.webhookVerificationsPerHour },
  );
  const platform = {
    handover: new HandoverService(storage, committer),
    attachments: new SavedAttachments(storage),
    optins,
  };
  // A return's photos shown as the thread's media are (media's pure view).
  const commerce = new CommerceService(
    storage,
    attachmentView,
    new AggregateCache(config.orderCache.size, config.orderCache.check),
    new OrderHeads(config.orderCache.size),
  );
  committer.onRollback(() => commerce.heads.forget());
  const canned = new CannedReplies(storage);
  registerOrderVariables(canned, storage);
  const orderRequests = new OrderRequests(storage, commerce);
  const orders = new OrderFlows(
    committer,
    commerce,
    pages,
    conversations,
    messages,
    (pageId, userId, uow) => optins.standingOf(pageId, userId, { uow }),
    orderRequests,
  );
  const orderPanel = new OrderPanel(storage, commerce, orders);
  // The inbox's search finds conversations by order and tracking number too.
  inboxService.searchExtensions.push((pageId, query) => orderPanel.search(pageId, query));
  const compose = contentApps(config, options, storage, committer, box, apps);
  const flows = {
    orders,
    orderRequests: new OrderRequestFlows(committer, commerce, orderRequests, pages, messages, platform.handover, {
      // A return's photos: the customer's uploads, claimed into the order's thread as a message's are.
      claimIn: (uow, input) => media.claimIn(uow, { ...input, actorId: null }),
    }),
    orderPanel,
    displayName: new DisplayNameFlow(committer, accounts, conversations),
    pages: new PageFlows(committer, accounts, pages, conversations, referrals),
    pageInbox: new PageInbox(pages, conversations, messages),
    handover: new PageHandover(storage, committer, pages, platform.handover),
    pageApps: new PageApps(storage, pages),
    optins: new OptinFlows(optins, pages),
    businessInbox,
    contentApps: new ContentApps(
      storage,
      compose.extensions,
      compose.queries,
      compose.previews,
      media,
      messages,
      committer,
    ),
    profilePhoto: new ProfilePhotoFlow(committer, accounts, conversations, media),
    accountDeletion: new AccountDeletionFlow(committer, accounts, conversations, pages, apps, media),
  };
  const w = options.webhooks ?? {};
  const mediaUrls = new WebhookMediaUrls(
    (id, variant, origin) => media.signedUrl(id, variant, origin),
    config.publicOrigin,
  );
  const dispatcher = new DeliveryDispatcher(
    storage,
    committer,
    log,
    {
      allowance: config.webhookAllowPrivate,
      timeoutMs: config.webhooks.timeoutMs,
      retryForMs: config.webhooks.retryForMs,
      disableAfterMs: config.webhooks.disableAfterMs,
      logKeepMs: config.webhooks.logKeepMs,
      batchSize: 100,
      concurrency: 256,
      backoffMs: 1000,
      maxBackoffMs: 3_600_000,
      ...(options.apps?.resolve ? { resolve: options.apps.resolve } : {}),
      ...w,
      secretOf: (appId) => apps.secretOf(appId),
      // Media in events: signed links made at each POST (webhooks/media-urls.ts).
      present: (event) => mediaUrls.present(event),
    },
    w.now,
  );
  const planner = new DeliveryPlanner(storage, committer, bus, log, (ids) => {
    for (const id of ids) dispatcher.wake(id);
  });
  apps.onWebhookSet = (appId) => dispatcher.wake(appId);
  apps.onTokensChanged = () => platform.handover.forget();
  const webhooks = {
    planner,
    dispatcher,
    deliveries: new WebhookDeliveries(storage, committer, apps, (event) => mediaUrls.present(event)),
    mediaUrls,
  };
  const retention = config.eventRetentionMs === null ? null : new LogRetention(committer, config.eventRetentionMs, log);
  const presence = new PresenceService(storage, committer, (s) => bus.signal(s), log, options.presence);
  presence.setBlocks(blocks);
  const close = async () => {
    await presence.stop();
    retention?.stop();
    mediaSweeper.stop();
    businessInbox.stop();
    planner.stop();
    await dispatcher.stop();
    await committer.drain();
    await bus.close();
    await storage.close();
    await blobs.close();
  };
  return {
    log,
    storage,
    bus,
    committer,
    accounts,
    sessions,
    conversations,
    messages,
    pages,
    profiles,
    apps,
    webhooks,
    platform,
    commerce,
    inbox: { service: inboxService, canned },
    media: { service: media, sweeper: mediaSweeper },
    compose: { extensions: compose.extensions, queries: compose.queries },
    feed,
    flows,
    replay,
    retention,
    presence,
    blocks,
    reactions,
    close,
    chat: {
      settings: conversationSettings,
      hidden: new HiddenMessages(committer, states),
      forward: new ForwardService(
        committer,
        states,
        messages,
        media,
        new RateLimiter(
          config.rates.messagesBurst,
          (config.rates.messagesBurst / config.rates.messagesPerSecond) * 1000,
        ),
      ),
    },
  };
}

/**
 * The core plus its transport — HTTP routes, the web app, the WebSocket gateway — ready to `listen()`
 * (main.ts) or to be driven in process (tests).
 */
export async function build(config: Config, options: CoreOptions = {}): Promise<Comptoir> {
  const core = await createCore(config, options);
  const { log, bus, committer, accounts, sessions, conversations, messages } = core;
  // The gateway knows no domain: each registers its socket frames, as it registers its routes.
  const frames = new FrameHandlers();
  messagingFrames(frames, messages, { typingPer10s: config.rates.typingPer10s }, core.chat, core.blocks);
  reactionFrames(frames, core.reactions);
  const gateway = new Gateway(
    { feed: core.feed, handlers: frames, signal: (s) => bus.signal(s), sessions, presence: core.presence },
    log,
    {
      perAccount: config.maxSocketsPerAccount,
      perAddress: config.maxSocketsPerAddress,
      framesPerSecond: config.rates.framesPerSecond,
    },
    { maxQueuedBytes: config.maxQueuedBytes, hellosPerMinute: config.rates.hellosPerMinute, replay: core.replay },
  );
  bus.subscribe(gateway);

  // One trust rule for req.ip/req.protocol/req.host and for the socket upgrade (realtime/upgrade.ts).
  const trust = trustFunction(config.trustProxy);
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: limits.httpBodyBytes,
    trustProxy: trust,
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
  });
  const cookie: CookiePolicy = {
    // The same rule as HSTS and the socket upgrade: the origin people reach the server at.
    secure: (req) => ownOrigin(req, config.publicOrigin).startsWith('https:'),
  };
  await app.register(fastifyCookie);
  registerErrorHandling(app);
  registerGuards(app, {
    sessions,
    publicOrigin: config.publicOrigin,
    cookie,
    requestsPerMinute: config.rates.requestsPerMinute,
  });
  app.get('/healthz', { config: { auth: false } }, async () => ({ ok: true }));
  // Before the domains' routes: it notes each /api route, for the test that holds the description to them.
  registerOpenApi(app);
  accountsRoutes(app, accounts, cookie, {
    rename: (auth, name) => core.flows.displayName.run(auth, name),
    setAvatar: (auth, mediaId) => core.flows.profilePhoto.run(auth, mediaId),
    deleteAccount: (auth, password, ip) => core.flows.accountDeletion.run(auth, password, ip),
  });
  messagingRoutes(app, conversations, messages, core.chat);
  blocksRoutes(app, core.blocks);
  reactionRoutes(app, core.reactions);
  eventsRoutes(app, core.feed);
  pagesRoutes(
    app,
    core.pages,
    core.flows.pages,
    core.flows.pageInbox,
    core.profiles,
    core.flows.handover,
    core.flows.pageApps,
  );
  inboxRoutes(app, core.inbox.service, core.inbox.canned, core.flows.businessInbox);
  appsRoutes(app, core.apps);
  const pageTokens = async (token: string) => {
    const g = await core.apps.pageTokenByHash(hashPageToken(token));
    return g ? { appId: g.app.id, pageId: g.pageId } : null;
  };
  commerceRoutes(
    app,
    core.flows.orders,
    pageTokens,
    {
      callsPerSecond: config.rates.graphCallsPerSecond,
      refusalsPerMinute: config.rates.requestsPerMinute,
    },
    core.flows.orderRequests,
    // A return's photos for the merchant's server: signed links on the origin it called.
    (req, id, variant) => core.media.service.signedUrl(id, variant, ownOrigin(req, config.publicOrigin)),
  );
  orderPanelRoutes(app, core.flows.orderPanel);
  optinRoutes(app, core.flows.optins, core.platform.optins, core.pages, sessions, cookie);
  webhookRoutes(app, core.webhooks.deliveries);
  mediaRoutes(app, core.media.service, sessions, cookie);
  composeRoutes(app, core.compose.extensions, core.flows.contentApps, config.publicOrigin);
  presenceRoutes(app, core.presence);
  messageSearchRoutes(app, new MessageSearchService(core.storage));
  graphRoutes(
    app,
    {
      auth: {
        grant: pageTokens,
        checkProof: (appId, token, proof) => core.apps.checkProof(appId, token, proof),
      },
      storage: core.storage,
      messages: core.messages,
      threads: new PageThreads(core.storage, bus),
      profiles: core.profiles,
      handover: core.platform.handover,
      attachments: core.platform.attachments,
      media: new GraphMedia(new PageMedia(core.media.service, committer), core.platform.attachments),
      signal: (s) => bus.signal(s),
      receipts: core.flows.orders,
      standing: (pageId, userId, fresh) => core.platform.optins.standingOf(pageId, userId, { fresh }),
      committer,
      openThread: async (personId, pageId) => (await conversations.startDirect(personId, pageId)).conversation.id,
    },
    { callsPerSecond: config.rates.graphCallsPerSecond, ...(options.graphClock ? { now: options.graphClock } : {}) },
  );
  await registerWeb(app, config.webDist, { publicOrigin: config.publicOrigin });
  const wss = attachWebSocket(app, gateway, sessions, core.pages, {
    publicOrigin: config.publicOrigin,
    trust,
  });

  core.retention?.start();
  core.media.sweeper.start();
  core.flows.businessInbox.start();
  await core.webhooks.planner.start();
  // Without PUBLIC_ORIGIN, webhooks' media links name the address the server listens on.
  core.webhooks.mediaUrls.listening = () => listeningOrigin(app.server.address());
  core.webhooks.dispatcher.start();
  const stopDiagnostics = config.diagnosticsEveryS
    ? startDiagnostics(log, config.diagnosticsEveryS, committer, core.storage.statementTimes)
    : () => {};

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    stopDiagnostics();
    gateway.close();
    wss.close();
    await app.close();
    await core.close();
  };
  return { ...core, app, config, gateway, close };
}
