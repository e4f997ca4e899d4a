import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * Which reverse proxies are believed about the client's address (`X-Forwarded-For`), protocol
 * (`X-Forwarded-Proto`) and host (`X-Forwarded-Host`) — `TRUST_PROXY`:
 * - `false`: none; the address is the connecting peer's.
 * - a hop count: that many proxies in front; the address is the one the outermost of them saw. Whoever
 *   connects is taken for the first proxy, so the server must be reachable only through it.
 * - addresses / CIDR ranges of the proxies: the chain is walked from the peer while the hops are in the
 *   list; the first address outside it is the client.
 */
export type TrustProxy = false | number | string[];

/** `(address, hop)` → is that hop a proxy whose word we take (proxy-addr's trust function). */
export type TrustFn = (address: string, hop: number) => boolean;

/** Parses `TRUST_PROXY`; throws an Error whose message says what to set instead. */
export function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim();
  if (['', 'false', 'no', '0'].includes(value.toLowerCase())) return false;
  if (['true', 'yes'].includes(value.toLowerCase())) {
    throw new Error(
      'TRUST_PROXY=true is refused: it believes the leftmost X-Forwarded-For, which the client writes, so anyone ' +
        'could choose the address every per-address limit counts. Set the number of reverse proxies in front ' +
        '(TRUST_PROXY=1 for one) or their addresses (e.g. TRUST_PROXY=127.0.0.1 or TRUST_PROXY=10.0.0.0/8,::1).',
    );
  }
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(',').map((v) => v.trim());
  if (list.some((v) => v === '')) throw new Error(`TRUST_PROXY has an empty entry: "${raw}"`);
  try {
    proxyAddr.compile(list);
  } catch (e) {
    throw new Error(
      `TRUST_PROXY must be false, a hop count, or a comma-separated list of IP addresses / CIDR ranges (${(e as Error).message})`,
    );
  }
  return list;
}

/** The trust function for Fastify (`trustProxy`) and for the socket upgrade — the same one for both. */
export function trustFunction(trust: TrustProxy): TrustFn | false {
  if (trust === false) return false;
  // Fastify 5.12 turns a numeric trustProxy into "trust nobody"; a hop count is passed as this function.
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

export interface ClientOrigin {
  /** The client's address, as used by per-address limits and shown in the sessions list. */
  ip: string;
  protocol: string;
  host: string;
}

/**
 * The client's address, protocol and host for a raw request (the socket upgrade), by the same rule as
 * Fastify's `req.ip`, `req.protocol` and `req.host` under `trustProxy: trust` (lib/request.js): the
 * address from proxy-addr; the protocol and host from the last X-Forwarded-Proto / -Host entry when the
 * peer itself is trusted. proxy.test.ts checks that both agree.
 */
export function clientOrigin(req: IncomingMessage, trust: TrustFn | false): ClientOrigin {
  const socket = req.socket;
  const peer = socket.remoteAddress;
  const encrypted = 'encrypted' in socket && socket.encrypted === true;
  const host = req.headers.host ?? '';
  if (!trust) return { ip: peer ?? 'unknown', protocol: encrypted ? 'https' : 'http', host };
  const chain = proxyAddr.all(req, trust);
  const peerTrusted = peer !== undefined && trust(peer, 0);
  const fwdProto = req.headers['x-forwarded-proto'];
  const fwdHost = req.headers['x-forwarded-host'];
  return {
    ip: chain[chain.length - 1] ?? 'unknown',
    protocol: peerTrusted && fwdProto ? lastEntry(fwdProto) : encrypted ? 'https' : 'http',
    host: peerTrusted && fwdHost ? lastEntry(fwdHost) : host,
  };
}

function lastEntry(header: string | string[]): string {
  const value = Array.isArray(header) ? header.join(',') : header;
  const i = value.lastIndexOf(',');
  return i === -1 ? value.trim() : value.slice(i + 1).trim();
}
