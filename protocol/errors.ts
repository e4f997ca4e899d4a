/**
 * Stable error ids. The server maps each to an HTTP status (server/errors.ts); the web app maps each to a
 * sentence in its message catalogue. The same ids travel in WebSocket `error` frames.
 */
export const errorIds = [
  'bad_request',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'session_expired',
  'forbidden_origin',
  'invalid_credentials',
  'username_taken',
  'weak_password',
  'signup_closed',
  'user_not_found',
  'session_not_found',
  'conversation_not_found',
  'not_member',
  'not_admin',
  'page_not_found',
  'not_page_member',
  'not_page_admin',
  'last_page_admin',
  'not_a_person',
  'not_page_conversation',
  'quick_reply_not_offered',
  'postback_not_offered',
  'invalid_ref',
  'member_limit',
  'message_not_found',
  'not_author',
  'message_deleted',
  'message_too_long',
  'message_empty',
  'client_id_conflict',
  'rate_limited',
  'too_many_connections',
  'not_found',
  'hello_required',
  'invalid_frame',
  'unknown_frame',
  'frame_too_large',
  'cursor_expired',
  'app_not_found',
  'not_thread_owner',
  'invalid_webhook_url',
  'webhook_address_forbidden',
  'webhook_verification_failed',
  'webhook_not_set',
  'delivery_not_found',
  'app_not_connected',
  'assignee_not_member',
  'label_not_found',
  'label_exists',
  'canned_reply_not_found',
  'canned_reply_exists',
  'inbox_limit',
  'storage_unavailable',
  'internal',
] as const;

export type ErrorId = (typeof errorIds)[number];

/** The body of every HTTP error answer, and the payload of a socket `error` frame. */
export interface ErrorBody {
  id: ErrorId;
  message: string;
  /** Field-level problems for `bad_request`, seconds to wait for `rate_limited`. */
  details?: Record<string, unknown>;
}
