import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from './http/proxy.ts';
import { type PrivateAllowance, parseAllowance } from './lib/ip.ts';
import { parseKey } from './lib/secrets.ts';

/**
 * One typed configuration, read from the environment with defaults, validated at start.
 * Every variable is listed in the README.
 */
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** `sqlite:<path>` (default `sqlite:<DATA_DIR>/comptoir.db`) or `postgres://…`. */
  DATABASE_URL: z.string().min(1).optional(),
  /**
   * NORMAL: an acknowledged write survives a crash of the process at once, and a power loss once the
   * checkpointer has synced it (0.5 s after writes pause, 30 s at most). FULL: it survives a power loss
   * from the moment it is acknowledged, at the price of an fdatasync per batch (latency then follows the
   * disk's fsync tail).
   */
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('NORMAL'),
  /**
   * on: a transaction's WAL frames are written in one write at its commit (the walbatch VFS, built by
   * `npm install` where a C compiler is found); off: SQLite's own two writes per frame.
   */
  SQLITE_WAL_BATCH: z.enum(['on', 'off']).default('on'),
  /** The SQLite writer connection's page cache, MiB (filled as pages are touched). */
  SQLITE_CACHE_MB: positiveInt.max(65536).default(64),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The origin people reach the server at, e.g. https://chat.example.org. Default: the request's Host. */
  PUBLIC_ORIGIN: z.url().optional(),
  /**
   * Which reverse proxies' X-Forwarded-For/-Proto/-Host to believe (per-address limits, the sessions list,
   * https detection): `false`, a hop count, or their addresses / CIDR ranges. `true` is refused.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      try {
        return parseTrustProxy(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  /** A session ends after this many days without use… */
  SESSION_TTL_DAYS: positiveInt.default(30),
  /** …and this many days after sign-in, used or not. */
  SESSION_MAX_DAYS: positiveInt.default(90),
  /** Days the event log keeps events (devices away longer reload their list); 0 keeps them forever. */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(30),
  /** `closed`: nobody signs up from the web; accounts come from `comptoir user create`. */
  SIGNUP: z.enum(['open', 'closed']).default('open'),
  /**
   * Password hashes (argon2id, 19 MiB each) running at once. Default: half the cores, at most 2 (they run
   * on libuv's pool of four threads, which fsync also needs) — a sign-in flood never takes the cores
   * people's messages need (bench:abuse: two at once on two cores tripled the messaging p99).
   */
  PASSWORD_HASH_CONCURRENCY: positiveInt
    .max(64)
    .default(Math.min(2, Math.max(1, Math.floor(availableParallelism() / 2)))),
  /** Messages (and edits, deletes) an account may send: a bucket of BURST refilled at PER_SECOND. */
  RATE_MESSAGES_PER_SECOND: positiveInt.default(5),
  RATE_MESSAGES_BURST: positiveInt.default(30),
  /** Any HTTP request, per account and per address: a bucket refilled per minute. */
  RATE_REQUESTS_PER_MINUTE: positiveInt.default(600),
  /**
   * Failed sign-ins in 15 minutes per (username, address) and per known device before slowing down;
   * three times that per address and per username from devices that never signed in.
   */
  RATE_SIGNIN_FAILURES: positiveInt.default(10),
  /** Groups one account may create per hour… */
  RATE_GROUPS_PER_HOUR: positiveInt.default(20),
  /** …and people it may add to groups per hour (creating a group with 30 people counts 30). */
  RATE_MEMBER_ADDS_PER_HOUR: positiveInt.default(500),
  /** Display-name changes per account per hour (each one is told to every conversation). */
  RATE_PROFILE_CHANGES_PER_HOUR: positiveInt.default(10),
  RATE_PAGES_PER_HOUR: positiveInt.default(5),
  RATE_GRAPH_CALLS_PER_SECOND: positiveInt.default(250),
  /** Sign-ups per address per hour. */
  RATE_SIGNUPS_PER_HOUR: positiveInt.default(20),
  /** `hello` frames one socket may send per minute (each restarts a catch-up). */
  RATE_HELLOS_PER_MINUTE: positiveInt.default(6),
  /** Typing signals per member of a conversation per 10 s (six times that per conversation). */
  RATE_TYPING_PER_10S: positiveInt.default(5),
  /** Events one account's catch-ups may send per second, across its sockets. */
  RATE_CATCHUP_EVENTS_PER_SECOND: positiveInt.default(5000),
  /** Frames of any kind one socket may send per second (bursts of ten seconds' worth). */
  RATE_FRAMES_PER_SECOND: positiveInt.default(20),
  MAX_SOCKETS_PER_ACCOUNT: positiveInt.default(50),
  /** MiB queued for all sockets together; past it, the sockets that are behind are closed (4008). */
  MAX_QUEUED_MB: positiveInt.default(256),
  MAX_SOCKETS_PER_ADDRESS: positiveInt.default(1000),
  /** Apps one account may create per hour. */
  RATE_APPS_PER_HOUR: positiveInt.default(10),
  /** Webhook handshakes (requests to a host the developer names) one account may have made per hour. */
  RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: positiveInt.default(30),
  /**
   * The key app secrets are sealed with (AES-256-GCM): the base64 of 32 bytes. Unset: the key file
   * SECRETS_KEY_FILE, made on first use.
   */
  SECRETS_KEY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      try {
        return parseKey(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `must be the base64 of 32 random bytes: ${(e as Error).message}` });
        return z.NEVER;
      }
    }),
  /** Default: `secrets.key` beside the SQLite database (in DATA_DIR with PostgreSQL). */
  SECRETS_KEY_FILE: z.string().min(1).optional(),
  /**
   * Webhook hosts at local or private addresses (loopback, RFC 1918, link-local…), refused by default:
   * `true` allows them all (development), or a comma-separated list of addresses / CIDR ranges allows those.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      try {
        return parseAllowance(v);
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `must be false, true, or a comma-separated list of IP addresses / CIDR ranges (${(e as Error).message})`,
        });
        return z.NEVER;
      }
    }),
  /** A webhook POST's deadline, in seconds (connection, answer, body). */
  WEBHOOK_TIMEOUT_SECONDS: positiveInt.max(120).default(20),
  /** How long a webhook delivery is retried (with backoff) before it fails for good. */
  WEBHOOK_RETRY_HOURS: positiveInt.max(24 * 7).default(24),
  /** An endpoint failing without a single success for this long is disabled until its webhook is set again. */
  WEBHOOK_DISABLE_AFTER_HOURS: positiveInt.max(24 * 7).default(8),
  /** How long finished deliveries stay in the apps' delivery logs. */
  WEBHOOK_LOG_DAYS: positiveInt.max(365).default(7),
  /** A content app's query: its deadline in seconds (connection, answer, body). Its hosts follow WEBHOOK_ALLOW_PRIVATE. */
  CONTENT_APP_TIMEOUT_SECONDS: positiveInt.max(60).default(10),
  /** Content app queries one account may have sent to apps per minute (answers Comptoir kept are not counted). */
  RATE_CONTENT_APP_QUERIES_PER_MINUTE: positiveInt.default(60),
  /** Seconds between diagnostics log lines (event loop delay, GC, batches); unset: none. */
  COMPTOIR_DIAGNOSTICS: positiveInt.optional(),
  /** `on`: each diagnostics line also names the statements that took the most time (two clock reads each). */
  COMPTOIR_DIAGNOSTICS_STATEMENTS: z.enum(['on', 'off']).default('off'),
  /** Where uploaded media are kept: `local` (a directory, MEDIA_DIR) or `s3` (a bucket, MEDIA_S3_*). */
  MEDIA_STORE: z.enum(['local', 's3']).default('local'),
  /** Default: `<DATA_DIR>/media`. */
  MEDIA_DIR: z.string().min(1).optional(),
  MEDIA_S3_BUCKET: z.string().trim().min(1).optional(),
  /** An S3-compatible server (MinIO, Garage, R2…); unset: AWS. */
  MEDIA_S3_ENDPOINT: z.url().optional(),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Unset: the AWS SDK's default credentials (environment, instance role). */
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** `endpoint/bucket/key` addressing (most self-hosted S3 servers need it). */
  MEDIA_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  /** How long a signed link to an attachment (webhooks, apps) stays valid, and how long browsers cache one. */
  MEDIA_URL_TTL_SECONDS: positiveInt.max(7 * 24 * 3600).default(3600),
  /**
   * Images decoded and re-encoded at once (each takes a core while it runs). Default: half the cores, at
   * least one — one on two cores, so that uploads never take the core messages need.
   */
  MEDIA_IMAGE_CONCURRENCY: positiveInt.max(64).default(Math.max(1, Math.floor(availableParallelism() / 2))),
  /** Uploads one account may make per minute. */
  RATE_UPLOADS_PER_MINUTE: positiveInt.default(30),
  /** Where the built web app is; the server serves it when it exists. */
  WEB_DIST: z.string().min(1).optional(),
  /**
   * Orders whose parts (shipments, timeline, requests, refunds) the server keeps after their last change,
   * so that the next one does not read them again (commerce/aggregates.ts); 0: none.
   */
  ORDER_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  /** `true` (the tests): every use of a kept order is checked against the database; a difference fails. */
  ORDER_CACHE_CHECK: z.enum(['true', 'false']).default('false'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database:
    | { kind: 'sqlite'; path: string; synchronous: 'FULL' | 'NORMAL'; walBatch: 'on' | 'off'; cacheMb: number }
    | { kind: 'postgres'; url: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicOrigin: string | null;
  trustProxy: TrustProxy;
  sessionTtlMs: number;
  sessionMaxMs: number;
  /** null: the event log keeps everything. */
  eventRetentionMs: number | null;
  signup: 'open' | 'closed';
  passwordHashConcurrency: number;
  rates: {
    messagesPerSecond: number;
    messagesBurst: number;
    requestsPerMinute: number;
    signinFailures: number;
    signupsPerHour: number;
    profileChangesPerHour: number;
    pagesPerHour: number;
    graphCallsPerSecond: number;
    groupsPerHour: number;
    memberAddsPerHour: number;
    framesPerSecond: number;
    hellosPerMinute: number;
    typingPer10s: number;
    catchupEventsPerSecond: number;
    appsPerHour: number;
    webhookVerificationsPerHour: number;
  };
  /** App secrets are sealed with `key` when set (SECRETS_KEY), else with the key in `keyFile`. */
  secrets: { key: Buffer | null; keyFile: string };
  /** Which local or private addresses webhooks may point to (WEBHOOK_ALLOW_PRIVATE). */
  webhookAllowPrivate: PrivateAllowance;
  /** Webhook deliveries: a POST's deadline, how long one is retried, when a failing endpoint is disabled, how long the log keeps them. */
  webhooks: { timeoutMs: number; retryForMs: number; disableAfterMs: number; logKeepMs: number };
  /** Content apps: a query's deadline, queries per account per minute. */
  contentApps: { timeoutMs: number; queriesPerMinute: number };
  /** Recently changed orders kept in memory (commerce/aggregates.ts), and whether each use is checked. */
  orderCache: { size: number; check: boolean };
  /** Uploaded media: where their bytes are kept, signed links' lifetime, images processed at once. */
  media: {
    store: MediaStoreConfig;
    urlTtlSeconds: number;
    imageConcurrency: number;
    uploadsPerMinute: number;
  };
  maxSocketsPerAccount: number;
  maxSocketsPerAddress: number;
  maxQueuedBytes: number;
  webDist: string;
  diagnosticsEveryS: number | null;
  /** Each statement timed, for the diagnostics line (only with diagnosticsEveryS). */
  diagnosticsStatements: boolean;
}

export type MediaStoreConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      endpoint: string | null;
      accessKeyId: string | null;
      secretAccessKey: string | null;
      forcePathStyle: boolean;
    };

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  if (e.SESSION_MAX_DAYS < e.SESSION_TTL_DAYS) {
    throw new ConfigError(
      `Invalid configuration: SESSION_MAX_DAYS (${e.SESSION_MAX_DAYS}) is the longest a session lasts; it cannot be ` +
        `shorter than SESSION_TTL_DAYS (${e.SESSION_TTL_DAYS}), how long one lasts without use`,
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const database = parseDatabaseUrl(e.DATABASE_URL, dataDir, {
    synchronous: e.SQLITE_SYNCHRONOUS,
    walBatch: e.SQLITE_WAL_BATCH,
    cacheMb: e.SQLITE_CACHE_MB,
  });
  const keyDir = database.kind === 'sqlite' && database.path !== ':memory:' ? path.dirname(database.path) : dataDir;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    logLevel: e.LOG_LEVEL,
    publicOrigin: e.PUBLIC_ORIGIN ? new URL(e.PUBLIC_ORIGIN).origin : null,
    trustProxy: e.TRUST_PROXY,
    sessionTtlMs: e.SESSION_TTL_DAYS * 24 * 3600 * 1000,
    sessionMaxMs: e.SESSION_MAX_DAYS * 24 * 3600 * 1000,
    signup: e.SIGNUP,
    eventRetentionMs: e.EVENT_RETENTION_DAYS === 0 ? null : e.EVENT_RETENTION_DAYS * 24 * 3600 * 1000,
    passwordHashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
    rates: {
      messagesPerSecond: e.RATE_MESSAGES_PER_SECOND,
      messagesBurst: e.RATE_MESSAGES_BURST,
      requestsPerMinute: e.RATE_REQUESTS_PER_MINUTE,
      signinFailures: e.RATE_SIGNIN_FAILURES,
      signupsPerHour: e.RATE_SIGNUPS_PER_HOUR,
      profileChangesPerHour: e.RATE_PROFILE_CHANGES_PER_HOUR,
      pagesPerHour: e.RATE_PAGES_PER_HOUR,
      graphCallsPerSecond: e.RATE_GRAPH_CALLS_PER_SECOND,
      groupsPerHour: e.RATE_GROUPS_PER_HOUR,
      memberAddsPerHour: e.RATE_MEMBER_ADDS_PER_HOUR,
      framesPerSecond: e.RATE_FRAMES_PER_SECOND,
      hellosPerMinute: e.RATE_HELLOS_PER_MINUTE,
      typingPer10s: e.RATE_TYPING_PER_10S,
      catchupEventsPerSecond: e.RATE_CATCHUP_EVENTS_PER_SECOND,
      appsPerHour: e.RATE_APPS_PER_HOUR,
      webhookVerificationsPerHour: e.RATE_WEBHOOK_VERIFICATIONS_PER_HOUR,
    },
    secrets: {
      key: e.SECRETS_KEY ?? null,
      keyFile: path.resolve(e.SECRETS_KEY_FILE ?? path.join(keyDir, 'secrets.key')),
    },
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
      retryForMs: e.WEBHOOK_RETRY_HOURS * 3_600_000,
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER_HOURS * 3_600_000,
      logKeepMs: e.WEBHOOK_LOG_DAYS * 24 * 3_600_000,
    },
    contentApps: {
      timeoutMs: e.CONTENT_APP_TIMEOUT_SECONDS * 1000,
      queriesPerMinute: e.RATE_CONTENT_APP_QUERIES_PER_MINUTE,
    },
    orderCache: { size: e.ORDER_CACHE_SIZE, check: e.ORDER_CACHE_CHECK === 'true' },
    media: {
      store: mediaStore(e, dataDir),
      urlTtlSeconds: e.MEDIA_URL_TTL_SECONDS,
      imageConcurrency: e.MEDIA_IMAGE_CONCURRENCY,
      uploadsPerMinute: e.RATE_UPLOADS_PER_MINUTE,
    },
    maxSocketsPerAccount: e.MAX_SOCKETS_PER_ACCOUNT,
    maxSocketsPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
    maxQueuedBytes: e.MAX_QUEUED_MB * 1024 * 1024,
    webDist: path.resolve(e.WEB_DIST ?? path.join(import.meta.dirname, '..', 'web', 'dist')),
    diagnosticsEveryS: e.COMPTOIR_DIAGNOSTICS ?? null,
    diagnosticsStatements: e.COMPTOIR_DIAGNOSTICS !== undefined && e.COMPTOIR_DIAGNOSTICS_STATEMENTS === 'on',
  };
}

function mediaStore(e: z.infer<typeof envSchema>, dataDir: string): MediaStoreConfig {
  if (e.MEDIA_STORE === 'local')
    return { kind: 'local', dir: path.resolve(e.MEDIA_DIR ?? path.join(dataDir, 'media')) };
  if (!e.MEDIA_S3_BUCKET) {
    throw new ConfigError('Invalid configuration: MEDIA_STORE=s3 needs MEDIA_S3_BUCKET, the bucket media are kept in');
  }
  if ((e.MEDIA_S3_ACCESS_KEY_ID === undefined) !== (e.MEDIA_S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError(
      'Invalid configuration: MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY go together (or neither, for the default credentials)',
    );
  }
  return {
    kind: 's3',
    bucket: e.MEDIA_S3_BUCKET,
    region: e.MEDIA_S3_REGION,
    endpoint: e.MEDIA_S3_ENDPOINT ?? null,
    accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID ?? null,
    secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY ?? null,
    forcePathStyle: e.MEDIA_S3_FORCE_PATH_STYLE === 'true',
  };
}

function parseDatabaseUrl(
  url: string | undefined,
  dataDir: string,
  sqlite: { synchronous: 'FULL' | 'NORMAL'; walBatch: 'on' | 'off'; cacheMb: number },
): Config['database'] {
  if (!url) return { kind: 'sqlite', path: path.join(dataDir, 'comptoir.db'), ...sqlite };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (!file) throw new ConfigError('Invalid configuration: DATABASE_URL sqlite: needs a path');
    return { kind: 'sqlite', path: file === ':memory:' ? file : path.resolve(file), ...sqlite };
  }
  throw new ConfigError('Invalid configuration: DATABASE_URL must start with sqlite: or postgres://');
}
