import { isUserRef } from '../../protocol/optins.ts';
import { directKeyOf } from '../messaging/store.ts';
import type { Committer } from '../storage/commit.ts';
import { GraphError, graph } from './graph-errors.ts';
import type { Standing } from './optins-store.ts';
import type { SendRequest } from './send-body.ts';
import { STANDARD_WINDOW_MS, windowAllows } from './window.ts';

/**
 * The Send API's side of opt-ins (docs/PLATFORM.md, "Sending to a user_ref"): `recipient {user_ref}`
 * resolves to the person who opted in with it for this page, and the person's standing with the page —
 * blocked, updates stopped, opted in — decides what the page may send them.
 */

/** A second send to a user_ref before the person answered the first (Messenger allows one). */
export const oneMessageToUserRef = () =>
  new GraphError(
    400,
    10,
    '(#10) Only one message may be sent to a user_ref until the person answers; then send to their PSID.',
    2018278,
  );

/** The person a user_ref names, and whether this send is the first to it (to release if it fails). */
export interface UserRefClaim {
  userId: string;
  first: boolean;
}

/**
 * Takes the right to send to a user_ref, in one job: an unknown user_ref — or one the person unticked — is
 * `100 / 2018001` (no matching user); one revoked because the person stopped the page's updates or blocked
 * it is `551` (unavailable); a second send before the person wrote in the thread is refused (Messenger
 * allows one message to a user_ref until the person answers). The first send notes its time then, so two
 * calls at once cannot both be first.
 */
export async function claimUserRef(committer: Committer, pageId: string, userRef: string): Promise<UserRefClaim> {
  if (!isUserRef(userRef)) throw graph.noUser();
  // A job refuses with AppErrors only (the committer's rule): its Graph refusals are answered, then thrown.
  const r = await committer.run(async ({ tx, now }): Promise<UserRefClaim | GraphError> => {
    const optin = await tx.optins.optin(pageId, userRef);
    if (!optin) return graph.noUser();
    const standing = await tx.optins.standing(pageId, optin.userId);
    if (standing.blockedAt !== null) return graph.unavailable();
    if (optin.revokedAt !== null) return standing.updatesStoppedAt !== null ? graph.unavailable() : graph.noUser();
    if (optin.firstSentAt !== null) {
      const thread = await tx.messaging.conversationByDirectKey(directKeyOf(optin.userId, pageId));
      const wrote = thread ? await tx.messaging.lastMessageAt(thread.id, optin.userId) : null;
      if (wrote === null || wrote < optin.firstSentAt) return oneMessageToUserRef();
      return { userId: optin.userId, first: false };
    }
    await tx.optins.setFirstSent(pageId, userRef, now);
    return { userId: optin.userId, first: true };
  });
  if (r instanceof GraphError) throw r;
  return r;
}

/** Forgets the first send's time when that send failed after all: the page may try again. */
export async function releaseUserRef(committer: Committer, pageId: string, userRef: string): Promise<void> {
  await committer.run(({ tx }) => tx.optins.setFirstSent(pageId, userRef, null));
}

/**
 * Whether the page may send this to the person now, given their standing with the page and when they last
 * wrote (or came through a short link; null: never):
 * - blocked: nothing at all (`551`);
 * - updates stopped: only an answer to what the person wrote after they stopped them — within the standard
 *   24 hours, or 7 days with `HUMAN_AGENT` — else `551`;
 * - otherwise the messaging window (window.ts), where an active opt-in is consent: it opens the standard
 *   window for 24 hours (as a message of the person's), and `POST_PURCHASE_UPDATE` may be sent at any time
 *   after it, though the person never wrote (the order's updates they asked for). Refused: `10 / 2018278`.
 */
export function consentAllows(
  request: Pick<SendRequest, 'messagingType' | 'tag'>,
  standing: Standing,
  lastFromPerson: number | null,
  now: number,
): true | GraphError {
  if (standing.blockedAt !== null) return graph.unavailable();
  if (standing.updatesStoppedAt !== null) {
    if (lastFromPerson === null || lastFromPerson < standing.updatesStoppedAt) return graph.unavailable();
    const human = request.messagingType === 'MESSAGE_TAG' && request.tag === 'HUMAN_AGENT';
    return windowAllows(human ? request : { messagingType: 'RESPONSE', tag: null }, lastFromPerson, now)
      ? true
      : graph.unavailable();
  }
  if (windowAllows(request, lastFromPerson, now)) return true;
  const optedIn = standing.optedInAt;
  if (optedIn === null) return graph.window();
  if (now - optedIn <= STANDARD_WINDOW_MS) return true;
  return request.messagingType === 'MESSAGE_TAG' && request.tag === 'POST_PURCHASE_UPDATE' ? true : graph.window();
}
