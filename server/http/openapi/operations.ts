import type { z } from 'zod';
import {
  cancelOrderBody,
  commerceLimits,
  createOrderBody,
  createShipmentBody,
  panelOrdersQuery,
  refundBody,
  trackingEventBody,
  updateOrderBody,
} from '../../../protocol/commerce.ts';
import type { ErrorId } from '../../../protocol/errors.ts';
import { uploadMediaQuery } from '../../../protocol/media.ts';
import {
  answerRequestBody,
  contactSupportBody,
  createRequestBody,
  replyRequestBody,
  requestPolicyBody,
} from '../../../protocol/order-requests.ts';
import * as schemas from '../../../protocol/schemas.ts';
import { tokenQuery } from '../../commerce/calls.ts';
import { withdrawRequestBody } from '../../commerce/requests-routes.ts';
import { signedQuery } from '../../media/routes.ts';
import { checkOptinQuery, createOptinBody, pageConsentBody, revokeOptinBody } from '../../platform/optin-routes.ts';
import { listQuery, testBody } from '../../webhooks/routes.ts';
import { composeOperations } from './compose-operations.ts';
import { inboxOperations } from './inbox-operations.ts';
import type { JsonSchema } from './schema.ts';
import type { SchemaName } from './views.ts';

/**
 * Every route of the native API (`/api/…`), as the route files register it: the path in Fastify's
 * syntax, the zod schemas the route validates with, its success answers and the errors of its own (the
 * ones every route of its kind may give — auth, origin, body, rate limit, storage — are added by
 * document.ts). openapi.test.ts checks this list against the routes Fastify registered.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Fastify's syntax (`/api/conversations/:id`); every path parameter is an id (`schemas.id`). */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** false: no session needed; `pageToken`: a page access token instead (the Orders API). */
  auth?: false | 'pageToken';
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A raw body (a file's bytes, any type, streamed) rather than JSON: what it is. */
  rawBody?: string;
  /**
   * Success answers by status: the schema of the body, null for an empty one (204, 304), or `file` for a
   * file's bytes in its own type.
   */
  ok: { [status: number]: SchemaName | 'file' | null };
  /** The errors of this route's own rules (beyond those every route of its kind may give). */
  errors?: ErrorId[];
  /** Request headers the route reads, besides the session, the token and `Content-Type`: header parameters. */
  headers?: Header[];
  /** Headers its success answers may carry. */
  okHeaders?: Header[];
}

/** A header a route reads (a header parameter) or that its answers carry (a response header). */
export interface Header {
  name: string;
  description: string;
  /** A request header every request must carry (default: it may be left out). */
  required?: boolean;
  schema: JsonSchema;
}

export const tags = {
  accounts: 'Accounts and sessions',
  conversations: 'Conversations and messages',
  events: 'The event feed',
  pages: 'Business pages',
  inbox: "A page's inbox and the handover protocol",
  apps: 'Developer apps',
  webhooks: 'Webhook deliveries',
  commerce: 'Orders and shipments (a page access token)',
  optins: 'Opt-in at checkout and your control over pages',
  media: 'Uploaded media: images, video, audio, voice clips, files',
  compose: 'Content apps: search one from the composer, send what it finds',
  meta: 'This description',
  presence: 'Presence (online, last seen) and the setting that hides it',
  blocks: 'Blocking people',
} as const;
export type Tag = keyof typeof tags;

const conversation: ErrorId[] = ['conversation_not_found', 'not_member'];
/** Acting as a page (its inbox): the page must exist and the person help run it. */
const asPage: ErrorId[] = ['page_not_found', 'not_page_member'];
const send: ErrorId[] = [
  'message_too_long',
  'message_empty',
  'message_not_found',
  'client_id_conflict',
  'not_a_person',
  'not_page_conversation',
  'quick_reply_not_offered',
  'postback_not_offered',
  'media_not_found',
  'too_many_attachments',
];

/** Reading a media file: by session (checked by the route itself) or by signed link. */
const readMedia: ErrorId[] = [
  'unauthenticated',
  'session_expired',
  'media_not_found',
  'media_link_expired',
  'range_not_satisfiable',
];
const mediaReadDescription =
  'With the session cookie (its owner, the members of the conversation it was sent in, the people of a page ' +
  'in it), or without a session by a signed link (`expires`, `sig`: webhooks and apps get those). Range ' +
  'requests (`bytes=a-b`, `a-`, `-n`) answer 206; a range past the end 416 with `Content-Range: bytes */size`; ' +
  'several ranges the whole file. `If-None-Match` with its ETag (its SHA-256) answers 304. docs/MEDIA.md.';

/**
 * The Idempotency-Key of an Orders API change and of the inbox's cancel and refund (commerce/calls.ts
 * idempotencyKeyOf: the same constraints; a malformed one is `400 bad_request` naming it).
 */
export const idempotencyKeyHeader: Header = {
  name: 'Idempotency-Key',
  description:
    'Makes the call safe to retry: the same key (per page) with the same request answers the first answer again, ' +
    'with `Idempotent-Replayed: true`, and does nothing twice; with another request, `409 idempotency_key_reused`. ' +
    `1–${commerceLimits.idempotencyKey} printable ASCII characters, no spaces.`,
  schema: { type: 'string', minLength: 1, maxLength: commerceLimits.idempotencyKey, pattern: '^[!-~]+$' },
};
/** What an answer kept under an Idempotency-Key carries when it is sent again (commerce/calls.ts send). */
export const idempotentReplayedHeader: Header = {
  name: 'Idempotent-Replayed',
  description:
    '`true`: this is the answer first given to the same request with the same `Idempotency-Key`, sent again ' +
    '(nothing was done twice). Absent from a first answer.',
  schema: { type: 'string', enum: ['true'] },
};
/** A change that takes an Idempotency-Key. */
const idempotent = { headers: [idempotencyKeyHeader], okHeaders: [idempotentReplayedHeader] };

/** What any call that changes an order may answer (order_changed: another process changed it meanwhile). */
const orderChange: ErrorId[] = ['invalid_token', 'idempotency_key_reused', 'order_changed'];
/**
 * What posting the page's message in the customer's thread may answer (messaging's checks of a page's
 * send): the customer deleted their account; or blocked the page in another process a moment ago, its
 * standing not yet seen here (a block seen first posts nothing: the order still changes).
 */
const pageSends: ErrorId[] = ['account_deleted', 'page_blocked'];
const orderDescription =
  'Authenticated by a page access token (`Authorization: Bearer <token>` or `?access_token=`), as the Graph ' +
  `API is. An \`Idempotency-Key\` header (1–${commerceLimits.idempotencyKey} printable ASCII characters, no ` +
  'spaces) makes it safe to retry: the same key with the same body answers the first answer again (with ' +
  '`Idempotent-Replayed: true`); with another body, `409 idempotency_key_reused`. Keys are per page. Amounts ' +
  'are integers in minor units (docs/COMMERCE.md).';

const requestDescription =
  'A request moves requested → accepted → applied (a change or cancellation as it is accepted, a return once ' +
  'the order is marked returned), requested → rejected, requested ⇄ needs_info, and to withdrawn by the ' +
  'customer. Which requests a customer may make is the page’s policy (`/api/commerce/policy`); a refusal ' +
  'names its rule (docs/COMMERCE.md, "Customer requests"). A return may carry up to 4 photos (`photoIds`: the ' +
  'customer’s own uploads from `POST /api/media`, images), claimed into the order’s thread; any other id is ' +
  '`404 media_not_found` and nothing is stored (docs/COMMERCE.md, "Photos"). The Orders API answers a ' +
  'merchant’s server the photos as signed links.';
const panelDescription =
  'For the people who run the page, signed in; anyone else gets `404 order_not_found`, as for an unknown order. ' +
  'The same change as the Orders API’s, in the same flow. An `Idempotency-Key` header makes it safe to retry ' +
  '(the same key and body: the first answer again; another body: `409 idempotency_key_reused`).';

export const operations: Operation[] = [
  // The Orders API (server/commerce/routes.ts)
  {
    method: 'post',
    path: '/api/commerce/orders',
    tag: 'commerce',
    summary: 'Create an order: its receipt card goes to the customer’s thread with the page',
    description: orderDescription,
    auth: 'pageToken',
    query: tokenQuery,
    body: createOrderBody,
    ...idempotent,
    ok: { 201: 'OrderResponse' },
    errors: [
      'invalid_token',
      'idempotency_key_reused',
      'customer_not_found',
      'order_number_taken',
      'totals_mismatch',
      'unknown_currency',
      // The customer stopped the page's updates or blocked it (flows/orders.ts customerIn), or deleted their
      // account (its receipt cannot be posted): no new order.
      'updates_stopped',
      'page_blocked',
      'account_deleted',
    ],
  },
  {
    method: 'get',
    path: '/api/commerce/orders/:number',
    tag: 'commerce',
    summary: 'An order of the page, by its number',
    description: orderDescription,
    auth: 'pageToken',
    query: tokenQuery,
    ok: { 200: 'OrderResponse' },
    errors: ['invalid_token', 'order_not_found'],
  },
  {
    method: 'patch',
    path: '/api/commerce/orders/:number',
    tag: 'commerce',
    summary: 'Change an order: items, prices and address before shipping; status processing or returned',
    description: orderDescription,
    auth: 'pageToken',
    query: tokenQuery,
    body: updateOrderBody,
    ...idempotent,
    ok: { 200: 'OrderResponse' },
    errors: [
      ...orderChange,
      'order_not_found',
      'order_not_editable',
      'invalid_transition',
      'totals_mismatch',
      'unknown_currency',
      // A new total below what the order's refunds already add up to.
      'refund_exceeds_total',
    ],
  },
  {
    method: 'post',
    path: '/api/commerce/orders/:number/cancel',
    tag: 'commerce',
    summary: 'Cancel an order before anything is shipped',
    description: orderDescription,
    auth: 'pageToken',
    query: tokenQuery,
    body: cancelOrderBody,
    ...idempotent,
    ok: { 200: 'OrderResponse' },
    errors: [...orderChange, 'order_not_found', 'invalid_transition'],
  },
  {
    method: 'post',
    path: '/api/commerce/orders/:number/shipments',
    tag: 'commerce',
    summary: 'Ship items of an order (all that is left without `items`): a shipping update in the thread',
    description: orderDescription,
    auth: 'pageToken',
    query: tokenQuery,
    body: createShipmentBody,
    ...idempotent,
    ok: { 201: 'ShipmentResponse' },
    errors: [
      ...orderChange,
      'order_not_found',
      'invalid_transition',
      'shipment_items_invalid',
      // commerceLimits.shipments an order already has.
      'order_limit',
      ...pageSends,
    ],
  },
  {
    method: 'post',
    path: '/api/commerce/orders/:number/shipments/:shipmentId/events',
    tag: 'commerce',
    summary: 'A tracking event of a shipment: a shipping update in the thread, the card updated in place',
    description: orderDescription,
    auth: 'pageToken',
    query: tokenQuery,
    body: trackingEventBody,
    ...idempotent,
    ok: { 201: 'ShipmentResponse' },
    errors: [
      ...orderChange,
      'order_not_found',
      'shipment_not_found',
      'invalid_transition',
      // commerceLimits.trackingEvents a shipment already has.
      'order_limit',
      ...pageSends,
    ],
  },
  {
    method: 'post',
    path: '/api/commerce/orders/:number/refunds',
    tag: 'commerce',
    summary: 'Record a refund: a line of the order’s history, a message in the thread, the card updated in place',
    description: `${orderDescription} \`amount\` is at least 1; all the order’s refunds together may not exceed its total.`,
    auth: 'pageToken',
    query: tokenQuery,
    body: refundBody,
    ...idempotent,
    ok: { 201: 'RefundResponse' },
    errors: [...orderChange, 'order_not_found', 'refund_exceeds_total', ...pageSends],
  },
  // The business inbox's order panel (server/commerce/panel-routes.ts): the people who run the page.
  {
    method: 'get',
    path: '/api/pages/:id/orders',
    tag: 'inbox',
    summary: 'The orders of a conversation’s customer with the page, newest first (the inbox’s order panel)',
    description:
      'For the people who run the page. Anyone else, and a conversation that is not one of the page’s, get `404 conversation_not_found`.',
    query: panelOrdersQuery,
    ok: { 200: 'OrdersResponse' },
    errors: ['conversation_not_found'],
  },
  {
    method: 'post',
    path: '/api/pages/:id/orders/:number/cancel',
    tag: 'inbox',
    summary: 'Cancel an order of the page before anything is shipped (the inbox’s order panel)',
    description: panelDescription,
    body: cancelOrderBody,
    ...idempotent,
    ok: { 200: 'OrderResponse' },
    errors: ['order_not_found', 'invalid_transition', 'idempotency_key_reused', 'order_changed'],
  },
  {
    method: 'post',
    path: '/api/pages/:id/orders/:number/refunds',
    tag: 'inbox',
    summary: 'Record a refund on an order of the page (the inbox’s order panel)',
    description: panelDescription,
    body: refundBody,
    ...idempotent,
    ok: { 201: 'RefundResponse' },
    errors: ['order_not_found', 'refund_exceeds_total', 'idempotency_key_reused', 'order_changed', ...pageSends],
  },
  {
    method: 'post',
    path: '/api/pages/:id/orders/:number/shipments/:shipmentId/resend',
    tag: 'inbox',
    summary: 'Post a shipment’s current shipping update again in the customer’s thread',
    description: 'For the people who run the page; anyone else gets `404 order_not_found`. The order does not change.',
    ok: { 200: 'ShipmentResponse' },
    errors: ['order_not_found', 'shipment_not_found', 'updates_stopped', 'page_blocked', 'account_deleted'],
  },
  {
    method: 'get',
    path: '/api/orders/:id',
    tag: 'commerce',
    summary: 'An order as it now is, for its customer or the people who run its page (the card in a thread)',
    ok: { 200: 'OrderResponse' },
    errors: ['order_not_found'],
  },
  // Customers' requests on orders (server/commerce/requests-routes.ts, docs/COMMERCE.md "Customer requests")
  {
    method: 'post',
    path: '/api/orders/:id/requests',
    tag: 'commerce',
    summary: 'The customer asks to change, cancel or return their order: a message in the thread, the card updated',
    description: requestDescription,
    body: createRequestBody,
    ok: { 201: 'OrderRequestResponse' },
    errors: [
      'order_not_found',
      'request_not_allowed',
      'request_open',
      'too_many_requests',
      'order_not_editable',
      'invalid_transition',
      'totals_mismatch',
      'page_blocked',
      'media_not_found',
      'order_changed',
      // Accepted at once (the page's policy) and applied: a change of items whose new total is below the refunds.
      'refund_exceeds_total',
    ],
  },
  {
    method: 'post',
    path: '/api/orders/:id/requests/:requestId/reply',
    tag: 'commerce',
    summary: 'The customer answers the page’s question about their request (needs_info → requested)',
    body: replyRequestBody,
    ok: { 200: 'OrderRequestResponse' },
    errors: ['order_not_found', 'request_not_found', 'invalid_transition', 'too_many_requests', 'order_changed'],
  },
  {
    method: 'post',
    path: '/api/orders/:id/requests/:requestId/withdraw',
    tag: 'commerce',
    summary: 'The customer withdraws their request while it is requested or needs_info',
    body: withdrawRequestBody,
    ok: { 200: 'OrderRequestResponse' },
    errors: ['order_not_found', 'request_not_found', 'invalid_transition', 'order_changed'],
  },
  {
    method: 'post',
    path: '/api/orders/:id/support',
    tag: 'commerce',
    summary: 'Contact support: the customer’s message, and the thread passed to the page’s inbox',
    body: contactSupportBody,
    ok: { 200: 'ContactSupportResponse' },
    errors: ['order_not_found'],
  },
  {
    method: 'post',
    path: '/api/commerce/orders/:number/requests/:requestId/answer',
    tag: 'commerce',
    summary: 'The page answers a customer’s request: accept (a change or cancellation is applied), reject, or ask',
    description: `${orderDescription} ${requestDescription}`,
    auth: 'pageToken',
    query: tokenQuery,
    body: answerRequestBody,
    ...idempotent,
    ok: { 200: 'OrderRequestResponse' },
    errors: [
      ...orderChange,
      'order_not_found',
      'request_not_found',
      'invalid_transition',
      'too_many_requests',
      'order_not_editable',
      'totals_mismatch',
      'refund_exceeds_total',
      'page_blocked',
      'account_deleted',
    ],
  },
  {
    method: 'get',
    path: '/api/commerce/policy',
    tag: 'commerce',
    summary: 'The page’s policy for its customers’ requests (its defaults when it set none)',
    auth: 'pageToken',
    query: tokenQuery,
    ok: { 200: 'RequestPolicyResponse' },
    errors: ['invalid_token'],
  },
  {
    method: 'put',
    path: '/api/commerce/policy',
    tag: 'commerce',
    summary: 'Set the page’s policy for its customers’ requests',
    auth: 'pageToken',
    query: tokenQuery,
    body: requestPolicyBody,
    ok: { 200: 'RequestPolicyResponse' },
    errors: ['invalid_token'],
  },
  {
    method: 'post',
    path: '/api/pages/:id/orders/:number/requests/:requestId/answer',
    tag: 'inbox',
    summary: 'A member of the page answers a customer’s request from the inbox, as the Orders API does',
    description: requestDescription,
    body: answerRequestBody,
    ok: { 200: 'OrderRequestResponse' },
    errors: [
      'order_not_found',
      'request_not_found',
      'invalid_transition',
      'too_many_requests',
      'order_not_editable',
      'totals_mismatch',
      'refund_exceeds_total',
      'page_blocked',
      'order_changed',
      'account_deleted',
    ],
  },
  {
    method: 'get',
    path: '/api/pages/:id/commerce-policy',
    tag: 'inbox',
    summary: 'The page’s policy for its customers’ requests, for its people',
    ok: { 200: 'RequestPolicyResponse' },
    errors: asPage,
  },
  {
    method: 'put',
    path: '/api/pages/:id/commerce-policy',
    tag: 'inbox',
    summary: 'An admin of the page sets its policy for its customers’ requests',
    body: requestPolicyBody,
    ok: { 200: 'RequestPolicyResponse' },
    errors: [...asPage, 'not_page_admin'],
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'meta',
    summary: 'This OpenAPI 3.1 description of the native API',
    auth: false,
    ok: { 200: null },
  },
  // Accounts and sessions (server/accounts/routes.ts)
  {
    method: 'get',
    path: '/api/instance',
    tag: 'accounts',
    summary: 'What the sign-in screen needs before anyone signs in',
    auth: false,
    ok: { 200: 'InstanceResponse' },
  },
  {
    method: 'post',
    path: '/api/auth/signup',
    tag: 'accounts',
    summary: 'Create an account and sign in (sets the session cookie)',
    description: 'The username is trimmed and lowercased before it is checked.',
    auth: false,
    body: schemas.signUpBody,
    ok: { 201: 'UserResponse' },
    errors: ['username_taken', 'weak_password', 'signup_closed'],
  },
  {
    method: 'post',
    path: '/api/auth/signin',
    tag: 'accounts',
    summary: 'Sign in (sets the session cookie)',
    auth: false,
    body: schemas.signInBody,
    ok: { 200: 'UserResponse' },
    errors: ['invalid_credentials'],
  },
  {
    method: 'post',
    path: '/api/auth/signout',
    tag: 'accounts',
    summary: 'Sign out: the session is revoked and the cookie cleared',
    ok: { 204: null },
  },
  {
    method: 'get',
    path: '/api/me',
    tag: 'accounts',
    summary: 'The signed-in person and session',
    ok: { 200: 'MeResponse' },
  },
  {
    method: 'patch',
    path: '/api/me',
    tag: 'accounts',
    summary: 'Change your display name (seen at once in every conversation)',
    body: schemas.updateProfileBody,
    ok: { 200: 'UserResponse' },
  },
  {
    method: 'post',
    path: '/api/me/password',
    tag: 'accounts',
    summary:
      'Change your password: the current one checked within the sign-in limits, the new one held to ' +
      'sign-up’s rules; `signOutOtherDevices` revokes every other session (their sockets close), this one stays',
    body: schemas.changePasswordBody,
    ok: { 204: null },
    errors: ['wrong_password', 'weak_password', 'rate_limited'],
  },
  {
    method: 'delete',
    path: '/api/me',
    tag: 'accounts',
    summary:
      'Delete your account (your password again): sessions revoked, devices forgotten, profile and photo ' +
      'erased, groups left; your messages remain, from "Deleted account" (docs/SECURITY.md)',
    body: schemas.deleteAccountBody,
    ok: { 204: null },
    errors: ['wrong_password', 'last_page_admin', 'account_deleted', 'rate_limited'],
  },
  {
    method: 'put',
    path: '/api/me/avatar',
    tag: 'accounts',
    summary:
      'Set your profile photo: an image you uploaded (`POST /api/media`); the photo it replaces is deleted, ' +
      'everyone who shares a conversation with you sees it at once',
    body: schemas.setAvatarBody,
    ok: { 200: 'UserResponse' },
    errors: ['media_not_found', 'media_type_mismatch', 'rate_limited'],
  },
  {
    method: 'delete',
    path: '/api/me/avatar',
    tag: 'accounts',
    summary: 'Remove your profile photo (it is deleted; initials are shown again)',
    ok: { 200: 'UserResponse' },
    errors: ['rate_limited'],
  },
  {
    method: 'get',
    path: '/api/sessions',
    tag: 'accounts',
    summary: 'Your sessions (devices)',
    ok: { 200: 'SessionsResponse' },
  },
  {
    method: 'delete',
    path: '/api/sessions/:id',
    tag: 'accounts',
    summary: "Revoke one of your sessions; that device's sockets are closed at once",
    ok: { 204: null },
    errors: ['session_not_found'],
  },
  {
    method: 'get',
    path: '/api/users',
    tag: 'accounts',
    summary: 'Find people: by exact username, or among those you share a conversation with',
    query: schemas.userSearchQuery,
    ok: { 200: 'UsersResponse' },
  },
  // Conversations and messages (server/messaging/routes.ts)
  {
    method: 'get',
    path: '/api/conversations',
    tag: 'conversations',
    summary: 'Your conversations, most recent activity first, with the event cursor they are consistent with',
    ok: { 200: 'ConversationsResponse' },
  },
  {
    method: 'post',
    path: '/api/conversations/direct',
    tag: 'conversations',
    summary: 'Start (201) or find (200) your one-to-one conversation with someone',
    description:
      'The other person meets it with its first message (until then it is not in their list, their feed or ' +
      'their sockets). `blocked`: they block you.',
    body: schemas.startDirectBody,
    ok: { 200: 'ConversationResponse', 201: 'ConversationResponse' },
    errors: ['user_not_found', 'blocked'],
  },
  {
    method: 'post',
    path: '/api/conversations/group',
    tag: 'conversations',
    summary: 'Create a group (you are its admin)',
    body: schemas.createGroupBody,
    ok: { 201: 'ConversationResponse' },
    errors: ['user_not_found', 'member_limit', 'not_a_person'],
  },
  {
    method: 'get',
    path: '/api/conversations/:id',
    tag: 'conversations',
    summary: 'One of your conversations',
    ok: { 200: 'ConversationResponse' },
    errors: conversation,
  },
  {
    method: 'patch',
    path: '/api/conversations/:id',
    tag: 'conversations',
    summary: "Change a group's title or history visibility (admins)",
    body: schemas.updateConversationBody,
    ok: { 200: 'ConversationResponse' },
    errors: [...conversation, 'not_admin'],
  },
  {
    method: 'post',
    path: '/api/conversations/:id/members',
    tag: 'conversations',
    summary: 'Add people to a group',
    body: schemas.addMembersBody,
    ok: { 200: 'ConversationResponse' },
    errors: [...conversation, 'not_admin', 'user_not_found', 'member_limit', 'not_a_person'],
  },
  {
    method: 'delete',
    path: '/api/conversations/:id/members/:userId',
    tag: 'conversations',
    summary: 'Leave a group (yourself) or remove someone (admins)',
    ok: { 204: null },
    errors: [...conversation, 'not_admin', 'user_not_found'],
  },
  {
    method: 'get',
    path: '/api/conversations/:id/messages',
    tag: 'conversations',
    summary: 'A page of history, oldest first',
    description:
      'The latest messages, or those `before` a seq (older), `after` a seq (newer: `hasNewer` says whether more ' +
      'follow), or `around` a seq (a window holding it, to open a search result in its thread).',
    query: schemas.threadHistoryQuery,
    ok: { 200: 'MessagesResponse' },
    errors: conversation,
  },
  {
    method: 'post',
    path: '/api/conversations/:id/messages',
    tag: 'conversations',
    summary: 'Send a message (201), or get the original back (200) when its clientId was used already',
    body: schemas.sendMessageBody,
    ok: { 200: 'MessageResponse', 201: 'MessageResponse' },
    errors: [...conversation, ...send, 'blocked', 'you_blocked_user'],
  },
  {
    method: 'patch',
    path: '/api/messages/:id',
    tag: 'conversations',
    summary: 'Edit one of your messages',
    body: schemas.editMessageBody,
    ok: { 200: 'MessageResponse' },
    errors: [
      'message_not_found',
      'not_author',
      'message_deleted',
      'message_too_long',
      'message_empty',
      ...conversation,
    ],
  },
  {
    method: 'delete',
    path: '/api/messages/:id',
    tag: 'conversations',
    summary: 'Delete one of your messages for everyone',
    ok: { 200: 'MessageResponse' },
    errors: ['message_not_found', 'not_author', 'message_deleted', ...conversation],
  },
  {
    method: 'post',
    path: '/api/conversations/:id/receipts',
    tag: 'conversations',
    summary: 'Mark messages delivered or read up to a seq',
    body: schemas.receiptBody,
    ok: { 204: null },
    errors: conversation,
  },
  // The event feed (server/events/routes.ts)
  {
    method: 'get',
    path: '/api/events',
    tag: 'events',
    summary: 'Your feed of events after a cursor (for clients that cannot keep a socket open)',
    query: schemas.eventsQuery,
    ok: { 200: 'EventsResponse' },
    errors: ['cursor_expired'],
  },
  // Business pages (server/pages/routes.ts)
  {
    method: 'post',
    path: '/api/pages',
    tag: 'pages',
    summary: 'Create a business page, run by you (its admin)',
    body: schemas.createPageBody,
    ok: { 201: 'PageResponse' },
    errors: ['username_taken'],
  },
  {
    method: 'get',
    path: '/api/pages',
    tag: 'pages',
    summary: 'Find pages by username prefix or name (`q`), or the page of one username (`username`)',
    description:
      'One of `q` and `username`. `username` answers the page of exactly that username, case aside, as a list of one, or an empty list: what a short link `/m/<username>` opens.',
    query: schemas.pageSearchQuery,
    ok: { 200: 'PagesResponse' },
  },
  {
    method: 'get',
    path: '/api/me/pages',
    tag: 'pages',
    summary: 'The pages you help run',
    ok: { 200: 'MyPagesResponse' },
  },
  {
    method: 'get',
    path: '/api/pages/:id',
    tag: 'pages',
    summary: 'A page (pages are public)',
    ok: { 200: 'PageResponse' },
    errors: ['page_not_found'],
  },
  {
    method: 'get',
    path: '/api/pages/:id/profile',
    tag: 'pages',
    summary: "A page's greeting, Get Started button and persistent menu (its messenger profile)",
    ok: { 200: 'PageProfileResponse' },
    errors: ['page_not_found'],
  },
  {
    method: 'patch',
    path: '/api/pages/:id',
    tag: 'pages',
    summary: "Change a page's name or description (admins)",
    body: schemas.updatePageBody,
    ok: { 200: 'PageResponse' },
    errors: [...asPage, 'not_page_admin'],
  },
  {
    method: 'get',
    path: '/api/pages/:id/members',
    tag: 'pages',
    summary: 'The people who run the page',
    ok: { 200: 'PageMembersResponse' },
    errors: asPage,
  },
  {
    method: 'post',
    path: '/api/pages/:id/members',
    tag: 'pages',
    summary: 'Add a person to the page, or change their role (admins)',
    body: schemas.addPageMemberBody,
    ok: { 200: 'PageMembersResponse' },
    errors: [...asPage, 'not_page_admin', 'user_not_found', 'not_a_person', 'last_page_admin'],
  },
  {
    method: 'patch',
    path: '/api/pages/:id/members/:userId',
    tag: 'pages',
    summary: "Change a member's role (admins; the last admin stays admin)",
    body: schemas.setPageRoleBody,
    ok: { 200: 'PageMembersResponse' },
    errors: [...asPage, 'not_page_admin', 'user_not_found', 'last_page_admin'],
  },
  {
    method: 'delete',
    path: '/api/pages/:id/members/:userId',
    tag: 'pages',
    summary: 'Leave the page (yourself) or remove someone (admins)',
    ok: { 204: null },
    errors: [...asPage, 'not_page_admin', 'user_not_found', 'last_page_admin'],
  },
  {
    method: 'get',
    path: '/api/pages/:id/apps',
    tag: 'pages',
    summary: 'The apps connected to the page and the state of their webhooks (admins)',
    description:
      "For the page's admins, whoever owns the apps: each app's name and owner, and its webhook's status " +
      '(`active`, `unverified`, `disabled` with when and why, `none`). Of the callback URL only its origin is ' +
      'given; never the app secret nor the verify token.',
    ok: { 200: 'PageAppsResponse' },
    errors: [...asPage, 'not_page_admin'],
  },
  {
    method: 'post',
    path: '/api/pages/:id/conversation',
    tag: 'pages',
    summary: 'Start (201) or reopen (200) your conversation with a page',
    description:
      "The body may be absent. `ref`: the page's short link was followed (`/m/<username>?ref=<ref>`); its apps receive the ref as Messenger's m.me links give it (a `referral` event, or the Get Started postback's `referral`; docs/PLATFORM.md). 1 to 250 of `A-Z a-z 0-9 + / = - . : _`, else `invalid_ref` and nothing is stored.",
    body: schemas.openPageConversationBody,
    ok: { 200: 'PageConversationResponse', 201: 'PageConversationResponse' },
    errors: ['page_not_found', 'not_a_person', 'invalid_ref'],
  },
  // A page's inbox and the handover protocol (server/pages/routes.ts)
  {
    method: 'get',
    path: '/api/pages/:id/conversations',
    tag: 'inbox',
    summary: "The page's conversations, as the page sees them",
    ok: { 200: 'ConversationsResponse' },
    errors: asPage,
  },
  {
    method: 'get',
    path: '/api/pages/:id/conversations/:conversationId',
    tag: 'inbox',
    summary: 'One of the page’s conversations',
    ok: { 200: 'ConversationResponse' },
    errors: [...asPage, ...conversation],
  },
  {
    method: 'get',
    path: '/api/pages/:id/conversations/:conversationId/messages',
    tag: 'inbox',
    summary: 'A page of history of one of the page’s conversations',
    query: schemas.historyQuery,
    ok: { 200: 'MessagesResponse' },
    errors: [...asPage, ...conversation],
  },
  {
    method: 'post',
    path: '/api/pages/:id/conversations/:conversationId/messages',
    tag: 'inbox',
    summary: 'Send a message as the page (a page does not tap: quickReply/postback are `not_a_person`)',
    body: schemas.sendMessageBody,
    ok: { 200: 'MessageResponse', 201: 'MessageResponse' },
    errors: [...asPage, ...conversation, ...send],
  },
  {
    method: 'post',
    path: '/api/pages/:id/conversations/:conversationId/receipts',
    tag: 'inbox',
    summary: 'The page has read (or received) up to a seq',
    body: schemas.receiptBody,
    ok: { 204: null },
    errors: [...asPage, ...conversation],
  },
  {
    method: 'get',
    path: '/api/pages/:id/handover',
    tag: 'inbox',
    summary: "The page's receivers in the handover protocol, the primary first",
    ok: { 200: 'HandoverResponse' },
    errors: asPage,
  },
  {
    method: 'put',
    path: '/api/pages/:id/handover',
    tag: 'inbox',
    summary: "Choose the page's primary receiver (admins; null: the default)",
    body: schemas.setHandoverBody,
    ok: { 200: 'HandoverResponse' },
    errors: [...asPage, 'not_page_admin', 'app_not_found'],
  },
  {
    method: 'get',
    path: '/api/pages/:id/conversations/:conversationId/thread-control',
    tag: 'inbox',
    summary: 'Which receiver owns the conversation',
    ok: { 200: 'ThreadControlResponse' },
    errors: [...asPage, 'conversation_not_found'],
  },
  {
    method: 'post',
    path: '/api/pages/:id/conversations/:conversationId/thread-control',
    tag: 'inbox',
    summary: "Take the conversation into the page's inbox, or pass it from the inbox to an app",
    body: schemas.threadControlBody,
    ok: { 200: 'ThreadControlResponse' },
    errors: [...asPage, 'conversation_not_found', 'not_thread_owner', 'app_not_found'],
  },
  // The business inbox (server/inbox/routes.ts)
  ...inboxOperations,
  // Uploaded media (server/media/routes.ts)
  {
    method: 'post',
    path: '/api/media',
    tag: 'media',
    summary: 'Upload a file (its raw bytes as the body); send it in a message with `attachmentIds`',
    description:
      'The type comes from the bytes, never the name nor the Content-Type; the limits are per type (an image ' +
      '25 MB, a video 100 MB, audio 25 MB, any other file 100 MB); images are re-encoded without their metadata ' +
      'and given a thumbnail. An upload not sent within 24 hours is deleted. At most `RATE_UPLOADS_PER_MINUTE` ' +
      'per minute and 4 at once per account. A voice clip (`voice=1`) must be audio and says its `durationMs`.',
    query: uploadMediaQuery,
    rawBody: 'The file’s bytes, streamed (any Content-Type: it is only a hint).',
    ok: { 201: 'UploadMediaResponse' },
    errors: ['media_too_large', 'media_type_mismatch', 'media_corrupt', 'media_too_many_pixels'],
  },
  {
    method: 'get',
    path: '/api/media/:id',
    tag: 'media',
    summary: 'Read an uploaded file, whole or by range',
    description: mediaReadDescription,
    auth: false,
    query: signedQuery,
    ok: { 200: 'file', 206: 'file', 304: null },
    errors: readMedia,
  },
  {
    method: 'get',
    path: '/api/media/:id/thumbnail',
    tag: 'media',
    summary: 'Read the thumbnail of an uploaded image (WebP)',
    description: mediaReadDescription,
    auth: false,
    query: signedQuery,
    ok: { 200: 'file', 206: 'file', 304: null },
    errors: readMedia,
  },
  // Developer apps (server/apps/routes.ts)
  {
    method: 'post',
    path: '/api/apps',
    tag: 'apps',
    summary: 'Create an app; its secret is shown here only',
    body: schemas.createAppBody,
    ok: { 201: 'AppSecretResponse' },
  },
  { method: 'get', path: '/api/apps', tag: 'apps', summary: 'Your apps, oldest first', ok: { 200: 'AppsResponse' } },
  {
    method: 'get',
    path: '/api/apps/:id',
    tag: 'apps',
    summary: 'One of your apps and its webhook',
    ok: { 200: 'AppResponse' },
    errors: ['app_not_found'],
  },
  {
    method: 'post',
    path: '/api/apps/:id/secret',
    tag: 'apps',
    summary: "Replace the app's secret (the old one stops working at once); shown once",
    ok: { 200: 'AppSecretResponse' },
    errors: ['app_not_found'],
  },
  {
    method: 'put',
    path: '/api/apps/:id/webhook',
    tag: 'apps',
    summary: "Set the app's webhook, stored once the URL answered the subscribe handshake",
    description: 'Each of `fields` is a webhook field of docs/PLATFORM.md (`messages`, `messaging_postbacks`, …).',
    body: schemas.setWebhookBody,
    ok: { 200: 'WebhookResponse' },
    errors: ['app_not_found', 'invalid_webhook_url', 'webhook_address_forbidden', 'webhook_verification_failed'],
  },
  {
    method: 'delete',
    path: '/api/apps/:id/webhook',
    tag: 'apps',
    summary: "Remove the app's webhook",
    ok: { 204: null },
    errors: ['app_not_found'],
  },
  {
    method: 'post',
    path: '/api/apps/:id/pages/:pageId',
    tag: 'apps',
    summary: 'Connect the app to a page you run as admin: a page access token, shown once',
    ok: { 201: 'PageAccessTokenResponse' },
    errors: ['app_not_found', 'page_not_found'],
  },
  {
    method: 'delete',
    path: '/api/apps/:id/pages/:pageId',
    tag: 'apps',
    summary: "Revoke the app's token for the page",
    ok: { 204: null },
    errors: ['app_not_found', 'page_not_found'],
  },
  // Content apps (server/compose/routes.ts)
  ...composeOperations,
  // Webhook deliveries (server/webhooks/routes.ts)
  {
    method: 'get',
    path: '/api/apps/:id/deliveries',
    tag: 'webhooks',
    summary: "The app's webhook delivery log, newest first",
    query: listQuery,
    ok: { 200: 'DeliveriesResponse' },
    errors: ['app_not_found'],
  },
  {
    method: 'get',
    path: '/api/apps/:id/deliveries/:deliveryId',
    tag: 'webhooks',
    summary: 'One delivery',
    ok: { 200: 'DeliveryResponse' },
    errors: ['app_not_found', 'delivery_not_found'],
  },
  {
    method: 'post',
    path: '/api/apps/:id/deliveries/:deliveryId/replay',
    tag: 'webhooks',
    summary: 'Send a delivery again, as a new one',
    ok: { 202: 'DeliveryQueuedResponse' },
    errors: ['app_not_found', 'delivery_not_found', 'webhook_not_set'],
  },
  {
    method: 'post',
    path: '/api/apps/:id/webhook/test',
    tag: 'webhooks',
    summary: 'Send a sample `messages` event to the webhook',
    body: testBody,
    ok: { 202: 'DeliveryQueuedResponse' },
    errors: ['app_not_found', 'webhook_not_set', 'app_not_connected'],
  },
  // Opt-in at checkout and your control over pages (server/platform/optin-routes.ts)
  {
    method: 'post',
    path: '/api/optins',
    tag: 'optins',
    summary: 'Opt in to a page’s updates for one checkout (201; 200 when you had already)',
    description:
      'What the checkbox plugin’s frame sends when the box is ticked (`how: "checkbox"`, `origin`: the ' +
      'embedding page’s), and the link flow’s confirmation (`how: "link"`, `returnTo`). The origin must be one ' +
      'of the page’s whitelisted domains (`origin_not_allowed`); `userRef`: 1 to 250 of `A-Z a-z 0-9 - _ .`, ' +
      'unique per page (`user_ref_taken` when another person has it); `ref`: as a short link’s. The page’s apps ' +
      'receive a `messaging_optins` event (docs/PLATFORM.md).',
    body: createOptinBody,
    ok: { 200: 'OptinResponse', 201: 'OptinResponse' },
    errors: [
      'page_not_found',
      'invalid_user_ref',
      'invalid_ref',
      'origin_not_allowed',
      'user_ref_taken',
      'page_blocked',
    ],
  },
  {
    method: 'post',
    path: '/api/optins/revoke',
    tag: 'optins',
    summary: 'Revoke one opt-in of yours (the box unticked)',
    body: revokeOptinBody,
    ok: { 204: null },
    errors: ['optin_not_found'],
  },
  {
    method: 'get',
    path: '/api/optins',
    tag: 'optins',
    summary: 'Your active opt-ins, and the pages whose updates you stopped or that you blocked',
    ok: { 200: 'OptinsResponse' },
  },
  {
    method: 'get',
    path: '/api/optins/check',
    tag: 'optins',
    summary: 'Check the link flow’s parameters before its confirmation screen',
    query: checkOptinQuery,
    ok: { 200: 'OptinCheckResponse' },
    errors: ['page_not_found', 'invalid_user_ref', 'invalid_ref', 'origin_not_allowed', 'user_ref_taken'],
  },
  {
    method: 'get',
    path: '/api/pages/:id/consent',
    tag: 'optins',
    summary: 'Your standing with a page: opted in, updates stopped, blocked',
    ok: { 200: 'PageConsentResponse' },
    errors: ['page_not_found'],
  },
  {
    method: 'post',
    path: '/api/pages/:id/consent',
    tag: 'optins',
    summary: 'Stop or resume a page’s updates; block or unblock it',
    description:
      '`updates: "stopped"` revokes your opt-ins with the page: its sends to them are refused (Graph `551`), and ' +
      'it may only answer what you write afterwards. `blocked: true`: the page can send you nothing at all, by ' +
      'any route; `false` unblocks it.',
    body: pageConsentBody,
    ok: { 200: 'PageConsentResponse' },
    errors: ['page_not_found'],
  },
  // Chat management (server/messaging/settings.ts)
  {
    method: 'patch',
    path: '/api/conversations/:id/settings',
    tag: 'conversations',
    summary: 'Mute, pin or archive a conversation, for yourself',
    description:
      '`mutedUntil`: an ISO time in the future (`9999-12-31T23:59:59.999Z` for "Always"), or null to unmute. ' +
      'At most 5 pinned conversations (`too_many_pinned`). Pinning unarchives, archiving unpins. An archived ' +
      'conversation returns to the main list when a message arrives while it is not muted. Your devices receive ' +
      '`conversation.settings_updated`; nobody else learns anything.',
    body: schemas.conversationSettingsBody,
    ok: { 200: 'ConversationSettingsResponse' },
    errors: ['too_many_pinned', ...conversation],
  },
  {
    method: 'post',
    path: '/api/messages/:id/hide',
    tag: 'conversations',
    summary: 'Delete a message for yourself',
    description:
      'Any message you may read, someone else’s or a deleted one too: your history pages, last message and unread ' +
      'count skip it from then on, its later edits are not sent to you, and your devices receive `message.hidden`. ' +
      'The other members still see it. Hiding it again changes nothing.',
    ok: { 204: null },
    errors: ['message_not_found', ...conversation],
  },
  {
    method: 'post',
    path: '/api/messages/:id/forward',
    tag: 'conversations',
    summary: 'Forward a message to up to 5 of your conversations',
    description:
      'A new message of yours in each conversation, `forwarded: true`, with the text and the media (each copy its ' +
      'own record: deleting one never breaks another), sent as any message (every rule of a send applies). ' +
      '`201` with the copies, `200` when a retry with the same `clientId` found them all made. Templates, quick ' +
      'replies, orders and the taps on them are `not_forwardable`; all the copies or none.',
    body: schemas.forwardBody,
    ok: { 200: 'ForwardResponse', 201: 'ForwardResponse' },
    errors: ['message_deleted', 'not_forwardable', 'page_blocked', ...conversation, ...send],
  },
  // Presence (server/presence/routes.ts)
  {
    method: 'get',
    path: '/api/presence',
    tag: 'presence',
    summary: 'Whether people are online, or when they were last seen',
    description:
      'Of the people named (`userIds`, comma-separated, at most 200), those who now share a conversation with ' +
      'you, each `online`, `offline` (since `lastSeenAt`) or `hidden` (their setting or yours); the others are ' +
      'left out. Changes come live as `presence` signals on the socket.',
    query: schemas.presenceQuery,
    ok: { 200: 'PresenceResponse' },
  },
  {
    method: 'get',
    path: '/api/me/settings',
    tag: 'presence',
    summary: 'Your settings',
    ok: { 200: 'SettingsResponse' },
  },
  {
    method: 'patch',
    path: '/api/me/settings',
    tag: 'presence',
    summary: 'Change your settings: `showPresence`',
    description:
      '`showPresence: false`: nobody sees whether you are online or when you were last seen, and you see ' +
      'nobody’s (as on the well-known messengers); the people you share a conversation with are told at once.',
    body: schemas.updateSettingsBody,
    ok: { 200: 'SettingsResponse' },
  },
  {
    method: 'get',
    path: '/api/blocks',
    tag: 'blocks',
    summary: 'The people you block, latest first',
    ok: { 200: 'BlocksResponse' },
  },
  {
    method: 'post',
    path: '/api/blocks',
    tag: 'blocks',
    summary: 'Block a person (again: the earlier block is answered)',
    description:
      'They can no longer start a one-to-one conversation with you nor write in yours (`blocked`); you cannot ' +
      'write to them either until you unblock them (`you_blocked_user`). Groups are not affected. Your devices ' +
      'get `block.updated`; the person is told nothing. A page is blocked from its conversation instead ' +
      '(`POST /api/pages/:id/consent`).',
    body: schemas.blockBody,
    ok: { 200: 'BlockResponse' },
    errors: ['user_not_found', 'cannot_block_self', 'cannot_block_page'],
  },
  {
    method: 'delete',
    path: '/api/blocks/:userId',
    tag: 'blocks',
    summary: 'Unblock a person (not blocked: nothing happens)',
    ok: { 204: null },
    errors: ['cannot_block_self'],
  },
  // Emoji reactions (server/messaging/routes.ts, reactionRoutes)
  ...(['put', 'delete'] as const).map(
    (method): Operation => ({
      method,
      path: '/api/conversations/:id/messages/:messageId/reactions/:emoji',
      tag: 'conversations',
      summary: method === 'put' ? 'React to a message with an emoji' : 'Take back your emoji reaction on a message',
      description:
        '`emoji`: one emoji (Unicode RGI, ZWJ sequences, skin tones and flags included; at most 32 UTF-8 bytes), ' +
        'percent-encoded in the path; else `400 bad_request` naming `emoji`. A symbol without its emoji ' +
        'variation selector (U+2764) is taken as its emoji form (U+2764 U+FE0F). Idempotent: putting one you put, ' +
        'or taking back one you did not, changes nothing. Answers the message with its reactions as they now are.',
      ok: { 200: 'MessageResponse' },
      errors: ['message_not_found', 'message_deleted', 'reaction_limit', 'not_member'],
    }),
  ),
  {
    method: 'get',
    path: '/api/search/messages',
    tag: 'conversations',
    summary: 'Search your messages: newest first, with a snippet and where the words matched',
    description:
      '`q` is plain words (any punctuation or operator is a separator, never query syntax); every word must ' +
      'match, the last one as a prefix. Only conversations you are an active member of, only what you may ' +
      'read there, never a deleted message. `before`: the previous page’s `nextCursor`.',
    query: schemas.messageSearchQuery,
    ok: { 200: 'MessageSearchResponse' },
    errors: ['bad_request', 'conversation_not_found', 'not_member'],
  },
];
