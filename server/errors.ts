import type { ErrorBody, ErrorId } from '../protocol/errors.ts';

/**
 * The error catalogue: every error a client can see has a stable id and an HTTP status. Services throw
 * AppError; the HTTP error handler (http/errors.ts) and the socket gateway turn it into the envelope.
 * `reportable` errors are bugs or outages and are logged at error level.
 */
export const catalogue: Record<ErrorId, { status: number; message: string; reportable?: boolean }> = {
  bad_request: { status: 400, message: 'The request is invalid' },
  invalid_json: { status: 400, message: 'The body is not valid JSON' },
  payload_too_large: { status: 413, message: 'The request body is too large' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json' },
  unauthenticated: { status: 401, message: 'Sign in first' },
  session_expired: { status: 401, message: 'Your session has expired; sign in again' },
  forbidden_origin: { status: 403, message: 'Requests from this origin are not allowed' },
  invalid_credentials: { status: 401, message: 'Wrong username or password' },
  username_taken: { status: 409, message: 'This username is taken' },
  weak_password: { status: 400, message: 'This password is too easy to guess' },
  signup_closed: { status: 403, message: 'Sign-up is closed on this server; ask its operator for an account' },
  user_not_found: { status: 404, message: 'No such person' },
  session_not_found: { status: 404, message: 'No such session' },
  conversation_not_found: { status: 404, message: 'No such conversation' },
  not_member: { status: 403, message: 'You are not a member of this conversation' },
  not_admin: { status: 403, message: 'Only the group admins can do this' },
  page_not_found: { status: 404, message: 'No such page' },
  not_page_member: { status: 403, message: 'Only the people who run this page can do this' },
  not_page_admin: { status: 403, message: 'Only the admins of this page can do this' },
  last_page_admin: { status: 409, message: 'A page needs at least one admin' },
  not_a_person: { status: 400, message: 'A page cannot do this; only people can' },
  not_page_conversation: {
    status: 400,
    message: 'Quick replies and postback buttons are tapped in a conversation with a page only',
  },
  quick_reply_not_offered: {
    status: 409,
    message: 'The page does not offer this quick reply: only those under its latest message can be tapped',
  },
  postback_not_offered: {
    status: 409,
    message: 'The page does not offer this button in this conversation (or its title differs)',
  },
  invalid_ref: {
    status: 400,
    message: 'The link’s ref is not valid: 1 to 250 letters, digits and + / = - . : _',
  },
  invalid_user_ref: {
    status: 400,
    message: 'The user_ref is not valid: 1 to 250 letters, digits and - _ .',
  },
  user_ref_taken: { status: 409, message: 'This user_ref is already used by another person for this page' },
  origin_not_allowed: {
    status: 403,
    message: 'This site is not one of the page’s whitelisted domains',
  },
  optin_not_found: { status: 404, message: 'No such opt-in' },
  page_blocked: { status: 403, message: 'This page is blocked: it cannot send messages to this person' },
  updates_stopped: {
    status: 403,
    message: 'This person stopped this page’s updates: it cannot send them a new order',
  },
  member_limit: { status: 409, message: 'The group is full' },
  message_not_found: { status: 404, message: 'No such message' },
  not_author: { status: 403, message: 'Only the author can change this message' },
  message_deleted: { status: 409, message: 'This message was deleted' },
  message_too_long: { status: 400, message: 'The message is too long' },
  message_empty: { status: 400, message: 'The message is empty' },
  client_id_conflict: { status: 409, message: 'This client id was used for another conversation' },
  rate_limited: { status: 429, message: 'Too many requests; slow down' },
  too_many_connections: { status: 429, message: 'Too many connections' },
  not_found: { status: 404, message: 'Not found' },
  hello_required: { status: 400, message: 'Send hello first' },
  invalid_frame: { status: 400, message: 'The frame is invalid' },
  unknown_frame: { status: 400, message: 'Unknown frame type' },
  frame_too_large: { status: 413, message: 'The frame is too large' },
  cursor_expired: {
    status: 410,
    message: 'Events after this cursor are no longer kept; reload the conversations and use their cursor',
  },
  app_not_found: { status: 404, message: 'No such app' },
  not_thread_owner: { status: 409, message: 'The page inbox does not control this conversation' },
  invalid_webhook_url: { status: 400, message: 'The webhook URL is not valid' },
  webhook_address_forbidden: {
    status: 400,
    message: 'The webhook URL points to a local or private address, which this server does not call',
  },
  webhook_not_set: { status: 409, message: 'The app has no webhook that answered its handshake' },
  delivery_not_found: { status: 404, message: 'No such delivery' },
  app_not_connected: { status: 409, message: 'The app is not connected to that page' },
  content_app_not_enabled: { status: 409, message: 'Enable this content app first' },
  app_query_timeout: { status: 504, message: 'The content app did not answer in time' },
  app_query_failed: { status: 502, message: 'The content app did not give a usable answer' },
  app_result_not_found: { status: 404, message: 'resultId: the app did not return this result to you' },
  app_icon_failed: { status: 400, message: 'iconUrl: the icon could not be fetched as an image' },
  assignee_not_member: { status: 400, message: 'A conversation is assigned only to someone who runs the page' },
  label_not_found: { status: 404, message: 'No such label on this page' },
  label_exists: { status: 409, message: 'The page has a label of that name already' },
  canned_reply_not_found: { status: 404, message: 'No such canned reply on this page' },
  canned_reply_exists: { status: 409, message: 'The page has a canned reply with that shortcut already' },
  inbox_limit: { status: 409, message: 'The page has as many of these as it may' },
  invalid_token: {
    status: 401,
    message: 'An active page access token is needed (Authorization: Bearer, or ?access_token=)',
  },
  order_not_found: { status: 404, message: 'No such order for this page' },
  shipment_not_found: { status: 404, message: 'No such shipment of this order' },
  customer_not_found: {
    status: 404,
    message: 'customer.psid: nobody has this page-scoped id for this page',
  },
  order_number_taken: { status: 409, message: 'number: this page already has an order with this number' },
  idempotency_key_reused: {
    status: 409,
    message: 'Idempotency-Key: this key was used with another request; use a new key for a new request',
  },
  invalid_transition: { status: 409, message: 'This change of state is not allowed' },
  order_not_editable: { status: 409, message: 'The order can no longer be changed this way' },
  order_changed: { status: 409, message: 'The order changed while this change was made: read it and try again' },
  totals_mismatch: {
    status: 400,
    message: 'total: must equal the items (quantity × unit price) + adjustments + taxes + shipping cost',
  },
  unknown_currency: { status: 400, message: 'currency: not an ISO 4217 currency code in use' },
  shipment_items_invalid: { status: 400, message: 'items: more than what is left to ship of the order' },
  request_not_found: { status: 404, message: 'No such request on this order' },
  request_not_allowed: { status: 403, message: 'The page does not allow this request on this order now' },
  request_open: {
    status: 409,
    message: 'This order has a request still open; the page takes one at a time',
  },
  too_many_requests: { status: 409, message: 'This order has had as many requests as it may' },
  order_limit: { status: 409, message: 'The order has as many of these as it may' },
  refund_exceeds_total: { status: 400, message: 'amount: the order’s refunds would exceed its total' },
  media_not_found: { status: 404, message: 'No such attachment, or it is not yours to see' },
  media_too_large: { status: 413, message: 'The file is larger than allowed for its type' },
  media_type_mismatch: { status: 415, message: 'The file’s content does not match its name' },
  media_corrupt: { status: 422, message: 'The file is damaged or truncated and cannot be read' },
  media_too_many_pixels: { status: 422, message: 'The image is too large once decoded' },
  media_link_expired: { status: 403, message: 'This link to the attachment has expired or is not valid' },
  media_fetch_failed: { status: 400, message: 'The attachment could not be fetched from its URL' },
  too_many_attachments: { status: 400, message: 'A message carries at most 10 attachments' },
  range_not_satisfiable: { status: 416, message: 'The requested range is outside the file' },
  webhook_verification_failed: { status: 400, message: 'The webhook did not answer the verification request' },
  storage_unavailable: { status: 503, message: 'Storage is unavailable; try again', reportable: true },
  internal: { status: 500, message: 'Something went wrong on our side', reportable: true },
  too_many_pinned: { status: 409, message: 'You can pin at most 5 conversations' },
  not_forwardable: { status: 400, message: 'This message cannot be forwarded' },
  blocked: { status: 403, message: 'You cannot message this person or start a conversation with them' },
  you_blocked_user: { status: 403, message: 'You blocked this person: unblock them to write to them' },
  cannot_block_self: { status: 400, message: 'You cannot block yourself' },
  cannot_block_page: {
    status: 400,
    message: 'A page is blocked from its conversation (POST /api/pages/:id/consent with {"blocked": true})',
  },
  wrong_password: { status: 403, message: 'Your current password is not right' },
  account_deleted: { status: 410, message: 'This account was deleted' },
  reaction_limit: { status: 409, message: 'This message has as many different reactions as it may' },
};

export class AppError extends Error {
  readonly id: ErrorId;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly reportable: boolean;

  constructor(id: ErrorId, message?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    const entry = catalogue[id];
    super(message ?? entry.message, options);
    this.name = 'AppError';
    this.id = id;
    this.status = entry.status;
    this.details = details;
    this.reportable = entry.reportable === true;
  }

  toBody(): ErrorBody {
    return this.details
      ? { id: this.id, message: this.message, details: this.details }
      : { id: this.id, message: this.message };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Any thrown value as an AppError: unknown errors become `internal` (the cause is kept for the log). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  return new AppError('internal', undefined, undefined, { cause: e });
}
