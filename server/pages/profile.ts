import type { MessengerProfile, PageProfileView, ProfileField } from '../../protocol/profile.ts';
import { AppError } from '../errors.ts';
import type { Committer, UnitOfWork } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';

/** A profile field as the Graph API names it → as the profile stores it. */
const stored = {
  get_started: 'getStarted',
  greeting: 'greeting',
  persistent_menu: 'persistentMenu',
  whitelisted_domains: 'whitelistedDomains',
} as const satisfies Record<ProfileField, keyof MessengerProfile>;

/**
 * A page's messenger profile (protocol/profile.ts, docs/PLATFORM.md): set and deleted field by field by the
 * page's apps (platform/profile.ts serves the Graph API), shown to anyone who opens a conversation with the
 * page, and a source of the postbacks the page offers people (messaging's PageOffers port). A persistent
 * menu needs a Get Started button, as on Messenger: it cannot be set without one, nor the button deleted
 * while the menu stays. Refusals are `bad_request` with `details.field`, the Graph field at fault.
 */
export class MessengerProfiles {
  constructor(
    private readonly storage: Storage,
    private readonly committer: Committer,
  ) {}

  /** The whole stored profile (the Graph API reads its fields from it). */
  get(pageId: string): Promise<MessengerProfile> {
    return this.storage.reader.pages.messengerProfile(pageId);
  }

  /** What the people's app shows: any signed-in person may read it; an unknown page is `page_not_found`. */
  async view(pageId: string): Promise<PageProfileView> {
    if (!(await this.storage.reader.pages.pageById(pageId))) throw new AppError('page_not_found');
    const p = await this.get(pageId);
    return {
      getStarted: p.getStarted ?? null,
      greeting: p.greeting ?? null,
      persistentMenu: p.persistentMenu ?? null,
    };
  }

  /** Sets the given fields (already checked against protocol/profile.ts), each one replaced whole. */
  async set(pageId: string, fields: MessengerProfile): Promise<void> {
    await this.committer.run(async (uow) => {
      const next = { ...(await uow.tx.pages.messengerProfile(pageId)), ...fields };
      if (next.persistentMenu && !next.getStarted) {
        throw new AppError('bad_request', 'A persistent menu needs a Get Started button: set get_started first', {
          field: 'persistent_menu',
        });
      }
      await uow.tx.pages.setMessengerProfile(pageId, next, uow.now);
    });
  }

  /** Deletes the given fields (those not set are ignored). */
  async delete(pageId: string, fields: readonly ProfileField[]): Promise<void> {
    await this.committer.run(async (uow) => {
      const next: MessengerProfile = { ...(await uow.tx.pages.messengerProfile(pageId)) };
      for (const f of fields) delete next[stored[f]];
      if (next.persistentMenu && !next.getStarted) {
        throw new AppError('bad_request', 'Delete the persistent menu before the Get Started button', {
          field: 'fields',
        });
      }
      await uow.tx.pages.setMessengerProfile(pageId, next, uow.now);
    });
  }

  /** The postbacks the profile offers: Get Started (any title: the app labels it) and the menu's items. */
  async postbacksIn(uow: UnitOfWork, pageId: string): Promise<{ payload: string; title: string | null }[]> {
    const p = await uow.tx.pages.messengerProfile(pageId);
    const out: { payload: string; title: string | null }[] = [];
    if (p.getStarted) out.push({ payload: p.getStarted.payload, title: null });
    for (const menu of p.persistentMenu ?? []) {
      for (const item of menu.callToActions) {
        if (item.type === 'postback') out.push({ payload: item.payload, title: item.title });
      }
    }
    return out;
  }
}
