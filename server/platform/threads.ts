import type { EventBus } from '../bus/types.ts';
import { Lru } from '../lib/lru.ts';
import { directKeyOf } from '../messaging/store.ts';
import type { Storage } from '../storage/types.ts';
import type { ReferralEvent } from './referrals.ts';

/** Entries each cache keeps (about a hundred bytes each). */
const MAX_ENTRIES = 100_000;

/**
 * What the Send API needs to know of a page's thread with a person, without asking the database on each
 * call: who a PSID is and their conversation with the page (both never change once they exist), and
 * when the person last wrote or came through a short link (the messaging window), kept up to date from the bus. Another process's
 * messages are not on this bus, so a cached time may be older than the truth: it can only make the window
 * look closed, and a call the window would refuse asks the database again before it is refused.
 */
export class PageThreads {
  private readonly threads = new Lru<string, { userId: string; conversationId: string }>(MAX_ENTRIES);
  private readonly lastFromPerson = new Lru<string, { personId: string; at: number | null }>(MAX_ENTRIES);

  constructor(
    private readonly storage: Storage,
    bus: EventBus,
  ) {
    bus.subscribe({
      name: 'page-threads',
      onEvents: (events) => {
        if (this.lastFromPerson.size === 0) return; // no Send API call yet: people's messages cost nothing
        for (const e of events) {
          // A message of the person's, or their coming through a short link (a referral) opens the window.
          const [conversationId, personId] =
            e.event.type === 'message.created'
              ? [e.event.conversationId, e.event.message.senderId]
              : e.event.type === 'platform.referral'
                ? [(e.event as ReferralEvent).conversationId, (e.event as ReferralEvent).userId]
                : [null, null];
          if (conversationId === null) continue;
          const known = this.lastFromPerson.get(conversationId);
          if (known && known.personId === personId) known.at = e.createdAt;
        }
      },
    });
  }

  /** The person a PSID of this page is, and their conversation with it; null when there is none. */
  async find(pageId: string, psid: string): Promise<{ userId: string; conversationId: string } | null> {
    const key = `${pageId}\u0000${psid}`;
    const cached = this.threads.get(key);
    if (cached) return cached;
    const r = this.storage.reader;
    const userId = await r.pages.userByPsid(pageId, psid);
    if (!userId) return null;
    const conversation = await r.messaging.conversationByDirectKey(directKeyOf(userId, pageId));
    if (!conversation) return null;
    const thread = { userId, conversationId: conversation.id };
    this.threads.set(key, thread);
    return thread;
  }

  /**
   * When the person last wrote in their conversation with the page, or came to it through the page's short
   * link with a ref (null: never); `fresh` asks the database.
   */
  async lastFromPersonAt(
    pageId: string,
    conversationId: string,
    personId: string,
    fresh = false,
  ): Promise<number | null> {
    const cached = fresh ? undefined : this.lastFromPerson.get(conversationId);
    if (cached && cached.personId === personId) return cached.at;
    const r = this.storage.reader;
    const wrote = await r.messaging.lastMessageAt(conversationId, personId);
    const referred = await r.pages.referredAt(pageId, personId);
    const at = wrote === null || referred === null ? (wrote ?? referred) : Math.max(wrote, referred);
    this.lastFromPerson.set(conversationId, { personId, at });
    return at;
  }
}
