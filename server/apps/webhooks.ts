import { randomInt } from 'node:crypto';
import { limits } from '../../protocol/limits.ts';
import { AppError } from '../errors.ts';
import type { PrivateAllowance } from '../lib/ip.ts';
import { get, OutboundError, type Resolve, resolveTarget, systemResolve } from '../lib/outbound.ts';
import { Semaphore } from '../lib/semaphore.ts';

/**
 * A webhook's callback URL, and the Messenger Platform's subscribe handshake: before a callback is stored,
 * the server calls `GET <url>?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<n>` and the
 * callback must answer 200 with exactly the challenge. The request goes through lib/outbound.ts: the host
 * is resolved once and refused if any of its addresses is local or private (unless WEBHOOK_ALLOW_PRIVATE
 * says otherwise), the connection goes to a checked address, no redirect is followed, and nothing of the
 * answer but its status reaches the developer (the server is no proxy for reading other hosts).
 */

export interface WebhookVerifierOptions {
  allowance: PrivateAllowance;
  /** The whole handshake — resolution, connection, answer — must end within this (default 10 s). */
  timeoutMs?: number;
  /** How host names are resolved (the system resolver by default). */
  resolve?: Resolve;
  /** Host-name lookups at once, and waiting (default 2 and 64). */
  lookups?: { concurrent: number; queued: number };
}

/** The most of an answer read: a challenge is a number of ten digits. */
const MAX_ANSWER_BYTES = 1024;

/** Parses a callback URL: http or https, no credentials in it, at most 2,048 characters. */
export function webhookUrl(text: string): URL {
  const refuse = (reason: string, message: string) =>
    new AppError('invalid_webhook_url', `The webhook URL ${message}`, { reason });
  if (text.length > limits.webhookUrl.max)
    throw refuse('too_long', `is longer than ${limits.webhookUrl.max} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('syntax', 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw refuse('scheme', `must be http: or https:, not ${url.protocol.slice(0, 20)}`);
  if (url.username !== '' || url.password !== '') throw refuse('credentials', 'must not hold a user name or password');
  if (url.hostname === '') throw refuse('syntax', 'has no host');
  if (url.href.length > limits.webhookUrl.max)
    throw refuse('too_long', `is longer than ${limits.webhookUrl.max} characters once encoded`);
  return url;
}

export class WebhookVerifier {
  readonly timeoutMs: number;
  /**
   * The system resolver (getaddrinfo) runs on libuv's thread pool, which fsync and password hashing also
   * need, and a developer's DNS server may take its time on purpose: lookups run a few at once, whoever
   * asks, and past the queue a handshake is refused (429) rather than let them take the pool.
   */
  private readonly lookups: Semaphore;
  private readonly resolve: Resolve;

  constructor(private readonly o: WebhookVerifierOptions) {
    this.timeoutMs = o.timeoutMs ?? 10_000;
    const { concurrent, queued } = o.lookups ?? { concurrent: 2, queued: 64 };
    this.lookups = new Semaphore(
      concurrent,
      queued,
      () => new AppError('rate_limited', 'Too many webhooks are being verified; retry in a moment', { retryAfter: 1 }),
    );
    const resolve = o.resolve ?? systemResolve;
    this.resolve = (host) => this.lookups.run(() => resolve(host));
  }

  /**
   * Runs the subscribe handshake against `url`; resolves when the callback answered 200 with the
   * challenge. Throws `webhook_address_forbidden` or `webhook_verification_failed` (details say why).
   */
  async verify(url: URL, verifyToken: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    // A number, as Facebook sends: callbacks that echo it back as a number still answer it exactly.
    const challenge = String(randomInt(1_000_000_000, 2_147_483_647));
    const call = new URL(url.href);
    call.hash = '';
    const hub = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': verifyToken,
      'hub.challenge': challenge,
    });
    call.search = `${call.search}${call.search ? '&' : '?'}${hub}`;
    let answer: Awaited<ReturnType<typeof get>>;
    try {
      const target = await resolveTarget(url, this.o.allowance, { timeoutMs: this.timeoutMs, resolve: this.resolve });
      answer = await get(target, {
        url: call,
        timeoutMs: Math.max(1, deadline - Date.now()),
        maxBytes: MAX_ANSWER_BYTES,
      });
    } catch (e) {
      if (!(e instanceof OutboundError)) throw e; // rate_limited from the lookups' queue, or a bug
      const f = e.failure;
      if (f.reason === 'address') {
        throw new AppError(
          'webhook_address_forbidden',
          `The webhook's host is a ${f.kind} address, which this server does not call`,
          { kind: f.kind },
        );
      }
      if (f.reason === 'timeout') {
        // The deadline of the whole handshake, whichever step ran out of it.
        throw failed(`The webhook did not answer the verification request within ${this.timeoutMs / 1000} s`, {
          reason: 'timeout',
          timeoutMs: this.timeoutMs,
        });
      }
      throw failed(`The webhook could not be verified: ${e.message}`, { ...f });
    }
    if (answer.status !== 200) {
      throw failed(`The webhook answered ${answer.status} to the verification request, not 200 with the challenge`, {
        reason: 'status',
        status: answer.status,
      });
    }
    if (answer.truncated || answer.body.toString('utf8') !== challenge) {
      throw failed('The webhook answered 200, but not with the challenge (hub.challenge) alone', {
        reason: 'challenge',
      });
    }
  }
}

const failed = (message: string, details: Record<string, unknown>) =>
  new AppError('webhook_verification_failed', message, details);
