import { AppError } from '../errors.ts';
import type { Storage } from '../storage/types.ts';
import { requireRole, threadOf } from './policy.ts';

/** What a variable is filled from: the page, the thread's customer, the member inserting the reply. */
export interface CannedContext {
  pageId: string;
  conversationId: string;
  customerId: string;
  agentId: string;
}

/** Fills one variable; null when it has no value here (the variable is then left as written). */
export type CannedVariable = (ctx: CannedContext) => Promise<string | null>;

const VARIABLE = /\{\{\s*([a-z_]+)\s*\}\}/g;

/**
 * Canned replies' variables, filled when a member inserts one in a conversation: `{{first_name}}` (the
 * customer's first name), `{{page_name}}`, `{{agent_name}}` (the member's name). More are registered by
 * other domains through a flow: commerce fills `{{order_number}}` (the customer's latest order,
 * flows/order-variables.ts). A variable without a value is left as written and named in `missing`.
 */
export class CannedReplies {
  private readonly variables = new Map<string, CannedVariable>();

  constructor(private readonly storage: Storage) {
    const name = async (id: string) => (await this.storage.reader.accounts.userById(id))?.displayName ?? null;
    this.register('first_name', async (c) => (await name(c.customerId))?.trim().split(/\s+/)[0] ?? null);
    this.register('page_name', (c) => name(c.pageId));
    this.register('agent_name', (c) => name(c.agentId));
  }

  /** Adds a variable (commerce: `order_number`); a name is registered once. */
  register(name: string, fill: CannedVariable): void {
    if (this.variables.has(name)) throw new Error(`canned reply variable registered twice: ${name}`);
    this.variables.set(name, fill);
  }

  /** The reply's text for this conversation, its variables filled; those without a value, named. */
  async expand(
    userId: string,
    pageId: string,
    conversationId: string,
    replyId: string,
  ): Promise<{ text: string; missing: string[] }> {
    const r = this.storage.reader;
    await requireRole(r, pageId, userId, 'agent');
    const thread = await threadOf(r, pageId, conversationId, Date.now());
    const reply = await r.inbox.cannedReplyById(replyId);
    if (!reply || reply.pageId !== pageId) throw new AppError('canned_reply_not_found');
    const ctx: CannedContext = { pageId, conversationId, customerId: thread.personId, agentId: userId };
    const values = new Map<string, string | null>();
    for (const [, name] of reply.text.matchAll(VARIABLE)) {
      const key = name as string;
      if (values.has(key)) continue;
      const fill = this.variables.get(key);
      values.set(key, fill ? await fill(ctx) : null);
    }
    const missing = [...values].filter(([, v]) => v === null).map(([k]) => k);
    const text = reply.text.replace(VARIABLE, (whole, name: string) => values.get(name) ?? whole);
    return { text, missing };
  }
}
