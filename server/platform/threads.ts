import type { EventBus } from '../bus/types.ts';
import { Lru } from '../lib/lru.ts';
import type { Storage } from '../storage/types.ts';

/** Entries each cache keeps (about a hundred bytes each). */
const MAX_ENTRIES = 100_000;

/**
 * What the Send API needs to know of a page's thread with a person, without asking the database on each
 * call: who a PSID is and their conversation with the page (both never change once they exist), and
 * when the person last wrote (the messaging window), kept up to date from the bus. Another process's
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
        for (const e of events) {
          if (e.event.type !== 'message.created') continue;
          const known = this.lastFromPerson.get(e.event.conversationId);
          if (known && known.personId === e.event.message.senderId) known.at = e.createdAt;
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
    const conversation = await r.messaging.conversationByDirectKey([userId, pageId].sort().join(':'));
    if (!conversation) return null;
    const thread = { userId, conversationId: conversation.id };
    this.threads.set(key, thread);
    return thread;
  }

  /** When the person last wrote in the conversation (null: never); `fresh` asks the database. */
  async lastFromPersonAt(conversationId: string, personId: string, fresh = false): Promise<number | null> {
    const cached = fresh ? undefined : this.lastFromPerson.get(conversationId);
    if (cached && cached.personId === personId) return cached.at;
    const at = await this.storage.reader.messaging.lastMessageAt(conversationId, personId);
    this.lastFromPerson.set(conversationId, { personId, at });
    return at;
  }
}
