import { AppError } from '../errors.ts';
import type { PrivateAllowance } from '../lib/ip.ts';
import {
  type Answer,
  OutboundError,
  type OutboundFailure,
  type Resolve,
  request,
  resolveTarget,
  systemResolve,
} from '../lib/outbound.ts';
import { Semaphore } from '../lib/semaphore.ts';

/**
 * Requests Comptoir makes to a content app's host (its query URL, its icon), through lib/outbound.ts as
 * webhooks are: the host resolved once and refused if any address is local or private (unless
 * WEBHOOK_ALLOW_PRIVATE allows it), the connection pinned to a checked address, no redirect followed, a
 * deadline on the whole exchange, the answer's size bounded. Host-name lookups run a few at once (the
 * system resolver takes libuv's thread pool, which fsync needs too), and requests at most `requests` at
 * once: past the queues a call is refused at once rather than let a slow app's callers pile up.
 */
export interface AppCallerOptions {
  allowance: PrivateAllowance;
  resolve?: Resolve;
  lookups?: { concurrent: number; queued: number };
  requests?: { concurrent: number; queued: number };
}

export interface Call {
  method: 'GET' | 'POST';
  timeoutMs: number;
  maxBytes: number;
  body?: Buffer;
  headers?: Record<string, string>;
}

export class AppCaller {
  private readonly lookups: Semaphore;
  private readonly requests: Semaphore;
  private readonly resolve: Resolve;

  constructor(private readonly o: AppCallerOptions) {
    const busy = () =>
      new AppError('rate_limited', 'Too many content app requests at once; retry in a moment', { retryAfter: 1 });
    const l = o.lookups ?? { concurrent: 4, queued: 256 };
    const r = o.requests ?? { concurrent: 256, queued: 1024 };
    this.lookups = new Semaphore(l.concurrent, l.queued, busy);
    this.requests = new Semaphore(r.concurrent, r.queued, busy);
    const resolve = o.resolve ?? systemResolve;
    this.resolve = (host) => this.lookups.run(() => resolve(host));
  }

  /** The answer (any status); throws OutboundError (refused address, timeout, no connection) or `rate_limited`. */
  call(url: URL, c: Call): Promise<Answer> {
    return this.requests.run(async () => {
      const deadline = Date.now() + c.timeoutMs;
      const target = await resolveTarget(url, this.o.allowance, { resolve: this.resolve, timeoutMs: c.timeoutMs });
      return request(target, {
        method: c.method,
        timeoutMs: Math.max(1, deadline - Date.now()),
        maxBytes: c.maxBytes,
        ...(c.body ? { body: c.body } : {}),
        ...(c.headers ? { headers: c.headers } : {}),
      });
    });
  }
}

/** Why a call failed, as the `reason` of an error's details (and in words for its message). */
export function failureDetails(f: OutboundFailure): { reason: string; words: string; [k: string]: unknown } {
  switch (f.reason) {
    case 'address':
      return {
        reason: 'address',
        kind: f.kind,
        words: `its host is a ${f.kind} address, which this server does not call`,
      };
    case 'timeout':
      return { reason: 'timeout', timeoutMs: f.timeoutMs, words: `it did not answer within ${f.timeoutMs / 1000} s` };
    case 'dns':
      return { reason: 'unreachable', code: f.code, words: `its host name could not be resolved (${f.code})` };
    case 'connection':
      return { reason: 'unreachable', code: f.code, words: `it could not be reached (${f.code})` };
  }
}

export { OutboundError };
