import type { MessageSearchResponse } from '../../protocol/api.ts';
import { presentUser } from '../accounts/presenter.ts';
import { AppError } from '../errors.ts';
import { searchTerms, snippetOf } from '../lib/search.ts';
import type { Storage } from '../storage/types.ts';
import { requireActiveRow } from './policy.ts';
import { presentMessages } from './presenter.ts';

export interface MessageSearchInput {
  q: string;
  conversationId?: string | undefined;
  before?: string | undefined;
  limit: number;
}

/**
 * Full-text search of a person's messages (docs/PROTOCOL.md, "Search"): in the conversations they are an
 * active member of (or the one named, if they are), what they may read there (history 'joined': from their
 * joining on), never a deleted message; newest first, each with a snippet and where the words matched.
 */
export class MessageSearchService {
  constructor(private readonly storage: Storage) {}

  async search(userId: string, input: MessageSearchInput): Promise<MessageSearchResponse> {
    const terms = searchTerms(input.q);
    if (terms.length === 0) {
      throw new AppError('bad_request', 'Invalid request: q: must contain a word', {
        fields: { q: 'must contain a word' },
      });
    }
    const r = this.storage.reader;
    let conversationIds: string[];
    if (input.conversationId !== undefined) {
      requireActiveRow(await r.messaging.member(input.conversationId, userId));
      conversationIds = [input.conversationId];
    } else {
      conversationIds = await r.messaging.conversationIdsOfUser(userId);
    }
    const rows = await r.messaging.searchMessages({
      userId,
      conversationIds,
      terms,
      before: input.before ?? null,
      limit: input.limit + 1,
    });
    const more = rows.length > input.limit;
    const found = more ? rows.slice(0, input.limit) : rows;
    // Not what the person deleted for themselves (hidden.ts); the cursor still follows what was read.
    const hidden = new Set(
      await r.messaging.hiddenAmong(
        userId,
        found.map((m) => m.id),
      ),
    );
    const page = hidden.size === 0 ? found : found.filter((m) => !hidden.has(m.id));
    const quoteIds = [...new Set(page.map((m) => m.replyToId).filter((id): id is string => id !== null))];
    const quoted = new Map((await r.messaging.messagesByIds(quoteIds)).map((m) => [m.id, m]));
    const views = presentMessages(page, quoted);
    const conversations = new Map(
      (await Promise.all([...new Set(page.map((m) => m.conversationId))].map((id) => r.messaging.conversationById(id))))
        .filter((c) => c !== null)
        .map((c) => [c.id, c]),
    );
    const users = (await r.accounts.usersByIds([...new Set(page.map((m) => m.senderId))])).map(presentUser);
    return {
      results: page.map((m, i) => {
        const c = conversations.get(m.conversationId);
        return {
          message: views[i] as (typeof views)[number],
          conversation: { id: m.conversationId, kind: c?.kind ?? 'direct', title: c?.title ?? null },
          snippet: snippetOf(m.text ?? '', terms),
        };
      }),
      users,
      nextCursor: more ? (found.at(-1)?.id ?? null) : null,
    };
  }
}
