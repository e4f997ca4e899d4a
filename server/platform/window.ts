import type { SendRequest } from './send-body.ts';

/**
 * The standard messaging window: a page answers within 24 hours of the person's last message or postback,
 * or of their coming to the thread through the page's short link with a ref (a referral).
 */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
/** With the HUMAN_AGENT tag, a person of the business may answer for 7 days. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Whether a page may send this now, given when the person last wrote to it (a message or a postback;
 * null: never). Within 24 hours anything goes; after that only a message tag: HUMAN_AGENT for 7 days,
 * the update tags (post-purchase, confirmed event, account) at any time — to a person who wrote first.
 * Sender actions follow the same rule as messages.
 */
export function windowAllows(
  request: Pick<SendRequest, 'messagingType' | 'tag'>,
  lastFromPerson: number | null,
  now: number,
) {
  if (lastFromPerson === null) return false;
  const since = now - lastFromPerson;
  if (since <= STANDARD_WINDOW_MS) return true;
  if (request.messagingType !== 'MESSAGE_TAG' || request.tag === null) return false;
  if (request.tag === 'HUMAN_AGENT') return since <= HUMAN_AGENT_WINDOW_MS;
  return true;
}
