import type { CannedReplies } from '../inbox/canned.ts';
import type { Storage } from '../storage/types.ts';

/**
 * Commerce's variables in the business inbox's canned replies: `{{order_number}}`, the number of the
 * customer's latest order with the page (left as written, and named as missing, when they have none).
 * The inbox knows nothing of orders, commerce nothing of canned replies: this flow joins them.
 */
export function registerOrderVariables(canned: CannedReplies, storage: Storage): void {
  canned.register(
    'order_number',
    async (c) => (await storage.reader.commerce.ordersOfCustomer(c.pageId, c.customerId, 1))[0]?.number ?? null,
  );
}
