import { Lru } from '../lib/lru.ts';
import type { AccountsReads } from './store.ts';

/**
 * Which accounts are pages, for the checks every message makes (a page's message to a person who blocked
 * it; a page's thread in its inbox). An account is committed before any message to or from it, and its kind
 * never changes, so each answer is kept. Read from committed data, never a job's transaction: on
 * PostgreSQL a read there would send the batch's held writes early, for every bot message. One for the
 * process (app.ts), shared by those who ask.
 */
export class AccountKinds {
  private readonly pages = new Lru<string, boolean>(100_000);

  constructor(private readonly accounts: Pick<AccountsReads, 'userById'>) {}

  /** Whether the account is a page, when already known (no call that waits); undefined otherwise. */
  known(userId: string): boolean | undefined {
    return this.pages.get(userId);
  }

  /** Whether the account is a page; an unknown account is not (and is not kept). */
  async isPage(userId: string): Promise<boolean> {
    const known = this.pages.get(userId);
    if (known !== undefined) return known;
    const user = await this.accounts.userById(userId);
    if (!user) return false;
    const page = user.kind === 'page';
    this.pages.set(userId, page);
    return page;
  }
}
