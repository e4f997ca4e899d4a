import { z } from 'zod';
import { contentLimits } from './content.ts';
import { limits, messageSearch, PRESENCE_QUERY_MAX } from './limits.ts';
import { type WebhookField, webhookFields } from './webhooks.ts';

/** Zod schemas for what clients send, over HTTP and over the socket. Shared with the web app. */

/** Text that may be stored: no NUL character (PostgreSQL refuses it in text columns). */
const storable = (s: z.ZodString) => s.refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');

export const id = z.string().min(1).max(64);
export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const cursor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const idParams = z.strictObject({ id });

export const username = z
  .string()
  .trim()
  .toLowerCase()
  .min(limits.username.min)
  .max(limits.username.max)
  .regex(limits.username.pattern, 'letters, digits, "_" and "." only, starting with a letter or digit');

export const displayName = storable(z.string().trim().min(limits.displayName.min).max(limits.displayName.max));
export const password = z.string().min(limits.password.min).max(limits.password.max);
export const clientId = z.string().min(limits.clientId.min).max(limits.clientId.max).regex(limits.clientId.pattern);
/** Message text: length is checked by the service so that it can answer `message_too_long`. */
export const messageText = storable(z.string());
/**
 * Uploaded media a message carries (`POST /api/media` answered their ids), in order. How many is checked by
 * the service (at most mediaLimits.perMessage), so that it can answer `too_many_attachments`; the frame
 * and body size limits bound the list meanwhile.
 */
export const attachmentIds = z.array(id);
export const groupTitle = storable(z.string().trim().min(limits.groupTitle.min).max(limits.groupTitle.max));

export const signUpBody = z.strictObject({
  username,
  password,
  displayName: displayName.optional(),
});
export const signInBody = z.strictObject({ username: z.string().max(256), password: z.string().max(1024) });
export const updateProfileBody = z.strictObject({ displayName });
export const userSearchQuery = z.strictObject({
  q: z.string().trim().min(limits.userSearch.queryMin).max(limits.userSearch.queryMax),
});

export const startDirectBody = z.strictObject({ userId: id });
export const historyVisibility = z.enum(['joined', 'full']);
export const createGroupBody = z.strictObject({
  title: groupTitle,
  memberIds: z.array(id).max(limits.groupMembers.max - 1),
  /** What members added later see of earlier messages (default `joined`: what follows their joining). */
  history: historyVisibility.optional(),
});
export const updateConversationBody = z
  .strictObject({ title: groupTitle.optional(), history: historyVisibility.optional() })
  .refine((b) => b.title !== undefined || b.history !== undefined, 'title or history');
export const addMembersBody = z.strictObject({ userIds: z.array(id).min(1).max(limits.groupMembers.max) });

export const historyQuery = z.strictObject({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(limits.historyPage.max).default(limits.historyPage.default),
});
/**
 * A person's tap on what a page offered them (docs/PROTOCOL.md, "Quick replies and postbacks"): the payload
 * of the quick reply or postback button; the message's text is its title.
 */
export const tap = z.strictObject({ payload: storable(z.string().min(1).max(contentLimits.payload)) });
/** A send carries at most one tap, and a tap quotes nothing. */
export const oneTap = (m: { quickReply?: unknown; postback?: unknown; replyToId?: unknown }) =>
  (m.quickReply === undefined || m.postback === undefined) &&
  (m.replyToId === undefined || (m.quickReply === undefined && m.postback === undefined));
export const oneTapMessage = 'at most one of quickReply and postback, and not with replyToId';
export const sendMessageBody = z
  .strictObject({
    clientId,
    text: messageText,
    replyToId: id.optional(),
    /** Uploaded media; with some, the text (their caption) may be empty. */
    attachmentIds: attachmentIds.optional(),
    quickReply: tap.optional(),
    postback: tap.optional(),
  })
  .refine(oneTap, oneTapMessage);
export const editMessageBody = z.strictObject({ text: messageText });
export const receiptBody = z
  .strictObject({ deliveredSeq: seq.optional(), readSeq: seq.optional() })
  .refine((b) => b.deliveredSeq !== undefined || b.readSeq !== undefined, 'deliveredSeq or readSeq');
export const eventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0),
  limit: z.coerce.number().int().min(1).max(limits.eventsPage.max).default(limits.eventsPage.default),
});

export const pageRole = z.enum(['admin', 'agent']);
export const pageName = storable(z.string().trim().min(limits.pageName.min).max(limits.pageName.max));
export const pageDescription = storable(z.string().trim().max(limits.pageDescription.max));
export const createPageBody = z.strictObject({
  name: pageName,
  username,
  description: pageDescription.optional(),
});
export const updatePageBody = z
  .strictObject({ name: pageName.optional(), description: pageDescription.optional() })
  .refine((b) => b.name !== undefined || b.description !== undefined, 'name or description');
/**
 * `q`: pages by username prefix or name; `username`: the page of that exact username (case aside), if any
 * (what a short link `/m/<username>` opens). One of the two.
 */
export const pageSearchQuery = z
  .strictObject({
    q: z.string().trim().min(limits.pageSearch.queryMin).max(limits.pageSearch.queryMax).optional(),
    username: z.string().trim().toLowerCase().min(1).max(256).optional(),
  })
  .refine((x) => (x.q === undefined) !== (x.username === undefined), 'q or username, not both');
/** Whether a short link's ref is one Messenger would take (limits.ref); anything else is `invalid_ref`. */
export const isRef = (ref: string) =>
  ref.length >= limits.ref.min && ref.length <= limits.ref.max && limits.ref.pattern.test(ref);
/**
 * A person opens their conversation with a page, maybe through its short link with a `ref` (checked by the
 * service: `invalid_ref`). The body may be absent.
 */
export const openPageConversationBody = z.strictObject({ ref: z.string().max(4096).optional() });
export const addPageMemberBody = z.strictObject({ username: z.string().max(256), role: pageRole });
export const setPageRoleBody = z.strictObject({ role: pageRole });
/** An admin chooses the page's primary receiver (an app connected to it, or the inbox); null: the default. */
export const setHandoverBody = z.strictObject({ primaryAppId: storable(z.string().min(1).max(64)).nullable() });
/** Metadata handed to the apps with a change of thread owner (as the Graph API's handover calls). */
export const handoverMetadata = storable(z.string().max(1000));
/**
 * The people of a page take a thread into its inbox, or pass it from the inbox to an app (by default the
 * primary receiver).
 */
export const threadControlBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('take'), metadata: handoverMetadata.optional() }),
  z.strictObject({
    action: z.literal('pass'),
    targetAppId: storable(z.string().min(1).max(64)).optional(),
    metadata: handoverMetadata.optional(),
  }),
]);
export { type WebhookField, webhookFields } from './webhooks.ts';

const isWebhookField = (v: string): v is WebhookField => (webhookFields as readonly string[]).includes(v);

export const appName = storable(z.string().trim().min(limits.appName.min).max(limits.appName.max));
export const createAppBody = z.strictObject({ name: appName });
/** At least one field, each one known (the message names an unknown one); repeated ones count once. */
export const webhookFieldList = z
  .array(
    z
      .string()
      .refine(isWebhookField, { error: (issue) => `unknown field "${String(issue.input).slice(0, 64)}"` })
      .transform((v) => v as WebhookField),
  )
  .min(1, 'at least one field')
  .max(64)
  .transform((list) => [...new Set(list)]);
/** The URL's scheme, host and credentials are checked by the service (`invalid_webhook_url`). */
export const setWebhookBody = z.strictObject({
  url: storable(z.string().min(1).max(limits.webhookUrl.max)),
  verifyToken: storable(z.string().min(limits.verifyToken.min).max(limits.verifyToken.max)),
  fields: webhookFieldList,
});

/**
 * A person's own settings of a conversation (at least one): `mutedUntil` an ISO time in the future
 * (`MUTED_FOREVER` for "Always") or null to unmute; `pinned`; `archived`.
 */
export const conversationSettingsBody = z
  .strictObject({
    mutedUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    pinned: z.boolean().optional(),
    archived: z.boolean().optional(),
  })
  .refine(
    (b) => b.mutedUntil !== undefined || b.pinned !== undefined || b.archived !== undefined,
    'mutedUntil, pinned or archived',
  );
/** `GET /api/presence?userIds=a,b,c`: 1 to PRESENCE_QUERY_MAX ids, comma-separated (repeated ones count once). */
export const presenceQuery = z.strictObject({
  userIds: z
    .string()
    .max(PRESENCE_QUERY_MAX * 65)
    .transform((v) => [...new Set(v.split(','))])
    .pipe(z.array(id).min(1).max(PRESENCE_QUERY_MAX)),
});
/** `PATCH /api/me/settings`: what changes. */
export const updateSettingsBody = z.strictObject({ showPresence: z.boolean() });

/** Forward a message to up to `limits.forwardTargets` conversations, each once; `clientId` names the forward. */
export const forwardBody = z.strictObject({
  clientId,
  conversationIds: z
    .array(id)
    .min(1)
    .max(limits.forwardTargets.max)
    .refine((ids) => new Set(ids).size === ids.length, 'each conversation once'),
});
/** `POST /api/blocks`: the person to block. */
export const blockBody = z.strictObject({ userId: id });
/** `DELETE /api/blocks/:userId`. */
export const blockParams = z.strictObject({ userId: id });
/**
 * Account control (issue 9). The new password's length and strength are the service's to check, as at
 * sign-up (`weak_password`, naming the reason), so that the answer names the field.
 */
export const changePasswordBody = z.strictObject({
  currentPassword: z.string().max(1024),
  newPassword: z.string().max(limits.password.max),
  /** Revoke every other session of the account (their sockets are closed); this one stays. */
  signOutOtherDevices: z.boolean().optional(),
});
/** Deleting one's account asks for the password again. */
export const deleteAccountBody = z.strictObject({ password: z.string().max(1024) });
/** An image upload of the person's (`POST /api/media`) to become their profile photo. */
export const setAvatarBody = z.strictObject({ mediaId: id });

export type SignUpBody = z.infer<typeof signUpBody>;
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;
export type CreatePageBody = z.infer<typeof createPageBody>;
export type SignInBody = z.infer<typeof signInBody>;
export type CreateGroupBody = z.infer<typeof createGroupBody>;
export type SendMessageBody = z.infer<typeof sendMessageBody>;
export type SetWebhookBody = z.infer<typeof setWebhookBody>;
export type ThreadControlBody = z.infer<typeof threadControlBody>;

/**
 * The emoji of a reaction, over the socket and in the reaction routes' path: the service checks that it
 * is one emoji (protocol/reactions.ts) and answers `bad_request` naming `emoji` otherwise.
 */
export const reactionEmoji = z.string().min(1).max(64);
export const reactionParams = z.strictObject({ id, messageId: id, emoji: reactionEmoji });
/**
 * `GET /api/search/messages`: `q` is plain words (never query syntax), at most messageSearch.queryMax
 * characters, with at least one letter or digit (the service checks that); `before` the last result's
 * `cursor`.
 */
export const messageSearchQuery = z.strictObject({
  q: storable(z.string().trim().min(messageSearch.queryMin).max(messageSearch.queryMax)),
  conversationId: id.optional(),
  before: id.optional(),
  limit: z.coerce.number().int().min(1).max(messageSearch.pageMax).default(messageSearch.results),
});
/**
 * A person's page of a thread's history: the latest, `before` a seq (older), `after` a seq (newer: paging
 * forward from a window), or `around` a seq (a window that holds it: a search result opened in its
 * thread). One of them at most.
 */
export const threadHistoryQuery = z
  .strictObject({
    before: z.coerce.number().int().min(1).optional(),
    after: z.coerce.number().int().min(0).optional(),
    around: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(limits.historyPage.max).default(limits.historyPage.default),
  })
  .refine((q) => [q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, {
    message: 'at most one of before, after and around',
    path: ['around'],
  });
