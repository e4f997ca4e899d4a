import type { ComposeExtensionBody } from '../../protocol/compose.ts';
import { AppError } from '../errors.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { ComposeExtensionRecord, ComposeIcon } from './store.ts';

/** Fetches and re-encodes an extension's icon (icon.ts; tests may hand another). */
export type IconSource = (url: URL) => Promise<{ bytes: Buffer; mime: string }>;

export interface ExtensionsOptions {
  /** Extensions one account may set per hour (each fetches an icon from a host its developer names). */
  setsPerHour: number;
  /** The most content apps listed to a person. */
  listed: number;
}

/** A content app as a person sees it: its extension, and whether they enabled it. */
export interface AvailableApp {
  extension: ComposeExtensionRecord;
  enabled: boolean;
}

/**
 * Compose extensions: their app's owner sets, reads and removes them (anyone else is told `app_not_found`,
 * as for an app that does not exist); people list the content apps of the server and enable or disable one
 * for themselves. An app without an extension is no content app: `app_not_found` to people too.
 */
export class ComposeExtensions {
  private readonly sets: RateLimiter;

  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
    private readonly icons: IconSource,
    private readonly o: ExtensionsOptions,
  ) {
    this.sets = new RateLimiter(o.setsPerHour, 60 * 60_000);
  }

  /** Told when an app's extension was set or removed (its cached answers are stale). */
  onChanged: (appId: string) => void = () => {};

  /** Sets the app's extension once its icon was fetched and re-encoded; nothing is stored when that fails. */
  async set(ownerId: string, appId: string, body: ComposeExtensionBody): Promise<ComposeExtensionRecord> {
    await this.owned(ownerId, appId);
    const wait = this.sets.take(ownerId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    const icon = await this.icons(new URL(body.iconUrl));
    const set = await this.committer.run(async ({ tx, now }) => {
      const app = await tx.apps.appById(appId);
      if (!app || app.ownerId !== ownerId) throw new AppError('app_not_found');
      const before = await tx.compose.extensionOf(appId);
      const extension: ComposeExtensionRecord = {
        appId,
        name: body.name,
        iconUrl: body.iconUrl,
        kinds: [...body.kinds],
        queryUrl: body.queryUrl,
        createdAt: before?.createdAt ?? now,
        // Strictly later than the previous setting: it versions the icon's URL and the cached answers.
        updatedAt: Math.max(now, (before?.updatedAt ?? 0) + 1),
      };
      await tx.compose.upsertExtension(extension, icon);
      return extension;
    });
    this.onChanged(appId);
    return set;
  }

  /** The app's extension (null: none), for its owner. */
  async get(ownerId: string, appId: string): Promise<ComposeExtensionRecord | null> {
    await this.owned(ownerId, appId);
    return this.storage.reader.compose.extensionOf(appId);
  }

  /** Removes the app's extension: it leaves every drawer; what it sent stays as it is. */
  async remove(ownerId: string, appId: string): Promise<void> {
    await this.owned(ownerId, appId);
    await this.committer.run(async ({ tx }) => {
      const app = await tx.apps.appById(appId);
      if (!app || app.ownerId !== ownerId) throw new AppError('app_not_found');
      await tx.compose.deleteExtension(appId);
    });
    this.onChanged(appId);
  }

  /** The server's content apps, by name, each with whether the person enabled it. */
  async available(userId: string): Promise<AvailableApp[]> {
    const [extensions, enabled] = await Promise.all([
      this.storage.reader.compose.extensions(this.o.listed),
      this.storage.reader.compose.enabledAppIds(userId),
    ]);
    const on = new Set(enabled);
    return extensions.map((extension) => ({ extension, enabled: on.has(extension.appId) }));
  }

  /** Enables the content app for the person (enabling it again changes nothing). */
  async enable(userId: string, appId: string): Promise<AvailableApp> {
    const extension = await this.committer.run(async ({ tx, now }) => {
      const e = await tx.compose.extensionOf(appId);
      if (!e) throw new AppError('app_not_found');
      await tx.compose.enable(userId, appId, now);
      return e;
    });
    return { extension, enabled: true };
  }

  /** Disables it (not enabled: nothing to do). */
  async disable(userId: string, appId: string): Promise<AvailableApp> {
    const extension = await this.committer.run(async ({ tx }) => {
      const e = await tx.compose.extensionOf(appId);
      if (!e) throw new AppError('app_not_found');
      await tx.compose.disable(userId, appId);
      return e;
    });
    return { extension, enabled: false };
  }

  /** The extension of a content app the person enabled: `app_not_found`, or `content_app_not_enabled`. */
  async enabledFor(userId: string, appId: string): Promise<ComposeExtensionRecord> {
    const [extension, enabled] = await Promise.all([
      this.storage.reader.compose.extensionOf(appId),
      this.storage.reader.compose.isEnabled(userId, appId),
    ]);
    if (!extension) throw new AppError('app_not_found');
    if (!enabled) throw new AppError('content_app_not_enabled');
    return extension;
  }

  /** The icon Comptoir stored for the app's extension; null when it has none. */
  icon(appId: string): Promise<ComposeIcon | null> {
    return this.storage.reader.compose.iconOf(appId);
  }

  private async owned(ownerId: string, appId: string) {
    const app = await this.storage.reader.apps.appById(appId);
    if (!app || app.ownerId !== ownerId) throw new AppError('app_not_found');
    return app;
  }
}
