import { randomBytes } from 'node:crypto';
import { AppError, toAppError } from '../errors.ts';
import { SendBodyError } from './send-body.ts';

/**
 * Errors of the Graph-compatible API, as Messenger clients read them: HTTP 4xx with
 * `{error: {message, type, code, error_subcode?, fbtrace_id}}` — never a 5xx for bad input (some clients
 * retry 5xx). Every error of the Graph routes becomes one here, in one place.
 */
export interface GraphErrorBody {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly subcode: number | null = null,
    readonly type = 'OAuthException',
  ) {
    super(message);
    this.name = 'GraphError';
  }

  toBody(): GraphErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode === null ? {} : { error_subcode: this.subcode }),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    };
  }
}

export const graph = {
  token: (why = 'Invalid OAuth access token.') => new GraphError(400, 190, why),
  proof: () => new GraphError(400, 100, 'Invalid appsecret_proof provided in the API argument'),
  param: (field: string, why: string, subcode: number | null = null) =>
    new GraphError(400, 100, `(#100) param ${field}: ${why}`, subcode),
  noUser: () => new GraphError(400, 100, '(#100) No matching user found', 2018001),
  window: () =>
    new GraphError(
      400,
      10,
      '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
      2018278,
    ),
  /** The person blocked the page, or stopped its updates (docs/PLATFORM.md, "The person's control"). */
  unavailable: () => new GraphError(400, 551, "This person isn't available right now.", 1545041),
  rate: () => new GraphError(400, 613, '(#613) Calls to this api have exceeded the rate limit.'),
  permission: (why = '(#200) The page does not allow this app to do this') => new GraphError(403, 200, why),
  unknownPath: () => new GraphError(400, 100, 'Unsupported request - method type or path not supported', 3),
  /** The Send API, from an app that does not own the thread (handover protocol). */
  threadControlled: () =>
    new GraphError(
      400,
      10,
      '(#10) Message failed to send because another app is controlling this thread now.',
      2018300,
    ),
  /** GET of an id this page does not know (another page's PSID, say): what the Graph API answers for any unknown node. */
  unknownObject: (id: string) =>
    new GraphError(
      400,
      100,
      `Unsupported get request. Object with ID '${id.slice(0, 64)}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      33,
      'GraphMethodException',
    ),
  unknownField: (field: string, node: string) =>
    new GraphError(400, 100, `(#100) Tried accessing nonexisting field (${field.slice(0, 64)}) on node type (${node})`),
};

/**
 * What media refused, as a Graph error naming the field: a URL that could not be fetched (unreachable, a
 * private address, an error status, too slow) is Messenger's `100 / 2018008`; a file too large for its
 * kind `100 / 2018109`; bytes that are no valid file of their kind (corrupt, a decompression bomb, a name
 * that says another type) `100 / 2018047`, Messenger's "upload attachment failure".
 */
export function mediaError(e: unknown, field: string): unknown {
  return e instanceof AppError ? (mediaGraphError(e, field) ?? e) : e;
}

function mediaGraphError(e: AppError, field: string): GraphError | null {
  switch (e.id) {
    case 'media_fetch_failed':
      return graph.param(field, `Failed to fetch the file from the url: ${e.message}`, 2018008);
    case 'media_too_large':
      return graph.param(field, `Attachment size exceeds allowable limit: ${e.message}`, 2018109);
    case 'media_corrupt':
    case 'media_type_mismatch':
    case 'media_too_many_pixels':
      return graph.param(field, `Upload attachment failure: ${e.message}`, 2018047);
    case 'media_not_found':
      return graph.param(field, 'no such attachment');
    default:
      return null;
  }
}

/** Any error thrown on a Graph route, as a Graph error. */
export function toGraphError(e: unknown): GraphError {
  if (e instanceof GraphError) return e;
  if (e instanceof SendBodyError)
    return graph.param(e.field, e.message.replace(/^\(#100\) param [^:]+: /, ''), e.subcode);
  const err: AppError = toAppError(e);
  // Media refused past the route's own reading (the claim in the send's job): the message's attachment.
  const media = mediaGraphError(err, 'message[attachment]');
  if (media) return media;
  switch (err.id) {
    case 'rate_limited':
      return graph.rate();
    case 'conversation_not_found':
    case 'user_not_found':
    case 'not_member':
      return graph.noUser();
    case 'page_blocked':
      return graph.unavailable();
    case 'message_too_long':
      return graph.param('message[text]', err.message);
    case 'message_empty':
      return graph.param('message', 'Message cannot be empty, must provide valid attachment or text', 2018034);
    case 'bad_request':
      // A rule of a domain about one field (a persistent menu needs Get Started): named like the others.
      return namedParam(err, typeof err.details?.field === 'string' ? err.details.field : 'body');
    // An order's rules, on a receipt template: named by the template's field in the body, as the receipt's
    // flow named it (commerce/receipts.ts receiptRefusal), its amounts as the template sent them.
    case 'totals_mismatch':
    case 'unknown_currency':
    case 'order_not_editable':
    case 'order_number_taken':
    case 'refund_exceeds_total':
      return namedParam(
        err,
        typeof err.details?.field === 'string' && err.details.field.startsWith('message.')
          ? err.details.field
          : 'message.attachment.payload',
      );
    case 'invalid_json':
    case 'unsupported_media_type':
      return graph.param('body', err.message);
    case 'payload_too_large':
      return graph.param('filedata', 'The attachment is too large', 2018109);
    case 'storage_unavailable':
      return new GraphError(503, 2, 'Service temporarily unavailable', null, 'OAuthException');
    // Another process changed the receipt's order at the same moment: sent again, it applies.
    case 'order_changed':
      return new GraphError(503, 2, err.message, null, 'OAuthException');
    default:
      return err.status >= 500
        ? new GraphError(500, 1, 'An unknown error occurred', null, 'OAuthException')
        : graph.param('body', err.message);
  }
}

/** `(#100) param <field>: <why>`, the field said once when the error's message starts with it too. */
function namedParam(err: AppError, field: string): GraphError {
  return graph.param(field, err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message);
}
