import { limits } from '../../../protocol/limits.ts';
import type { WebhookView } from '../../../protocol/views.ts';
import { type WebhookField, webhookFields } from '../../../protocol/webhooks.ts';
import { ApiError } from '../api/http.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { Params } from '../i18n/types.ts';

/**
 * The webhook form of the console: what it starts from, what it checks before asking the server, and what
 * a refusal of the server means, in words, under the field it is about (`general`: the handshake itself).
 */

export interface WebhookDraft {
  url: string;
  verifyToken: string;
  fields: WebhookField[];
}

export type WebhookFieldName = 'url' | 'verifyToken' | 'fields' | 'general';

export interface WebhookProblem {
  field: WebhookFieldName;
  key: MessageKey;
  params?: Params;
}

/** What a bot usually subscribes to first. */
const defaultFields: WebhookField[] = ['messages', 'messaging_postbacks'];

/**
 * The form for a new webhook, or to change the one there is: its URL and fields kept, the verify token
 * typed again (the server never shows it back).
 */
export function draftFrom(webhook: WebhookView | null): WebhookDraft {
  if (!webhook) return { url: '', verifyToken: '', fields: [...defaultFields] };
  return { url: webhook.url, verifyToken: '', fields: webhookFields.filter((f) => webhook.fields.includes(f)) };
}

/** Adds or removes a field, keeping the server's order. */
export function toggleField(fields: readonly WebhookField[], field: WebhookField, on: boolean): WebhookField[] {
  return webhookFields.filter((f) => (f === field ? on : fields.includes(f)));
}

/** The problems the console can see before any request (the server checks it all again). */
export function checkDraft(d: WebhookDraft): WebhookProblem[] {
  const problems: WebhookProblem[] = [];
  const url = urlProblem(d.url.trim());
  if (url) problems.push(url);
  if (d.verifyToken.length < limits.verifyToken.min || d.verifyToken.length > limits.verifyToken.max)
    problems.push({ field: 'verifyToken', key: 'console.webhook.error.verifyToken', params: limitParams });
  if (d.fields.length === 0) problems.push({ field: 'fields', key: 'console.webhook.error.fields' });
  return problems;
}

const limitParams = { max: limits.verifyToken.max };

type UrlReason = 'scheme' | 'credentials' | 'syntax' | 'too_long';
const urlReasons: readonly string[] = ['scheme', 'credentials', 'syntax', 'too_long'] satisfies UrlReason[];

const problem = (reason: UrlReason): WebhookProblem => ({
  field: 'url',
  key: `console.webhook.error.url.${reason}`,
  params: { max: limits.webhookUrl.max },
});

function urlProblem(text: string): WebhookProblem | null {
  if (text.length > limits.webhookUrl.max) return problem('too_long');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem('syntax');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return problem('scheme');
  if (url.username !== '' || url.password !== '') return problem('credentials');
  return null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * What the server's refusal of a webhook says, for the person who set it: the handshake's failure (which
 * answer the bot gave, or why it could not be reached), a forbidden address, a bad URL, a field the
 * server named. Null for anything else (the generic sentence of the error id is shown then).
 */
export function webhookProblem(e: unknown): WebhookProblem | null {
  if (!(e instanceof ApiError)) return null;
  const d = e.details ?? {};
  switch (e.id) {
    case 'webhook_verification_failed':
      switch (d.reason) {
        case 'status':
          return {
            field: 'general',
            key: 'console.webhook.error.status',
            params: { status: typeof d.status === 'number' ? String(d.status) : '?' },
          };
        case 'challenge':
          return { field: 'general', key: 'console.webhook.error.challenge' };
        case 'timeout':
          return { field: 'general', key: 'console.webhook.error.timeout' };
        case 'dns':
          return { field: 'url', key: 'console.webhook.error.dns' };
        case 'connection': {
          const code = str(d.code);
          return code
            ? { field: 'general', key: 'console.webhook.error.connection', params: { code } }
            : { field: 'general', key: 'console.webhook.error.connectionNoCode' };
        }
        default:
          return null;
      }
    case 'webhook_address_forbidden':
      return { field: 'url', key: 'console.webhook.error.address', params: { kind: str(d.kind) ?? '?' } };
    case 'invalid_webhook_url': {
      const reason = str(d.reason);
      return reason && urlReasons.includes(reason) ? problem(reason as UrlReason) : null;
    }
    case 'bad_request': {
      const named = d.fields && typeof d.fields === 'object' ? Object.keys(d.fields) : [];
      if (named.includes('url')) return problem('syntax');
      if (named.includes('verifyToken'))
        return { field: 'verifyToken', key: 'console.webhook.error.verifyToken', params: limitParams };
      if (named.some((f) => f === 'fields' || f.startsWith('fields.')))
        return { field: 'fields', key: 'console.webhook.error.fields' };
      return null;
    }
    default:
      return null;
  }
}
