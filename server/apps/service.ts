import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SetWebhookBody } from '../../protocol/schemas.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import { Lru } from '../lib/lru.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import { type SecretBox, SecretBoxError } from '../lib/secrets.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { AppRecord, PageTokenRecord, WebhookRecord } from './store.ts';
import { type WebhookVerifier, webhookUrl } from './webhooks.ts';

/**
 * What the apps domain needs of pages (built beside it, in pages/): whether a person may connect an app
 * to a page. app.ts wires the real one; tests hand it a plain object.
 */
export interface PageAccess {
  canConnect(userId: string, pageId: string): Promise<boolean>;
}

export interface AppsOptions {
  /** Apps one account may create per hour. */
  appsPerHour: number;
  /** Webhook handshakes one account may have the server make per hour (each is a request to a host it names). */
  verificationsPerHour: number;
}

/** An app with its secret in clear: answered once, when the app is made or its secret replaced. */
export interface AppWithSecret {
  app: AppRecord;
  secret: string;
}

/** What a page access token stands for: this app, acting for this page. */
export interface PageGrant {
  app: AppRecord;
  pageId: string;
  tokenId: string;
}

export const PAGE_TOKEN_PREFIX = 'cpt_';
/** How long a checked page token is taken as checked (another process's revocation shows within this). */
export const GRANT_TTL_MS = 2000;
export const hashPageToken = (token: string) => hash('sha256', token, 'hex');
/** The associated data an app's secret is sealed with: the sealed value opens for this app only. */
const secretContext = (appId: string) => `app-secret:${appId}`;

/**
 * Developer apps: making them, their secret (32 random bytes, shown once, stored sealed), the page access
 * tokens they hold (only the SHA-256 stored), and their webhook settings after the subscribe handshake.
 * Everything is the owner's alone: anyone else is told `app_not_found`, as for an app that does not exist.
 */
export class AppsService {
  private readonly creations: RateLimiter;
  private readonly verifications: RateLimiter;
  /**
   * Page tokens recently checked, by hash: the Send API asks on every call. Emptied when this process
   * connects or revokes; a revocation made by another process (the CLI) takes effect within GRANT_TTL_MS.
   */
  private readonly grants = new Lru<string, { grant: PageGrant | null; at: number }>(10_000);

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly box: SecretBox,
    private readonly pages: PageAccess,
    private readonly verifier: WebhookVerifier,
    options: AppsOptions,
  ) {
    this.creations = new RateLimiter(options.appsPerHour, 60 * 60_000);
    this.verifications = new RateLimiter(options.verificationsPerHour, 60 * 60_000);
  }

  /** `name` as validated at the edge (protocol/schemas.ts appName: trimmed, 1–80 characters). */
  async create(ownerId: string, name: string): Promise<AppWithSecret> {
    const wait = this.creations.take(ownerId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    try {
      const now = Date.now();
      const id = newId(now);
      const secret = newSecret();
      const app: AppRecord = {
        id,
        ownerId,
        name,
        sealedSecret: this.box.seal(secret, secretContext(id)),
        secretRotatedAt: null,
        createdAt: now,
      };
      await this.committer.run(async ({ tx }) => {
        if (!(await tx.accounts.userById(ownerId))) throw new AppError('user_not_found');
        await tx.apps.insertApp(app);
      });
      return { app, secret };
    } catch (e) {
      this.creations.give(ownerId);
      throw e;
    }
  }

  /** The owner's apps, oldest first. */
  list(ownerId: string): Promise<AppRecord[]> {
    return this.storage.reader.apps.appsOfOwner(ownerId);
  }

  /** The app, its webhook, and the pages it holds a token for (their active tokens, oldest first). */
  async get(
    ownerId: string,
    appId: string,
  ): Promise<{ app: AppRecord; webhook: WebhookRecord | null; pages: PageTokenRecord[] }> {
    const app = await this.owned(ownerId, appId);
    const [webhook, pages] = await Promise.all([
      this.storage.reader.apps.webhookOf(app.id),
      this.storage.reader.apps.activePageTokensOf(app.id),
    ]);
    return { app, webhook, pages };
  }

  /** Replaces the secret: the new one is answered once, and the old one stops working at once. */
  async rotateSecret(ownerId: string, appId: string): Promise<AppWithSecret> {
    await this.owned(ownerId, appId);
    const secret = newSecret();
    const sealed = this.box.seal(secret, secretContext(appId));
    const app = await this.committer.run(async ({ tx, now }) => {
      const current = await this.ownedIn(tx.apps, ownerId, appId);
      await tx.apps.updateAppSecret(appId, sealed, now);
      return { ...current, sealedSecret: sealed, secretRotatedAt: now };
    });
    return { app, secret };
  }

  /**
   * The app's secret in clear (to sign webhook deliveries, to check `appsecret_proof`). Read from the
   * database each time: a rotation takes effect at once.
   */
  async secretOf(appId: string): Promise<string> {
    const app = await this.storage.reader.apps.appById(appId);
    if (!app) throw new AppError('app_not_found');
    try {
      return this.box.open(app.sealedSecret, secretContext(app.id));
    } catch (e) {
      if (!(e instanceof SecretBoxError)) throw e;
      // The server key is not the one the secret was sealed with (SECRETS_KEY or the key file changed).
      throw new AppError('internal', undefined, undefined, { cause: e });
    }
  }

  /** Whether `proof` is `hex(HMAC-SHA256(app secret, accessToken))` for the app's current secret. */
  async checkProof(appId: string, accessToken: string, proof: string): Promise<boolean> {
    const expected = createHmac('sha256', await this.secretOf(appId))
      .update(accessToken)
      .digest();
    const given = /^[0-9a-f]{64}$/i.test(proof) ? Buffer.from(proof, 'hex') : null;
    return given !== null && timingSafeEqual(given, expected);
  }

  /**
   * Gives the app an access token for the page (the caller must be allowed to connect it: PageAccess),
   * replacing the one it had. The token is answered once; only its SHA-256 is stored.
   */
  async connect(
    ownerId: string,
    appId: string,
    pageId: string,
  ): Promise<{ token: string; pageToken: PageTokenRecord }> {
    await this.owned(ownerId, appId);
    if (
      pageId.length === 0 ||
      pageId.length > 64 ||
      pageId.includes('\u0000') ||
      !(await this.pages.canConnect(ownerId, pageId))
    )
      throw new AppError('page_not_found');
    const token = `${PAGE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const pageToken = await this.committer.run(async ({ tx, now }) => {
      await this.ownedIn(tx.apps, ownerId, appId);
      const record: PageTokenRecord = {
        id: newId(now),
        appId,
        pageId,
        tokenHash: hashPageToken(token),
        createdAt: now,
        revokedAt: null,
      };
      await tx.apps.revokePageTokens(appId, pageId, now);
      await tx.apps.insertPageToken(record);
      return record;
    });
    this.grants.clear();
    this.onTokensChanged();
    return { token, pageToken };
  }

  /** Revokes the app's token for the page; answers whether there was one. */
  async revokePageToken(ownerId: string, appId: string, pageId: string): Promise<boolean> {
    await this.owned(ownerId, appId);
    const revoked = await this.committer.run(async ({ tx, now }) => {
      await this.ownedIn(tx.apps, ownerId, appId);
      return tx.apps.revokePageTokens(appId, pageId, now);
    });
    this.grants.clear();
    this.onTokensChanged();
    return revoked > 0;
  }

  /** What a page access token stands for, by its SHA-256; null when unknown or revoked. */
  async pageTokenByHash(tokenHash: string): Promise<PageGrant | null> {
    const now = Date.now();
    const cached = this.grants.get(tokenHash);
    if (cached && now - cached.at < GRANT_TTL_MS) return cached.grant;
    const grant = await this.readGrant(tokenHash);
    this.grants.set(tokenHash, { grant, at: now });
    return grant;
  }

  private async readGrant(tokenHash: string): Promise<PageGrant | null> {
    const token = await this.storage.reader.apps.pageTokenByHash(tokenHash);
    if (!token || token.revokedAt !== null) return null;
    const app = await this.storage.reader.apps.appById(token.appId);
    return app ? { app, pageId: token.pageId, tokenId: token.id } : null;
  }

  /** Told when a page token was made or revoked here: what depends on who is connected (thread owners). */
  onTokensChanged: () => void = () => {};

  /** Told when an app's webhook was (re)set: its pending deliveries can go (the dispatcher). */
  onWebhookSet: (appId: string) => void = () => {};

  /**
   * Sets the app's webhook once its callback has answered the subscribe handshake (webhooks.ts); the
   * previous setting is replaced. Nothing is stored when the handshake fails.
   */
  async setWebhook(ownerId: string, appId: string, input: SetWebhookBody): Promise<WebhookRecord> {
    await this.owned(ownerId, appId);
    const url = webhookUrl(input.url);
    const wait = this.verifications.take(ownerId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    await this.verifier.verify(url, input.verifyToken);
    const set = await this.committer.run(async ({ tx, now }) => {
      await this.ownedIn(tx.apps, ownerId, appId);
      const webhook: WebhookRecord = {
        appId,
        url: url.href,
        verifyToken: input.verifyToken,
        fields: [...new Set(input.fields)],
        verifiedAt: now,
        disabledAt: null,
        disabledReason: null,
        updatedAt: now,
      };
      await tx.apps.upsertWebhook(webhook);
      return webhook;
    });
    this.onWebhookSet(appId);
    return set;
  }

  /** Removes the app's webhook (nothing to remove is fine). */
  async deleteWebhook(ownerId: string, appId: string): Promise<void> {
    await this.owned(ownerId, appId);
    await this.committer.run(async ({ tx }) => {
      await this.ownedIn(tx.apps, ownerId, appId);
      await tx.apps.deleteWebhook(appId);
    });
  }

  /**
   * The apps step of an account deletion (flows/account-deletion.ts), in its job: every app the person
   * owns stops — each page token revoked (the Send API refuses it at once here, within GRANT_TTL_MS in
   * another process), each webhook removed (nothing more is delivered). Nobody can reach the apps again
   * (only their owner could). Answers their ids.
   */
  async retireAllOfOwnerIn(uow: UnitOfWork, ownerId: string): Promise<string[]> {
    const apps = await uow.tx.apps.appsOfOwner(ownerId);
    for (const app of apps) {
      for (const token of await uow.tx.apps.activePageTokensOf(app.id)) {
        await uow.tx.apps.revokePageTokens(app.id, token.pageId, uow.now);
      }
      await uow.tx.apps.deleteWebhook(app.id);
    }
    if (apps.length > 0) {
      uow.afterCommit(() => {
        this.grants.clear();
        this.onTokensChanged();
        for (const app of apps) this.onWebhookSet(app.id);
      });
    }
    return apps.map((a) => a.id);
  }

  /** The app if `ownerId` owns it; `app_not_found` otherwise, whether or not it exists. */
  private owned(ownerId: string, appId: string): Promise<AppRecord> {
    return this.ownedIn(this.storage.reader.apps, ownerId, appId);
  }

  private async ownedIn(
    apps: { appById(id: string): Promise<AppRecord | null> },
    ownerId: string,
    appId: string,
  ): Promise<AppRecord> {
    const app = await apps.appById(appId);
    if (!app || app.ownerId !== ownerId) throw new AppError('app_not_found');
    return app;
  }
}

/** An app secret: 32 random bytes, as 64 hex characters (clients use it as an HMAC key, as a string). */
const newSecret = () => randomBytes(32).toString('hex');
