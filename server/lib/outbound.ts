import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { type PrivateAllowance, parseIp, type RefusedKind, refusedKind } from './ip.ts';

/**
 * Requests the server makes on a developer's behalf (the webhook handshake; deliveries later), to hosts
 * the developer names: the host is resolved once, every address it resolves to must be allowed
 * (lib/ip.ts: no loopback, private, link-local… unless the operator allows them), and the connection goes
 * to one of those very addresses — the request's `lookup` answers them, so a DNS answer that changes
 * between the check and the connection (DNS rebinding) changes nothing. No redirect is followed, the
 * whole exchange has a deadline, and the body read is bounded.
 */

export interface Address {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (node:dns lookup, what the system resolver says). */
export type Resolve = (hostname: string) => Promise<Address[]>;
export const systemResolve: Resolve = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Why an outbound request did not happen or did not finish. */
export type OutboundFailure =
  | { reason: 'dns'; code: string }
  | { reason: 'address'; kind: RefusedKind }
  | { reason: 'timeout'; timeoutMs: number }
  | {
      reason: 'connection';
      code: string;
      /**
       * It failed on a connection kept alive from an earlier request, before any byte of the answer: the
       * endpoint may have closed that connection as idle just as the request went out (a race no client
       * can avoid), so the request may never have been seen. Only with the caller's `agent`.
       */
      reusedSocket?: true;
    };

export class OutboundError extends Error {
  constructor(readonly failure: OutboundFailure) {
    super(describe(failure));
    this.name = 'OutboundError';
  }
}

function describe(f: OutboundFailure): string {
  switch (f.reason) {
    case 'dns':
      return `the host name could not be resolved (${f.code})`;
    case 'address':
      return `the host resolves to a ${f.kind} address, which this server does not connect to`;
    case 'timeout':
      return `no complete answer within ${f.timeoutMs / 1000} s`;
    case 'connection':
      return `the connection failed (${f.code})`;
  }
}

/** A URL whose host has been resolved and checked: requests go to these addresses only. */
export interface Target {
  url: URL;
  addresses: Address[];
}

/**
 * Resolves the URL's host (an IP literal is its own answer) and checks every address it resolves to; one
 * refused address refuses the host (it could be the one a later connection picks). Throws OutboundError.
 */
export async function resolveTarget(
  url: URL,
  allowance: PrivateAllowance,
  o: { resolve?: Resolve; timeoutMs: number },
): Promise<Target> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = parseIp(host);
  let addresses: Address[];
  if (literal) addresses = [{ address: host, family: literal.length === 4 ? 4 : 6 }];
  else {
    try {
      addresses = await within((o.resolve ?? systemResolve)(host), o.timeoutMs);
    } catch (e) {
      // A resolver's failure has a code (ENOTFOUND, EAI_AGAIN…); anything else is not about the name.
      const code = (e as { code?: unknown }).code;
      if (e instanceof OutboundError || typeof code !== 'string') throw e;
      throw new OutboundError({ reason: 'dns', code });
    }
    if (addresses.length === 0) throw new OutboundError({ reason: 'dns', code: 'ENODATA' });
  }
  for (const a of addresses) {
    const kind = refusedKind(a.address, allowance);
    if (kind) throw new OutboundError({ reason: 'address', kind });
  }
  return { url, addresses };
}

export interface Answer {
  status: number;
  /** At most `maxBytes` of the body. */
  body: Buffer;
  /** The body was longer than `maxBytes` (the rest was not read). */
  truncated: boolean;
}

export interface GetOptions {
  /** The whole exchange — connection, TLS, headers, body — must end within this. */
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
  /** The URL to request, which must have the target's host (default: the target's URL). */
  url?: URL;
}

/**
 * GETs a checked target, connecting only to its addresses; a redirect is an answer like any other (not
 * followed). Throws OutboundError for a timeout or a failed connection.
 */
export function get(target: Target, o: GetOptions): Promise<Answer> {
  return request(target, { ...o, method: 'GET' });
}

export interface RequestOptions extends GetOptions {
  method: 'GET' | 'POST';
  body?: Buffer;
  /**
   * Connections kept alive between requests to this same target (webhook deliveries). By default each
   * request opens a fresh connection. A pooled connection was opened to one of the target's checked
   * addresses, like any other.
   */
  agent?: http.Agent;
}

/** Sends a request to a checked target, as `get` does, with a method and a body. */
export function request(target: Target, o: RequestOptions): Promise<Answer> {
  const url = o.url ?? target.url;
  if (url.host !== target.url.host) throw new Error('request(): the URL is not the target');
  const pinned = pinnedLookup(target);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let answered = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = client.request(
      url,
      {
        method: o.method,
        lookup: pinned,
        // A fresh connection to a checked address, or one of the caller's own pool for this target.
        agent: o.agent ?? false,
        headers: {
          'user-agent': 'Comptoir',
          accept: '*/*',
          ...(o.body ? { 'content-length': String(o.body.length) } : {}),
          ...o.headers,
        },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (truncated: boolean) =>
          finish(() => {
            // A body read whole leaves its connection reusable; one cut short closes it.
            if (truncated || !o.agent) res.destroy();
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, o.maxBytes), truncated });
          });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size > o.maxBytes) done(true);
        });
        res.on('end', () => done(false));
        res.on('error', (e) => finish(() => reject(connectionError(e))));
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(new OutboundError({ reason: 'timeout', timeoutMs: o.timeoutMs })));
      req.destroy();
    }, o.timeoutMs);
    req.on('error', (e) => finish(() => reject(connectionError(e, !answered && req.reusedSocket))));
    req.end(o.body);
  });
}

/** A `lookup` for the request that answers the target's checked addresses, whatever DNS says now. */
function pinnedLookup(target: Target): LookupFunction {
  return (_hostname, options, callback) => {
    const all = (options as { all?: boolean }).all === true;
    if (all) (callback as unknown as (e: null, a: Address[]) => void)(null, target.addresses);
    else {
      const first = target.addresses[0] as Address;
      callback(null, first.address, first.family);
    }
  };
}

export interface Streamed {
  status: number;
  headers: http.IncomingHttpHeaders;
  /**
   * The body as it arrives. The exchange's deadline still runs: when it passes before the body's end, the
   * body is destroyed with a timeout OutboundError; a connection cut mid-body is an error of the body too.
   * The caller reads it to its end or destroys it.
   */
  body: Readable;
}

/**
 * GETs a checked target as `get` does — its addresses only, no redirect followed, one deadline for the
 * whole exchange — but answers once the headers arrive, with the body as a stream (for bodies too large to
 * hold, such as media). Throws OutboundError when no answer comes in time or the connection fails.
 */
export function getStream(target: Target, o: Omit<GetOptions, 'maxBytes'>): Promise<Streamed> {
  const url = o.url ?? target.url;
  if (url.host !== target.url.host) throw new Error('getStream(): the URL is not the target');
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Streamed>((resolve, reject) => {
    let response: http.IncomingMessage | null = null;
    const timeout = () => new OutboundError({ reason: 'timeout', timeoutMs: o.timeoutMs });
    const req = client.request(
      url,
      {
        method: 'GET',
        lookup: pinnedLookup(target),
        agent: false,
        headers: { 'user-agent': 'Comptoir', accept: '*/*', ...o.headers },
      },
      (res) => {
        response = res;
        res.once('close', () => clearTimeout(timer));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      },
    );
    const timer = setTimeout(() => {
      if (response) response.destroy(timeout());
      else {
        reject(timeout());
        req.destroy();
      }
    }, o.timeoutMs);
    req.on('error', (e) => {
      if (response) return; // the body reports it
      clearTimeout(timer);
      reject(connectionError(e));
    });
    req.end();
  });
}

function connectionError(e: unknown, reusedSocket = false): OutboundError {
  const code = (e as { code?: string }).code ?? 'ERROR';
  return new OutboundError({ reason: 'connection', code, ...(reusedSocket ? { reusedSocket: true } : {}) });
}

/** The promise's outcome, or a timeout OutboundError after `timeoutMs` (the lookup itself cannot be cancelled). */
function within<T>(p: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutboundError({ reason: 'timeout', timeoutMs })), timeoutMs);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
