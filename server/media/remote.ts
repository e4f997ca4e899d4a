import { finished, type Readable, Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors.ts';
import type { PrivateAllowance } from '../lib/ip.ts';
import { getStream, OutboundError, type Resolve, resolveTarget, type Streamed } from '../lib/outbound.ts';

/**
 * Media fetched by URL on someone's behalf (the Graph API's attachments by URL, content apps' results):
 * through lib/outbound.ts, the webhooks' SSRF protection — the host resolved once, every address checked
 * (no loopback, private, link-local… unless the operator allows it), the connection made to a checked
 * address. http and https only. Up to 3 redirects are followed (CDNs redirect), each to an http(s) URL
 * resolved and checked like the first. One deadline covers the whole exchange, redirects and body
 * included; the body is cut off past `maxBytes`. Every failure is `media_fetch_failed` with its reason —
 * thrown, or, once the body streams, the error the body is destroyed with.
 */

export interface FetchRemoteOptions {
  /** The whole exchange — every redirect, the body to its end — within this. */
  timeoutMs: number;
  /** The most bytes read; a body announced or found longer fails. */
  maxBytes: number;
  resolve?: Resolve;
  /** Which non-public addresses may be reached (the operator's allowance); none by default. */
  allowPrivate?: PrivateAllowance;
}

export interface Fetched {
  body: Readable;
  contentType: string | null;
  contentLength: number | null;
}

export const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const failed = (reason: string, cause?: unknown) =>
  new AppError('media_fetch_failed', `The attachment could not be fetched from its URL: ${reason}`, undefined, {
    cause,
  });

/** An http(s) URL without credentials, or why not. */
function checkUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw failed('it is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw failed('only http and https URLs are fetched');
  if (url.username || url.password) throw failed('a URL with a user name or password is not fetched');
  return url;
}

const reasonOf = (e: unknown): string =>
  e instanceof OutboundError ? e.message : e instanceof Error ? e.message : String(e);

export async function fetchRemote(url: string, o: FetchRemoteOptions): Promise<Fetched> {
  const deadline = Date.now() + o.timeoutMs;
  const allowance = o.allowPrivate ?? 'none';
  let current = checkUrl(url);
  for (let redirects = 0; ; redirects++) {
    const left = deadline - Date.now();
    if (left <= 0) throw failed(`no complete answer within ${o.timeoutMs / 1000} s`);
    let answer: Streamed;
    try {
      const target = await resolveTarget(current, allowance, { resolve: o.resolve, timeoutMs: left });
      // The deadline is the whole exchange's: this request gets what is left of it.
      answer = await getStream(target, { timeoutMs: Math.max(1, deadline - Date.now()) });
    } catch (e) {
      if (e instanceof OutboundError && e.failure.reason === 'timeout') {
        throw failed(`no complete answer within ${o.timeoutMs / 1000} s`, e);
      }
      throw failed(reasonOf(e), e);
    }
    const { status, headers, body } = answer;
    if (REDIRECTS.has(status)) {
      body.destroy();
      if (redirects === MAX_REDIRECTS) throw failed(`more than ${MAX_REDIRECTS} redirects`);
      const location = headers.location;
      if (!location) throw failed(`a redirect (${status}) without a location`);
      current = checkUrl(location, current);
      continue;
    }
    if (status < 200 || status > 299) {
      body.destroy();
      throw failed(`the server answered ${status}`);
    }
    const announced = headers['content-length'] === undefined ? null : Number(headers['content-length']);
    const contentLength = announced !== null && Number.isSafeInteger(announced) && announced >= 0 ? announced : null;
    if (contentLength !== null && contentLength > o.maxBytes) {
      body.destroy();
      throw failed(`the file is larger than ${o.maxBytes} bytes`);
    }
    return {
      body: bounded(body, o.maxBytes, o.timeoutMs),
      contentType: headers['content-type'] ?? null,
      contentLength,
    };
  }
}

/** Passes the body on, failing it past `maxBytes`; its failures (timeout, connection cut) become `media_fetch_failed`. */
class Bounded extends Transform {
  private size = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) callback(failed(`the file is larger than ${this.maxBytes} bytes`));
    else callback(null, chunk);
  }
}

function bounded(body: Readable, maxBytes: number, timeoutMs: number): Readable {
  const out = new Bounded(maxBytes);
  body.pipe(out);
  finished(body, (e) => {
    if (!e) return;
    const timedOut = e instanceof OutboundError && e.failure.reason === 'timeout';
    const reason = timedOut
      ? `no complete answer within ${timeoutMs / 1000} s`
      : `the connection failed before the end of the file (${reasonOf(e)})`;
    out.destroy(failed(reason, e));
  });
  // The reader giving up (or the limit passed) closes the connection.
  out.once('close', () => body.destroy());
  return out;
}
